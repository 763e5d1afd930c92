package layout

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"nasbook/viz/scene"
)

// arrangement is a cell laid out in abstract coordinates: u runs along the
// chain of nodes, v across it, with the chain on v = 0. Side 0 of the chain
// has v < 0 (above in Horizontal, left in Vertical). transpose turns (u, v)
// into screen (x, y) for Vertical; for Horizontal they already are.
type arrangement struct {
	or     Orientation
	size   float64 // of labels
	nodes  []Node
	edges  []Edge
	legend []LegendItem
	bbox   Rect // of everything, in screen orientation
}

// bundle is the edges joining one pair of nodes, drawn side by side. A bundle
// between neighbours on the chain is straight; any other is an arc.
type bundle struct {
	edges          []int   // into Cell.Edges, in order
	l, r           int     // ranks of the left and right node, l <= r
	side           int     // arcs: 0 for v < 0, 1 for v > 0
	rise           float64 // arcs: innermost member's apex above the node's side
	pl, pr         []Point // arcs: each member's ports on its left and right node
	stackW, stackH float64 // screen size of the label stack
	stack          Rect
	flats          [][]Point // members' curves, flattened, arrow tips included
}

func (b *bundle) straight() bool { return b.r-b.l == 1 }

func (b *bundle) inside(o *bundle) bool { return b != o && o.l <= b.l && b.r <= o.r }

func (b *bundle) interleaves(o *bundle) bool {
	return b.l < o.l && o.l < b.r && b.r < o.r || o.l < b.l && b.l < o.r && o.r < b.r
}

// edgeWidth is the stroke width of an edge of weight w.
func edgeWidth(w, scale float64) float64 { return scale * (1.5 + 6*w) }

// arrowLen is the length of every arrowhead. It does not depend on an edge's
// weight, so that a cell keeps its shape while its weights change.
func arrowLen(lh, scale float64) float64 { return 0.5*lh + 6*scale }

