package layout

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strings"

	"nasbook/engine/pareto"
	"nasbook/viz/scene"
)

// Colours of charts: ungrouped points are Faint, the incumbent and the
// Pareto front Accent, named groups take Groups in order of first appearance.
var (
	Faint  = color.RGBA{0xa4, 0xaa, 0xb0, 0xff}
	Accent = color.RGBA{0xc0, 0x39, 0x00, 0xff} // vermillion, darkened
	Groups = []color.RGBA{
		{0x00, 0x72, 0xb2, 0xff}, // blue
		{0x00, 0x9e, 0x73, 0xff}, // bluish green
		{0xb0, 0x4a, 0x8c, 0xff}, // reddish purple
		{0xc7, 0x88, 0x00, 0xff}, // orange
		{0x4b, 0x3f, 0x9e, 0xff}, // indigo
		{0x1f, 0x7a, 0x7a, 0xff}, // teal
	}
)

// Mark is how a legend swatch or a dot is drawn.
type Mark int

const (
	MarkDot  Mark = iota // a filled disc
	MarkRing             // a ring around a disc: the incumbent
	MarkStep             // a line through a disc: the Pareto front
)

// Tick is one labelled tick of an axis.
type Tick struct {
	Value float64
	At    float64 // x of an x tick, y of a y tick
	Label Text
}

// Dot is where one point of the plot is drawn.
type Dot struct {
	At        Point
	R         float64 // radius
	Color     color.RGBA
	Group     int  // index into Chart.GroupNames, -1 when ungrouped
	Front     bool // on the Pareto front (KindPareto)
	Incumbent bool // the best point on y (KindPoints)
	// Clamped: the point lies outside the axes' range (ParetoRange) and is
	// drawn at the frame's edge, hollow; its tooltip gives its true values.
	Clamped bool
}

// LegendEntry is one swatch and its text.
type LegendEntry struct {
	Mark   Mark
	Color  color.RGBA
	Swatch Rect
	Text   Text
}

// Chart is a points or pareto scene laid out in a Width x Height viewport, in
// device pixels. Dots follow the order of the plot's points; Order lists them
// bottom to top (faint points first, the front or the incumbent last), the
// order to draw them in and, reversed, to hit-test them.
type Chart struct {
	Kind          scene.Kind
	Width, Height float64
	Scale         float64
	Title         Text
	Legend        []LegendEntry
	Frame         Rect // the axes' box
	XLabel        Text // centred under the x tick labels
	YLabel        Text // above the frame's top-left corner
	XTicks        []Tick
	YTicks        []Tick
	TickLen       float64
	Dots          []Dot
	Order         []int
	GroupNames    []string
	Front         []int   // KindPareto: indices of the non-dominated points, by increasing x
	Steps         []Point // KindPareto: the step line through the front
	Incumbent     int     // KindPoints: index of the best point on y; -1 if none
	Empty         Text    // set when there are no points
	HitRadius     float64 // a cursor this close to a dot's centre is on it

	plot    *scene.Plot
	margin  float64
	tipSize float64
	m       Measurer
}

