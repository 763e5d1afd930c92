package layout

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"nasbook/viz/scene"
)

// Measurer measures text as the renderer will draw it.
type Measurer interface {
	// Measure returns the width and the line height of s set at size device pixels.
	Measure(s string, size float64) (w, h float64)
}

// Orientation is the direction of a layout's node chain.
type Orientation int

const (
	Horizontal Orientation = iota // nodes left to right, skip arcs above and below
	Vertical                      // nodes top to bottom, skip arcs left and right
)

// String returns "horizontal" or "vertical".
func (o Orientation) String() string {
	switch o {
	case Horizontal:
		return "horizontal"
	case Vertical:
		return "vertical"
	default:
		return "Orientation(" + strconv.Itoa(int(o)) + ")"
	}
}

// Options tune Compute. The zero value suits a projector.
type Options struct {
	// Scale is device pixels per CSS pixel; 0 means 1. The sizes below are in
	// CSS pixels and are multiplied by Scale.
	Scale float64
	// MaxLabelSize is the font size of edge and node labels when the cell fits at
	// it; 0 means 26. Compute shrinks labels in steps until the cell fits.
	MaxLabelSize float64
	// MinLabelSize is the smallest label size Compute tries; 0 means 12.
	MinLabelSize float64
	// Margin is the empty border around the picture; 0 means 16.
	Margin float64
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Scale, 1)
	def(&o.MaxLabelSize, 26)
	def(&o.MinLabelSize, 12)
	def(&o.Margin, 16)
	if o.MinLabelSize > o.MaxLabelSize {
		o.MinLabelSize = o.MaxLabelSize
	}
	return o
}

// Text is a string to draw centred in Box at font size Size.
type Text struct {
	S    string
	Size float64
	Box  Rect
}

// Node is where one node of the cell is drawn.
type Node struct {
	ID    int
	Box   Rect
	Label Text
}

// Edge is how one edge of the cell is drawn: a curve from the From node's border
// to the base of an arrowhead whose tip touches the To node's border, and a
// label on a pill that sits on the curve.
type Edge struct {
	Index int // position in Cell.Edges
	Op    string
	Curve Bezier   // Curve[0] lies on the From node's border
	Arrow [3]Point // Arrow[0] is the tip, on the To node's border; Arrow[1:] are the barbs
	Label Text
	Pill  Rect // background of Label, centred on the curve
	Width float64
	Alpha float64 // opacity of the stroke in [0, 1]
	Color color.RGBA
	None  bool // the op is "none": draw it faint and dashed
}

// Layout is a cell placed in a Width x Height viewport, in device pixels.
// Nodes and Edges follow the order of the cell's Nodes and Edges.
type Layout struct {
	Width, Height float64
	Orientation   Orientation
	Title         Text
	Nodes         []Node
	Edges         []Edge
	// Fits is false when even the smallest label size overflowed the viewport;
	// the picture is then shrunk to fit, labels and all.
	Fits bool
}

// Compute lays out cell c (which may be nil) with the given title in a w x h
// viewport. It picks the largest label size at which the cell fits, trying the
// horizontal orientation unless the vertical one allows clearly larger
// labels. The result depends only on its arguments, and not on the edges'
// weights except for their Width and Alpha.
func Compute(title string, c *scene.Cell, w, h float64, m Measurer, o Options) *Layout {
	o = o.withDefaults()
	margin := o.Margin * o.Scale
	l := &Layout{Width: w, Height: h, Fits: true}
	top := margin
	if title != "" {
		l.Title = fitTitle(title, w-2*margin, m, o)
		tw, th := m.Measure(l.Title.S, l.Title.Size)
		l.Title.Box = RectAt(Point{w / 2, margin + th/2}, tw, th)
		top = l.Title.Box.Max.Y + margin
	}
	if c == nil || len(c.Nodes) == 0 {
		return l
	}
	area := Rect{Point{margin, top}, Point{w - margin, h - margin}}
	minSize, maxSize := o.MinLabelSize*o.Scale, o.MaxLabelSize*o.Scale
	a := fit(c, m, Horizontal, minSize, maxSize, area, o.Scale)
	if v := fit(c, m, Vertical, minSize, maxSize, area, o.Scale); better(v, a, area) {
		a = v
	}
	l.Fits = fits(a.bbox, area)
	if !l.Fits {
		// Shrink it, text and all, rather than clip it.
		a.scale(1 / overflow(a.bbox, area))
	}
	l.Orientation = a.or
	l.Nodes, l.Edges = a.place(area)
	return l
}

