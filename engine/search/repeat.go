package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"nasbook/space"
)

// RepeatConfig sets up Repeat: one strategy, named, run against one
// estimator once per seed.
type RepeatConfig struct {
	Space     space.Space
	Strategy  string // a name NewStrategy takes; each run gets a new strategy
	Estimator Estimator
	Budget    Budget // of each run
	Seed      int64  // the first run's seed; run k is seeded Seed+k
	Seeds     int    // number of runs, 1 or more

	// OnEvent, if set, receives every event of run k (see Config.OnEvent).
	OnEvent func(k int, e Event)
}

// Run is one seed's search of a Repeat.
type Run struct {
	Seed int64
	Best Evaluation // the best on the first objective (Search.Best)
	// Front is the run's Pareto front (Search.Front); with one objective,
	// the best and its ties.
	Front []Evaluation
	// Curve[i] is the best value of the first objective after i+1
	// evaluations (BestSoFar).
	Curve []float64
	Used  Usage // Used.Evaluations is the number of evaluations
}

// Repeated is what Repeat found over its runs.
type Repeated struct {
	Problem Problem
	Runs    []Run // one per seed, in order
	// Mean and Std are those of the runs' best first objective: the mean
	// and the sample standard deviation (0 for one run).
	Mean, Std float64
	// Curve, Lower and Upper are the runs' curves' mean at each evaluation,
	// less and plus one standard deviation (Band).
	Curve, Lower, Upper []float64
	// Front is the Pareto front of all runs together (PooledFront of their
	// fronts): each architecture once, best first on the first objective.
	Front []Evaluation
}

// Repeat runs cfg.Strategy once per seed, from cfg.Seed on, each run with a
// new strategy and the whole budget, and gathers the runs' bests, curves and
// fronts. It stops at the first error: a request it cannot run (an unknown
// strategy, no seeds, a budget without limits, a strategy that cannot search
// the estimator's objectives), or a run that failed, named by its seed.
func Repeat(ctx context.Context, cfg RepeatConfig) (*Repeated, error) {
	if cfg.Space == nil || cfg.Estimator == nil {
		return nil, errors.New("search: RepeatConfig needs a Space and an Estimator")
	}
	if cfg.Seeds < 1 {
		return nil, fmt.Errorf("search: %d seeds, want 1 or more", cfg.Seeds)
	}
	res := &Repeated{Problem: Problem{Space: cfg.Space, Objectives: cfg.Estimator.Objectives()}}
	var bests []float64
	var curves [][]float64
	var pooled []Evaluation
	for k := range cfg.Seeds {
		seed := cfg.Seed + int64(k)
		st, err := NewStrategy(cfg.Strategy)
		if err != nil {
			return nil, err
		}
		c := Config{Space: cfg.Space, Strategy: st, Estimator: cfg.Estimator, Budget: cfg.Budget, Seed: seed}
		if cfg.OnEvent != nil {
			c.OnEvent = func(e Event) { cfg.OnEvent(k, e) }
		}
		s, err := New(c)
		if err != nil {
			return nil, err
		}
		if err := s.Run(ctx); err != nil {
			return nil, fmt.Errorf("seed %d: %w", seed, err)
		}
		best, ok := s.Best()
		if !ok {
			return nil, fmt.Errorf("seed %d: no evaluation within the budget", seed)
		}
		run := Run{Seed: seed, Best: best, Front: s.Front(), Curve: BestSoFar(s.Problem(), s.History(), 0), Used: s.Used()}
		res.Runs = append(res.Runs, run)
		bests = append(bests, best.Values[0])
		curves = append(curves, run.Curve)
		pooled = append(pooled, run.Front...)
	}
	res.Mean, res.Std = stat.MeanStdDev(bests, nil)
	if len(bests) == 1 {
		res.Std = 0
	}
	res.Curve, res.Lower, res.Upper = Band(curves)
	res.Front = PooledFront(pooled)
	return res, nil
}

// Band returns the mean of curves at each step, less and plus one (sample)
// standard deviation, as long as the longest curve; a curve that ended
// early (an exhausted strategy) holds its last value. One curve has a band
// of width 0.
func Band(curves [][]float64) (mean, lo, hi []float64) {
	n := 0
	for _, c := range curves {
		n = max(n, len(c))
	}
	col := make([]float64, len(curves))
	for i := range n {
		for k, c := range curves {
			col[k] = c[min(i, len(c)-1)]
		}
		m, s := stat.MeanStdDev(col, nil)
		if len(col) < 2 || math.IsNaN(s) {
			s = 0
		}
		mean, lo, hi = append(mean, m), append(lo, m-s), append(hi, m+s)
	}
	return mean, lo, hi
}

// Regret returns, at each step of the longest curve, the mean over curves
// of the regret, optimum less the best found so far (the other way round
// when minimize), and the regret at the first and third quartiles of the
// curves, between which lie the middle half of them. A curve that ended
// early holds its last value.
func Regret(curves [][]float64, optimum float64, minimize bool) (mean, q1, q3 []float64) {
	n := 0
	for _, c := range curves {
		n = max(n, len(c))
	}
	sign := 1.0
	if minimize {
		sign = -1
	}
	col := make([]float64, len(curves))
	for i := range n {
		for k, c := range curves {
			col[k] = sign * (optimum - c[min(i, len(c)-1)])
		}
		slices.Sort(col)
		mean = append(mean, stat.Mean(col, nil))
		q1 = append(q1, stat.Quantile(0.25, stat.LinInterp, col, nil))
		q3 = append(q3, stat.Quantile(0.75, stat.LinInterp, col, nil))
	}
	return mean, q1, q3
}