// ComputeChart lays out a points or pareto scene in a w x h viewport.
func ComputeChart(s *scene.Scene, w, h float64, m Measurer, o Options) *Chart {
	o = o.withDefaults()
	p := s.Plot
	if p == nil {
		p = &scene.Plot{}
	}
	sc := o.Scale
	margin := o.Margin * sc
	size := min(max(min(w, h)/26, o.MinLabelSize*sc), 22*sc)
	tick := 0.9 * size
	gap := 0.4 * size
	c := &Chart{Kind: s.Kind, Width: w, Height: h, Scale: sc, Incumbent: -1, plot: p, margin: margin, tipSize: 0.9 * size, m: m}
	c.TickLen = 6 * sc

	// Which points stand out.
	n := len(p.Points)
	c.Dots = make([]Dot, n)
	groups := map[string]int{}
	ungrouped := false
	for i, q := range p.Points {
		g := -1
		if q.Group != "" {
			var ok bool
			if g, ok = groups[q.Group]; !ok {
				g = len(c.GroupNames)
				groups[q.Group] = g
				c.GroupNames = append(c.GroupNames, q.Group)
			}
		} else {
			ungrouped = true
		}
		c.Dots[i].Group = g
	}
	switch s.Kind {
	case scene.KindPareto:
		c.Front = ParetoFront(p.Points, p.X.Minimize, p.Y.Minimize)
		for _, i := range c.Front {
			c.Dots[i].Front = true
		}
	default:
		c.Incumbent = Incumbent(p.Points, p.Y.Minimize)
		if c.Incumbent >= 0 {
			c.Dots[c.Incumbent].Incumbent = true
		}
	}
	r := sc * min(max(7-math.Log10(float64(n)+1), 3.5), 7)
	for i := range c.Dots {
		d := &c.Dots[i]
		d.R, d.Color = r, Faint
		if d.Group >= 0 {
			d.Color = Groups[d.Group%len(Groups)]
			if s.Kind == scene.KindPareto {
				d.Color = mix(d.Color, Paper, 0.45) // every point faint beside the front
			}
		}
		if d.Front || d.Incumbent {
			d.R, d.Color = 1.3*r, Accent
		}
	}
	c.HitRadius = max(2*r, 12*sc)
	c.Order = make([]int, n)
	for i := range c.Order {
		c.Order[i] = i
	}
	layer := func(d Dot) int {
		switch {
		case d.Front || d.Incumbent:
			return 2
		case d.Group >= 0:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(c.Order, func(a, b int) int { return cmp.Compare(layer(c.Dots[a]), layer(c.Dots[b])) })

	// Title, legend and the y label, top down.
	top := margin
	if s.Title != "" {
		c.Title = fitTitle(s.Title, w-2*margin, m, Options{Scale: 1, MaxLabelSize: size, MinLabelSize: o.MinLabelSize * sc})
		tw, th := m.Measure(c.Title.S, c.Title.Size)
		c.Title.Box = RectAt(Point{w / 2, top + th/2}, tw, th)
		top = c.Title.Box.Max.Y + gap
	}
	var entries []LegendEntry
	if ungrouped && n > 0 {
		entries = append(entries, LegendEntry{Mark: MarkDot, Color: Faint, Text: Text{S: "evaluated"}})
	}
	for g, name := range c.GroupNames {
		col := Groups[g%len(Groups)]
		if s.Kind == scene.KindPareto {
			col = mix(col, Paper, 0.45)
		}
		entries = append(entries, LegendEntry{Mark: MarkDot, Color: col, Text: Text{S: name}})
	}
	switch {
	case s.Kind == scene.KindPareto && n > 0:
		entries = append(entries, LegendEntry{Mark: MarkStep, Color: Accent, Text: Text{S: "Pareto front"}})
	case c.Incumbent >= 0:
		entries = append(entries, LegendEntry{Mark: MarkRing, Color: Accent, Text: Text{S: "best: " + FormatValue(p.Points[c.Incumbent].Y)}})
	}
	if len(entries) > 0 {
		_, lh := m.Measure("Xg", tick)
		x := margin
		for _, e := range entries {
			tw, _ := m.Measure(e.Text.S, tick)
			sw := 0.7 * lh
			if e.Mark == MarkStep {
				sw = 1.4 * lh
			}
			if x+sw+gap/2+tw > w-margin {
				break // no room: the chart itself says more than a cut legend
			}
			e.Swatch = RectAt(Point{x + sw/2, top + lh/2}, sw, 0.7*lh)
			e.Text.Size = tick
			e.Text.Box = Rect{Point{x + sw + gap/2, top}, Point{x + sw + gap/2 + tw, top + lh}}
			c.Legend = append(c.Legend, e)
			x = e.Text.Box.Max.X + 2*gap
		}
		top += lh + gap
	}
	if p.Y.Label != "" {
		c.YLabel = fitLeft(axisLabel(p.Y), margin, top, w-2*margin, size, m, o.MinLabelSize*sc)
		top = c.YLabel.Box.Max.Y + gap
	}

	// The frame: y ticks first (they need only the height), then x.
	_, tickH := m.Measure("0", tick)
	bottom := h - margin - tickH - c.TickLen - gap/2
	if p.X.Label != "" {
		_, xh := m.Measure("Xg", size)
		bottom -= xh + gap/2
	}
	frame := Rect{Point{margin, top + tickH/2}, Point{w - margin, bottom}}
	xr, yr := extent(s)
	xlo, xhi, ylo, yhi := xr[0], xr[1], yr[0], yr[1]
	inset := 2.5 * r // keep dots off the axes
	yt, yl := fitTicks(ylo, yhi, frame.Dy()-2*inset, tick, m, false)
	leftW := 0.0
	for _, s := range yl {
		tw, _ := m.Measure(s, tick)
		leftW = max(leftW, tw)
	}
	frame.Min.X = margin + leftW + gap/2 + c.TickLen
	// The x tick labels are centred on their ticks: move the frame's sides in
	// if the first or the last would stick out of the view.
	xt, xl := fitTicks(xlo, xhi, frame.Dx()-2*inset, tick, m, true)
	for range 2 {
		first, _ := m.Measure(xl[0], tick)
		last, _ := m.Measure(xl[len(xl)-1], tick)
		frame.Min.X = max(frame.Min.X, margin/2+first/2-inset)
		frame.Max.X = min(frame.Max.X, w-margin/2-last/2+inset)
		xt, xl = fitTicks(xlo, xhi, frame.Dx()-2*inset, tick, m, true)
	}
	if frame.Dx() < 4*inset || frame.Dy() < 4*inset {
		frame.Max.X, frame.Max.Y = max(frame.Max.X, frame.Min.X+4*inset), max(frame.Max.Y, frame.Min.Y+4*inset)
	}
	c.Frame = frame
	x0, x1 := xt[0], xt[len(xt)-1]
	y0, y1 := yt[0], yt[len(yt)-1]
	px := func(v float64) float64 { return frame.Min.X + inset + (v-x0)/(x1-x0)*(frame.Dx()-2*inset) }
	py := func(v float64) float64 { return frame.Max.Y - inset - (v-y0)/(y1-y0)*(frame.Dy()-2*inset) }
	for i, v := range xt {
		tw, th := m.Measure(xl[i], tick)
		at := px(v)
		c.XTicks = append(c.XTicks, Tick{Value: v, At: at, Label: Text{S: xl[i], Size: tick,
			Box: RectAt(Point{at, frame.Max.Y + c.TickLen + gap/2 + th/2}, tw, th)}})
	}
	for i, v := range yt {
		tw, th := m.Measure(yl[i], tick)
		at := py(v)
		c.YTicks = append(c.YTicks, Tick{Value: v, At: at, Label: Text{S: yl[i], Size: tick,
			Box: Rect{Point{frame.Min.X - c.TickLen - gap/2 - tw, at - th/2}, Point{frame.Min.X - c.TickLen - gap/2, at + th/2}}}})
	}
	if p.X.Label != "" {
		t := fitTitle(axisLabel(p.X), w-2*margin, m, Options{Scale: 1, MaxLabelSize: size / 1.3, MinLabelSize: o.MinLabelSize * sc})
		tw, th := m.Measure(t.S, t.Size)
		y := frame.Max.Y + c.TickLen + gap/2 + tickH + gap/2 + th/2
		cx := min(max(frame.Center().X, margin+tw/2), w-margin-tw/2)
		t.Box = RectAt(Point{cx, y}, tw, th)
		c.XLabel = t
	}
	for i, q := range p.Points {
		x, cx := Clamp(q.X, x0, x1)
		y, cy := Clamp(q.Y, y0, y1)
		c.Dots[i].At, c.Dots[i].Clamped = Point{px(x), py(y)}, cx || cy
	}
	if n == 0 {
		s := "No points yet"
		tw, th := m.Measure(s, size)
		c.Empty = Text{S: s, Size: size, Box: RectAt(frame.Center(), tw, th)}
	}
	// The step line: between neighbours on the front, through the corner
	// that is worse than both on both objectives, the edge of the region the
	// front dominates.
	for k, i := range c.Front {
		a := p.Points[i]
		if k > 0 {
			b := p.Points[c.Front[k-1]]
			cx, _ := Clamp(worse(a.X, b.X, p.X.Minimize), x0, x1)
			cy, _ := Clamp(worse(a.Y, b.Y, p.Y.Minimize), y0, y1)
			corner := Point{px(cx), py(cy)}
			c.Steps = append(c.Steps, corner)
		}
		c.Steps = append(c.Steps, c.Dots[i].At)
	}
	return c
}

// axisLabel is an axis's label with its direction when it has one that
// matters: "latency (ms), lower is better".
func axisLabel(a scene.Axis) string {
	if a.Minimize {
		return a.Label + " (lower is better)"
	}
	return a.Label
}

// fitLeft is s set left-aligned at (x, top), shrunk or shortened to width.
func fitLeft(s string, x, top, width, size float64, m Measurer, minSize float64) Text {
	t := fitTitle(s, width, m, Options{Scale: 1, MaxLabelSize: size / 1.3, MinLabelSize: minSize})
	tw, th := m.Measure(t.S, t.Size)
	t.Box = Rect{Point{x, top}, Point{x + tw, top + th}}
	return t
}

func worse(a, b float64, minimize bool) float64 {
	if minimize {
		return max(a, b)
	}
	return min(a, b)
}

func mix(c, p color.RGBA, alpha float64) color.RGBA {
	f := func(a, b uint8) uint8 { return uint8(math.Round(alpha*float64(a) + (1-alpha)*float64(b))) }
	return color.RGBA{f(c.R, p.R), f(c.G, p.G), f(c.B, p.B), 0xff}
}

// bounds returns the range of the points' coordinates, or [0, 1] for none.
func bounds(pts []scene.Point) (xlo, xhi, ylo, yhi float64) {
	if len(pts) == 0 {
		return 0, 1, 0, 1
	}
	xlo, xhi, ylo, yhi = pts[0].X, pts[0].X, pts[0].Y, pts[0].Y
	for _, q := range pts[1:] {
		xlo, xhi = min(xlo, q.X), max(xhi, q.X)
		ylo, yhi = min(ylo, q.Y), max(yhi, q.Y)
	}
	return
}

// fitTicks picks the most ticks for [lo, hi] whose labels, set at size along
// a length of span pixels, keep clear of each other: a label's width (x) or
// height (y) plus a gap between neighbours.
func fitTicks(lo, hi, span, size float64, m Measurer, horizontal bool) ([]float64, []string) {
	_, lh := m.Measure("0", size)
	most := 8
	if horizontal {
		most = 10
	}
	for n := most; ; n-- {
		ticks, step := NiceTicks(lo, hi, n)
		labels := TickLabels(ticks, step)
		if n == 3 || ticksClear(ticks, labels, span, size, lh, m, horizontal) {
			return ticks, labels
		}
	}
}

func ticksClear(ticks []float64, labels []string, span, size, lh float64, m Measurer, horizontal bool) bool {
	pitch := span / float64(len(ticks)-1)
	if !horizontal {
		return pitch >= 1.6*lh
	}
	for i := 1; i < len(labels); i++ {
		a, _ := m.Measure(labels[i-1], size)
		b, _ := m.Measure(labels[i], size)
		if (a+b)/2+1.2*size > pitch {
			return false
		}
	}
	return true
}

// ParetoFront returns the indices of the points that no other point
// dominates (pareto.Front), sorted by increasing x (and y among equal x;
// equal points by index). A point dominates another when it is at least as
// good on both objectives and better on one; minimizeX and minimizeY say
// which direction is better. Equal points are all on the front.
func ParetoFront(pts []scene.Point, minimizeX, minimizeY bool) []int {
	sx, sy := 1.0, 1.0 // flip to "larger is better" on both
	if minimizeX {
		sx = -1
	}
	if minimizeY {
		sy = -1
	}
	fs := make([][]float64, len(pts))
	for i, p := range pts {
		fs[i] = []float64{sx * p.X, sy * p.Y}
	}
	front := pareto.Front(fs)
	slices.SortStableFunc(front, func(a, b int) int {
		if c := cmp.Compare(pts[a].X, pts[b].X); c != 0 {
			return c
		}
		return cmp.Compare(pts[a].Y, pts[b].Y)
	})
	return front
}

// Incumbent returns the index of the best point on y (the first of equals),
// or -1 if there are none.
func Incumbent(pts []scene.Point, minimizeY bool) int {
	best := -1
	for i, q := range pts {
		if best < 0 || minimizeY && q.Y < pts[best].Y || !minimizeY && q.Y > pts[best].Y {
			best = i
		}
	}
	return best
}

// Hit returns the index of the point under the cursor at p: the nearest dot
// within HitRadius, the topmost of equally near ones, or -1.
func (c *Chart) Hit(p Point) int {
	best, bestD := -1, c.HitRadius
	for k := len(c.Order) - 1; k >= 0; k-- {
		i := c.Order[k]
		if d := c.Dots[i].At.Sub(p).Len(); d < bestD || d == bestD && best < 0 {
			best, bestD = i, d
		}
	}
	return best
}

// Tip is a tooltip: a box with lines of text, left-aligned.
type Tip struct {
	Box   Rect
	Lines []Text
	Hint  int // Lines[Hint:] are hints, drawn muted; len(Lines) if none
}

// Tooltip lays out the tooltip of point i: its label (wrapped), its figures,
// its group and, if it has a cell, how to show it. The tip sits beside the
// dot, to the right if it fits, else to the left, above or below, and always
// inside the viewport.
func (c *Chart) Tooltip(i int) Tip {
	q := c.plot.Points[i]
	m, size := c.m, c.tipSize
	pad := 0.45 * size
	maxW := min(30*size, c.Width-2*c.margin-2*pad)
	var lines []string
	if q.Label != "" {
		lines = append(lines, WrapLabel(q.Label, maxW, size, m)...)
	}
	figure := func(a scene.Axis, v float64, dflt string) string {
		name := a.Label
		if name == "" {
			name = dflt
		}
		return name + ": " + FormatValue(v)
	}
	lines = append(lines, figure(c.plot.Y, q.Y, "y"), figure(c.plot.X, q.X, "x"))
	if q.Group != "" {
		lines = append(lines, "group: "+q.Group)
	}
	hint := len(lines)
	if q.Cell != nil {
		lines = append(lines, "click to show its cell")
	}
	_, lh := m.Measure("Xg", size)
	w := 0.0
	for k, s := range lines {
		tw, _ := m.Measure(s, size)
		if tw > maxW { // a figure line longer than the view: cut it
			lines[k] = shorten(s, maxW, size, m)
			tw, _ = m.Measure(lines[k], size)
		}
		w = max(w, tw)
	}
	bw, bh := w+2*pad, float64(len(lines))*lh+2*pad
	if room := c.Height - c.margin; bh > room && len(lines) > 1 {
		// Too tall for the view: keep the last lines that fit (the figures).
		keep := max(int((room-2*pad)/lh), 1)
		drop := len(lines) - keep
		lines, hint = lines[drop:], max(hint-drop, 0)
		bh = float64(len(lines))*lh + 2*pad
	}
	at, gap := c.Dots[i].At, c.Dots[i].R+8*c.Scale
	view := Rect{Max: Point{c.Width, c.Height}}.Inset(c.margin / 2)
	cands := []Rect{
		{Point{at.X + gap, at.Y - bh/2}, Point{at.X + gap + bw, at.Y + bh/2}}, // right
		{Point{at.X - gap - bw, at.Y - bh/2}, Point{at.X - gap, at.Y + bh/2}}, // left
		{Point{at.X - bw/2, at.Y - gap - bh}, Point{at.X + bw/2, at.Y - gap}}, // above
		{Point{at.X - bw/2, at.Y + gap}, Point{at.X + bw/2, at.Y + gap + bh}}, // below
	}
	box := Rect{}
	for _, r := range cands {
		if inside(r, view) {
			box = r
			break
		}
	}
	if box == (Rect{}) {
		// Nowhere beside the dot: the first side with room, pushed inside.
		best := math.Inf(1)
		for _, r := range cands {
			r = clampInto(r, view)
			if d := overlapArea(r, RectAt(at, 2*gap, 2*gap)); d < best {
				box, best = r, d
			}
		}
	}
	t := Tip{Box: box, Hint: hint}
	for k, s := range lines {
		tw, _ := m.Measure(s, size)
		y := box.Min.Y + pad + float64(k)*lh
		t.Lines = append(t.Lines, Text{S: s, Size: size, Box: Rect{Point{box.Min.X + pad, y}, Point{box.Min.X + pad + tw, y + lh}}})
	}
	return t
}

func inside(r, s Rect) bool {
	return r.Min.X >= s.Min.X && r.Min.Y >= s.Min.Y && r.Max.X <= s.Max.X && r.Max.Y <= s.Max.Y
}

// clampInto moves r inside s (as far as r's size allows).
func clampInto(r, s Rect) Rect {
	d := Point{}
	if r.Max.X > s.Max.X {
		d.X = s.Max.X - r.Max.X
	}
	if r.Min.X+d.X < s.Min.X {
		d.X = s.Min.X - r.Min.X
	}
	if r.Max.Y > s.Max.Y {
		d.Y = s.Max.Y - r.Max.Y
	}
	if r.Min.Y+d.Y < s.Min.Y {
		d.Y = s.Min.Y - r.Min.Y
	}
	return r.add(d)
}

func overlapArea(r, s Rect) float64 {
	w := min(r.Max.X, s.Max.X) - max(r.Min.X, s.Min.X)
	h := min(r.Max.Y, s.Max.Y) - max(r.Min.Y, s.Min.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// WrapLabel breaks an architecture's label into lines no wider than width:
// after spaces and the "+" between the nodes of a NAS-Bench-201 string where
// it can, after "|", "," or ")" where it must, and anywhere at last.
func WrapLabel(s string, width, size float64, m Measurer) []string {
	fits := func(t string) bool { w, _ := m.Measure(t, size); return w <= width }
	var lines []string
	for _, piece := range splitAfter(s, " +") {
		if fits(piece) {
			lines = pack(lines, piece, fits, false)
			continue
		}
		// Too long on its own: on lines of its own, broken at weaker places.
		for k, sub := range splitAfter(piece, "|,)") {
			lines = pack(lines, sub, fits, k == 0)
		}
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return lines
}

// pack appends piece to the last line if the line still fits (and fresh is
// false), else starts a new one, breaking piece anywhere if it is too wide by
// itself.
func pack(lines []string, piece string, fits func(string) bool, fresh bool) []string {
	if n := len(lines); n > 0 && !fresh && fits(lines[n-1]+piece) {
		lines[n-1] += piece
		return lines
	}
	for !fits(piece) {
		r := []rune(piece)
		k := len(r) - 1
		for k > 1 && !fits(string(r[:k])) {
			k--
		}
		lines = append(lines, string(r[:k]))
		piece = string(r[k:])
	}
	if piece != "" {
		lines = append(lines, piece)
	}
	return lines
}

// splitAfter splits s after each rune in seps.
func splitAfter(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i+len(string(r))])
			start = i + len(string(r))
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func shorten(s string, width, size float64, m Measurer) string {
	r := []rune(s)
	for len(r) > 1 {
		if w, _ := m.Measure(string(r)+"…", size); w <= width {
			break
		}
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// Points returns the dots' centres divided by the chart's scale: in CSS
// pixels of the viewport, for the host page.
func (c *Chart) Points() [][2]float64 {
	out := make([][2]float64, len(c.Dots))
	for i, d := range c.Dots {
		out[i] = [2]float64{d.At.X / c.Scale, d.At.Y / c.Scale}
	}
	return out
}

// Brushed returns the indices of the points whose dots lie inside the
// rectangle with corners a and b (in either order), in the plot's order.
func (c *Chart) Brushed(a, b Point) []int {
	r := Rect{Point{min(a.X, b.X), min(a.Y, b.Y)}, Point{max(a.X, b.X), max(a.Y, b.Y)}}
	var out []int
	for i, d := range c.Dots {
		if d.At.X >= r.Min.X && d.At.X <= r.Max.X && d.At.Y >= r.Min.Y && d.At.Y <= r.Max.Y {
			out = append(out, i)
		}
	}
	return out
}
