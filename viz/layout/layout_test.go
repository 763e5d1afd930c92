package layout

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"nasbook/space/spec"
	"nasbook/viz/scene"
)

// monospace measures text as a fixed-pitch font would: each rune is 0.55 em
// wide and lines are 1.25 em high, close to Go Regular's averages.
type monospace struct{}

func (monospace) Measure(s string, size float64) (w, h float64) {
	return 0.55 * size * float64(utf8.RuneCountInString(s)), 1.25 * size
}

// nb201 is the cell of |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|.
func nb201() *scene.Cell {
	return &scene.Cell{
		Nodes: []scene.Node{{ID: 0, Label: "in"}, {ID: 1, Label: "1"}, {ID: 2, Label: "2"}, {ID: 3, Label: "out"}},
		Edges: []scene.Edge{
			{From: 0, To: 1, Op: "nor_conv_3x3", Weight: 1},
			{From: 0, To: 2, Op: "nor_conv_3x3", Weight: 1},
			{From: 1, To: 2, Op: "avg_pool_3x3", Weight: 1},
			{From: 0, To: 3, Op: "skip_connect", Weight: 1},
			{From: 1, To: 3, Op: "nor_conv_3x3", Weight: 1},
			{From: 2, To: 3, Op: "skip_connect", Weight: 1},
		},
	}
}

// darts is a DARTS normal cell: two inputs, four intermediate nodes with two
// inputs each, and the output concatenating the intermediate nodes.
func darts() *scene.Cell {
	c := &scene.Cell{Nodes: []scene.Node{{ID: 0, Label: "c_{k-2}"}, {ID: 1, Label: "c_{k-1}"}, {ID: 2, Label: "0"}, {ID: 3, Label: "1"}, {ID: 4, Label: "2"}, {ID: 5, Label: "3"}, {ID: 6, Label: "c_{k}"}}}
	in := [][2]int{{0, 1}, {0, 1}, {1, 2}, {0, 2}}
	ops := []string{"sep_conv_3x3", "sep_conv_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_3x3", "dil_conv_3x3", "skip_connect", "sep_conv_5x5"}
	for k, pair := range in {
		for j, from := range pair {
			c.Edges = append(c.Edges, scene.Edge{From: from, To: k + 2, Op: ops[2*k+j], Weight: 1})
		}
	}
	for k := 2; k < 6; k++ {
		c.Edges = append(c.Edges, scene.Edge{From: k, To: 6, Op: "concat", Weight: 1})
	}
	return c
}

// supernet is the NB201 relaxation: every op on every edge, weights summing to one.
func supernet() *scene.Cell {
	c := nb201()
	c.Edges = nil
	ops := []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}
	for to := 1; to < 4; to++ {
		for from := 0; from < to; from++ {
			for k, op := range ops {
				c.Edges = append(c.Edges, scene.Edge{From: from, To: to, Op: op, Weight: float64(k+1) / 15})
			}
		}
	}
	return c
}