// fit arranges c at the largest label size in [minSize, maxSize] that fits in
// area, or at minSize if none does. Lengths grow about linearly with the size,
// so a few guesses find it.
func fit(c *scene.Cell, m Measurer, or Orientation, minSize, maxSize float64, area Rect, scale float64) *arrangement {
	size := maxSize
	for range 12 {
		a := arrange(c, m, size, or, scale)
		if fits(a.bbox, area) || size == minSize {
			return a
		}
		size = max(minSize, min(size/overflow(a.bbox, area), 0.97*size))
	}
	return arrange(c, m, minSize, or, scale)
}

// better reports whether a is a better use of area than b: it fits where b
// does not, has clearly larger labels, or overflows less.
func better(a, b *arrangement, area Rect) bool {
	fa, fb := fits(a.bbox, area), fits(b.bbox, area)
	switch {
	case fa != fb:
		return fa
	case fa:
		return a.size > 1.05*b.size
	default:
		return overflow(a.bbox, area) < overflow(b.bbox, area)
	}
}

func fits(b, area Rect) bool { return b.Dx() <= area.Dx() && b.Dy() <= area.Dy() }

func overflow(b, area Rect) float64 {
	return max(b.Dx()/area.Dx(), b.Dy()/area.Dy())
}

// fitTitle shrinks the title until it fits width, then shortens it.
func fitTitle(s string, width float64, m Measurer, o Options) Text {
	minSize := o.MinLabelSize * o.Scale
	size := 1.3 * o.MaxLabelSize * o.Scale
	for size > minSize {
		if tw, _ := m.Measure(s, size); tw <= width {
			return Text{S: s, Size: size}
		}
		size = max(size*0.92, minSize)
	}
	for utf8.RuneCountInString(s) > 1 {
		if tw, _ := m.Measure(s, size); tw <= width {
			break
		}
		r := []rune(s)
		s = string(r[:len(r)-2]) + "…"
	}
	return Text{S: s, Size: size}
}

// arrangement is a cell laid out in abstract coordinates: u runs along the
// chain of nodes, v across it, with the chain on v = 0. Side 0 of the chain
// has v < 0 (above in Horizontal, left in Vertical).
type arrangement struct {
	or    Orientation
	size  float64 // of labels
	nodes []Node  // boxes in (u, v)
	edges []Edge  // geometry in (u, v)
	bbox  Rect    // of everything, in screen orientation
}

// arc is an edge drawn beside the chain rather than along it.
type arc struct {
	e      int // index into edges
	l, r   int // ranks of the left and right node, l <= r
	par    int // rank among edges joining the same pair
	side   int // 0: v < 0; 1: v > 0
	level  int // 1 is the arc closest to the chain
	pl, pr Point
}

func (a *arc) nest() [2]int { return [2]int{a.r - a.l, a.par} }

func (a *arc) inside(b *arc) bool { return b.l <= a.l && a.r <= b.r && a.nest() != b.nest() }

func (a *arc) interleaves(b *arc) bool {
	return a.l < b.l && b.l < a.r && a.r < b.r || b.l < a.l && a.l < b.r && b.r < a.r
}

