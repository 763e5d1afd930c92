package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"nasbook/engine/data"
	"nasbook/engine/oneshot"
	"nasbook/engine/search/tabular"
	"nasbook/nb"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// oneshotStrategy reports whether args ask for a one-shot strategy
// (darts, darts2, gdas, spos), which search.go hands to runOneshot.
func oneshotStrategy(args []string) bool {
	for i, a := range args {
		v, ok := "", false
		switch {
		case a == "-strategy" || a == "--strategy":
			if i+1 < len(args) {
				v, ok = args[i+1], true
			}
		case strings.HasPrefix(a, "-strategy=") || strings.HasPrefix(a, "--strategy="):
			_, v, ok = strings.Cut(a, "=")
		}
		if ok {
			_, err := oneshot.ParseMethod(strings.ToLower(v))
			return err == nil
		}
	}
	return false
}

type oneshotReport struct {
	Space        string                `json:"space"`
	Strategy     string                `json:"strategy"`
	Data         string                `json:"data"`
	Epochs       int                   `json:"epochs"`
	Genotype     string                `json:"genotype"`
	Weights      map[string][]edgeJSON `json:"weights"` // per cell kind
	Diagnostics  oneshot.Diagnostics   `json:"diagnostics"`
	History      []epochJSON           `json:"history"`
	StoppedEarly bool                  `json:"stopped_early,omitempty"`
	Seconds      float64               `json:"search_seconds"`
	Retrain      *retrainJSON          `json:"retrain,omitempty"`
	TabularAcc   *float64              `json:"tabular_cifar10_test,omitempty"` // NAS-Bench-201, 200 epochs on CIFAR-10
}

type edgeJSON struct {
	Edge    string             `json:"edge"`
	Weights map[string]float64 `json:"weights"`
}

type epochJSON struct {
	Epoch     int     `json:"epoch"`
	TrainAcc  float64 `json:"train_acc"`
	ValidAcc  float64 `json:"valid_acc,omitempty"`
	Entropy   float64 `json:"entropy"`
	Derived   string  `json:"derived,omitempty"`
	Skips     int     `json:"skips"`
	ParamFree int     `json:"param_free"`
}

type retrainJSON struct {
	Epochs  int     `json:"epochs"`
	Params  int     `json:"params"`
	TestAcc float64 `json:"test_acc"`
	Seconds float64 `json:"seconds"`
}

