package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

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

	// Save, if set, receives the state of the runs so far, to continue
	// them with State after an interruption: after an evaluation once
	// SaveEvery has passed since the last save (0: after every one), after
	// each run, and when ctx is done, before Repeat returns its error. An
	// error from Save ends Repeat.
	Save      func(state []byte) error
	SaveEvery time.Duration
	// State, if set, is a state that Save received: Repeat continues it,
	// and ends as it would have without the interruption (a Wall budget
	// aside). It must come from the same request: the same Key, strategy,
	// budget, seeds and problem.
	State []byte
	// Key names the request in a saved state, such as the command line's
	// flags, and a State of another Key is refused with an error naming
	// both.
	Key string
}

// repeatState is the JSON form of a Repeat in progress.
type repeatState struct {
	Version  int             `json:"version"`
	Key      string          `json:"key"`
	Space    string          `json:"space"`
	Strategy string          `json:"strategy"`
	Budget   Budget          `json:"budget"`
	Seed     int64           `json:"seed"`
	Seeds    int             `json:"seeds"`
	Runs     []Run           `json:"runs"`              // finished, in order
	Current  json.RawMessage `json:"current,omitempty"` // the run in progress (Search.MarshalJSON)
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
	short, err := StrategyName(cfg.Strategy)
	if err != nil {
		return nil, err
	}
	res := &Repeated{Problem: Problem{Space: cfg.Space, Objectives: cfg.Estimator.Objectives()}}
	saved := repeatState{Version: 1, Key: cfg.Key, Space: cfg.Space.Name(), Strategy: short, Budget: cfg.Budget, Seed: cfg.Seed, Seeds: cfg.Seeds}
	if cfg.State != nil {
		if saved, err = loadRepeat(cfg, saved); err != nil {
			return nil, err
		}
		res.Runs = saved.Runs
	}
	lastSave := time.Now()
	save := func(s *Search) error {
		if cfg.Save == nil {
			return nil
		}
		saved.Runs, saved.Current = res.Runs, nil
		if s != nil {
			cur, err := s.MarshalJSON()
			if err != nil {
				return err
			}
			saved.Current = cur
		}
		b, err := json.Marshal(saved)
		if err != nil {
			return err
		}
		lastSave = time.Now()
		return cfg.Save(b)
	}
	for k := len(res.Runs); k < cfg.Seeds; k++ {
		seed := cfg.Seed + int64(k)
		st, err := NewStrategy(cfg.Strategy)
		if err != nil {
			return nil, err
		}
		c := Config{Space: cfg.Space, Strategy: st, Estimator: cfg.Estimator, Budget: cfg.Budget, Seed: seed}
		if cfg.OnEvent != nil {
			c.OnEvent = func(e Event) { cfg.OnEvent(k, e) }
		}
		var s *Search
		if saved.Current != nil {
			s, err = Resume(c, saved.Current)
			saved.Current = nil
			if err == nil && s.cfg.Seed != seed {
				err = fmt.Errorf("search: resume: the run in progress has seed %d, want %d", s.cfg.Seed, seed)
			}
		} else {
			s, err = New(c)
		}
		if err != nil {
			return nil, err
		}
		for {
			if err := ctx.Err(); err != nil {
				if serr := save(s); serr != nil {
					return nil, errors.Join(err, serr)
				}
				return nil, err
			}
			more, err := s.StepContext(ctx)
			if err != nil {
				return nil, fmt.Errorf("seed %d: %w", seed, err)
			}
			if !more {
				break
			}
			if cfg.Save != nil && time.Since(lastSave) >= cfg.SaveEvery {
				if err := save(s); err != nil {
					return nil, err
				}
			}
		}
		best, ok := s.Best()
		if !ok {
			return nil, fmt.Errorf("seed %d: no evaluation within the budget", seed)
		}
		res.Runs = append(res.Runs, Run{Seed: seed, Best: best, Front: s.Front(), Curve: BestSoFar(s.Problem(), s.History(), 0), Used: s.Used()})
		if err := save(nil); err != nil {
			return nil, err
		}
	}
	var bests []float64
	var curves [][]float64
	var pooled []Evaluation
	for _, run := range res.Runs {
		bests = append(bests, run.Best.Values[0])
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

// loadRepeat reads cfg.State and checks it against the request want.
func loadRepeat(cfg RepeatConfig, want repeatState) (repeatState, error) {
	var st repeatState
	if err := json.Unmarshal(cfg.State, &st); err != nil {
		return st, fmt.Errorf("search: saved state: %w", err)
	}
	if st.Version != 1 {
		return st, fmt.Errorf("search: saved state of version %d, want 1", st.Version)
	}
	if st.Key != want.Key {
		return st, fmt.Errorf("search: the saved state is of %q, not %q", st.Key, want.Key)
	}
	for _, d := range []struct {
		what      string
		got, want any
	}{
		{"space", st.Space, want.Space}, {"strategy", st.Strategy, want.Strategy}, {"budget", st.Budget, want.Budget},
		{"first seed", st.Seed, want.Seed}, {"number of seeds", st.Seeds, want.Seeds},
	} {
		if d.got != d.want {
			return st, fmt.Errorf("search: the saved state has %s %v, not %v", d.what, d.got, d.want)
		}
	}
	if len(st.Runs) > st.Seeds || (len(st.Runs) == st.Seeds && st.Current != nil) {
		return st, fmt.Errorf("search: saved state: %d runs done of %d", len(st.Runs), st.Seeds)
	}
	p := Problem{Space: cfg.Space, Objectives: cfg.Estimator.Objectives()}
	check := func(k int, e Evaluation) error {
		if err := space.Valid(cfg.Space, e.Arch); err != nil {
			return fmt.Errorf("search: saved state: run %d: %w", k+1, err)
		}
		if len(e.Values) != len(p.Objectives) || len(e.Fitness) != len(p.Objectives) {
			return fmt.Errorf("search: saved state: run %d: %d values for %d objectives", k+1, len(e.Values), len(p.Objectives))
		}
		return nil
	}
	for k, r := range st.Runs {
		if r.Seed != st.Seed+int64(k) {
			return st, fmt.Errorf("search: saved state: run %d has seed %d, want %d", k+1, r.Seed, st.Seed+int64(k))
		}
		if len(r.Curve) == 0 {
			return st, fmt.Errorf("search: saved state: run %d has no evaluation", k+1)
		}
		for _, e := range append([]Evaluation{r.Best}, r.Front...) {
			if err := check(k, e); err != nil {
				return st, err
			}
		}
	}
	return st, nil
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