func arrange(c *scene.Cell, m Measurer, size float64, or Orientation, scale float64) *arrangement {
	_, lh := m.Measure("Xg", size)
	pad := 0.35 * lh
	// ext turns a screen-space w x h into (along, across) extents.
	ext := func(w, h float64) (float64, float64) {
		if or == Vertical {
			return h, w
		}
		return w, h
	}

	ar := &arrangement{or: or, size: size}
	rank := make(map[int]int, len(c.Nodes))
	nodeW, nodeH := 2*lh, 1.9*lh
	labels := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		rank[n.ID] = i
		labels[i] = n.Label
		if labels[i] == "" {
			labels[i] = strconv.Itoa(n.ID)
		}
		tw, _ := m.Measure(labels[i], size)
		nodeW = max(nodeW, tw+3*pad)
	}
	nodeAlong, nodeAcross := ext(nodeW, nodeH)

	// Edge styles and label pills.
	edges := make([]Edge, len(c.Edges))
	pillW, pillH := make([]float64, len(c.Edges)), lh+0.5*pad
	maxAlong := 0.0
	for i, e := range c.Edges {
		ed := &edges[i]
		ed.Index, ed.Op = i, e.Op
		ed.None = e.Op == "none"
		ed.Color = OpColor(e.Op)
		if ed.None {
			ed.Width, ed.Alpha = 2*scale, 0.6
		} else {
			ed.Width, ed.Alpha = scale*(1.5+6*e.Weight), 0.25+0.75*e.Weight
		}
		tw, _ := m.Measure(e.Op, size)
		ed.Label = Text{S: e.Op, Size: size}
		pillW[i] = tw + 2*pad
		along, _ := ext(pillW[i], pillH)
		maxAlong = max(maxAlong, along)
	}
	step := nodeAlong + maxAlong + arrowLen(lh, scale) + 3*pad

	ar.nodes = make([]Node, len(c.Nodes))
	for i, n := range c.Nodes {
		box := RectAt(Point{float64(i) * step, 0}, nodeAlong, nodeAcross)
		ar.nodes[i] = Node{ID: n.ID, Box: box, Label: Text{S: labels[i], Size: size}}
	}

	// Straight edges join neighbours along the chain; every other edge is an arc.
	var arcs []*arc
	pairs := map[[2]int]int{}
	var placedPills []Rect
	var placedCurves [][]Point
	for i, e := range c.Edges {
		a, b := rank[e.From], rank[e.To]
		l, r := min(a, b), max(a, b)
		par := pairs[[2]int{l, r}]
		pairs[[2]int{l, r}]++
		if r-l == 1 && par == 0 {
			dir := float64(b - a)
			p0 := Point{float64(a)*step + dir*nodeAlong/2, 0}
			tip := Point{float64(b)*step - dir*nodeAlong/2, 0}
			setCurve(&edges[i], line(p0, tip), arrowLen(lh, scale))
			pa, pc := ext(pillW[i], pillH)
			edges[i].Pill = RectAt(p0.Add(tip).Mul(0.5), pa, pc)
			placedPills = append(placedPills, edges[i].Pill)
			placedCurves = append(placedCurves, edges[i].Curve.Flatten(nil, 24))
			continue
		}
		arcs = append(arcs, &arc{e: i, l: l, r: r, par: par})
	}

	// Sides: longest arcs first, each on the side where it interleaves (and so
	// crosses) fewer arcs already placed, ties to the emptier side, then side 0.
	byNest := slices.Clone(arcs)
	slices.SortStableFunc(byNest, func(a, b *arc) int {
		return cmp.Or(cmp.Compare(b.r-b.l, a.r-a.l), cmp.Compare(a.l, b.l), cmp.Compare(a.par, b.par))
	})
	var count [2]int
	for i, a := range byNest {
		var cross [2]int
		for _, b := range byNest[:i] {
			if a.interleaves(b) {
				cross[b.side]++
			}
		}
		a.side = 0
		if cross[1] < cross[0] || cross[1] == cross[0] && count[1] < count[0] {
			a.side = 1
		}
		count[a.side]++
	}

	// Ports: where arcs meet a node's side. Arcs reaching the node from the
	// left come first, innermost at the corner; then arcs leaving to the
	// right, outermost first. Nested arcs then never cross near a node.
	type end struct {
		a    *arc
		left bool // the arc's left end (it leaves the node to the right)
	}
	ends := map[[2]int][]end{}
	for _, a := range arcs {
		ends[[2]int{a.r, a.side}] = append(ends[[2]int{a.r, a.side}], end{a, false})
		ends[[2]int{a.l, a.side}] = append(ends[[2]int{a.l, a.side}], end{a, true})
	}
	for key, es := range ends {
		slices.SortStableFunc(es, func(x, y end) int {
			if x.left != y.left {
				if y.left {
					return -1
				}
				return 1
			}
			c := cmp.Compare(x.a.nest()[0], y.a.nest()[0])
			c = cmp.Or(c, cmp.Compare(x.a.nest()[1], y.a.nest()[1]))
			if x.left {
				c = -c
			}
			return c
		})
		box := ar.nodes[key[0]].Box
		inset := 0.12 * nodeAlong
		lo, hi := box.Min.X+inset, box.Max.X-inset
		v := box.Min.Y
		if key[1] == 1 {
			v = box.Max.Y
		}
		for k, e := range es {
			p := Point{lo + (hi-lo)*(float64(k)+0.5)/float64(len(es)), v}
			if e.left {
				e.a.pl = p
			} else {
				e.a.pr = p
			}
		}
	}

	// Levels: inner arcs first; an arc rises above every arc it encloses, and
	// further until its pill and curve are clear of other pills and nodes.
	slices.SortStableFunc(byNest, func(a, b *arc) int {
		return cmp.Or(cmp.Compare(a.r-a.l, b.r-b.l), cmp.Compare(a.par, b.par), cmp.Compare(a.l, b.l))
	})
	base := nodeAcross / 2 // half the chain's thickness
	for _, p := range placedPills {
		base = max(base, (p.Max.Y-p.Min.Y)/2)
	}
	var nodeBoxes []Rect
	for _, n := range ar.nodes {
		nodeBoxes = append(nodeBoxes, n.Box)
	}
	for i, a := range byNest {
		a.level = 1
		for _, b := range byNest[:i] {
			if b.side == a.side && b.inside(a) {
				a.level = max(a.level, b.level+1)
			}
		}
		ed := &edges[a.e]
		pw, ph := ext(pillW[a.e], pillH)
		for tries := 0; ; tries++ {
			// rise is the height of the arc's apex above the node's side. A
			// label over a gap sits a little lower than the apex, at about
			// 0.88 of it for two-node spans, and must clear straight edges' labels.
			rise := (base-nodeAcross/2+pad+ph/2)/0.88 + float64(a.level-1)*(ph+pad)
			sgn := float64(2*a.side - 1)
			p1 := Point{a.pl.X, a.pl.Y + sgn*4*rise/3}
			p2 := Point{a.pr.X, a.pr.Y + sgn*4*rise/3}
			full := Bezier{a.pl, p1, p2, a.pr}
			if rank[c.Edges[a.e].From] == a.r && a.l != a.r {
				full = Bezier{a.pr, p2, p1, a.pl}
			}
			setCurve(ed, full, arrowLen(lh, scale))
			flat := append(ed.Curve.Flatten(nil, 32), ed.Arrow[0])
			// The label goes over a gap between nodes, never above a node, where
			// it would block the ports of longer arcs: the gap nearest the
			// middle of the arc that is free.
			var at []float64
			for k := a.l; k < a.r; k++ {
				at = append(at, (float64(k)+0.5)*step)
			}
			mid := float64(a.l+a.r) / 2 * step
			slices.SortStableFunc(at, func(x, y float64) int { return cmp.Compare(math.Abs(x-mid), math.Abs(y-mid)) })
			if len(at) == 0 { // a self-loop
				at = append(at, mid)
			}
			placed := false
			for _, u := range at {
				ed.Pill = RectAt(full.At(solveX(full, u)), pw, ph)
				if isClear(ed.Pill.Inset(-pad/2), flat, placedPills, placedCurves, nodeBoxes, a) {
					placed = true
					break
				}
			}
			if placed || tries > 4*len(arcs)+8 {
				if !placed {
					ed.Pill = RectAt(full.At(solveX(full, at[0])), pw, ph)
				}
				placedPills = append(placedPills, ed.Pill)
				placedCurves = append(placedCurves, flat)
				break
			}
			a.level++
		}
	}

	// Label boxes and the bounding box, turned to screen orientation.
	for i := range edges {
		ed := &edges[i]
		tw, _ := m.Measure(ed.Op, size)
		ta, tc := ext(tw, lh)
		ed.Label.Box = RectAt(ed.Pill.Center(), ta, tc)
	}
	for i := range ar.nodes {
		n := &ar.nodes[i]
		tw, _ := m.Measure(n.Label.S, size)
		ta, tc := ext(tw, lh)
		n.Label.Box = RectAt(n.Box.Center(), ta, tc)
	}
	ar.edges = edges
	if or == Vertical {
		ar.transpose()
	}
	for _, n := range ar.nodes {
		ar.bbox = ar.bbox.Union(n.Box)
	}
	for _, e := range ar.edges {
		ar.bbox = ar.bbox.Union(e.Pill)
		for _, p := range e.Curve.Flatten(nil, 32) {
			ar.bbox = ar.bbox.Union(Rect{p, p}.Inset(-e.Width / 2))
		}
		for _, p := range e.Arrow {
			ar.bbox = ar.bbox.Union(Rect{p, p})
		}
	}
	return ar
}

