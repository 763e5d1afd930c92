package search_test

import (
	"context"
	"math/rand"
	"strings"
	"testing"
	"time"

	"nasbook/engine/search"
	"nasbook/space"
	"nasbook/space/spaces"
)

// additive scores any space: the sum of a fixed random weight per choice and
// option ("acc", maximised) and the sum of the option indices ("size",
// minimised).
type additive struct {
	w    [][]float64
	objs []search.Objective
}

func newAdditive(sp space.Space, objectives int) additive {
	r := rand.New(search.NewSource(99))
	var w [][]float64
	for _, d := range sp.Dims() {
		row := make([]float64, len(d.Options))
		for o := range row {
			row[o] = r.Float64()
		}
		w = append(w, row)
	}
	objs := []search.Objective{{Name: "acc"}, {Name: "size", Minimize: true}}
	return additive{w, objs[:objectives]}
}

func (a additive) Objectives() []search.Objective { return a.objs }
func (a additive) Estimate(x space.Arch) (search.Score, error) {
	acc, size := 0.0, 0.0
	for i, c := range x {
		acc += a.w[i][c]
		size += float64(c)
	}
	return search.Score{Values: []float64{acc, size}[:len(a.objs)]}, nil
}

// Every strategy runs on every built-in space through the generic API only,
// proposes valid architectures, and resumes exactly.
func TestEveryStrategyOnEveryBuiltInSpace(t *testing.T) {
	for _, name := range spaces.Names() {
		sp, err := spaces.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		one, two := newAdditive(sp, 1), newAdditive(sp, 2)
		for _, st := range strategies {
			est := search.Estimator(one)
			if st.two {
				est = two
			}
			start := time.Now()
			s, err := search.New(search.Config{Space: sp, Strategy: st.new(), Estimator: est, Budget: search.Budget{Evaluations: 20}, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Run(context.Background())
			if n := space.Size(sp); st.name == "exhaustive" && (n < 0 || n > 1<<24) {
				if err == nil || !strings.Contains(err.Error(), "more than 16777216 combinations") {
					t.Errorf("exhaustive on %s (%d combinations): %v", name, space.Size(sp), err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s on %s: %v", st.name, name, err)
			}
			if d := time.Since(start); d > time.Second {
				t.Logf("%s on %s took %v", st.name, name, d)
			}
			for _, e := range s.History() {
				if err := space.Valid(sp, e.Arch); err != nil {
					t.Fatalf("%s on %s proposed %v: %v", st.name, name, e.Arch, err)
				}
			}
		}
		var resumable []strategyCase
		for _, st := range strategies {
			if st.name != "exhaustive" || space.Size(sp) == 180 || space.Size(sp) == 15625 {
				resumable = append(resumable, st)
			}
		}
		checkResume(t, sp, one, two, 20, []int{12}, resumable)
	}
}
