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
