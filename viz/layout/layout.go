package layout

import (
	"image/color"
	"math"
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

// LabelSize returns the font size of the cell's node labels (edge labels and
// the legend share it), in device pixels; 0 for an empty cell.
func (l *Layout) LabelSize() float64 {
	if len(l.Nodes) == 0 {
		return 0
	}
	return l.Nodes[0].Label.Size
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
//
// Edges joining the same two nodes form a bundle (the candidate ops of a
// relaxed edge, say): parallel curves whose labels are rows of one stack. For
// a bundle, Pill is the edge's row of Stack and Swatch a square of the edge's
// colour at the start of the row; for a lone edge, Pill and Stack are the same
// and Swatch is empty.
type Edge struct {
	Index  int // position in Cell.Edges
	Op     string
	Curve  Bezier   // Curve[0] lies on the From node's border
	Arrow  [3]Point // Arrow[0] is the tip, on the To node's border; Arrow[1:] are the barbs
	Label  Text
	Pill   Rect // background of Label, centred on the curve of a lone edge
	Stack  Rect // background of the labels of the edge's bundle
	Swatch Rect
	Bundle int // number of edges in the bundle, 1 for a lone edge
	Width  float64
	Alpha  float64 // opacity of the stroke in [0, 1]
	Color  color.RGBA
	None   bool // the op is "none": draw it faint and dashed
}

// LegendItem is one op of a cell's legend (scene.Cell.Legend): a swatch of
// its colour and its name.
type LegendItem struct {
	Op     string
	Color  color.RGBA
	Swatch Rect
	Label  Text
	None   bool // the op is "none", drawn dashed
}

// Layout is a cell placed in a Width x Height viewport, in device pixels.
// Nodes and Edges follow the order of the cell's Nodes and Edges.
type Layout struct {
	Width, Height float64
	Orientation   Orientation
	Title         Text
	Nodes         []Node
	Edges         []Edge
	Legend        []LegendItem // when the cell asks for one, under the picture
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
	l.Legend = a.legend
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

// EdgeAt returns the index of the edge under p: the edge whose label (its
// pill, or its row of a bundle's stack) holds p, else the edge whose curve
// or arrowhead passes nearest p within tol, else -1. Labels come first: they
// are the larger target, and the one a student aims at.
func (l *Layout) EdgeAt(p Point, tol float64) int {
	for i, e := range l.Edges {
		if e.Label.S != "" && e.Pill.Contains(p) {
			return i
		}
	}
	best, bestD := -1, tol
	for i, e := range l.Edges {
		pts := append(e.Curve.Flatten(nil, 32), e.Arrow[0])
		if d := distToPolyline(p, pts) - e.Width/2; d <= bestD {
			best, bestD = i, d
		}
	}
	return best
}

// distToPolyline is the distance from p to the nearest point of pts.
func distToPolyline(p Point, pts []Point) float64 {
	d := math.Inf(1)
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		ab := b.Sub(a)
		t := 0.0
		if n := ab.X*ab.X + ab.Y*ab.Y; n > 0 {
			t = max(0, min(1, ((p.X-a.X)*ab.X+(p.Y-a.Y)*ab.Y)/n))
		}
		d = min(d, p.Sub(a.Add(ab.Mul(t))).Len())
	}
	return d
}