// check holds l to the invariants every layout keeps.
func check(t *testing.T, c *scene.Cell, l *Layout, noCrossings bool) {
	t.Helper()
	if len(l.Nodes) != len(c.Nodes) || len(l.Edges) != len(c.Edges) {
		t.Fatalf("%d nodes and %d edges, want %d and %d", len(l.Nodes), len(l.Edges), len(c.Nodes), len(c.Edges))
	}
	box := map[int]Rect{}
	for i, n := range l.Nodes {
		box[n.ID] = n.Box
		for _, m := range l.Nodes[:i] {
			if n.Box.Overlaps(m.Box) {
				t.Errorf("node %d overlaps node %d", n.ID, m.ID)
			}
		}
	}
	view := Rect{Max: Point{l.Width, l.Height}}
	for _, n := range l.Nodes {
		if !(view.Contains(n.Box.Min) && view.Contains(n.Box.Max)) {
			t.Errorf("node %d at %v outside the view %v", n.ID, n.Box, view)
		}
	}
	flat := make([][]Point, len(l.Edges))
	for i, e := range l.Edges {
		ce := c.Edges[i]
		if e.Index != i || e.Op != ce.Op {
			t.Fatalf("edge %d is %d %q, want %q", i, e.Index, e.Op, ce.Op)
		}
		if !box[ce.From].OnBorder(e.Curve[0], 1e-6) {
			t.Errorf("edge %d (%s) starts at %v, off node %d %v", i, e.Op, e.Curve[0], ce.From, box[ce.From])
		}
		if !box[ce.To].OnBorder(e.Arrow[0], 1e-6) {
			t.Errorf("edge %d (%s) points at %v, off node %d %v", i, e.Op, e.Arrow[0], ce.To, box[ce.To])
		}
		if !(view.Contains(e.Pill.Min) && view.Contains(e.Pill.Max)) {
			t.Errorf("edge %d (%s) label %v outside the view %v", i, e.Op, e.Pill, view)
		}
		flat[i] = append(e.Curve.Flatten(nil, 64), e.Arrow[0])
		if !within(e.Pill, e.Stack) || !within(e.Label.Box, e.Pill) || e.Swatch != (Rect{}) && !within(e.Swatch, e.Pill) {
			t.Errorf("edge %d (%s): label %v, swatch %v, pill %v and stack %v do not nest", i, e.Op, e.Label.Box, e.Swatch, e.Pill, e.Stack)
		}
		for _, n := range l.Nodes {
			if e.Stack.Overlaps(n.Box) {
				t.Errorf("edge %d (%s) label overlaps node %d", i, e.Op, n.ID)
			}
			if n.ID != ce.From && n.ID != ce.To && polylineHits(flat[i], n.Box) {
				t.Errorf("edge %d (%s) runs through node %d", i, e.Op, n.ID)
			}
		}
		if l.Title.S != "" && e.Stack.Overlaps(l.Title.Box) {
			t.Errorf("edge %d (%s) label overlaps the title", i, e.Op)
		}
	}
	for i, e := range l.Edges {
		for j, f := range l.Edges {
			if i == j {
				continue
			}
			if j < i && e.Pill.Inset(1e-6).Overlaps(f.Pill) {
				t.Errorf("labels of edges %d (%s) and %d (%s) overlap", i, e.Op, j, f.Op)
			}
			if e.Stack == f.Stack {
				continue // a bundle's curves run under its own labels
			}
			if polylineHits(flat[i], f.Stack) {
				t.Errorf("edge %d (%s) runs through the label of edge %d (%s)", i, e.Op, j, f.Op)
			}
			if noCrossings && j < i && PolylinesCross(flat[i], flat[j]) {
				t.Errorf("edges %d (%s) and %d (%s) cross", i, e.Op, j, f.Op)
			}
		}
	}
}

var views = []struct{ w, h, scale float64 }{
	{1200, 700, 1},   // a wide iframe
	{480, 900, 1},    // a narrow, tall one
	{1600, 1000, 2},  // hi-dpi
	{300, 200, 1},    // too small for anything
	{3840, 2160, 1},  // a projector at 4K
	{900, 900, 1.25}, // square
}

func TestNB201(t *testing.T) {
	c := nb201()
	for _, v := range views {
		t.Run(fmt.Sprintf("%gx%g@%g", v.w, v.h, v.scale), func(t *testing.T) {
			l := Compute("NB201 cell", c, v.w, v.h, monospace{}, Options{Scale: v.scale})
			check(t, c, l, true)
			if v.w >= 480 && !l.Fits {
				t.Errorf("does not fit in %gx%g", v.w, v.h)
			}
			if v.w/v.scale >= 800 && l.Edges[0].Label.Size < 16*v.scale {
				t.Errorf("labels at %g px, want at least 16 CSS px", l.Edges[0].Label.Size)
			}
		})
	}
}

