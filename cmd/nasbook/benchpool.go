package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/engine/bench"
	"nasbook/engine/estimate"
	"nasbook/internal/browser"
	"nasbook/internal/site"
	"nasbook/notebook"
)

// The pool workload times two searches by training on one pool worker and
// on two: successive halving over 8 NB201 networks (C=8, N=1) on 16x16
// shapes, 1 to 4 epochs (the size of engine/estimate's BenchmarkPool), and
// a Hyperband search by training (nb.Search with Train, budgets of 1 and 3
// epochs, 24 epochs in all). Both targets run the same notebook cell
// (poolCell): natively in a notebook kernel whose session trains on
// goroutines (estimate.Local), in Chromium in the playground's page, whose
// kernel trains in its pool of Web Workers (?pool=N). The cell times each
// search itself, so neither the interpreter's set-up nor the page's round
// trips count.
//
// The protocol: one kernel (page) per pool size, each warmed up by one
// untimed run of the cell (in the browser the first run starts the workers,
// compiles pool.wasm and leaves the engine to optimise its hot code as it
// runs; the runs after a small warm-up still got faster one after another,
// by a tenth with two workers; -quick's tiny runs skip it), then runs one
// at a time, alternating the pool sizes (1, 2, 1, 2, ...) REPS times, so
// that a neighbour's load on the machine falls on both alike. Each
// search's line gives the ratio of the medians (2 workers over 1), the
// medians and every run. The results must be the same, run for run,
// whatever the pool.

// poolWorkload is the workload's name for -workloads.
const poolWorkload = "pool"

// poolSearches are the searches the cell times, in its order.
var poolSearches = []string{"halving", "hyperband"}

// poolCell returns the cell that one run executes. It prints a "seconds
// NAME S" line per search and "result NAME ..." lines that must not depend
// on the pool; tiny makes it a smoke test of a second or so.
func poolCell(tiny bool) string {
	// n, size, classes of the shapes; candidates; C; the last rung's epochs;
	// Hyperband's budgets and epochs in all.
	data, archs, c, maxEpochs, budgets, epochs := "640, 16, 4, 1", 8, 8, 4, "1, 3", 24
	if tiny {
		data, archs, c, maxEpochs, budgets, epochs = "160, 8, 3, 2", 4, 4, 2, "1, 2", 4
	}
	return fmt.Sprintf(`import ("fmt"; "time"; "nasbook/nb")
d := nb.Shapes(%s)
d.Test = nil
t0 := time.Now()
h := nb.Halving(nb.SampleNB201(%d, 7), d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: %d, C: %d, Batch: 32, Seed: 1})
sec := time.Since(t0).Seconds()
for _, rung := range h.Rungs {
	for _, x := range rung.Results {
		fmt.Printf("result halving %%d epochs #%%d %%.4f\n", rung.Epochs, x.Candidate, x.ValAcc)
	}
}
fmt.Printf("result halving epochs trained %%d\n", h.Epochs)
fmt.Printf("seconds halving %%.3f on %%d workers\n", sec, h.Workers)
t0 = time.Now()
r := nb.Search(nb.SearchConfig{Strategy: "hyperband", Train: d, TrainEpochs: []int{%s}, EpochBudget: %d, Seed: 1, Quiet: true})
sec = time.Since(t0).Seconds()
fmt.Printf("result hyperband %%s %%.4f after %%d evaluations\n", r.Runs[0].Arch, r.Runs[0].Value, len(r.Runs[0].Curve))
fmt.Printf("seconds hyperband %%.3f\n", sec)`, data, archs, maxEpochs, c, budgets, epochs)
}

// poolRun is what one run of poolCell printed.
type poolRun struct {
	seconds map[string]float64 // by search
	workers int                // the pool workers that trained the halving's candidates
	results string             // the "result" lines, which no pool may change
}

// parsePoolRun reads the output of poolCell.
func parsePoolRun(out string) (poolRun, error) {
	r := poolRun{seconds: map[string]float64{}}
	var results []string
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) > 0 && f[0] == "result":
			results = append(results, l)
		case len(f) >= 3 && f[0] == "seconds":
			v, err := strconv.ParseFloat(f[2], 64)
			if err != nil || !(v > 0) || !slices.Contains(poolSearches, f[1]) {
				return r, fmt.Errorf("bad line %q", l)
			}
			r.seconds[f[1]] = v
			if f[1] == "halving" {
				if _, err := fmt.Sscanf(l, "seconds halving %f on %d workers", &v, &r.workers); err != nil {
					return r, fmt.Errorf("bad line %q: %v", l, err)
				}
			}
		}
	}
	for _, s := range poolSearches {
		if _, ok := r.seconds[s]; !ok {
			return r, fmt.Errorf("no time of the %s search in %q", s, out)
		}
	}
	if len(results) == 0 {
		return r, fmt.Errorf("no results in %q", out)
	}
	r.results = strings.Join(results, "\n")
	return r, nil
}

// poolSizes are the pool sizes the workload compares: the first is the
// baseline of the ratio.
var poolSizes = []int{1, 2}

