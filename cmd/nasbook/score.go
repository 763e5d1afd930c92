package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"nasbook/engine/data"
	"nasbook/engine/proxy"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

func scoreCmd(args []string) error { return runScore(args, os.Stdin, os.Stdout) }

func runScore(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	spaceName := fs.String("space", "nb201", "the `space` of the architectures ("+list(spaces.Names())+"); any notation spaces.Spec reads is accepted")
	proxies := fs.String("proxy", "synflow", "comma-separated `proxies`: "+list(proxyNames())+" (or all)")
	input := fs.String("input", "", "input shape CxHxW, overriding the network's (NB201: 3x32x32)")
	classes := fs.Int("classes", 0, "classifier outputs, overriding the network's (NB201: 10)")
	dataName := fs.String("data", "noise", "the batch of the data-dependent proxies: noise (Gaussian), shapes (the built-in shapes images, one channel, at the input's size),\nor a file of the CIFAR binary format (data_batch_1.bin, gzip or not; CIFAR-100's train.bin with -classes 100), standardized as NASLib does")
	batch := fs.Int("batch", 64, "examples in the batch of the data-dependent proxies (2 or more: jacob_cov and naswot compare them)")
	seed := fs.Int64("seed", 0, "seed of the weights and the batch")
	workers := fs.Int("workers", 0, "parallel workers (0: one per CPU)")
	c := fs.Int("C", 0, "channels: NB201 C (default 16) or DARTS C (default 36)")
	layers := fs.Int("layers", 0, "NB201 cells per stage (default 5) or DARTS cells (default 20)")
	quiet := fs.Bool("q", false, "show no progress on standard error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook score [flags] < architectures\n\nReads architectures from standard input, one per line (# starts a comment), and prints\none JSON object per architecture, in input order: \"arch\" and one field per proxy\n(null when not finite).\n\nproxies: "+list(proxyNames())+"\nspaces:  "+list(spaces.Names())+"\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkAll(atLeast("classes", *classes, 0), atLeast("batch", *batch, 2), atLeast("workers", *workers, 0),
		atLeast("C", *c, 0), atLeast("layers", *layers, 0)); err != nil {
		return err
	}
	if _, err := spaces.ByName(*spaceName); err != nil {
		return fmt.Errorf("-space: %w", err)
	}
	var ps []proxy.Proxy
	if *proxies == "all" {
		ps = proxy.All()
	} else {
		var err error
		if ps, err = proxy.ParseList(*proxies); err != nil {
			return fmt.Errorf("-proxy: %w", err)
		}
	}
	shape, err := parseShape(*input)
	if err != nil {
		return err
	}
	cfg := proxy.Config{Batch: *batch, Seed: *seed}
	set := spaces.Settings{C: *c, Layers: *layers}

	var lines []string
	var specs []*spec.Spec
	var errs []error
	promptIfTerminal(stdin)
	if err := eachLine(stdin, func(l string) {
		s, err := spaces.Spec(l, set)
		if err == nil {
			if shape != nil {
				s.Input = append([]int(nil), shape...)
			}
			if *classes > 0 {
				s.SetClasses(*classes)
			}
		}
		lines, specs, errs = append(lines, l), append(specs, s), append(errs, err)
	}); err != nil {
		return err
	}
	if len(lines) == 0 {
		return errNoArchs
	}
	switch *dataName {
	case "noise", "":
	case "shapes":
		if len(specs) > 0 && specs[0] != nil {
			in := specs[0].Input
			if len(in) != 3 || in[0] != 1 || in[1] != in[2] {
				return fmt.Errorf("-data shapes: the network takes %v; shapes are 1xSxS images (pass -input 1x%dx%d)", in, in[len(in)-1], in[len(in)-1])
			}
			// A network of more classes than there are shape kinds (NB201's
			// 10) gets every kind; its extra outputs see no label.
			k := min(specs[0].Classes, data.NumShapeKinds)
			cfg.Data = data.Shapes{N: max(*batch, 64) * 4, Size: in[1], Classes: k, Noise: 0.1, Seed: *seed}.Generate()
		}
	default:
		d, err := readCIFAR(*dataName, *classes == 100)
		if err != nil {
			return fmt.Errorf("-data %q: want noise, shapes or a CIFAR binary file: %w", *dataName, err)
		}
		cfg.Data = d
	}

	var jobs []proxy.Job
	var at []int // jobs[k] scores lines[at[k]]
	for i, s := range specs {
		if errs[i] == nil {
			jobs = append(jobs, proxy.Job{Spec: s, Proxies: ps, Config: cfg})
			at = append(at, i)
		}
	}
	results := make([]*proxy.Result, len(lines))
	next, failed := 0, 0
	flush := func() {
		for next < len(lines) && (errs[next] != nil || results[next] != nil) {
			var r proxy.Result
			if errs[next] != nil {
				r.Err = errs[next].Error()
			} else {
				r = *results[next]
			}
			if r.Err != "" {
				failed++
			}
			stdout.Write(scoreLine(lines[next], ps, r))
			next++
		}
	}
	flush()
	m := newMeter("score", *quiet)
	done := 0
	m.Count(0, len(jobs), "architectures")
	err = proxy.Local{Workers: *workers}.Evaluate(context.Background(), jobs, func(k int, r proxy.Result) {
		results[at[k]] = &r
		flush()
		done++
		m.Count(done, len(jobs), "architectures")
	})
	m.Finish()
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d architecture(s) could not be scored", failed)
	}
	return nil
}

// scoreLine writes {"arch": ..., "<proxy>": score, ...} with the proxies in
// the order asked.
func scoreLine(arch string, ps []proxy.Proxy, r proxy.Result) []byte {
	var b bytes.Buffer
	a, _ := json.Marshal(arch)
	b.WriteString(`{"arch":`)
	b.Write(a)
	if r.Err != "" {
		e, _ := json.Marshal(r.Err)
		b.WriteString(`,"error":`)
		b.Write(e)
	} else {
		for i, p := range ps {
			fmt.Fprintf(&b, ",%q:", p.String())
			if v := r.Scores[i]; math.IsNaN(v) || math.IsInf(v, 0) {
				b.WriteString("null")
			} else {
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// readCIFAR reads a file of the CIFAR-10 (or, hundred, CIFAR-100) binary
// format, standardized with the training set's statistics.
func readCIFAR(path string, hundred bool) (*data.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return data.ReadCIFAR(f, data.CIFARConfig{Hundred: hundred, Standardize: true})
}