func TestNB201Orientation(t *testing.T) {
	wide := Compute("", nb201(), 1200, 700, monospace{}, Options{})
	tall := Compute("", nb201(), 480, 1000, monospace{}, Options{})
	if wide.Orientation != Horizontal || tall.Orientation != Vertical {
		t.Errorf("orientations %v and %v, want horizontal in a wide view and vertical in a tall one", wide.Orientation, tall.Orientation)
	}
	for i := 1; i < 4; i++ {
		a, b := wide.Nodes[i-1].Box, wide.Nodes[i].Box
		if b.Min.X <= a.Max.X || a.Center().Y != b.Center().Y {
			t.Errorf("wide: node %d at %v not right of node %d at %v", i, b, i-1, a)
		}
		a, b = tall.Nodes[i-1].Box, tall.Nodes[i].Box
		if b.Min.Y <= a.Max.Y || a.Center().X != b.Center().X {
			t.Errorf("tall: node %d at %v not below node %d at %v", i, b, i-1, a)
		}
	}
}

func TestDARTS(t *testing.T) {
	c := darts()
	for _, v := range views {
		t.Run(fmt.Sprintf("%gx%g@%g", v.w, v.h, v.scale), func(t *testing.T) {
			check(t, c, Compute("DARTS normal cell", c, v.w, v.h, monospace{}, Options{Scale: v.scale}), false)
		})
	}
}

func TestSupernet(t *testing.T) {
	c := supernet()
	for _, v := range views {
		t.Run(fmt.Sprintf("%gx%g@%g", v.w, v.h, v.scale), func(t *testing.T) {
			check(t, c, Compute("", c, v.w, v.h, monospace{}, Options{Scale: v.scale}), true)
		})
	}
}

