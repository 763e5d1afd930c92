package layout

import "nasbook/viz/scene"

// Detail is the view of one point's architecture: a button back to the
// chart, the point's figures and label, and its cell laid out below them.
type Detail struct {
	Bar      Rect // the header: button, figures and label
	Back     Rect // the button; a click inside it goes back
	BackText Text
	Lines    []Text // the figures, then the label wrapped, left-aligned
	Figures  int    // Lines[:Figures] are the figures
	Cell     *Layout
}

// Detail lays out the cell of point i of c in c's viewport, keeping reserve
// device pixels free at the bottom (for Notes).
func (c *Chart) Detail(i int, cell *scene.Cell, reserve float64, o Options) *Detail {
	o = o.withDefaults()
	o.Scale = c.Scale
	q := c.plot.Points[i]
	m, size := c.m, c.tipSize
	_, lh := m.Measure("Xg", size)
	pad := 0.5 * size
	x0, width := c.margin/2, c.Width-c.margin
	d := &Detail{}
	label := "← Back to the chart"
	tw, _ := m.Measure(label, size)
	if tw+2*pad > width { // a narrow view: the arrow alone
		label = "←"
		tw, _ = m.Measure(label, size)
	}
	d.Back = Rect{Point{x0, c.margin / 2}, Point{x0 + tw + 2*pad, c.margin/2 + lh + 2*pad}}
	d.BackText = Text{S: label, Size: size, Box: RectAt(d.Back.Center(), tw, lh)}
	lines := WrapLabel(axisName(c.plot.Y, "y")+" "+FormatValue(q.Y)+" · "+axisName(c.plot.X, "x")+" "+FormatValue(q.X), width, size, m)
	d.Figures = len(lines)
	if q.Label != "" {
		lines = append(lines, WrapLabel(q.Label, width, size, m)...)
	}
	y := d.Back.Max.Y + pad
	for _, s := range lines {
		tw, _ := m.Measure(s, size)
		d.Lines = append(d.Lines, Text{S: s, Size: size, Box: Rect{Point{x0, y}, Point{x0 + tw, y + lh}}})
		y += lh
	}
	d.Bar = Rect{Max: Point{c.Width, y + pad}}
	d.Cell = Compute("", cell, c.Width, c.Height-d.Bar.Max.Y-reserve, m, o)
	d.Cell.Translate(Point{0, d.Bar.Max.Y})
	d.Cell.Height = c.Height - reserve
	return d
}

func axisName(a scene.Axis, dflt string) string {
	if a.Label == "" {
		return dflt
	}
	return a.Label
}

// Translate moves everything in l by d.
func (l *Layout) Translate(d Point) {
	l.Title.Box = l.Title.Box.add(d)
	for i := range l.Nodes {
		n := &l.Nodes[i]
		n.Box, n.Label.Box = n.Box.add(d), n.Label.Box.add(d)
	}
	for i := range l.Edges {
		e := &l.Edges[i]
		for k := range e.Curve {
			e.Curve[k] = e.Curve[k].Add(d)
		}
		for k := range e.Arrow {
			e.Arrow[k] = e.Arrow[k].Add(d)
		}
		e.Label.Box, e.Pill, e.Stack = e.Label.Box.add(d), e.Pill.add(d), e.Stack.add(d)
		if e.Swatch != (Rect{}) {
			e.Swatch = e.Swatch.add(d)
		}
	}
}
