package layout

import (
	"fmt"
	"testing"

	"nasbook/viz/scene"
)

// TestReplayedChart: step k shows the first k points, each in the group its
// spans give it at k, on the axes of the whole chart, with the front of
// those k points.
func TestReplayedChart(t *testing.T) {
	pts := []scene.Point{{X: 5, Y: 80}, {X: 3, Y: 85}, {X: 9, Y: 95}, {X: 1, Y: 70}, {X: 4, Y: 90}}
	s := &scene.Scene{Kind: scene.KindPareto, Plot: &scene.Plot{
		X: scene.Axis{Label: "latency", Minimize: true}, Y: scene.Axis{Label: "accuracy"}, Points: pts},
		Replay: &scene.Replay{Unit: "evaluation", Steps: 5, Spans: []scene.Span{
			{P: 0, From: 1, To: 3, Group: "population"}, {P: 1, From: 2, Group: "population"}, {P: 4, From: 5, Group: "population"}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		step   int
		front  string // indices, by x
		groups string
	}{
		{0, "[]", "[]"},
		{1, "[0]", "[population]"},
		{2, "[1]", "[population population]"},
		{3, "[1 2]", "[ population ]"},
		{4, "[3 1 2]", "[ population  ]"},
		{5, "[3 1 4 2]", "[ population   population]"},
		{9, "[3 1 4 2]", "[ population   population]"}, // past the end: the last step
	} {
		r := Replayed(s, tc.step)
		p := r.Plot
		if r.Replay != nil || len(p.Points) != min(tc.step, 5) {
			t.Fatalf("step %d: %d points, replay %v", tc.step, len(p.Points), r.Replay)
		}
		if got := fmt.Sprint(ParetoFront(p.Points, true, false)); got != tc.front {
			t.Errorf("step %d: front %s, want %s", tc.step, got, tc.front)
		}
		var groups []string
		for _, q := range p.Points {
			groups = append(groups, q.Group)
		}
		if got := fmt.Sprint(groups); got != tc.groups {
			t.Errorf("step %d: groups %q, want %q", tc.step, got, tc.groups)
		}
		if fmt.Sprint(p.X.Range, p.Y.Range) != "[1 9] [70 95]" {
			t.Errorf("step %d: axes span %v and %v, want the whole chart's", tc.step, p.X.Range, p.Y.Range)
		}
		// The same ticks at every step.
		c := ComputeChart(r, 640, 480, monospace{}, Options{Scale: 1})
		if got, want := fmt.Sprint(c.XTicks[0].Value, c.YTicks[0].Value), fmt.Sprint(ComputeChart(s, 640, 480, monospace{}, Options{Scale: 1}).XTicks[0].Value, 70.0); got != want {
			t.Errorf("step %d: first ticks %s, want %s", tc.step, got, want)
		}
	}
	if len(s.Plot.Points) != 5 || s.Plot.Points[0].Group != "" {
		t.Error("Replayed changed the scene it was given")
	}
}

// TestReplayedCell: step k draws the cell with its edges' weights after k
// steps.
func TestReplayedCell(t *testing.T) {
	c := &scene.Cell{Nodes: []scene.Node{{ID: 0}, {ID: 1}}, Edges: []scene.Edge{{From: 0, To: 1, Op: "a", Weight: 1}, {From: 0, To: 1, Op: "b", Weight: 0.2}}}
	s := &scene.Scene{Kind: scene.KindCell, Cell: c, Replay: &scene.Replay{Unit: "epoch", Steps: 2, Weights: [][]float64{{1, 1}, {1, 0.5}, {1, 0.2}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for k, want := range []string{"1 1", "1 0.5", "1 0.2"} {
		e := Replayed(s, k).Cell.Edges
		if got := fmt.Sprint(e[0].Weight, " ", e[1].Weight); got != want {
			t.Errorf("step %d: weights %s, want %s", k, got, want)
		}
	}
	if c.Edges[1].Weight != 0.2 {
		t.Error("Replayed changed the scene's cell")
	}
}