func TestOddEdges(t *testing.T) {
	// Backward edges, a self-loop and nodes without labels stay drawable.
	c := &scene.Cell{
		Nodes: []scene.Node{{ID: 7}, {ID: 3}, {ID: 5}},
		Edges: []scene.Edge{
			{From: 3, To: 7, Op: "back", Weight: 1},
			{From: 5, To: 7, Op: "long_back", Weight: 0.5},
			{From: 3, To: 3, Op: "loop", Weight: 0.2},
			{From: 7, To: 5, Op: "none", Weight: 1},
		},
	}
	l := Compute("", c, 1000, 600, monospace{}, Options{})
	check(t, c, l, false)
	if l.Nodes[0].Label.S != "7" {
		t.Errorf("unlabelled node 7 reads %q", l.Nodes[0].Label.S)
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range []*scene.Cell{nb201(), darts(), supernet()} {
		a := Compute("t", c, 1000, 700, monospace{}, Options{})
		for range 5 {
			if b := Compute("t", c, 1000, 700, monospace{}, Options{}); !reflect.DeepEqual(a, b) {
				t.Fatal("two layouts of the same cell differ")
			}
		}
	}
}

func TestWeightStyle(t *testing.T) {
	c := &scene.Cell{
		Nodes: []scene.Node{{ID: 0, Label: "a"}, {ID: 1, Label: "b"}},
		Edges: []scene.Edge{
			{From: 0, To: 1, Op: "nor_conv_3x3", Weight: 0},
			{From: 0, To: 1, Op: "nor_conv_1x1", Weight: 0.5},
			{From: 0, To: 1, Op: "avg_pool_3x3", Weight: 1},
			{From: 0, To: 1, Op: "none", Weight: 1},
		},
	}
	l := Compute("", c, 1000, 800, monospace{}, Options{Scale: 2})
	check(t, c, l, false)
	e := l.Edges
	if !(e[0].Width < e[1].Width && e[1].Width < e[2].Width && e[0].Alpha < e[1].Alpha && e[1].Alpha < e[2].Alpha) {
		t.Errorf("widths %g %g %g and alphas %g %g %g do not grow with the weight", e[0].Width, e[1].Width, e[2].Width, e[0].Alpha, e[1].Alpha, e[2].Alpha)
	}
	if e[2].Width != 2*7.5 || e[2].Alpha != 1 {
		t.Errorf("weight 1 at scale 2: width %g alpha %g, want 15 and 1", e[2].Width, e[2].Alpha)
	}
	if !e[3].None || e[0].None || e[3].Alpha >= e[2].Alpha || e[3].Width >= e[2].Width {
		t.Errorf("none edge not faint: %+v", e[3])
	}
}

func TestTitle(t *testing.T) {
	l := Compute("A title far too long to fit in a viewport that is this narrow", nil, 200, 100, monospace{}, Options{})
	if w, _ := (monospace{}).Measure(l.Title.S, l.Title.Size); w > 200-32 {
		t.Errorf("title %q is %g wide in a 200 px view", l.Title.S, w)
	}
	if l.Title.Size != 12 || len(l.Nodes) != 0 {
		t.Errorf("title size %g with %d nodes, want 12 and 0", l.Title.Size, len(l.Nodes))
	}
	l = Compute("Short", &scene.Cell{}, 800, 600, monospace{}, Options{})
	if math.Abs(l.Title.Size-1.3*26) > 1e-9 || math.Abs(l.Title.Box.Center().X-400) > 1e-9 || math.Abs(l.Title.Box.Min.Y-16) > 1e-9 {
		t.Errorf("title %+v, want 33.8 px centred at the top", l.Title)
	}
}

func TestOpColor(t *testing.T) {
	// The Okabe–Ito blue of the op vocabulary's entry.
	if got := OpColor("nor_conv_3x3"); got != (color.RGBA{0x00, 0x72, 0xb2, 0xff}) {
		t.Errorf("nor_conv_3x3 is %v", got)
	}
	seen := map[[4]uint8]string{}
	for _, op := range []string{"nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3", "skip_connect", "none"} {
		c := OpColor(op)
		if prev, ok := seen[[4]uint8{c.R, c.G, c.B, c.A}]; ok {
			t.Errorf("%s and %s share a colour", op, prev)
		}
		seen[[4]uint8{c.R, c.G, c.B, c.A}] = op
	}
	if OpColor("my_op") != OpColor("my_op") {
		t.Error("an unknown op changes colour")
	}
}

func TestDashes(t *testing.T) {
	pts := []Point{{0, 0}, {10, 0}, {10, 10}, {0, 10}} // 30 long
	ds := Dashes(pts, 4, 2)
	// 30 = 5 periods of 6: five dashes of 4.
	if len(ds) != 5 {
		t.Fatalf("%d dashes, want 5: %v", len(ds), ds)
	}
	for i, d := range ds {
		n := 0.0
		for k := 1; k < len(d); k++ {
			n += d[k].Sub(d[k-1]).Len()
		}
		if math.Abs(n-4) > 1e-9 {
			t.Errorf("dash %d is %g long, want 4", i, n)
		}
	}
	if ds[1][0] != (Point{6, 0}) || len(ds[1]) != 3 || ds[1][1] != (Point{10, 0}) {
		t.Errorf("second dash %v, want it to turn the corner at (10, 0)", ds[1])
	}
}

func TestShrinkToFit(t *testing.T) {
	c := darts()
	l := Compute("DARTS", c, 400, 300, monospace{}, Options{})
	check(t, c, l, false)
	if l.Fits || l.Edges[0].Label.Size >= 12 {
		t.Errorf("fits %v at label size %g, want it shrunk below the 12 px minimum", l.Fits, l.Edges[0].Label.Size)
	}
}

func TestWeightsKeepShape(t *testing.T) {
	// While DARTS trains only the weights change; the picture must not jump.
	c := supernet()
	a := Compute("", c, 1000, 1000, monospace{}, Options{})
	for i := range c.Edges {
		c.Edges[i].Weight = float64((i*7)%11) / 10
	}
	b := Compute("", c, 1000, 1000, monospace{}, Options{})
	for i := range a.Edges {
		if a.Edges[i].Curve != b.Edges[i].Curve || a.Edges[i].Pill != b.Edges[i].Pill || a.Edges[i].Arrow != b.Edges[i].Arrow {
			t.Fatalf("edge %d moved when the weights changed", i)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	for _, c := range []struct {
		name string
		cell *scene.Cell
	}{{"nb201", nb201()}, {"darts", darts()}, {"supernet", supernet()}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Compute("title", c.cell, 1000, 800, monospace{}, Options{})
			}
		})
	}
}

// within reports whether r lies in s, up to rounding.
func within(r, s Rect) bool {
	const eps = 1e-6
	return r.Min.X >= s.Min.X-eps && r.Min.Y >= s.Min.Y-eps && r.Max.X <= s.Max.X+eps && r.Max.Y <= s.Max.Y+eps
}

