package search_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"nasbook/engine/pareto"
	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/space/nb201"
)

// The NAS-Bench-201 reference tables live beside the repository, in
// ../shared/data/nb201; tests that need them skip when they are absent.
var nb201Tables = sync.OnceValues(func() (map[string]*tabular.Table, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "data", "nb201")
			if _, err := os.Stat(dir); err != nil {
				return nil, nil
			}
			out := map[string]*tabular.Table{}
			for _, name := range []string{"accuracy-200ep.csv", "accuracy-12ep.csv", "latency-help-ms.csv"} {
				f, err := os.Open(filepath.Join(dir, name))
				if err != nil {
					return nil, err
				}
				t, err := tabular.Read(name, f)
				f.Close()
				if err != nil {
					return nil, err
				}
				out[name] = t
			}
			return out, nil
		}
		if filepath.Dir(d) == d {
			return nil, nil
		}
	}
})

func nb201Table(t *testing.T, names ...string) *tabular.Table {
	t.Helper()
	all, err := nb201Tables()
	if err != nil {
		t.Fatal(err)
	}
	if all == nil {
		t.Skip("../shared/data/nb201 is absent")
	}
	var ts []*tabular.Table
	for _, n := range names {
		ts = append(ts, all[n])
	}
	j, err := tabular.Join(ts...)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// cifar10 scores NB201 architectures by their CIFAR-10 test accuracy after
// 200 epochs.
func cifar10(t *testing.T) *tabular.Estimator {
	e, err := tabular.NewEstimator(nb201Table(t, "accuracy-200ep.csv"), nb201.Space{}, []search.Objective{{Name: "cifar10_test"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// bestOver runs newSt with seeds 1..seeds for budget evaluations and returns
// each run's best value and the mean best-so-far curve.
func bestOver(t *testing.T, est search.Estimator, newSt func() search.Strategy, seeds, budget int) (best, curve []float64) {
	t.Helper()
	curve = make([]float64, budget)
	for seed := 1; seed <= seeds; seed++ {
		s, err := search.New(search.Config{Space: nb201.Space{}, Strategy: newSt(), Estimator: est, Budget: search.Budget{Evaluations: budget}, Seed: int64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		b, _ := s.Best()
		best = append(best, b.Values[0])
		for i, v := range search.BestSoFar(s.Problem(), s.History(), 0) {
			curve[i] += v / float64(seeds)
		}
	}
	return best, curve
}

// expectedMax is the exact expectation of the largest of k draws, uniform
// with replacement, from values: with v sorted increasingly, P(max <= v_i) =
// (i/n)^k, so E[max] = sum_i v_i ((i/n)^k - ((i-1)/n)^k).
func expectedMax(values []float64, k int) float64 {
	v := slices.Sorted(slices.Values(values))
	n := float64(len(v))
	e := 0.0
	for i, x := range v {
		e += x * (math.Pow(float64(i+1)/n, float64(k)) - math.Pow(float64(i)/n, float64(k)))
	}
	return e
}

// Random search draws each of the six edges' operations uniformly, that is
// uniformly with replacement over the 15,625 NB201 strings, each of which
// the table lists once; so its mean best accuracy after k queries must be the
// order-statistic expectation over the table's column.
func TestRandomSearchMatchesOrderStatistics(t *testing.T) {
	est := cifar10(t)
	var acc []float64
	for _, e := range est.Entries() {
		acc = append(acc, e.Values[0])
	}
	if len(acc) != 15625 {
		t.Fatalf("the table lists %d architectures, want 15625", len(acc))
	}
	const seeds = 500
	for _, k := range []int{10, 100, 300} {
		best, _ := bestOver(t, est, func() search.Strategy { return &search.Random{} }, seeds, k)
		mean, std := stat.MeanStdDev(best, nil)
		exact := expectedMax(acc, k)
		t.Logf("random search, %3d queries, %d seeds: mean best %.3f ± %.3f (std), exact expectation %.3f, diff %+.3f",
			k, seeds, mean, std, exact, mean-exact)
		if math.Abs(mean-exact) > 0.1 {
			t.Errorf("%d queries: mean best %.3f, exact expectation %.3f: off by more than 0.1 points", k, mean, exact)
		}
	}
}

// At 100 queries on CIFAR-10 (200 epochs), regularized evolution must beat
// random search on average, as in NAS-Bench-201 (Dong & Yang, ICLR 2020,
// Table 5 under a 12,000 s budget: REA 93.92±0.30, REINFORCE 93.85±0.37,
// RS 93.70±0.36; best in the space 94.37). The other strategies are reported
// beside them. BO refits a GP each query (O(n^3)), so it and BANANAS run
// over fewer seeds, and only with NASBOOK_FULL=1: they take most of the
// test's CPU for a figure it reports and does not check (BO reached 94.29,
// BANANAS 94.31). TestEveryStrategyOnEveryBuiltInSpace and the resume
// tests run both by default.
func TestStrategiesAt100Queries(t *testing.T) {
	est := cifar10(t)
	const budget = 100
	runs := []struct {
		name  string
		seeds int
		new   func() search.Strategy
	}{
		{"RS", 500, func() search.Strategy { return &search.Random{} }},
		{"REA", 500, func() search.Strategy { return &search.Evolution{} }},
		{"REINFORCE", 500, func() search.Strategy { return &search.Reinforce{} }},
		{"LS", 500, func() search.Strategy { return &search.LocalSearch{} }},
		{"BO (GP)", 12, func() search.Strategy { return &search.BO{} }},
		{"BANANAS", 6, func() search.Strategy { return search.NewBananas() }},
	}
	if os.Getenv("NASBOOK_FULL") == "" {
		runs = runs[:4]
	}
	means := map[string]float64{}
	for _, r := range runs {
		start := time.Now()
		best, _ := bestOver(t, est, r.new, r.seeds, budget)
		mean, std := stat.MeanStdDev(best, nil)
		means[r.name] = mean
		t.Logf("%-10s %d queries, %3d seeds: %.2f ± %.2f  (%v)", r.name, budget, r.seeds, mean, std, time.Since(start).Round(time.Millisecond))
	}
	if means["REA"] <= means["RS"] {
		t.Errorf("regularized evolution %.3f does not beat random search %.3f at %d queries", means["REA"], means["RS"], budget)
	}
}

// NSGA-II on CIFAR-10 accuracy (maximised) against latency on a Pixel 3
// (minimised, HW-NAS-Bench's figures), 1,000 evaluations: the hypervolume of
// the front it found must be within 2% of the true front's, enumerated from
// the joined tables. The reference point is the true front's nadir: its
// lowest accuracy and highest latency.
func TestNSGA2FindsTheAccuracyLatencyFront(t *testing.T) {
	objs := []search.Objective{{Name: "cifar10_test"}, {Name: "pixel3", Minimize: true}}
	est, err := tabular.NewEstimator(nb201Table(t, "accuracy-200ep.csv", "latency-help-ms.csv"), nb201.Space{}, objs, "")
	if err != nil {
		t.Fatal(err)
	}
	p := &search.Problem{Space: nb201.Space{}, Objectives: objs}
	var all [][]float64
	for _, e := range est.Entries() {
		all = append(all, p.Fitness(e.Values))
	}
	var front [][]float64
	for _, i := range pareto.Front(all) {
		front = append(front, all[i])
	}
	ref := []float64{math.Inf(1), math.Inf(1)}
	for _, f := range front {
		ref[0], ref[1] = min(ref[0], f[0]), min(ref[1], f[1])
	}
	trueHV := pareto.Hypervolume2D(front, ref)
	t.Logf("true front: %d of %d architectures; reference point: accuracy %.2f%%, latency %.3f ms; hypervolume %.3f",
		len(front), len(all), ref[0], -ref[1], trueHV)
	for seed := int64(1); seed <= 5; seed++ {
		s, err := search.New(search.Config{Space: nb201.Space{}, Strategy: &search.NSGA2{}, Estimator: est, Budget: search.Budget{Evaluations: 1000}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var found [][]float64
		for _, e := range s.Front() {
			found = append(found, e.Fitness)
		}
		hv := pareto.Hypervolume2D(found, ref)
		strict := []float64{90, ref[1]} // only the fronts' part above 90% accuracy
		hv90 := pareto.Hypervolume2D(found, strict) / pareto.Hypervolume2D(front, strict)
		t.Logf("NSGA-II seed %d, 1000 evaluations: front of %d, hypervolume %.3f = %.2f%% of the true front's (%.2f%% above 90%% accuracy)",
			seed, len(found), hv, 100*hv/trueHV, 100*hv90)
		if hv < 0.98*trueHV {
			t.Errorf("seed %d: hypervolume %.3f is less than 98%% of the true front's %.3f", seed, hv, trueHV)
		}
		if hv90 < 0.95 { // a guard against regressions on the part that matters
			t.Errorf("seed %d: hypervolume above 90%% accuracy is %.2f%% of the true front's, want 95%% or more", seed, 100*hv90)
		}
	}
}

// A search of every strategy on NB201, saved and resumed, ends as an
// uninterrupted one.
func TestResumeOnNB201(t *testing.T) {
	one := cifar10(t)
	two, err := tabular.NewEstimator(nb201Table(t, "accuracy-200ep.csv", "latency-help-ms.csv"), nb201.Space{},
		[]search.Objective{{Name: "cifar10_test"}, {Name: "raspi4", Minimize: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	checkResume(t, nb201.Space{}, one, two, 40, []int{13}, strategies)
}
