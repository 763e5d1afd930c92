package layout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"nasbook/viz/scene"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   string
	}{
		{0, 1, 6, "[0 0.2 0.4 0.6 0.8 1] step 0.2"},
		{93.1, 94.4, 8, "[93 93.2 93.4 93.6 93.8 94 94.2 94.4] step 0.2"},
		{1, 100, 6, "[0 20 40 60 80 100] step 20"},
		{3, 3, 5, "[2.8 2.9 3 3.1 3.2] step 0.1"}, // widened by 5% each way
		{0, 0, 5, "[-1 -0.5 0 0.5 1] step 0.5"},
		{-1e-4, 2e-4, 2, "[-0.0002 0 0.0002] step 0.0002"}, // three at least around zero
		{-7, 12, 5, "[-10 0 10 20] step 10"},
	} {
		ticks, step := NiceTicks(tc.lo, tc.hi, tc.n)
		if got := fmt.Sprintf("%v step %v", ticks, step); got != tc.want {
			t.Errorf("NiceTicks(%v, %v, %d) = %s, want %s", tc.lo, tc.hi, tc.n, got, tc.want)
		}
	}
	// Over many ranges: the ticks cover the range, there are at most n, and the
	// step is 1, 2 or 5 times a power of ten.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		lo := (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(12)-4))
		hi := lo + r.Float64()*math.Pow(10, float64(r.IntN(12)-4))
		n := 3 + r.IntN(10)
		ticks, step := NiceTicks(lo, hi, n)
		if len(ticks) > n || len(ticks) < 2 {
			t.Fatalf("NiceTicks(%g, %g, %d): %d ticks", lo, hi, n, len(ticks))
		}
		if ticks[0] > lo+1e-7*step || ticks[len(ticks)-1] < hi-1e-7*step {
			t.Fatalf("NiceTicks(%g, %g, %d) = %v does not cover the range", lo, hi, n, ticks)
		}
		f := step / math.Pow(10, math.Floor(math.Log10(step)+1e-12))
		if math.Abs(f-1) > 1e-9 && math.Abs(f-2) > 1e-9 && math.Abs(f-5) > 1e-9 {
			t.Fatalf("NiceTicks(%g, %g, %d): step %g is not 1, 2 or 5 times a power of ten", lo, hi, n, step)
		}
	}
}

