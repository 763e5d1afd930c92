package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"nasbook/engine/pareto"
	"nasbook/engine/search"
	"nasbook/space"
)

// grid is a toy space: five choices of four options whose sum must not be
// 15 or more (a constraint that rejects some combinations).
type grid struct{}

func (grid) Name() string { return "grid" }
func (grid) Dims() []space.Dim {
	o := []string{"a", "b", "c", "d"}
	ds := make([]space.Dim, 5)
	for i := range ds {
		ds[i] = space.Dim{Name: fmt.Sprint("c", i), Options: o}
	}
	return ds
}
func (grid) Check(a space.Arch) error {
	if s := a[0] + a[1] + a[2] + a[3] + a[4]; s >= 15 {
		return fmt.Errorf("grid: choices sum to %d, want under 15", s)
	}
	return nil
}
func (grid) Format(a space.Arch) string { return a.Key() }
func (grid) Parse(s string) (space.Arch, error) {
	var a space.Arch
	for _, f := range strings.Split(s, ".") {
		var c int
		if _, err := fmt.Sscan(f, &c); err != nil {
			return nil, err
		}
		a = append(a, c)
	}
	return a, nil
}

// bumpy scores grid architectures: "acc" peaks at 3.1.2.0.3 with local
// optima elsewhere, and "cost" (minimised) grows with the choices.
type bumpy struct{ objs []search.Objective }

func (b bumpy) Objectives() []search.Objective { return b.objs }
func (b bumpy) Estimate(a space.Arch) (search.Score, error) {
	peak := []int{3, 1, 2, 0, 3}
	acc, cost := 100.0, 1.0
	for i, c := range a {
		d := float64(c - peak[i])
		acc -= 2*d*d + 3*math.Abs(math.Sin(float64(c*(i+1))))
		cost += float64(c * (i + 1))
	}
	return search.Score{Values: []float64{acc, cost}[:len(b.objs)], Seconds: cost}, nil
}

var (
	oneObjective = bumpy{[]search.Objective{{Name: "acc"}}}
	twoObjective = bumpy{[]search.Objective{{Name: "acc"}, {Name: "cost", Minimize: true}}}
)

type strategyCase struct {
	name string
	new  func() search.Strategy
	two  bool // needs two objectives
}

// strategies makes a fresh strategy of every kind.
var strategies = []strategyCase{
	{"random", func() search.Strategy { return &search.Random{} }, false},
	{"exhaustive", func() search.Strategy { return &search.Exhaustive{} }, false},
	{"evolution", func() search.Strategy { return &search.Evolution{} }, false},
	{"reinforce", func() search.Strategy { return &search.Reinforce{} }, false},
	{"bo", func() search.Strategy { return &search.BO{} }, false},
	{"bananas", func() search.Strategy { return search.NewBananas() }, false},
	{"local", func() search.Strategy { return &search.LocalSearch{} }, false},
	{"local-best", func() search.Strategy { return &search.LocalSearch{BestImprovement: true} }, false},
	{"nsga2", func() search.Strategy { return &search.NSGA2{Size: 10} }, true},
}