func TestBundle(t *testing.T) {
	// The five candidate ops of each NB201 edge share one stack of labels.
	l := Compute("", supernet(), 1200, 900, monospace{}, Options{})
	for i, e := range l.Edges {
		first := l.Edges[i/5*5]
		if e.Bundle != 5 || e.Stack != first.Stack || e.Swatch == (Rect{}) {
			t.Errorf("edge %d (%s): bundle %d, stack %v, want 5 edges in the stack %v", i, e.Op, e.Bundle, e.Stack, first.Stack)
		}
	}
	if l.Edges[0].Label.Size < 16 {
		t.Errorf("labels at %g px, want at least 16", l.Edges[0].Label.Size)
	}
}

// Every operation of the vocabulary with a colour is drawn in it, in the
// legend of a relaxed cell too: dil_conv_7x7, whose only mention is its
// entry in spec's table, among them.
func TestVocabularyColors(t *testing.T) {
	var ops []string
	for _, o := range spec.BuiltinOps() {
		if o.Color == 0 {
			continue
		}
		want := color.RGBA{uint8(o.Color >> 16), uint8(o.Color >> 8), uint8(o.Color), 0xff}
		if got := OpColor(o.Name); got != want {
			t.Errorf("%s drawn in %v, its entry says %v", o.Name, got, want)
		}
		ops = append(ops, o.Name)
	}
	if !slices.Contains(ops, "dil_conv_7x7") {
		t.Fatalf("dil_conv_7x7 has no colour: %v", ops)
	}
	c := nb201()
	c.Edges, c.Legend = nil, true
	for to := 1; to < 4; to++ {
		for from := 0; from < to; from++ {
			for _, op := range []string{"dil_conv_5x5", "dil_conv_7x7", "skip_connect"} {
				c.Edges = append(c.Edges, scene.Edge{From: from, To: to, Op: op, Weight: 1.0 / 3})
			}
		}
	}
	l := Compute("dilated", c, 900, 600, monospace{}, Options{})
	found := false
	for _, it := range l.Legend {
		if it.Op == "dil_conv_7x7" {
			found = it.Color == OpColor("dil_conv_7x7")
		}
	}
	if !found {
		t.Errorf("the legend %+v does not list dil_conv_7x7 in its colour", l.Legend)
	}
}

// TestLegend: a relaxed cell that asks for a legend names its five ops once
// under the picture, with no label stacks, and so fits at a larger label size
// than with a stack on each of its six bundles.
func TestLegend(t *testing.T) {
	for _, size := range [][2]float64{{600, 700}, {900, 500}, {420, 900}} {
		c := supernet()
		stacks := Compute("darts on nb201", c, size[0], size[1], monospace{}, Options{})
		c.Legend = true
		l := Compute("darts on nb201", c, size[0], size[1], monospace{}, Options{})
		check(t, c, l, false)
		if len(l.Legend) != 5 {
			t.Fatalf("%v: %d legend items, want 5", size, len(l.Legend))
		}
		view := Rect{Max: Point{l.Width, l.Height}}
		for i, it := range l.Legend {
			if it.Label.S != it.Op || !within(it.Label.Box, view) || !within(it.Swatch, view) {
				t.Errorf("%v: legend item %d %q at %v is not in the view", size, i, it.Label.S, it.Label.Box)
			}
			for _, n := range l.Nodes {
				if it.Label.Box.Overlaps(n.Box) {
					t.Errorf("%v: legend item %q overlaps node %d", size, it.Op, n.ID)
				}
			}
			for _, o := range l.Legend[:i] {
				if it.Label.Box.Overlaps(o.Label.Box) || it.Swatch.Overlaps(o.Label.Box) {
					t.Errorf("%v: legend items %q and %q overlap", size, it.Op, o.Op)
				}
			}
		}
		for i, e := range l.Edges {
			if e.Label.S != "" {
				t.Errorf("%v: edge %d (%s) has its own label %q beside the legend", size, i, e.Op, e.Label.S)
			}
		}
		if l.LabelSize() < 1.3*stacks.LabelSize() {
			t.Errorf("%v: labels %.1f px with the legend, %.1f px with stacks: want clearly larger", size, l.LabelSize(), stacks.LabelSize())
		}
		t.Logf("%v: labels %.1f px with the legend, %.1f px with stacks", size, l.LabelSize(), stacks.LabelSize())
	}
}

