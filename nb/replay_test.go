package nb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/nb"
	"nasbook/space/nb201"
	"nasbook/tables"
	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// TestReplayFollowsTheEngine: the scene a search leaves on the canvas
// replays it. At every step k it shows the k architectures the engine had
// evaluated (Evaluated), the Pareto front the engine reported after k
// evaluations (FrontChanged) and the population it reported
// (PopulationChanged); nb.Replay shows the same scene again.
func TestReplayFollowsTheEngine(t *testing.T) {
	s, _, shown := session()
	s.Files = nb.NativeFiles()
	both := s.OpenTable("nb201/accuracy-200ep").Join(s.OpenTable("nb201/latency"))
	cfg := nb.SearchConfig{Table: both, Strategy: "nsga2", Objectives: []string{"cifar10_test", "pixel3"}, Minimize: []string{"pixel3"}, Budget: 120, Seed: 3}
	r := s.Search(cfg)
	last := func() *scene.Scene {
		var sc *scene.Scene
		for _, o := range *shown {
			if v, ok := o[scene.MIMEType].(*scene.Scene); ok {
				sc = v
			}
		}
		return sc
	}
	sc := last()
	if sc == nil || sc.Replay == nil || sc.Validate() != nil {
		t.Fatalf("the finished search left %+v on the canvas, want a scene with its replay", sc)
	}
	if sc.Plot.X.Metric != "pixel3" || sc.Plot.Y.Metric != "cifar10_test" || sc.Plot.Cells[0].Edit == nil {
		t.Errorf("axes' metrics %q and %q, editable cells %v: want a chart whose cells edit and move on it", sc.Plot.X.Metric, sc.Plot.Y.Metric, sc.Plot.Cells[0].Edit != nil)
	}

	// The engine's own events for the same search.
	var evals []string
	fronts := map[int][]int{} // by evaluation: the front's evaluation numbers
	pops := map[int][]int{}
	read := func(name string) *tabular.Table {
		tb, err := tabular.Shipped(tables.Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	j, err := tabular.Join(read("nb201/accuracy-200ep"), read("nb201/latency"))
	if err != nil {
		t.Fatal(err)
	}
	est, err := tabular.NewEstimator(j, nb201.Space{}, []search.Objective{{Name: "cifar10_test"}, {Name: "pixel3", Minimize: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = search.Repeat(context.Background(), search.RepeatConfig{Space: est.Space(), Strategy: "nsga2", Estimator: est,
		Budget: search.Budget{Evaluations: 120}, Seed: 3, Seeds: 1, OnEvent: func(_ int, e search.Event) {
			switch e := e.(type) {
			case *search.Evaluated:
				evals = append(evals, nb201.FromChoices(e.Arch).String())
			case *search.FrontChanged:
				fronts[e.N] = nil
				for _, m := range e.Front {
					fronts[e.N] = append(fronts[e.N], m.N)
				}
			case *search.PopulationChanged:
				pops[e.N] = nil
				for _, m := range e.Members {
					pops[e.N] = append(pops[e.N], m.N)
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Replay.Steps != len(evals) || len(evals) != 120 || len(pops) == 0 {
		t.Fatalf("a replay of %d steps, the engine evaluated %d and changed the population %d times", sc.Replay.Steps, len(evals), len(pops))
	}
	var front, pop []int
	for k := 0; k <= 120; k++ {
		v := layout.Replayed(sc, k)
		if len(v.Plot.Points) != k {
			t.Fatalf("step %d shows %d points", k, len(v.Plot.Points))
		}
		if k > 0 && v.Plot.Points[k-1].Label != evals[k-1] {
			t.Fatalf("step %d's last point is %s, the engine's evaluation %d %s", k, v.Plot.Points[k-1].Label, k, evals[k-1])
		}
		if f, ok := fronts[k]; ok {
			front = f
		}
		if p, ok := pops[k]; ok {
			pop = p
		}
		var got []string
		for _, i := range layout.ParetoFront(v.Plot.Points, true, false) {
			got = append(got, v.Plot.Points[i].Label)
		}
		var want []string
		for _, n := range front {
			want = append(want, evals[n-1])
		}
		slices.Sort(got)
		slices.Sort(want)
		// Ties: the engine's front keeps the first of equal points, the
		// chart every one of them; compare the architectures.
		got, want = slices.Compact(got), slices.Compact(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("step %d: the chart's front is\n%s\nthe engine's\n%s", k, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		var members []int
		for i, q := range v.Plot.Points {
			if q.Group == "population" {
				members = append(members, i+1)
			}
		}
		w := slices.Sorted(slices.Values(pop))
		if fmt.Sprint(members) != fmt.Sprint(w) {
			t.Fatalf("step %d: population %v, the engine's %v", k, members, w)
		}
	}

	n := len(*shown)
	s.Replay(r)
	if len(*shown) != n+1 || last() != sc {
		t.Error("nb.Replay did not show the search's replay")
	}
}

// TestReplayDARTS: a DARTS search's final weights come with those before
// the first epoch and after each, as its epochs recorded them.
func TestReplayDARTS(t *testing.T) {
	s, _, shown := session()
	d := s.DARTS(nb.DARTSConfig{Data: s.Shapes(200, 8, 3, 1), Images: 96, Epochs: 2, C: 2, Seed: 1, Quiet: true})
	s.Replay(d)
	sc := (*shown)[len(*shown)-1][scene.MIMEType].(*scene.Scene)
	if sc.Replay == nil || sc.Replay.Steps != 2 || sc.Validate() != nil {
		t.Fatalf("replay %+v", sc.Replay)
	}
	// An edge's strongest op is drawn at weight 1, the others at their share of it.
	ops := len(d.Ops)
	for k, ep := range [][][]float64{d.Start, d.Epochs[0].Weights, d.Epochs[1].Weights} {
		w := sc.Replay.Weights[k]
		for e := range ep {
			top := slices.Max(ep[e])
			for o, v := range ep[e] {
				if got := w[e*ops+o]; fmt.Sprintf("%.9f", got) != fmt.Sprintf("%.9f", v/top) {
					t.Fatalf("step %d, edge %d, op %d: weight %g, want %g", k, e, o, got, v/top)
				}
			}
		}
	}
	if _, err := tryReplay(s, "r"); err == nil || !strings.Contains(err.Error(), "cannot replay a string") {
		t.Errorf("nb.Replay of a string: %v", err)
	}
	if _, err := tryReplay(s, nb.SearchResult{}); err == nil || !strings.Contains(err.Error(), "no history to replay") {
		t.Errorf("nb.Replay of a zero SearchResult: %v", err)
	}
}

func tryReplay(s *nb.Session, x any) (_ struct{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	s.Replay(x)
	return
}