func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		ticks []float64
		step  float64
		want  string
	}{
		{[]float64{0, 0.5, 1}, 0.5, "[0.0 0.5 1.0]"},
		{[]float64{-0.2, -0.1, 0}, 0.1, "[-0.2 -0.1 0.0]"},
		{[]float64{0, 25000, 50000}, 25000, "[0 25k 50k]"},
		{[]float64{1e6, 1.5e6, 2e6}, 5e5, "[1.0M 1.5M 2.0M]"},
		{[]float64{90, 92, 94}, 2, "[90 92 94]"},
	} {
		if got := fmt.Sprint(TickLabels(tc.ticks, tc.step)); got != tc.want {
			t.Errorf("TickLabels(%v, %v) = %s, want %s", tc.ticks, tc.step, got, tc.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{93.3733, "93.373"}, {17, "17"}, {12345, "12345"}, {123456, "123.46k"}, {1.3676e7, "13.676M"}, {-2.5e9, "-2.5G"}, {0.25, "0.25"}, {3e-6, "3.000e-06"}} {
		if got := FormatValue(tc.v); got != tc.want {
			t.Errorf("FormatValue(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// dominated is the definition of Pareto dominance, by brute force.
func dominated(pts []scene.Point, i int, minX, minY bool) bool {
	better := func(a, b float64, min bool) int { // 1 if a better than b, 0 equal, -1 worse
		switch {
		case a == b:
			return 0
		case (a < b) == min:
			return 1
		}
		return -1
	}
	for j, q := range pts {
		bx, by := better(q.X, pts[i].X, minX), better(q.Y, pts[i].Y, minY)
		if j != i && bx >= 0 && by >= 0 && bx+by > 0 {
			return true
		}
	}
	return false
}

func TestParetoFront(t *testing.T) {
	// Accuracy up, latency down: (latency, accuracy).
	pts := []scene.Point{{X: 10, Y: 90}, {X: 5, Y: 85}, {X: 12, Y: 89}, {X: 20, Y: 94}, {X: 5, Y: 80}, {X: 10, Y: 90}}
	if got := fmt.Sprint(ParetoFront(pts, true, false)); got != "[1 0 5 3]" {
		t.Errorf("front %s, want [1 0 5 3] (5 ms 85%%, twice 10 ms 90%%, 20 ms 94%%)", got)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		n := r.IntN(40)
		pts := make([]scene.Point, n)
		for i := range pts {
			// Few distinct values, so that ties and duplicates are common.
			pts[i] = scene.Point{X: float64(r.IntN(8)), Y: float64(r.IntN(8))}
		}
		minX, minY := trial%2 == 0, trial/2%2 == 0
		var want []int
		for i := range pts {
			if !dominated(pts, i, minX, minY) {
				want = append(want, i)
			}
		}
		got := ParetoFront(pts, minX, minY)
		if s := slices.Sorted(slices.Values(got)); !slices.Equal(s, want) {
			t.Fatalf("front of %v (minimize %v %v) = %v, want %v", pts, minX, minY, s, want)
		}
		for k := 1; k < len(got); k++ {
			if pts[got[k]].X < pts[got[k-1]].X {
				t.Fatalf("front %v not sorted by x", got)
			}
		}
	}
}

func TestIncumbent(t *testing.T) {
	pts := []scene.Point{{Y: 3}, {Y: 7}, {Y: 1}, {Y: 7}}
	if got := Incumbent(pts, false); got != 1 {
		t.Errorf("incumbent maximizing %d, want the first 7, 1", got)
	}
	if got := Incumbent(pts, true); got != 2 {
		t.Errorf("incumbent minimizing %d, want 2", got)
	}
	if got := Incumbent(nil, false); got != -1 {
		t.Errorf("incumbent of none %d, want -1", got)
	}
}

const nb201Arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

func TestWrapLabel(t *testing.T) {
	m := monospace{}
	// 20 px monospace: 11 px a rune, 35 runes a line.
	got := WrapLabel(nb201Arch, 385, 20, m)
	want := []string{"|nor_conv_3x3~0|+", "|nor_conv_3x3~0|avg_pool_3x3~1|+", "|skip_connect~0|nor_conv_3x3~1|", "skip_connect~2|"}
	if !slices.Equal(got, want) {
		t.Errorf("wrapped\n%q\nwant\n%q", got, want)
	}
	for _, width := range []float64{40, 100, 200, 385, 1000} {
		lines := WrapLabel(nb201Arch, width, 20, m)
		if strings.Join(lines, "") != nb201Arch {
			t.Errorf("width %g: lines %q lose text", width, lines)
		}
		for _, l := range lines {
			if w, _ := m.Measure(l, 20); w > width {
				t.Errorf("width %g: line %q is %g wide", width, l, w)
			}
		}
	}
}

// plots returns scenes of both kinds over a few point sets.
func plots() []*scene.Scene {
	r := rand.New(rand.NewPCG(5, 6))
	var out []*scene.Scene
	zero := 0
	for k, n := range []int{0, 1, 2, 7, 60, 400} {
		p := &scene.Plot{X: scene.Axis{Label: "latency (ms)", Minimize: true}, Y: scene.Axis{Label: "CIFAR-10 accuracy (%)"},
			Cells: []scene.Cell{*nb201()}}
		for i := range n {
			q := scene.Point{X: 2 + 30*r.Float64(), Y: 70 + 25*r.Float64(), Label: nb201Arch, Cell: &zero}
			if k == 4 { // large magnitudes: FLOPs against parameters
				q.X, q.Y = 1e6*q.X, 1e8*q.Y
			}
			if i%3 == 0 {
				q.Group = "population"
			}
			p.Points = append(p.Points, q)
		}
		out = append(out, &scene.Scene{Kind: scene.KindPareto, Title: "Accuracy against latency", Plot: p})
		pts := *p
		pts.X = scene.Axis{Label: "evaluation"}
		pts.Points = slices.Clone(p.Points)
		for i := range pts.Points {
			pts.Points[i].X = float64(i + 1)
		}
		out = append(out, &scene.Scene{Kind: scene.KindPoints, Title: "Regularized evolution, seed 0", Plot: &pts})
	}
	return out
}

var chartViews = [][2]float64{{640, 720}, {1280, 1440}, {360, 300}, {1000, 500}}

// TestChart holds chart layouts to their invariants: text inside the view and
// clear of other text, dots inside the frame, ticks in order, the front's step
// line monotone.
func TestChart(t *testing.T) {
	for _, s := range plots() {
		for _, v := range chartViews {
			name := fmt.Sprintf("%s of %d points in %gx%g", s.Kind, len(s.Plot.Points), v[0], v[1])
			scale := v[0] / 640
			c := ComputeChart(s, v[0], v[1], monospace{}, Options{Scale: max(1, scale)})
			view := Rect{Max: Point{v[0], v[1]}}
			var texts []Text
			texts = append(texts, c.Title, c.XLabel, c.YLabel)
			for _, e := range c.Legend {
				texts = append(texts, e.Text)
			}
			for _, tk := range c.XTicks {
				texts = append(texts, tk.Label)
			}
			for _, tk := range c.YTicks {
				texts = append(texts, tk.Label)
			}
			for i, a := range texts {
				if a.S == "" {
					continue
				}
				if !within(a.Box, view) {
					t.Errorf("%s: %q at %v outside the view", name, a.S, a.Box)
				}
				for _, b := range texts[:i] {
					if b.S != "" && a.Box.Overlaps(b.Box) {
						t.Errorf("%s: %q at %v overlaps %q at %v", name, a.S, a.Box, b.S, b.Box)
					}
				}
			}
			if !within(c.Frame, view) {
				t.Errorf("%s: frame %v outside the view", name, c.Frame)
			}
			if len(c.XTicks) < 2 || len(c.YTicks) < 2 {
				t.Errorf("%s: %d x ticks and %d y ticks", name, len(c.XTicks), len(c.YTicks))
			}
			for k := 1; k < len(c.XTicks); k++ {
				if c.XTicks[k].At <= c.XTicks[k-1].At || c.XTicks[k].Value <= c.XTicks[k-1].Value {
					t.Errorf("%s: x ticks out of order: %v", name, c.XTicks)
				}
			}
			for k := 1; k < len(c.YTicks); k++ {
				if c.YTicks[k].At >= c.YTicks[k-1].At {
					t.Errorf("%s: y ticks do not rise: %v", name, c.YTicks)
				}
			}
			for i, d := range c.Dots {
				if !within(RectAt(d.At, 2*d.R, 2*d.R), c.Frame) {
					t.Errorf("%s: dot %d at %v outside the frame %v", name, i, d.At, c.Frame)
				}
			}
			if len(c.Order) != len(c.Dots) {
				t.Errorf("%s: order of %d dots, want %d", name, len(c.Order), len(c.Dots))
			}
			if n := len(s.Plot.Points); n > 0 && s.Kind == scene.KindPareto {
				if len(c.Steps) != 2*len(c.Front)-1 {
					t.Errorf("%s: %d step points for a front of %d", name, len(c.Steps), len(c.Front))
				}
				// Latency down, accuracy up: the line runs right and up (y falls on screen).
				for k := 1; k < len(c.Steps); k++ {
					if c.Steps[k].X < c.Steps[k-1].X-1e-9 || c.Steps[k].Y > c.Steps[k-1].Y+1e-9 {
						t.Errorf("%s: step line turns back at %v -> %v", name, c.Steps[k-1], c.Steps[k])
					}
				}
			}
			if n := len(s.Plot.Points); n > 0 && s.Kind == scene.KindPoints && (c.Incumbent < 0 || !c.Dots[c.Incumbent].Incumbent) {
				t.Errorf("%s: no incumbent marked", name)
			}
			if len(s.Plot.Points) == 0 && c.Empty.S == "" {
				t.Errorf("%s: an empty plot says nothing", name)
			}
		}
	}
}

// TestHit: the cursor on a dot finds it (or a dot drawn over it at the same
// place), and a cursor far from every dot finds none.
func TestHit(t *testing.T) {
	for _, s := range plots() {
		c := ComputeChart(s, 640, 720, monospace{}, Options{})
		for i, d := range c.Dots {
			p := d.At.Add(Point{1, -1})
			// It may find a dot nearer still (in a crowd), never one farther.
			if got := c.Hit(p); got < 0 || c.Dots[got].At.Sub(p).Len() > math.Sqrt2+1e-9 {
				t.Errorf("%s: cursor on dot %d at %v hits %d", s.Kind, i, d.At, got)
			}
		}
		if got := c.Hit(Point{1, 1}); got != -1 {
			t.Errorf("%s: the view's corner hits dot %d", s.Kind, got)
		}
	}
	// Dots on one spot: the one drawn on top wins, a group's over an
	// ungrouped one, the later of two alike.
	s := &scene.Scene{Kind: scene.KindPareto, Plot: &scene.Plot{Points: []scene.Point{
		{X: 1, Y: 1, Group: "population"}, {X: 1, Y: 1}, {X: 2, Y: 2}, {X: 2, Y: 2}, {X: 3, Y: 3}}}}
	c := ComputeChart(s, 640, 720, monospace{}, Options{})
	if got := c.Hit(c.Dots[1].At); got != 0 {
		t.Errorf("hit %d, want 0: grouped, so drawn over 1", got)
	}
	if got := c.Hit(c.Dots[2].At); got != 3 {
		t.Errorf("hit %d, want 3: drawn after 2", got)
	}
	if got := c.Hit(c.Dots[3].At.Add(Point{c.HitRadius + 1, 0})); got != -1 {
		t.Errorf("a cursor just beyond the hit radius hits %d", got)
	}
}

// TestTooltipInside: every point's tooltip lies inside the view, clear of its
// dot, and its lines inside its box.
func TestTooltipInside(t *testing.T) {
	for _, s := range plots() {
		for _, v := range chartViews {
			c := ComputeChart(s, v[0], v[1], monospace{}, Options{})
			view := Rect{Max: Point{v[0], v[1]}}
			for i, d := range c.Dots {
				tip := c.Tooltip(i)
				name := fmt.Sprintf("%s %gx%g point %d", s.Kind, v[0], v[1], i)
				if !within(tip.Box, view) {
					t.Fatalf("%s: tooltip %v outside the view", name, tip.Box)
				}
				if tip.Box.Contains(d.At) && v[0] >= 640 {
					t.Errorf("%s: tooltip %v covers its dot %v", name, tip.Box, d.At)
				}
				for _, l := range tip.Lines {
					if !within(l.Box, tip.Box) {
						t.Errorf("%s: line %q at %v outside the tip %v", name, l.S, l.Box, tip.Box)
					}
				}
				if len(tip.Lines) < 3 || tip.Lines[len(tip.Lines)-1].S != "click to show its cell" {
					t.Errorf("%s: tooltip says %v", name, tip.Lines)
				}
			}
		}
	}
}

func TestDetail(t *testing.T) {
	s := plots()[6]
	for _, v := range chartViews {
		c := ComputeChart(s, v[0], v[1], monospace{}, Options{})
		d := c.Detail(3, nb201(), 0, Options{})
		view := Rect{Max: Point{v[0], v[1]}}
		if !within(d.Back, view) || !within(d.BackText.Box, d.Back) {
			t.Errorf("%gx%g: back button %v (text %v) outside the view", v[0], v[1], d.Back, d.BackText.Box)
		}
		if len(d.Lines) < 2 || !strings.HasPrefix(d.Lines[0].S, "CIFAR-10 accuracy (%) ") {
			t.Errorf("%gx%g: header %v, want the figures and the label", v[0], v[1], d.Lines)
		}
		for _, l := range d.Lines {
			if l.Box.Overlaps(d.Back) || !within(l.Box, view) || !within(l.Box, d.Bar) {
				t.Errorf("%gx%g: header line %q at %v", v[0], v[1], l.S, l.Box)
			}
		}
		check(t, nb201(), d.Cell, true)
		for _, n := range d.Cell.Nodes {
			if n.Box.Min.Y < d.Bar.Max.Y {
				t.Errorf("%gx%g: node %d at %v under the bar %v", v[0], v[1], n.ID, n.Box, d.Bar)
			}
		}
	}
}

// TestParetoAxes: an architecture of 10 % accuracy at nearly 0 ms is on the
// front (nothing is faster), but the chart's y axis keeps to where the
// other points are, 85-95 %, and draws it at the bottom edge, marked.
func TestParetoAxes(t *testing.T) {
	var pts []scene.Point
	for i := range 60 {
		// Accuracy 85 to 94.4 %, rising with latency 2 to 20 ms.
		f := float64(i) / 59
		pts = append(pts, scene.Point{X: 2 + 18*f, Y: 85 + 9.4*math.Sqrt(f)})
	}
	pts = append(pts, scene.Point{X: 0.3, Y: 10}) // the degenerate one
	s := &scene.Scene{Kind: scene.KindPareto, Plot: &scene.Plot{X: scene.Axis{Label: "ms", Minimize: true}, Y: scene.Axis{Label: "acc"}, Points: pts}}
	c := ComputeChart(s, 800, 600, monospace{}, Options{})
	deg := len(pts) - 1
	if !c.Dots[deg].Front {
		t.Fatal("the 10 % point is not on the front")
	}
	lo, hi := c.YTicks[0].Value, c.YTicks[len(c.YTicks)-1].Value
	if lo < 75 || lo > 85 || hi < 94.4 || hi > 100 {
		t.Errorf("y axis %g to %g, want it to start between 75 and 85 and end by 100", lo, hi)
	}
	if !c.Dots[deg].Clamped {
		t.Error("the 10 % point is not marked as clamped")
	}
	if d := c.Dots[deg].At.Y - c.YTicks[0].At; math.Abs(d) > 1e-9 {
		t.Errorf("the 10 %% point is %g px from the axis's bottom", d)
	}
	for i, d := range c.Dots[:deg] {
		if d.Clamped {
			t.Errorf("point %d (%v) clamped", i, pts[i])
		}
	}
	// The 85-95 band fills most of the frame's height.
	band := c.Dots[0].At.Y - c.Dots[deg-1].At.Y
	if band < 0.6*c.Frame.Dy() {
		t.Errorf("85-94.4 %% takes %.0f of the frame's %.0f px", band, c.Frame.Dy())
	}
	for _, p := range c.Steps {
		if !within(RectAt(p, 0, 0), c.Frame) {
			t.Errorf("step point %v outside the frame %v", p, c.Frame)
		}
	}
}

func TestParetoRange(t *testing.T) {
	if lo, hi := ParetoRange([]float64{3, 1, 2}); lo != 1 || hi != 3 {
		t.Errorf("three points: %g to %g, want the full range", lo, hi)
	}
	v := []float64{10, 90, 91, 92, 93, 93.5, 94, 94.2, 94.3, 94.37, 92.5, 91.5}
	lo, hi := ParetoRange(v)
	if lo < 85 || lo > 90 || hi != 94.37 {
		t.Errorf("%g to %g, want 85-90 to 94.37", lo, hi)
	}
}

// TestBrushed: a rectangle selects exactly the dots whose centres are in
// it, whichever corner the drag began at; a rectangle around no dot, none.
func TestBrushed(t *testing.T) {
	for _, s := range plots() {
		c := ComputeChart(s, 800, 600, monospace{}, Options{})
		if len(c.Dots) < 3 {
			continue
		}
		a, b := c.Dots[0].At, c.Dots[len(c.Dots)-1].At
		var want []int
		for i, d := range c.Dots {
			if d.At.X >= min(a.X, b.X) && d.At.X <= max(a.X, b.X) && d.At.Y >= min(a.Y, b.Y) && d.At.Y <= max(a.Y, b.Y) {
				want = append(want, i)
			}
		}
		if got := c.Brushed(a, b); !slices.Equal(got, want) || len(got) < 2 {
			t.Errorf("%s: brushed %v, want %v", s.Title, got, want)
		}
		if got := c.Brushed(b, a); !slices.Equal(got, want) {
			t.Errorf("%s: brushed from the other corner %v, want %v", s.Title, got, want)
		}
		if got := c.Brushed(Point{1, 1}, Point{2, 2}); got != nil {
			t.Errorf("%s: a rectangle in the corner brushed %v", s.Title, got)
		}
	}
}
