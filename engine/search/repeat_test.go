package search_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"nasbook/engine/search"
	"nasbook/space"
)

// Repeat is the runs one would make by hand, seed after seed, gathered.
func TestRepeatIsItsRunsGathered(t *testing.T) {
	var seen []int // run of every Evaluated event
	r, err := search.Repeat(context.Background(), search.RepeatConfig{Space: grid{}, Strategy: "nsga2", Estimator: twoObjective,
		Budget: search.Budget{Evaluations: 40}, Seed: 5, Seeds: 3,
		OnEvent: func(k int, e search.Event) {
			if _, ok := e.(*search.Evaluated); ok {
				seen = append(seen, k)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Runs) != 3 || len(seen) != 120 || seen[0] != 0 || seen[40] != 1 || seen[119] != 2 {
		t.Fatalf("%d runs, events of runs %v", len(r.Runs), seen)
	}
	var bests []float64
	var pooled []search.Evaluation
	for k, run := range r.Runs {
		s, err := search.New(search.Config{Space: grid{}, Strategy: &search.NSGA2{}, Estimator: twoObjective, Budget: search.Budget{Evaluations: 40}, Seed: 5 + int64(k)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		best, _ := s.Best()
		if run.Seed != 5+int64(k) || !reflect.DeepEqual(run.Best, best) || !reflect.DeepEqual(run.Front, s.Front()) ||
			!slices.Equal(run.Curve, search.BestSoFar(s.Problem(), s.History(), 0)) || run.Used.Evaluations != 40 {
			t.Errorf("run %d differs from a search seeded %d", k, 5+k)
		}
		bests = append(bests, best.Values[0])
		pooled = append(pooled, s.Front()...)
	}
	mean := (bests[0] + bests[1] + bests[2]) / 3
	sd := 0.0
	for _, b := range bests {
		sd += (b - mean) * (b - mean)
	}
	sd = math.Sqrt(sd / 2)
	if math.Abs(r.Mean-mean) > 1e-12 || math.Abs(r.Std-sd) > 1e-12 {
		t.Errorf("mean %v, std %v; want %v, %v", r.Mean, r.Std, mean, sd)
	}
	if !reflect.DeepEqual(r.Front, search.PooledFront(pooled)) || len(r.Front) < 2 {
		t.Errorf("pooled front of %d", len(r.Front))
	}
	if len(r.Curve) != 40 || r.Curve[39] != mean || r.Lower[39] != mean-r.Std || r.Upper[39] != mean+r.Std {
		t.Errorf("curve ends at %v [%v, %v], want the bests' mean %v ± %v", r.Curve[39], r.Lower[39], r.Upper[39], mean, r.Std)
	}
}

func TestRepeatRefusesWhatItCannotRun(t *testing.T) {
	ok := search.RepeatConfig{Space: grid{}, Strategy: "re", Estimator: oneObjective, Budget: search.Budget{Evaluations: 5}, Seeds: 1}
	for _, c := range []struct {
		change func(*search.RepeatConfig)
		want   string
	}{
		{func(c *search.RepeatConfig) { c.Strategy = "grid" }, `unknown strategy "grid"`},
		{func(c *search.RepeatConfig) { c.Strategy = "nsga2" }, "nsga2 needs two or more objectives, not 1"},
		{func(c *search.RepeatConfig) { c.Seeds = 0 }, "0 seeds, want 1 or more"},
		{func(c *search.RepeatConfig) { c.Budget = search.Budget{} }, "sets no limit"},
		{func(c *search.RepeatConfig) { c.Estimator = nil }, "needs a Space and an Estimator"},
	} {
		cfg := ok
		c.change(&cfg)
		if _, err := search.Repeat(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if _, err := search.Repeat(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
}

// One run has a band of width 0; a run that ended early holds its last value.
func TestBandAndRegret(t *testing.T) {
	m, lo, hi := search.Band([][]float64{{1, 3}})
	if !slices.Equal(m, []float64{1, 3}) || !slices.Equal(lo, m) || !slices.Equal(hi, m) {
		t.Errorf("Band of one curve: %v %v %v", m, lo, hi)
	}
	m, lo, hi = search.Band([][]float64{{1, 3, 5}, {3}})
	if !slices.Equal(m, []float64{2, 3, 4}) || math.Abs(lo[0]-(2-math.Sqrt2)) > 1e-15 || math.Abs(hi[2]-(4+math.Sqrt2)) > 1e-15 {
		t.Errorf("Band: %v %v %v", m, lo, hi)
	}
	// Regret against 10 of four curves ending at 6, 7, 8 and 9: 4, 3, 2, 1;
	// quartiles interpolated between order statistics (gonum's LinInterp).
	mean, q1, q3 := search.Regret([][]float64{{6}, {7}, {8}, {9}}, 10, false)
	if mean[0] != 2.5 || q1[0] != 1 || q3[0] != 3 {
		t.Errorf("Regret = %v, %v, %v", mean, q1, q3)
	}
	if mean, _, _ := search.Regret([][]float64{{12, 11}}, 10, true); !slices.Equal(mean, []float64{2, 1}) {
		t.Errorf("Regret of a minimised objective = %v", mean)
	}
}

func TestStrategyNames(t *testing.T) {
	for _, name := range search.StrategyNames {
		if short, err := search.StrategyName(strings.ToUpper(name)); err != nil || short != name {
			t.Errorf("StrategyName(%q) = %q, %v", strings.ToUpper(name), short, err)
		}
		if _, err := search.NewStrategy(name); err != nil {
			t.Error(err)
		}
	}
	for alias, short := range map[string]string{"random": "rs", "rea": "re", "Evolution": "re", "local": "ls", "NSGA-II": "nsga2"} {
		if got, err := search.StrategyName(alias); got != short || err != nil {
			t.Errorf("StrategyName(%q) = %q, %v; want %q", alias, got, err, short)
		}
	}
	if _, err := search.StrategyName("grid"); err == nil || !strings.Contains(err.Error(), "want one of rs, re,") {
		t.Errorf("StrategyName(grid): %v", err)
	}
}

// A Repeat interrupted (its context cancelled) at any evaluation and
// continued from the state it saved ends as an uninterrupted one.
func TestRepeatResumesFromItsSavedState(t *testing.T) {
	cfg := search.RepeatConfig{Space: grid{}, Strategy: "re", Estimator: oneObjective, Budget: search.Budget{Evaluations: 30},
		Seed: 7, Seeds: 3, Key: "grid re"}
	clean := func(r *search.Repeated) string {
		for i := range r.Runs {
			r.Runs[i].Used.WallSeconds, r.Runs[i].Used.Fraction = 0, 0
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want, err := search.Repeat(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, stop := range []int{1, 29, 30, 31, 75} {
		var state []byte
		c := cfg
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		c.OnEvent = func(k int, e search.Event) {
			if _, ok := e.(*search.Evaluated); ok {
				if n++; n == stop {
					cancel()
				}
			}
		}
		c.Save = func(b []byte) error { state = b; return nil }
		c.SaveEvery = time.Hour // saved only at the end of a run and when interrupted
		if _, err := search.Repeat(ctx, c); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted after %d: %v", stop, err)
		}
		c.OnEvent, c.State = nil, state
		got, err := search.Repeat(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if clean(got) != clean(want) {
			t.Errorf("resumed after %d evaluations:\n got %.400s\nwant %.400s", stop, clean(got), clean(want))
		}
	}
	// A state of another request is refused with what differs.
	var state []byte
	c := cfg
	c.Save = func(b []byte) error { state = b; return nil }
	if _, err := search.Repeat(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*search.RepeatConfig)
		want   string
	}{
		{func(c *search.RepeatConfig) { c.Key = "other" }, `is of "grid re", not "other"`},
		{func(c *search.RepeatConfig) { c.Seeds = 4 }, "number of seeds 3, not 4"},
		{func(c *search.RepeatConfig) { c.Strategy = "rs" }, "strategy re, not rs"},
		{func(c *search.RepeatConfig) { c.Budget.Evaluations = 31 }, "budget"},
		{func(c *search.RepeatConfig) { c.State = []byte("{") }, "saved state"},
	} {
		c := cfg
		c.State = state
		tc.change(&c)
		if _, err := search.Repeat(context.Background(), c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error with %q", err, tc.want)
		}
	}
}

// A saved state is user input (a file of the command line's): whatever it
// holds, Repeat refuses it or continues from it, and does not panic.
func FuzzRepeatState(f *testing.F) {
	configs := []search.RepeatConfig{
		{Space: grid{}, Strategy: "re", Estimator: oneObjective, Budget: search.Budget{Evaluations: 12}, Seed: 1, Seeds: 2},
		{Space: grid{}, Strategy: "bohb", Estimator: twoBudgets{}, Budget: search.Budget{Evaluations: 12}, Seed: 1, Seeds: 2},
		// Scored in parallel: Hyperband proposes past the rungs that wait.
		{Space: grid{}, Strategy: "hyperband", Estimator: &clocked{Fidelity: twoBudgets{}, workers: 2}, Budget: search.Budget{Epochs: 30}, Seed: 1, Seeds: 2},
	}
	for i, stop := range []int{3, 14, 5, 13, 4, 15} {
		cfg := configs[i/2]
		c := cfg
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		c.OnEvent = func(int, search.Event) {
			if n++; n == stop {
				cancel()
			}
		}
		c.Save = func(b []byte) error { f.Add(string(b)); return nil }
		search.Repeat(ctx, c)
		cancel()
	}
	f.Add(`{"version":1,"runs":[{"Seed":1}],"current":{"version":1,"history":[{"arch":[9,9]}]}}`)
	f.Add(`{"version":1,"key":"","space":"grid","strategy":"hyperband","budget":{"Evaluations":0,"Epochs":30,"Seconds":0,"Wall":0},"seed":1,"seeds":2,` +
		`"current":{"version":1,"space":"grid","strategy":"*search.Hyperband","objectives":[{"name":"acc"}],"seed":1,"rng":7,"history":[],` +
		`"strategy_state":{"started":true,"bracket":1,"rung":0,"members":[[0,0,2,1,2],[2,2,1,3,2],[2,0,1,3,1]],"ahead":[[2,2,0,0,1],[2,1,1,0,3],[0,3,2,2,0]]}}}`)
	f.Fuzz(func(t *testing.T, state string) {
		for _, c := range configs {
			c.State = []byte(state)
			search.Repeat(context.Background(), c)
		}
	})
}

// twoBudgets is oneObjective at 1 and 3 epochs, a third of it at 1.
type twoBudgets struct{}

func (twoBudgets) Objectives() []search.Objective                { return oneObjective.Objectives() }
func (twoBudgets) Epochs() []int                                 { return []int{1, 3} }
func (b twoBudgets) Estimate(a space.Arch) (search.Score, error) { return b.EstimateAt(a, 3) }
func (twoBudgets) EstimateAt(a space.Arch, epochs int) (search.Score, error) {
	sc, err := oneObjective.Estimate(a)
	sc.Values[0] *= float64(epochs) / 3
	return sc, err
}