// isClear reports whether an arc with pill p and curve flat collides with nothing placed.
func isClear(p Rect, flat []Point, pills []Rect, curves [][]Point, nodes []Rect, a *arc) bool {
	for _, q := range pills {
		if p.Overlaps(q) || polylineHits(flat, q) {
			return false
		}
	}
	for _, c := range curves {
		if polylineHits(c, p) {
			return false
		}
	}
	for i, n := range nodes {
		if p.Overlaps(n) {
			return false
		}
		if i != a.l && i != a.r && polylineHits(flat, n) {
			return false
		}
	}
	return true
}

// solveX returns the parameter t at which b, monotone in X, reaches X = x.
func solveX(b Bezier, x float64) float64 {
	lo, hi := 0.0, 1.0
	up := b[3].X >= b[0].X
	for range 40 {
		t := (lo + hi) / 2
		if (b.At(t).X < x) == up {
			lo = t
		} else {
			hi = t
		}
	}
	return (lo + hi) / 2
}

// arrowLen is the length of every arrowhead. It does not depend on an edge's
// weight, so that a cell keeps its shape while its weights change.
func arrowLen(lh, scale float64) float64 { return 0.5*lh + 6*scale }

func line(a, b Point) Bezier {
	d := b.Sub(a)
	return Bezier{a, a.Add(d.Mul(1.0 / 3)), a.Add(d.Mul(2.0 / 3)), b}
}

