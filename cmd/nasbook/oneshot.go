package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"nasbook/engine/data"
	"nasbook/engine/oneshot"
	"nasbook/engine/search/tabular"
	"nasbook/engine/train"
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

// oneshotSpaces are the macro skeletons a supernet is built on.
var oneshotSpaces = []string{"nb201", "darts"}

// oneshotOpts are the flags of a one-shot search.
type oneshotOpts struct {
	space, strategy, data, table          string
	images, epochs, c, n, layers, batch   int
	maxSkips, maxFree, stopSkips, retrain int
	archSteps                             int
	archLR, archDecay                     float64
	seed                                  int64
	auxSkip, json, quiet                  bool
}

func oneshotFlags() (*flag.FlagSet, *oneshotOpts) {
	o := &oneshotOpts{}
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.StringVar(&o.space, "space", "nb201", "search `space`: "+list(oneshotSpaces))
	fs.StringVar(&o.strategy, "strategy", "darts", "one-shot `method`: "+list(oneshotNames()))
	fs.StringVar(&o.data, "data", "shapes", "`dataset`: "+list(searchDataNames)+" (shapes: 16x16, 6 classes), or your own:\n"+ownDataForms)
	fs.IntVar(&o.images, "images", 640, "training images for the search, halved into weight and architecture splits")
	fs.IntVar(&o.epochs, "epochs", 10, "search epochs")
	fs.IntVar(&o.c, "C", 4, "channels of the first cells")
	fs.IntVar(&o.n, "N", 1, "nb201: cells per stage")
	fs.IntVar(&o.layers, "layers", 5, "darts: cells in all")
	fs.IntVar(&o.batch, "batch", 32, "batch size")
	fs.Float64Var(&o.archLR, "arch-lr", 0, "learning rate of the architecture weights (0: the default, 3e-3)")
	fs.Float64Var(&o.archDecay, "arch-decay", 0, "weight decay of the architecture weights (0: the default, 1e-3; negative: none)")
	fs.IntVar(&o.archSteps, "arch-steps", 0, "architecture steps before each weight step (0: the default, 1)")
	fs.IntVar(&o.maxSkips, "max-skips", 0, "cap the skip connections of the derived cell (P-DARTS); 0: no cap")
	fs.IntVar(&o.maxFree, "max-param-free", 0, "cap the parameter-free ops (skips and pools) of the derived cell; 0: no cap")
	fs.IntVar(&o.stopSkips, "stop-skips", 0, "stop once the derived cell has this many skip connections (DARTS+); 0: never")
	fs.BoolVar(&o.auxSkip, "aux-skip", false, "auxiliary skip with decaying beta on every edge (DARTS-)")
	fs.Int64Var(&o.seed, "seed", 1, "seed")
	fs.IntVar(&o.retrain, "retrain", 0, "retrain the derived network from scratch for this many `epochs` on the whole training set and report its test accuracy")
	fs.StringVar(&o.table, "table", "../shared/data/nb201/accuracy-200ep.csv", "NAS-Bench-201 accuracy `table`, read when present")
	fs.BoolVar(&o.json, "json", false, "print one JSON object")
	fs.BoolVar(&o.quiet, "q", false, "show no progress on standard error")
	fs.Usage = func() {
		sfs, _ := searchFlags()
		searchUsage(fs.Output(), sfs)
	}
	return fs, o
}