// TestEdgeAt: the centre of each edge's label, and the middle of each
// curve, hit that edge; a point on a node or in the empty corner hits none.
func TestEdgeAt(t *testing.T) {
	for name, c := range map[string]*scene.Cell{"nb201": nb201(), "darts": darts()} {
		l := Compute("a cell", c, 900, 600, monospace{}, Options{})
		for i, e := range l.Edges {
			if got := l.EdgeAt(e.Label.Box.Center(), 8); got != i {
				t.Errorf("%s: the label of edge %d (%s) hits edge %d", name, i, e.Op, got)
			}
			mid := e.Curve.At(0.5)
			if got := l.EdgeAt(mid, 8); got < 0 || l.Edges[got].Curve.At(0.5) != mid && !l.Edges[got].Pill.Contains(mid) {
				t.Errorf("%s: the middle of edge %d (%s) hits edge %d", name, i, e.Op, got)
			}
		}
		for _, n := range l.Nodes {
			if got := l.EdgeAt(n.Box.Center(), 8); got >= 0 {
				t.Errorf("%s: the centre of node %s hits edge %d", name, n.Label.S, got)
			}
		}
		if got := l.EdgeAt(Point{1, l.Height - 1}, 8); got >= 0 {
			t.Errorf("%s: the bottom-left corner hits edge %d", name, got)
		}
	}
}

// TestNotes: lines wrap to the view, stop at n, and keep inside the view's
// bottom; the block's height does not depend on the lines.
func TestNotes(t *testing.T) {
	m := monospace{}
	long := "nb201/accuracy-200ep: cifar10_test 93.76 · cifar100_test 70.71 · imagenet16_120_test 44.13"
	n := ComputeNotes([]string{"click an edge", long, "x", "y", "z"}, 4, 400, 300, 16, 18, m)
	if len(n.Lines) != 4 {
		t.Fatalf("%d lines, want 4", len(n.Lines))
	}
	for _, l := range n.Lines {
		if l.Box.Min.X < 16 || l.Box.Max.X > 400-16 || l.Box.Max.Y > 300 || l.Box.Min.Y < n.Box.Min.Y {
			t.Errorf("line %q at %v leaves the view or the block %v", l.S, l.Box, n.Box)
		}
	}
	if n.Lines[0].S != "click an edge" || n.Lines[1].S == long {
		t.Errorf("lines %q, %q: want the hint, then the long line wrapped", n.Lines[0].S, n.Lines[1].S)
	}
	if one := ComputeNotes([]string{"x"}, 4, 400, 300, 16, 18, m); one.Box != n.Box {
		t.Errorf("block %v for one line, %v for four", one.Box, n.Box)
	}
}

// TestCompare: two NB201 cells that differ in two edges are drawn side by
// side, each in its half, with those two edges named.
func TestCompare(t *testing.T) {
	a, b := nb201(), nb201()
	b.Edges[1].Op, b.Edges[4].Op = "none", "skip_connect"
	if got := DifferingEdges(a, b); !reflect.DeepEqual(got, []int{1, 4}) {
		t.Errorf("DifferingEdges = %v, want [1 4]", got)
	}
	c := Compare("a", a, "b", b, 1000, 600, monospace{}, Options{})
	for _, n := range c.Left.Nodes {
		if n.Box.Max.X > 500 {
			t.Errorf("left node %s at %v crosses the middle", n.Label.S, n.Box)
		}
	}
	for _, n := range c.Right.Nodes {
		if n.Box.Min.X < 500 || n.Box.Max.X > 1000 {
			t.Errorf("right node %s at %v is not in the right half", n.Label.S, n.Box)
		}
	}
	if c.Note.S != "The cells differ in 2 edges, ringed" || c.Note.Box.Max.Y > 600 {
		t.Errorf("note %q at %v", c.Note.S, c.Note.Box)
	}
	if got := DifferingEdges(a, a); got != nil {
		t.Errorf("a cell differs from itself in %v", got)
	}
}