func TestEveryStrategyOnAConstrainedSpace(t *testing.T) {
	for _, st := range strategies {
		est := search.Estimator(oneObjective)
		if st.two {
			est = twoObjective
		}
		s, err := search.New(search.Config{Space: grid{}, Strategy: st.new(), Estimator: est, Budget: search.Budget{Evaluations: 60}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for _, e := range s.History() {
			if err := space.Valid(grid{}, e.Arch); err != nil {
				t.Fatalf("%s proposed %v: %v", st.name, e.Arch, err)
			}
		}
		best, _ := s.Best()
		t.Logf("%-10s best acc %.2f at %s after %d", st.name, best.Values[0], best.Arch.Key(), len(s.History()))
	}
}

func TestExhaustiveListsEveryValidArchitectureOnce(t *testing.T) {
	var want []string
	space.Enumerate(grid{}, func(a space.Arch) bool { want = append(want, a.Key()); return true })
	s, _ := search.New(search.Config{Space: grid{}, Strategy: &search.Exhaustive{}, Estimator: oneObjective, Budget: search.Budget{Evaluations: 10000}})
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.History() {
		got = append(got, e.Arch.Key())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("exhaustive proposed %d architectures, want the %d of Enumerate in order", len(got), len(want))
	}
	if done, why := s.Done(); !done || why != "exhausted" {
		t.Errorf("Done = %v, %q", done, why)
	}
}

// The front of a search is the set of non-dominated evaluations, and the
// events report every evaluation, incumbent and front change.
func TestEventsAndFront(t *testing.T) {
	var evals, incumbents, fronts, pops, finished int
	var lastFront []search.Evaluation
	s, _ := search.New(search.Config{Space: grid{}, Strategy: &search.NSGA2{Size: 8}, Estimator: twoObjective,
		Budget: search.Budget{Evaluations: 80}, Seed: 1,
		OnEvent: func(e search.Event) {
			switch e := e.(type) {
			case *search.Evaluated:
				evals++
			case *search.Incumbent:
				incumbents++
			case *search.PopulationChanged:
				pops++
			case *search.FrontChanged:
				fronts++
				lastFront = e.Front
			case *search.Finished:
				finished++
			}
		}})
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if evals != 80 || pops != 80 || finished != 1 || incumbents == 0 || fronts == 0 {
		t.Errorf("events: %d evaluated, %d populations, %d finished, %d incumbents, %d fronts", evals, pops, finished, incumbents, fronts)
	}
	// The front by brute force.
	h := s.History()
	fs := make([][]float64, len(h))
	for i, e := range h {
		fs[i] = e.Fitness
	}
	var want []string
	for _, i := range pareto.NonDominatedSort(fs)[0] {
		want = append(want, fmt.Sprint(h[i].Values))
	}
	var got []string
	for _, e := range lastFront {
		got = append(got, fmt.Sprint(e.Values))
	}
	if strings.Join(sortedCopy(got), " ") != strings.Join(sortedCopy(want), " ") {
		t.Errorf("front %v, want %v", got, want)
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

func TestBudgets(t *testing.T) {
	s, _ := search.New(search.Config{Space: grid{}, Strategy: &search.Random{}, Estimator: oneObjective, Budget: search.Budget{Seconds: 200}, Seed: 1})
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	u := s.Used()
	last := s.History()[len(s.History())-1].Seconds
	if u.Seconds < 200 || u.Seconds-last >= 200 || u.Fraction != 1 {
		t.Errorf("seconds budget 200: used %+v (last evaluation %v)", u, last)
	}
	if _, err := search.New(search.Config{Space: grid{}, Strategy: &search.Random{}, Estimator: oneObjective}); err == nil {
		t.Error("a search without a budget started")
	}
}

type slow struct{ bumpy }

func (s slow) Estimate(a space.Arch) (search.Score, error) {
	time.Sleep(5 * time.Millisecond)
	return s.bumpy.Estimate(a)
}

func TestWallBudget(t *testing.T) {
	s, _ := search.New(search.Config{Space: grid{}, Strategy: &search.Random{}, Estimator: slow{oneObjective}, Budget: search.Budget{Wall: 40 * time.Millisecond}})
	start := time.Now()
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.History()); n < 1 || n > 8 || time.Since(start) > 2*time.Second {
		t.Errorf("a 40 ms budget of 5 ms evaluations ran %d in %v", n, time.Since(start))
	}
	if done, why := s.Done(); !done || why != "budget" {
		t.Errorf("Done = %v, %q", done, why)
	}
}

type failing struct{ bumpy }

func (failing) Estimate(a space.Arch) (search.Score, error) {
	return search.Score{}, errors.New("no such row")
}

func TestEstimatorErrorsNameTheArchitecture(t *testing.T) {
	s, _ := search.New(search.Config{Space: grid{}, Strategy: &search.Random{}, Estimator: failing{oneObjective}, Budget: search.Budget{Evaluations: 1}})
	_, err := s.Step()
	if err == nil || !strings.Contains(err.Error(), "no such row") || !strings.Contains(err.Error(), "estimate ") {
		t.Errorf("err = %v", err)
	}
}

// run runs a search of st to its budget in one go, or stopping after `at`
// evaluations, saving, and resuming into a fresh strategy. It returns the
// final checkpoint (less its wall time) and the events after evaluation from.
func run(t *testing.T, sp space.Space, est search.Estimator, newSt func() search.Strategy, budget, at, from int) ([]byte, []string) {
	t.Helper()
	var events []string
	record := func(e search.Event) {
		var n int
		switch e := e.(type) {
		case *search.Evaluated:
			n = e.N
			e.Used.WallSeconds, e.Used.Fraction = 0, 0
		case *search.Incumbent:
			n = e.N
		case *search.PopulationChanged:
			n = e.N
		case *search.FrontChanged:
			n = e.N
		case *search.Finished:
			e.Used.WallSeconds = 0
			n = math.MaxInt
		}
		if n > from {
			b, _ := json.Marshal(e)
			events = append(events, fmt.Sprintf("%T %s", e, b))
		}
	}
	cfg := search.Config{Space: sp, Strategy: newSt(), Estimator: est, Budget: search.Budget{Evaluations: budget}, Seed: 42, OnEvent: record}
	s, err := search.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if at < budget {
		for range at {
			if _, err := s.Step(); err != nil {
				t.Fatal(err)
			}
		}
		saved, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Strategy = newSt()
		cfg.Seed = 0 // the checkpoint's counts
		if s, err = search.Resume(cfg, saved); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	final, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(final, &m)
	delete(m, "wall_ns")
	final, _ = json.Marshal(m)
	return final, events
}

func checkResume(t *testing.T, sp space.Space, one, two search.Estimator, budget int, stops []int, sts []strategyCase) {
	for _, st := range sts {
		est := one
		if st.two {
			est = two
		}
		want, wantEvents := run(t, sp, est, st.new, budget, budget, 0)
		for _, at := range stops {
			got, gotEvents := run(t, sp, est, st.new, budget, at, at)
			if !bytes.Equal(got, want) {
				t.Errorf("%s resumed after %d of %d evaluations ends in another state:\n got %.300s\nwant %.300s", st.name, at, budget, got, want)
				continue
			}
			var tail []string
			for _, e := range wantEvents {
				if n := eventN(e); n > at {
					tail = append(tail, e)
				}
			}
			if !reflect.DeepEqual(gotEvents, tail) {
				t.Errorf("%s resumed after %d: %d events after the resumption, want %d", st.name, at, len(gotEvents), len(tail))
			}
		}
	}
}

// eventN reads the evaluation number back from a recorded event.
func eventN(e string) int {
	var v struct {
		N  int
		NL int `json:"n"`
	}
	json.Unmarshal([]byte(e[strings.Index(e, " ")+1:]), &v)
	if strings.HasPrefix(e, "*search.Finished") {
		return math.MaxInt
	}
	return max(v.N, v.NL)
}

func TestResumeEndsAsAnUninterruptedSearch(t *testing.T) {
	checkResume(t, grid{}, oneObjective, twoObjective, 70, []int{0, 10, 37}, strategies)
}

func TestSourceIsResumable(t *testing.T) {
	a := search.NewSource(7)
	for range 10 {
		a.Uint64()
	}
	b := &search.Source{State: a.State}
	for range 5 {
		if x, y := a.Uint64(), b.Uint64(); x != y {
			t.Fatalf("resumed stream %d, want %d", y, x)
		}
	}
	if search.NewSource(1).Uint64() == search.NewSource(2).Uint64() {
		t.Error("seeds 1 and 2 start alike")
	}
}