func runOneshot(args []string, stdout io.Writer) error {
	fs, o := oneshotFlags()
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkAll(atLeast("epochs", o.epochs, 1), atLeast("batch", o.batch, 1), atLeast("images", o.images, 2*o.batch),
		atLeast("C", o.c, 1), atLeast("N", o.n, 1), atLeast("layers", o.layers, 1), atLeast("arch-lr", o.archLR, 0), atLeast("arch-steps", o.archSteps, 0),
		atLeast("max-skips", o.maxSkips, 0), atLeast("max-param-free", o.maxFree, 0), atLeast("stop-skips", o.stopSkips, 0),
		atLeast("retrain", o.retrain, 0)); err != nil {
		return err
	}
	method, err := oneshot.ParseMethod(strings.ToLower(o.strategy))
	if err != nil {
		return fmt.Errorf("-strategy: %w", err)
	}
	if !slices.Contains(oneshotSpaces, o.space) {
		return fmt.Errorf("-space %q: a one-shot search takes %s", o.space, list(oneshotSpaces))
	}
	if o.space == "darts" {
		if err := checkAll(atLeast("layers", o.layers, 3)); err != nil { // a DARTS network has two reduction cells and a normal one at least
			return err
		}
	}
	d, err := loadSearchData(o.data, o.seed)
	if err != nil {
		return err
	}
	tr := d.Train
	sk := oneshot.Skeleton{C: o.c, N: o.n, Layers: o.layers, Input: []int{tr.C, tr.H, tr.W}, Classes: tr.Classes}
	if o.space == "darts" {
		sk.Macro = spec.MacroDARTS
	}
	net, err := oneshot.NewSupernet(sk, data.NewRand(o.seed))
	if err != nil {
		return err
	}
	wtrain, wvalid := oneshot.SplitForSearch(tr, o.images, o.seed)
	m := newMeter(method.String(), o.quiet)
	res, err := oneshot.Search(context.Background(), net, wtrain, wvalid, oneshot.Config{Method: method, Epochs: o.epochs, Batch: o.batch,
		ArchLR: o.archLR, ArchWeightDecay: o.archDecay, ArchSteps: o.archSteps, MaxSkips: o.maxSkips, MaxParamFree: o.maxFree, StopSkips: o.stopSkips, AuxSkip: o.auxSkip, Seed: o.seed,
		OnWeights: func(s oneshot.Snapshot) {
			if s.Steps > 0 {
				m.Update(float64(s.Step)/float64(s.Steps), fmt.Sprintf("epoch %d/%d, step %d/%d", min(s.Epoch+1, o.epochs), o.epochs, s.Step, s.Steps))
			}
		},
		OnEpoch: func(l oneshot.EpochLog) {
			if !o.json && !o.quiet {
				m.Printf("epoch %d: train acc %.3f, valid acc %.3f, entropy %.3f, %s (%d skips, %d parameter-free)\n",
					l.Epoch+1, l.TrainAcc, l.ValidAcc, l.Entropy, l.Derived, l.Skips, l.ParamFree)
			}
		}})
	m.Finish()
	if err != nil {
		return err
	}
	rep := oneshotReport{Space: o.space, Strategy: method.String(), Data: d.Name, Epochs: len(res.History),
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
	if o.retrain > 0 {
		rm := newMeter("retrain", o.quiet)
		rm.Count(0, o.retrain, "epochs")
		rr, err := oneshot.Retrain(context.Background(), res.Derived.Spec, d.Train, d.Valid, d.Test, oneshot.RetrainConfig{Epochs: o.retrain, Seed: o.seed,
			OnEpoch: func(e train.EpochStats) { rm.Count(e.Epoch+1, o.retrain, "epochs") }})
		rm.Finish()
		if err != nil {
			return fmt.Errorf("retrain: %w", err)
		}
		rep.Retrain = &retrainJSON{Epochs: o.retrain, Params: rr.Params, TestAcc: rr.TestAcc, Seconds: rr.Seconds}
	}
	if o.space == "nb201" && res.Derived.Notation != "" {
		if acc, ok := nb201Accuracy(o.table, res.Derived.Notation); ok {
			rep.TabularAcc = &acc
		}
	}
	if o.json {
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

// searchDataNames are the datasets loadSearchData knows by name; it also
// reads a user's own (ownDataForms).
var searchDataNames = []string{"shapes", "mnist14", "mnist7", "mnist28"}

// ownDataForms says how a dataset of one's own is named on the command line.
const ownDataForms = "FILE.csv (numeric features, the label in the last column, a header row) or IMAGES,LABELS (two IDX files, as MNIST's, gzip or not)"

// loadSearchData returns a dataset, named or read from the user's files,
// with train, valid and test parts; a user's own is split 70/15/15 by class
// and standardised with its training part.
func loadSearchData(name string, seed int64) (data.Splits, error) {
	if images, labels, ok := strings.Cut(name, ","); ok {
		x, err := readIDXFile(images)
		if err != nil {
			return data.Splits{}, err
		}
		y, err := readIDXFile(labels)
		if err != nil {
			return data.Splits{}, err
		}
		d, err := data.IDXDataset(filepath.Base(images), x, y)
		if err != nil {
			return data.Splits{}, err
		}
		return data.SplitStandardized(d, 0.15, 0.15, seed)
	}
	if strings.HasSuffix(strings.ToLower(name), ".csv") {
		f, err := os.Open(name)
		if err != nil {
			return data.Splits{}, err
		}
		defer f.Close()
		d, err := data.ReadCSV(f, data.CSVConfig{Name: filepath.Base(name)})
		if err != nil {
			return data.Splits{}, fmt.Errorf("%s: %w", name, err)
		}
		return data.SplitStandardized(d, 0.15, 0.15, seed)
	}
	switch name {
	case "mnist14", "mnist7", "mnist28":
		size := map[string]int{"mnist14": 14, "mnist7": 7, "mnist28": 28}[name]
		return data.MNISTSubsetSplits(data.MNISTSubset(), size)
	case "shapes":
		g := data.Shapes{N: 2000, Size: 16, Noise: 0.1, Seed: seed}.Generate()
		return g.Split(0.15, 0.15, data.NewRand(seed)), nil
	}
	return data.Splits{}, fmt.Errorf("dataset %q: want one of %s, or %s", name, list(searchDataNames), ownDataForms)
}

// readIDXFile reads one IDX file.
func readIDXFile(name string) (*data.IDX, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := data.ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return x, nil
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