// measurePool runs the protocol: run(i, warm) runs the cell on the kernel
// with poolSizes[i] workers and returns its output; warm is set on the
// untimed warm-up run. It returns the workload's lines, each named
// prefix + " pool-" + search.
func measurePool(prefix string, reps int, tiny bool, run func(i int, warm bool) (string, error)) ([]string, error) {
	// A tiny workload's figures mean nothing: it needs no warm-up.
	for i, n := range poolSizes {
		if tiny {
			break
		}
		if _, err := run(i, true); err != nil {
			return nil, fmt.Errorf("warming up %d worker(s): %w", n, err)
		}
	}
	// secs[s][i] are the seconds of search s on poolSizes[i], run by run.
	secs := map[string][][]float64{}
	var first []poolRun
	for rep := range reps {
		for i, n := range poolSizes {
			out, err := run(i, false)
			if err != nil {
				return nil, fmt.Errorf("%d worker(s), run %d: %w", n, rep+1, err)
			}
			r, err := parsePoolRun(out)
			if err != nil {
				return nil, fmt.Errorf("%d worker(s), run %d: %w", n, rep+1, err)
			}
			if r.workers != n {
				return nil, fmt.Errorf("%d worker(s), run %d: the halving's candidates were trained on %d worker(s)", n, rep+1, r.workers)
			}
			if rep == 0 {
				first = append(first, r)
			}
			if r.results != first[0].results {
				return nil, fmt.Errorf("the results on %d worker(s), run %d, differ from those on %d:\n%s\nagainst\n%s", n, rep+1, poolSizes[0], r.results, first[0].results)
			}
			for _, s := range poolSearches {
				if secs[s] == nil {
					secs[s] = make([][]float64, len(poolSizes))
				}
				secs[s][i] = append(secs[s][i], r.seconds[s])
			}
		}
	}
	var lines []string
	for _, s := range poolSearches {
		lines = append(lines, poolLine(prefix+" pool-"+s, secs[s]))
	}
	return lines, nil
}

// poolLine formats one search's figures: the ratio of the medians on the
// largest pool and on the first, then each pool's median and runs, e.g.
//
//	nasbook-native pool-halving ratio=0.512 s/1-worker=17.61 s/2-workers=9.02 runs/1-worker=17.40,17.61,17.93 runs/2-workers=9.02,8.95,9.10
func poolLine(name string, secs [][]float64) string {
	meds := make([]float64, len(secs))
	for i, s := range secs {
		meds[i] = bench.Median(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s ratio=%.3f", name, meds[len(meds)-1]/meds[0])
	for i, n := range poolSizes {
		fmt.Fprintf(&b, " s/%s=%.2f", workersName(n), meds[i])
	}
	for i, n := range poolSizes {
		var runs []string
		for _, v := range secs[i] {
			runs = append(runs, strconv.FormatFloat(v, 'f', 2, 64))
		}
		fmt.Fprintf(&b, " runs/%s=%s", workersName(n), strings.Join(runs, ","))
	}
	return b.String()
}

func workersName(n int) string {
	if n == 1 {
		return "1-worker"
	}
	return strconv.Itoa(n) + "-workers"
}

// benchPoolNative runs the pool workload natively: one notebook kernel per
// pool size, whose session trains on that many goroutines.
func benchPoolNative(reps int, tiny bool) ([]string, error) {
	kernels := make([]*notebook.Kernel, len(poolSizes))
	var out strings.Builder
	for i, n := range poolSizes {
		k, err := notebook.NewKernel(func(o notebook.Output) {
			if o.OutputType == "stream" {
				out.WriteString(o.Text)
			}
		}, nil)
		if err != nil {
			return nil, err
		}
		k.Session().TrainPool = &estimate.Local{N: n}
		kernels[i] = k
	}
	return measurePool("nasbook-native", reps, tiny, func(i int, _ bool) (string, error) {
		out.Reset()
		err := kernels[i].Run(context.Background(), poolCell(tiny))
		return out.String(), err
	})
}

// benchPoolChromium runs the pool workload in headless Chromium: the
// playground, built as serve builds it, open in one page per pool size
// (?pool=N), each on an origin of its own so that the pages share no
// storage.
func benchPoolChromium(dir string, reps int, tiny bool) ([]string, error) {
	exe, err := browser.Path()
	if err != nil {
		return nil, err
	}
	if err := build(dir, false, 0); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := site.Server(site.Handler(dir))
	go srv.Serve(ln)
	defer srv.Close()
	profile, err := os.MkdirTemp("", "nasbook-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	bctx, cancel := browser.New(exe, profile)
	defer cancel()
	// The browser's first tab stays open: closing its last tab would end it.
	if err := chromedp.Do(bctx); err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	pages := make([]context.Context, len(poolSizes))
	for i, n := range poolSizes {
		ctx, cancel := chromedp.NewContext(bctx)
		defer cancel()
		url := fmt.Sprintf("http://pool%d.localhost:%d/?pool=%d", n, port, n)
		if _, err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
			return nil, err
		}
		if _, err := evalWithin[any](ctx, `window.nasbook.ready()`, 5*time.Minute); err != nil {
			return nil, fmt.Errorf("%s: the kernel did not start: %w", url, err)
		}
		pages[i] = ctx
	}
	return measurePool("nasbook-wasm-chromium-simd", reps, tiny, func(i int, _ bool) (string, error) {
		// A page in the background may run its timers late; every page
		// here should count as shown.
		if v, err := evalWithin[string](pages[i], `document.visibilityState`, time.Minute); err != nil || v != "visible" {
			return "", fmt.Errorf("the page is %q (%v), want visible", v, err)
		}
		b, _ := json.Marshal(poolCell(tiny))
		r, err := evalWithin[struct {
			Text  string  `json:"text"`
			Error *string `json:"error"`
		}](pages[i], `window.nasbook.runCell(`+string(b)+`)`, 30*time.Minute)
		if err != nil {
			return "", err
		}
		if r.Error != nil {
			return r.Text, errors.New(*r.Error)
		}
		return r.Text, nil
	})
}

// evalWithin evaluates js in the page ctx (awaiting a promise) within d.
func evalWithin[T any](ctx context.Context, js string, d time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return browser.Eval[T](ctx, js)
}