func runOneshot(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ExitOnError)
	spaceName := fs.String("space", "nb201", "search `space`: nb201 or darts")
	strategy := fs.String("strategy", "darts", "one-shot method: darts|darts2|gdas|spos")
	dataName := fs.String("data", "shapes", "`dataset`: mnist14, mnist7, mnist28 or shapes (16x16, 6 classes)")
	images := fs.Int("images", 640, "training images for the search, halved into weight and architecture splits")
	epochs := fs.Int("epochs", 10, "search epochs")
	c := fs.Int("C", 4, "channels of the first cells")
	n := fs.Int("N", 1, "nb201: cells per stage")
	layers := fs.Int("layers", 5, "darts: cells in all")
	batch := fs.Int("batch", 32, "batch size")
	archLR := fs.Float64("arch-lr", 0, "learning rate of the architecture weights (0: the default, 3e-3)")
	maxSkips := fs.Int("max-skips", 0, "cap the skip connections of the derived cell (P-DARTS); 0: no cap")
	maxFree := fs.Int("max-param-free", 0, "cap the parameter-free ops (skips and pools) of the derived cell; 0: no cap")
	stopSkips := fs.Int("stop-skips", 0, "stop once the derived cell has this many skip connections (DARTS+); 0: never")
	auxSkip := fs.Bool("aux-skip", false, "auxiliary skip with decaying beta on every edge (DARTS-)")
	seed := fs.Int64("seed", 1, "seed")
	retrain := fs.Int("retrain", 0, "retrain the derived network from scratch for this many `epochs` on the whole training set and report its test accuracy")
	table := fs.String("table", "../shared/data/nb201/accuracy-200ep.csv", "NAS-Bench-201 accuracy `table`, read when present")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	method, err := oneshot.ParseMethod(strings.ToLower(*strategy))
	if err != nil {
		return err
	}
	d, err := loadSearchData(*dataName, *seed)
	if err != nil {
		return err
	}
	tr := d.Train
	sk := oneshot.Skeleton{C: *c, N: *n, Layers: *layers, Input: []int{tr.C, tr.H, tr.W}, Classes: tr.Classes}
	switch *spaceName {
	case "nb201":
	case "darts":
		sk.Macro = spec.MacroDARTS
	default:
		return fmt.Errorf("unknown -space %q (want nb201 or darts)", *spaceName)
	}
	net, err := oneshot.NewSupernet(sk, data.NewRand(*seed))
	if err != nil {
		return err
	}
	wtrain, wvalid := nb.SplitForSearch(tr, *images, *seed)
	res, err := oneshot.Search(context.Background(), net, wtrain, wvalid, oneshot.Config{Method: method, Epochs: *epochs, Batch: *batch,
		ArchLR: *archLR, MaxSkips: *maxSkips, MaxParamFree: *maxFree, StopSkips: *stopSkips, AuxSkip: *auxSkip, Seed: *seed,
		OnEpoch: func(l oneshot.EpochLog) {
			if !*asJSON {
				fmt.Fprintf(os.Stderr, "epoch %d: train acc %.3f, valid acc %.3f, entropy %.3f, %s (%d skips, %d parameter-free)\n",
					l.Epoch+1, l.TrainAcc, l.ValidAcc, l.Entropy, l.Derived, l.Skips, l.ParamFree)
			}
		}})
	if err != nil {
		return err
	}
	rep := oneshotReport{Space: *spaceName, Strategy: method.String(), Data: d.Name, Epochs: len(res.History),
		Genotype: res.Derived.Notation, Diagnostics: res.Derived.Diagnostics, StoppedEarly: res.StoppedEarly,
		Seconds: res.Seconds, Weights: map[string][]edgeJSON{}}
	for k, kind := range res.Kinds {
		for e, ed := range res.Edges {
			ej := edgeJSON{Edge: fmt.Sprintf("%d-%d", ed.From, ed.To), Weights: map[string]float64{}}
			for o, op := range res.Ops {
				ej.Weights[op] = res.Weights[k][e][o]
			}
			rep.Weights[kind] = append(rep.Weights[kind], ej)
		}
	}
	for _, l := range res.History {
		ej := epochJSON{Epoch: l.Epoch + 1, TrainAcc: l.TrainAcc, Entropy: l.Entropy, Derived: l.Derived, Skips: l.Skips, ParamFree: l.ParamFree}
		if l.ValidAcc == l.ValidAcc {
			ej.ValidAcc = l.ValidAcc
		}
		rep.History = append(rep.History, ej)
	}
	if *retrain > 0 {
		rr, err := oneshot.Retrain(context.Background(), res.Derived.Spec, d.Train, d.Valid, d.Test, oneshot.RetrainConfig{Epochs: *retrain, Seed: *seed})
		if err != nil {
			return fmt.Errorf("retrain: %w", err)
		}
		rep.Retrain = &retrainJSON{Epochs: *retrain, Params: rr.Params, TestAcc: rr.TestAcc, Seconds: rr.Seconds}
	}
	if *spaceName == "nb201" && res.Derived.Notation != "" {
		if acc, ok := nb201Accuracy(*table, res.Derived.Notation); ok {
			rep.TabularAcc = &acc
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%s on %s (%s), %d epochs in %.1f s\n", rep.Strategy, rep.Space, rep.Data, rep.Epochs, rep.Seconds)
	fmt.Fprintf(stdout, "derived: %s\n", rep.Genotype)
	fmt.Fprintf(stdout, "diagnostics: %d skip connections, %d parameter-free ops in the normal cell\n", rep.Diagnostics.Skips, rep.Diagnostics.ParamFree)
	for _, kind := range res.Kinds {
		for _, e := range rep.Weights[kind] {
			fmt.Fprintf(stdout, "  %s %s:", kind, e.Edge)
			for _, op := range res.Ops {
				fmt.Fprintf(stdout, " %s=%.3f", op, e.Weights[op])
			}
			fmt.Fprintln(stdout)
		}
	}
	if rep.Retrain != nil {
		fmt.Fprintf(stdout, "retrained %d epochs: test accuracy %.2f%% (%d parameters, %.1f s)\n", rep.Retrain.Epochs, 100*rep.Retrain.TestAcc, rep.Retrain.Params, rep.Retrain.Seconds)
	}
	if rep.TabularAcc != nil {
		fmt.Fprintf(stdout, "NAS-Bench-201 CIFAR-10 test accuracy (200 epochs): %.2f%%\n", *rep.TabularAcc)
	}
	return nil
}

// loadSearchData returns a named dataset with train, valid and test parts.
func loadSearchData(name string, seed int64) (*nb.Data, error) {
	switch name {
	case "mnist14", "mnist7", "mnist28":
		size := map[string]int{"mnist14": 14, "mnist7": 7, "mnist28": 28}[name]
		s := nb.NewSession(io.Discard, nil)
		s.Files = nb.NativeFiles()
		var d *nb.Data
		err := catch(func() { d = s.MNIST(size) })
		return d, err
	case "shapes":
		g := data.Shapes{N: 2000, Size: 16, Noise: 0.1, Seed: seed}.Generate()
		sp := g.Split(0.15, 0.15, data.NewRand(seed))
		return &nb.Data{Name: g.Name, Train: sp.Train, Valid: sp.Valid, Test: sp.Test}, nil
	}
	return nil, fmt.Errorf("unknown -data %q (want mnist14, mnist7, mnist28 or shapes)", name)
}

// catch turns an nb panic into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// nb201Accuracy looks arch up in a NAS-Bench-201 table, if the file exists.
func nb201Accuracy(file, arch string) (float64, bool) {
	f, err := os.Open(file)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	t, err := tabular.Read(file, f)
	if err != nil {
		return 0, false
	}
	a, err := nb201.Parse(arch)
	if err != nil {
		return 0, false
	}
	col := -1
	for i, c := range t.Columns {
		if c == "cifar10_test" {
			col = i
		}
	}
	if col < 0 {
		return 0, false
	}
	for i, r := range t.Rows {
		if b, err := nb201.Parse(r.Arch); err == nil && b == a {
			v, err := t.Float(i, col)
			return v, err == nil
		}
	}
	return 0, false
}
