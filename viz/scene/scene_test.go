package scene

import (
	"math"
	"strings"
	"testing"
)

func TestDecodePareto(t *testing.T) {
	const js = `{"kind":"pareto","title":"accuracy vs latency","plot":{
		"x":{"label":"latency (ms)","minimize":true},"y":{"label":"accuracy (%)"},
		"points":[{"x":3.1,"y":91.2,"label":"a","cell":0},{"x":5,"y":93.5,"label":"b","group":"population"}],
		"cells":[{"nodes":[{"id":0,"label":"in"},{"id":1,"label":"out"}],"edges":[{"from":0,"to":1,"op":"nor_conv_3x3","weight":1}]}]}}`
	s, err := Decode([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Plot
	if s.Kind != KindPareto || !p.X.Minimize || p.Y.Minimize || len(p.Points) != 2 || len(p.Cells) != 1 {
		t.Fatalf("decoded %+v", p)
	}
	if c := p.Points[0].Cell; c == nil || *c != 0 || p.Points[1].Cell != nil {
		t.Errorf("point cells %v and %v, want 0 and none", p.Points[0].Cell, p.Points[1].Cell)
	}
	if p.Points[1].Group != "population" {
		t.Errorf("group %q", p.Points[1].Group)
	}
}

// TestValidate: each broken scene is refused with an error that names what is wrong.
func TestValidate(t *testing.T) {
	two := 2
	cell := Cell{Nodes: []Node{{ID: 0}, {ID: 1}}, Edges: []Edge{{From: 0, To: 1, Op: "x", Weight: 1}}}
	bad := cell
	bad.Edges = []Edge{{From: 0, To: 5, Op: "conv", Weight: 1}}
	for _, tc := range []struct {
		s    Scene
		want string // "" for a valid scene
	}{
		{Scene{Kind: KindCell, Cell: &cell}, ""},
		{Scene{Kind: KindCell}, `kind "cell" without a cell`},
		{Scene{Kind: KindCell, Cell: &bad}, "edge 0 (conv) joins unknown node 0->5"},
		{Scene{Kind: KindPoints, Plot: &Plot{}}, ""}, // a search that has not evaluated anything yet
		{Scene{Kind: KindPareto}, `kind "pareto" without a plot`},
		{Scene{Kind: KindPoints}, `kind "points" without a plot`},
		{Scene{Kind: KindPareto, Plot: &Plot{Points: []Point{{X: 1, Y: 2}, {X: nan(), Y: 1, Label: "arch7"}}}}, "point 1 (arch7) has x = NaN"},
		{Scene{Kind: KindPoints, Plot: &Plot{Points: []Point{{X: 1, Y: inf()}}}}, "point 0 has y = +Inf"},
		{Scene{Kind: KindPareto, Plot: &Plot{Points: []Point{{Cell: &two}}, Cells: []Cell{cell}}}, "point 0 refers to cell 2 of 1"},
		{Scene{Kind: KindPareto, Plot: &Plot{Cells: []Cell{cell, bad}}}, "plot cells[1]: edge 0 (conv) joins unknown node"},
		{Scene{Kind: "graph"}, `unknown kind "graph"`},
		{Scene{Kind: KindPoints, Plot: &Plot{Points: []Point{{}, {}}}, Replay: &Replay{Steps: 2, Spans: []Span{{P: 1, From: 1, To: 2}}}}, ""},
		{Scene{Kind: KindPoints, Plot: &Plot{Points: []Point{{}, {}}}, Replay: &Replay{Steps: 3}}, "replay of 3 steps of a chart of 2 points"},
		{Scene{Kind: KindPoints, Plot: &Plot{Points: []Point{{}, {}}}, Replay: &Replay{Steps: 2, Spans: []Span{{P: 1, From: 2, To: 1}}}}, "span of point 1 from step 2 to 1"},
		{Scene{Kind: KindCell, Cell: &cell, Replay: &Replay{Steps: 1, Weights: [][]float64{{1}, {0.5}}}}, ""},
		{Scene{Kind: KindCell, Cell: &cell, Replay: &Replay{Steps: 2, Weights: [][]float64{{1}, {0.5}}}}, "2 steps has 2 lists of weights"},
		{Scene{Kind: KindCell, Cell: &cell, Replay: &Replay{Steps: 1, Weights: [][]float64{{1}, {1.5}}}}, "step 1 gives edge 0 weight 1.5"},
		{Scene{Kind: KindPareto, Plot: &Plot{X: Axis{Label: "ms", Range: []float64{2, 1}}}}, `axis "ms" has range [2 1]`},
	} {
		err := tc.s.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", tc.s.Kind, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one saying %q", tc.s.Kind, err, tc.want)
		}
	}
}

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }

// TestDecodeSharedOptions: a chart's cells that list no options of their
// own take the plot's EditOptions.
func TestDecodeSharedOptions(t *testing.T) {
	const js = `{"kind":"pareto","plot":{"x":{"label":"ms"},"y":{"label":"acc"},"points":[{"x":1,"y":2,"cell":0}],
		"editOptions":[["a","b"]],
		"cells":[{"nodes":[{"id":0,"label":"in"},{"id":1,"label":"out"}],"edges":[{"from":0,"to":1,"op":"b","weight":1}],
			"edit":{"space":"s","choices":[1],"op":[0]}}]}}`
	s, err := Decode([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Plot.Cells[0].Edit; len(e.Options) != 1 || e.Options[0][1] != "b" {
		t.Errorf("the cell's edit has options %v, want the plot's", e.Options)
	}
	bad := strings.Replace(js, `"choices":[1]`, `"choices":[2]`, 1)
	if _, err := Decode([]byte(bad)); err == nil || !strings.Contains(err.Error(), "choice 0 is option 2 of 2") {
		t.Errorf("a choice beyond the shared options: %v", err)
	}
}