func arrange(c *scene.Cell, m Measurer, size float64, or Orientation, scale float64) *arrangement {
	_, lh := m.Measure("Xg", size)
	pad := 0.35 * lh
	rowH := lh + 0.5*pad                // a label row
	swatch := 0.6 * lh                  // side of a bundle row's colour square
	sp := edgeWidth(1, scale) + 3*scale // between the curves of a bundle
	portGap := 0.8 * sp                 // between the ports of arcs on a node
	if c.Legend {
		// A relaxed cell: many members, few of them wide at once.
		sp, portGap = edgeWidth(1, scale)+1.5*scale, 0.6*sp
	}
	al := arrowLen(lh, scale)
	// ext turns a screen-space w x h into (along, across) extents.
	ext := func(w, h float64) (float64, float64) {
		if or == Vertical {
			return h, w
		}
		return w, h
	}
	ar := &arrangement{or: or, size: size}

	rank := make(map[int]int, len(c.Nodes))
	labels := make([]string, len(c.Nodes))
	nodeW, nodeH := 2*lh, 1.9*lh
	for i, n := range c.Nodes {
		rank[n.ID] = i
		labels[i] = n.Label
		if labels[i] == "" {
			labels[i] = strconv.Itoa(n.ID)
		}
		tw, _ := m.Measure(labels[i], size)
		nodeW = max(nodeW, tw+3*pad)
	}

	edges := make([]Edge, len(c.Edges))
	var bundles []*bundle
	byPair := map[[2]int]*bundle{}
	for i, e := range c.Edges {
		ed := &edges[i]
		ed.Index, ed.Op, ed.None, ed.Color = i, e.Op, e.Op == "none", OpColor(e.Op)
		if ed.None {
			// Dashed (see the renderer), thinner and fainter than an op of the
			// same weight: the weight of "none" is a weight of no edge.
			ed.Width, ed.Alpha = scale*(1+2.5*e.Weight), 0.15+0.55*e.Weight
		} else {
			ed.Width, ed.Alpha = edgeWidth(e.Weight, scale), 0.25+0.75*e.Weight
		}
		ed.Label = Text{S: e.Op, Size: size}
		a, b := rank[e.From], rank[e.To]
		key := [2]int{min(a, b), max(a, b)}
		bd := byPair[key]
		if bd == nil {
			bd = &bundle{l: key[0], r: key[1]}
			byPair[key] = bd
			bundles = append(bundles, bd)
		}
		bd.edges = append(bd.edges, i)
	}
	for _, b := range bundles {
		k := len(b.edges)
		if c.Legend && k > 1 {
			// Named in the legend: no stack, but room along the chain to
			// see the members' widths.
			for _, i := range b.edges {
				edges[i].Bundle, edges[i].Label.S = k, ""
			}
			if b.straight() {
				b.stackW, b.stackH = ext(2*lh, 0)
			}
			continue
		}
		for _, i := range b.edges {
			tw, _ := m.Measure(c.Edges[i].Op, size)
			edges[i].Bundle = k
			if k == 1 {
				b.stackW = tw + 2*pad
			} else {
				b.stackW = max(b.stackW, 2*pad+swatch+0.6*pad+tw)
			}
		}
		b.stackH = rowH
		if k > 1 {
			b.stackH = float64(k)*rowH + pad
		}
	}

	// Sides: longest arcs first, each on the side where it interleaves (and so
	// crosses) fewer arcs already placed, ties to the emptier side, then side 0.
	var arcs []*bundle
	for _, b := range bundles {
		if !b.straight() {
			arcs = append(arcs, b)
		}
	}
	slices.SortStableFunc(arcs, func(a, b *bundle) int {
		return cmp.Or(cmp.Compare(b.r-b.l, a.r-a.l), cmp.Compare(a.l, b.l))
	})
	var count [2]int
	for i, a := range arcs {
		var cross [2]int
		for _, b := range arcs[:i] {
			if a.interleaves(b) {
				cross[b.side]++
			}
		}
		if cross[1] < cross[0] || cross[1] == cross[0] && count[1] < count[0] {
			a.side = 1
		}
		count[a.side]++
	}

	// Node size: wide enough along the chain for the ports of its arcs, thick
	// enough across it for the members of a straight bundle.
	ports := map[[2]int]int{}
	maxPorts, thick := 0, 0.0
	for _, a := range arcs {
		for _, n := range []int{a.l, a.r} {
			ports[[2]int{n, a.side}] += len(a.edges)
			maxPorts = max(maxPorts, ports[[2]int{n, a.side}])
		}
	}
	for _, b := range bundles {
		if b.straight() {
			thick = max(thick, float64(len(b.edges)-1)*sp+edgeWidth(1, scale))
		}
	}
	needAlong := float64(maxPorts) * portGap / 0.76
	if or == Horizontal {
		nodeW, nodeH = max(nodeW, needAlong), max(nodeH, thick+2*pad)
	} else {
		nodeW, nodeH = max(nodeW, thick+2*pad), max(nodeH, needAlong)
	}
	nodeAlong, nodeAcross := ext(nodeW, nodeH)

	maxAlong := 0.0
	for _, b := range bundles {
		along, _ := ext(b.stackW, b.stackH)
		maxAlong = max(maxAlong, along)
	}
	step := nodeAlong + maxAlong + al + 3*pad
	ar.nodes = make([]Node, len(c.Nodes))
	var nodeBoxes []Rect
	for i, n := range c.Nodes {
		box := RectAt(Point{float64(i) * step, 0}, nodeAlong, nodeAcross)
		ar.nodes[i] = Node{ID: n.ID, Box: box, Label: Text{S: labels[i], Size: size}}
		nodeBoxes = append(nodeBoxes, box)
	}
	barb := func(b *bundle) float64 {
		if len(b.edges) > 1 {
			return min(0.42*al, 0.45*sp)
		}
		return 0.42 * al
	}

	// Straight bundles join neighbours: parallel segments, labels between.
	var stacks []Rect
	var flats [][]Point
	base := nodeAcross / 2 // half the chain's thickness, labels included
	for _, b := range bundles {
		if !b.straight() {
			continue
		}
		k := len(b.edges)
		for j, i := range b.edges {
			v := (float64(j) - float64(k-1)/2) * sp
			from, to := rank[c.Edges[i].From], rank[c.Edges[i].To]
			dir := float64(to - from)
			p0 := Point{float64(from)*step + dir*nodeAlong/2, v}
			tip := Point{float64(to)*step - dir*nodeAlong/2, v}
			setCurve(&edges[i], line(p0, tip), al, barb(b))
			b.flats = append(b.flats, append(edges[i].Curve.Flatten(nil, 8), tip))
		}
		sa, sc := ext(b.stackW, b.stackH)
		b.stack = RectAt(Point{(float64(b.l) + 0.5) * step, 0}, sa, sc)
		stacks = append(stacks, b.stack)
		flats = append(flats, b.flats...)
		base = max(base, sc/2)
	}

	// Ports: where arcs meet a node's side. Members of arcs reaching the node
	// from the left come first, innermost at the corner; then those leaving to
	// the right, outermost first. Nested arcs then never cross near a node.
	type end struct {
		b    *bundle
		j    int  // member
		left bool // the bundle's left end (it leaves the node to the right)
	}
	ends := map[[2]int][]end{}
	for _, a := range arcs {
		a.pl, a.pr = make([]Point, len(a.edges)), make([]Point, len(a.edges))
		for j := range a.edges {
			ends[[2]int{a.r, a.side}] = append(ends[[2]int{a.r, a.side}], end{a, j, false})
			ends[[2]int{a.l, a.side}] = append(ends[[2]int{a.l, a.side}], end{a, j, true})
		}
	}
	for key, es := range ends {
		slices.SortStableFunc(es, func(x, y end) int {
			if x.left != y.left {
				if y.left {
					return -1
				}
				return 1
			}
			c := cmp.Or(cmp.Compare(x.b.r-x.b.l, y.b.r-y.b.l), cmp.Compare(x.j, y.j))
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
		for n, e := range es {
			p := Point{lo + (hi-lo)*(float64(n)+0.5)/float64(len(es)), v}
			if e.left {
				e.b.pl[e.j] = p
			} else {
				e.b.pr[e.j] = p
			}
		}
	}

	// Arcs, inner first: each rises above the arcs it encloses, then further
	// until its labels and curves are clear of the nodes, labels and curves
	// already placed. Its labels go over a gap between nodes, never above a
	// node, where they would block the ports of longer arcs.
	slices.SortStableFunc(arcs, func(a, b *bundle) int {
		return cmp.Or(cmp.Compare(a.r-a.l, b.r-b.l), cmp.Compare(a.l, b.l))
	})
	for i, a := range arcs {
		k := len(a.edges)
		sa, sc := ext(a.stackW, a.stackH)
		// A label over a two-node gap sits at about 0.88 of the apex height.
		a.rise = (base - nodeAcross/2 + pad + sc/2) / 0.88
		var enclosed [][]Point
		for _, o := range arcs[:i] {
			if o.side == a.side && o.inside(a) {
				a.rise = max(a.rise, o.rise+float64(len(o.edges))*sp)
				enclosed = append(enclosed, o.flats...)
			}
		}
		var at []float64
		for g := a.l; g < a.r; g++ {
			at = append(at, (float64(g)+0.5)*step)
		}
		mid := float64(a.l+a.r) / 2 * step
		slices.SortStableFunc(at, func(x, y float64) int { return cmp.Compare(math.Abs(x-mid), math.Abs(y-mid)) })
		if len(at) == 0 { // a self-loop
			at = append(at, mid)
		}
		sgn := float64(2*a.side - 1)
		rainbow := func(pl, pr Point, rise float64) Bezier {
			return Bezier{pl, {pl.X, pl.Y + sgn*4*rise/3}, {pr.X, pr.Y + sgn*4*rise/3}, pr}
		}
		for tries := 0; ; tries++ {
			a.flats = a.flats[:0]
			for j, i := range a.edges {
				full := rainbow(a.pl[j], a.pr[j], a.rise+float64(j)*sp)
				if rank[c.Edges[i].From] == a.r && a.l != a.r {
					full = Bezier{full[3], full[2], full[1], full[0]}
				}
				setCurve(&edges[i], full, al, barb(a))
				a.flats = append(a.flats, append(edges[i].Curve.Flatten(nil, 32), edges[i].Arrow[0]))
			}
			// The stack straddles the middle member.
			h := float64(k-1) / 2
			lo, hi := int(math.Floor(h)), int(math.Ceil(h))
			middle := rainbow(a.pl[lo].Add(a.pl[hi]).Mul(0.5), a.pr[lo].Add(a.pr[hi]).Mul(0.5), a.rise+h*sp)
			placed := false
			for _, u := range at {
				a.stack = RectAt(middle.At(solveX(middle, u)), sa, sc)
				if isClear(a.stack.Inset(-pad/2), a, stacks, flats, enclosed, nodeBoxes) {
					placed = true
					break
				}
			}
			if placed || tries > 400 {
				if !placed {
					a.stack = RectAt(middle.At(solveX(middle, at[0])), sa, sc)
				}
				stacks = append(stacks, a.stack)
				flats = append(flats, a.flats...)
				break
			}
			a.rise += 0.3 * rowH
		}
	}

	// Label rows, laid out in screen orientation: a lone edge's label is
	// centred on its pill; a bundle's rows read top to bottom, outermost
	// member on top above the chain.
	for _, b := range bundles {
		stack := b.stack
		if or == Vertical {
			stack = stack.transposed()
		}
		k := len(b.edges)
		for j, i := range b.edges {
			ed := &edges[i]
			ed.Stack = stack
			tw, _ := m.Measure(ed.Op, size)
			if ed.Label.S == "" { // named in the legend
				ed.Pill, ed.Label.Box = stack, RectAt(stack.Center(), 0, 0)
			} else if k == 1 {
				ed.Pill = stack
				ed.Label.Box = RectAt(stack.Center(), tw, lh)
			} else {
				row := j
				if or == Horizontal && !b.straight() && b.side == 0 {
					row = k - 1 - j
				}
				y := stack.Min.Y + pad/2 + float64(row)*rowH
				ed.Pill = Rect{Point{stack.Min.X, y}, Point{stack.Max.X, y + rowH}}
				cy := y + rowH/2
				ed.Swatch = RectAt(Point{stack.Min.X + pad + swatch/2, cy}, swatch, swatch)
				ed.Label.Box = Rect{Point{ed.Swatch.Max.X + 0.6*pad, cy - lh/2}, Point{ed.Swatch.Max.X + 0.6*pad + tw, cy + lh/2}}
			}
			if or == Vertical { // back to (u, v); transpose turns it all at once
				ed.Stack, ed.Pill, ed.Swatch, ed.Label.Box = ed.Stack.transposed(), ed.Pill.transposed(), ed.Swatch.transposed(), ed.Label.Box.transposed()
			}
		}
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
		ar.bbox = ar.bbox.Union(e.Stack)
		for _, p := range e.Curve.Flatten(nil, 32) {
			ar.bbox = ar.bbox.Union(Rect{p, p}.Inset(-e.Width / 2))
		}
		for _, p := range e.Arrow {
			ar.bbox = ar.bbox.Union(Rect{p, p})
		}
	}
	if c.Legend {
		ar.addLegend(c, m, size, lh, pad, swatch)
	}
	return ar
}

// addLegend sets the cell's ops, in the order they first appear, in rows
// under the picture no wider than it (or than the widest item).
func (ar *arrangement) addLegend(c *scene.Cell, m Measurer, size, lh, pad, swatch float64) {
	var ops []string
	for _, e := range c.Edges {
		if !slices.Contains(ops, e.Op) {
			ops = append(ops, e.Op)
		}
	}
	gap := 1.2 * lh
	width := ar.bbox.Dx()
	var widths []float64
	for _, op := range ops {
		tw, _ := m.Measure(op, size)
		widths = append(widths, swatch+0.6*pad+tw)
		width = max(width, widths[len(widths)-1])
	}
	// Greedy rows, each centred under the picture.
	y := ar.bbox.Max.Y + lh
	for i := 0; i < len(ops); {
		j, w := i+1, widths[i]
		for j < len(ops) && w+gap+widths[j] <= width {
			w += gap + widths[j]
			j++
		}
		x := ar.bbox.Center().X - w/2
		cy := y + lh/2
		for k := i; k < j; k++ {
			sw := RectAt(Point{x + swatch/2, cy}, swatch, swatch)
			tw, _ := m.Measure(ops[k], size)
			lb := Rect{Point{sw.Max.X + 0.6*pad, cy - lh/2}, Point{sw.Max.X + 0.6*pad + tw, cy + lh/2}}
			ar.legend = append(ar.legend, LegendItem{Op: ops[k], Color: OpColor(ops[k]), Swatch: sw,
				Label: Text{S: ops[k], Size: size, Box: lb}, None: ops[k] == "none"})
			ar.bbox = ar.bbox.Union(sw).Union(lb)
			x += widths[k] + gap
		}
		y += 1.3 * lh
		i = j
	}
}

// isClear reports whether arc a, with label stack s, collides with nothing
// placed: its curves stay out of other stacks and of nodes it does not join,
// other curves stay out of s, and it crosses none of the arcs it encloses.
func isClear(s Rect, a *bundle, stacks []Rect, flats, enclosed [][]Point, nodes []Rect) bool {
	for _, q := range stacks {
		if s.Overlaps(q) {
			return false
		}
		for _, f := range a.flats {
			if polylineHits(f, q) {
				return false
			}
		}
	}
	for _, f := range flats {
		if polylineHits(f, s) {
			return false
		}
	}
	for i, n := range nodes {
		if s.Overlaps(n) {
			return false
		}
		if i == a.l || i == a.r {
			continue
		}
		for _, f := range a.flats {
			if polylineHits(f, n) {
				return false
			}
		}
	}
	for _, e := range enclosed {
		for _, f := range a.flats {
			if PolylinesCross(e, f) {
				return false
			}
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

func line(a, b Point) Bezier {
	d := b.Sub(a)
	return Bezier{a, a.Add(d.Mul(1.0 / 3)), a.Add(d.Mul(2.0 / 3)), b}
}

// setCurve sets e's curve to full, cut back at its end by al to make room for
// an arrowhead, of half-width barb, whose tip is full's end point.
func setCurve(e *Edge, full Bezier, al, barb float64) {
	tip := full[3]
	dir := tip.Sub(full[2])
	if dir.Len() < 1e-9 {
		dir = tip.Sub(full[0])
	}
	dir = dir.Mul(1 / dir.Len())
	base := tip.Sub(dir.Mul(al))
	nrm := Point{-dir.Y, dir.X}.Mul(barb)
	e.Arrow = [3]Point{tip, base.Add(nrm), base.Sub(nrm)}
	full[3] = base
	if full[2] == tip {
		full[2] = base
	}
	e.Curve = full
}

func (p Point) transposed() Point { return Point{p.Y, p.X} }

func (r Rect) transposed() Rect { return Rect{r.Min.transposed(), r.Max.transposed()} }

// transpose swaps u and v so that the chain runs top to bottom.
func (ar *arrangement) transpose() {
	ar.each(Point.transposed, Rect.transposed, 1)
}

// scale multiplies every length of the arrangement by k.
func (ar *arrangement) scale(k float64) {
	ar.each(func(p Point) Point { return p.Mul(k) }, func(r Rect) Rect { return Rect{r.Min.Mul(k), r.Max.Mul(k)} }, k)
	ar.bbox = Rect{ar.bbox.Min.Mul(k), ar.bbox.Max.Mul(k)}
}

// each maps every point and box of the arrangement, and multiplies its text
// sizes and stroke widths by k.
func (ar *arrangement) each(pf func(Point) Point, rf func(Rect) Rect, k float64) {
	for i := range ar.nodes {
		n := &ar.nodes[i]
		n.Box, n.Label.Box, n.Label.Size = rf(n.Box), rf(n.Label.Box), n.Label.Size*k
	}
	for i := range ar.edges {
		e := &ar.edges[i]
		for j := range e.Curve {
			e.Curve[j] = pf(e.Curve[j])
		}
		for j := range e.Arrow {
			e.Arrow[j] = pf(e.Arrow[j])
		}
		e.Pill, e.Stack, e.Label.Box = rf(e.Pill), rf(e.Stack), rf(e.Label.Box)
		if e.Swatch != (Rect{}) {
			e.Swatch = rf(e.Swatch)
		}
		e.Label.Size, e.Width = e.Label.Size*k, e.Width*k
	}
	for i := range ar.legend {
		it := &ar.legend[i]
		it.Swatch, it.Label.Box, it.Label.Size = rf(it.Swatch), rf(it.Label.Box), it.Label.Size*k
	}
}

// place centres the arrangement in area and returns its nodes and edges.
func (ar *arrangement) place(area Rect) ([]Node, []Edge) {
	d := area.Center().Sub(ar.bbox.Center())
	d = Point{math.Round(d.X), math.Round(d.Y)}
	ar.each(func(p Point) Point { return p.Add(d) }, func(r Rect) Rect { return r.add(d) }, 1)
	ar.bbox = ar.bbox.add(d)
	return ar.nodes, ar.edges
}