// setCurve sets e's curve to full, cut back at its end to make room for an
// arrowhead whose tip is full's end point.
func setCurve(e *Edge, full Bezier, al float64) {
	tip := full[3]
	dir := tip.Sub(full[2])
	if dir.Len() < 1e-9 {
		dir = tip.Sub(full[0])
	}
	dir = dir.Mul(1 / dir.Len())
	base := tip.Sub(dir.Mul(al))
	nrm := Point{-dir.Y, dir.X}.Mul(0.42 * al)
	e.Arrow = [3]Point{tip, base.Add(nrm), base.Sub(nrm)}
	full[3] = base
	if full[2] == tip {
		full[2] = base
	}
	e.Curve = full
}

// transpose swaps u and v so that the chain runs top to bottom.
func (ar *arrangement) transpose() {
	tp := func(p Point) Point { return Point{p.Y, p.X} }
	tr := func(r Rect) Rect { return Rect{tp(r.Min), tp(r.Max)} }
	for i := range ar.nodes {
		n := &ar.nodes[i]
		n.Box, n.Label.Box = tr(n.Box), tr(n.Label.Box)
	}
	for i := range ar.edges {
		e := &ar.edges[i]
		for k := range e.Curve {
			e.Curve[k] = tp(e.Curve[k])
		}
		for k := range e.Arrow {
			e.Arrow[k] = tp(e.Arrow[k])
		}
		e.Pill, e.Label.Box = tr(e.Pill), tr(e.Label.Box)
	}
}

// scale multiplies every length of the arrangement by k.
func (ar *arrangement) scale(k float64) {
	sr := func(r Rect) Rect { return Rect{r.Min.Mul(k), r.Max.Mul(k)} }
	for i := range ar.nodes {
		n := &ar.nodes[i]
		n.Box, n.Label.Box, n.Label.Size = sr(n.Box), sr(n.Label.Box), n.Label.Size*k
	}
	for i := range ar.edges {
		e := &ar.edges[i]
		for j := range e.Curve {
			e.Curve[j] = e.Curve[j].Mul(k)
		}
		for j := range e.Arrow {
			e.Arrow[j] = e.Arrow[j].Mul(k)
		}
		e.Pill, e.Label.Box, e.Label.Size, e.Width = sr(e.Pill), sr(e.Label.Box), e.Label.Size*k, e.Width*k
	}
	ar.bbox = sr(ar.bbox)
}

// place centres the arrangement in area and returns its nodes and edges.
func (ar *arrangement) place(area Rect) ([]Node, []Edge) {
	d := area.Center().Sub(ar.bbox.Center())
	d = Point{math.Round(d.X), math.Round(d.Y)}
	nodes := slices.Clone(ar.nodes)
	edges := slices.Clone(ar.edges)
	for i := range nodes {
		nodes[i].Box = nodes[i].Box.add(d)
		nodes[i].Label.Box = nodes[i].Label.Box.add(d)
	}
	for i := range edges {
		e := &edges[i]
		for k := range e.Curve {
			e.Curve[k] = e.Curve[k].Add(d)
		}
		for k := range e.Arrow {
			e.Arrow[k] = e.Arrow[k].Add(d)
		}
		e.Pill, e.Label.Box = e.Pill.add(d), e.Label.Box.add(d)
	}
	return nodes, edges
}
