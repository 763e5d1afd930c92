package layout

import "nasbook/viz/scene"

// Detail is the view of one point's architecture: a bar across the top with a
// button back to the chart and the point's figures, and the point's cell laid
// out below it.
type Detail struct {
	Bar      Rect // the whole bar
	Back     Rect // the button; a click inside it goes back
	BackText Text
	Info     Text // the point's figures, right of the button
	Cell     *Layout
}

// Detail lays out the cell of point i of c in c's viewport. The cell's title
// is the point's label.
func (c *Chart) Detail(i int, cell *scene.Cell, o Options) *Detail {
	o = o.withDefaults()
	o.Scale = c.Scale
	q := c.plot.Points[i]
	m, size := c.m, c.tipSize
	_, lh := m.Measure("Xg", size)
	pad := 0.5 * size
	d := &Detail{}
	label := "← Back to the chart"
	tw, _ := m.Measure(label, size)
	d.Back = Rect{Point{c.margin / 2, c.margin / 2}, Point{c.margin/2 + tw + 2*pad, c.margin/2 + lh + 2*pad}}
	if d.Back.Max.X > c.Width-c.margin/2 { // a narrow view: the arrow alone
		label = "←"
		tw, _ = m.Measure(label, size)
		d.Back.Max.X = d.Back.Min.X + tw + 2*pad
	}
	d.BackText = Text{S: label, Size: size, Box: RectAt(d.Back.Center(), tw, lh)}
	d.Bar = Rect{Max: Point{c.Width, d.Back.Max.Y + c.margin/2}}
	info := axisName(c.plot.Y, "y") + " " + FormatValue(q.Y) + " · " + axisName(c.plot.X, "x") + " " + FormatValue(q.X)
	if left := d.Back.Max.X + 2*pad; left < c.Width-c.margin/2-4*size {
		width := c.Width - c.margin/2 - left
		if iw, _ := m.Measure(info, size); iw > width {
			info = shorten(info, width, size, m)
		}
		iw, _ := m.Measure(info, size)
		d.Info = Text{S: info, Size: size, Box: Rect{Point{left, d.Back.Center().Y - lh/2}, Point{left + iw, d.Back.Center().Y + lh/2}}}
	}
	d.Cell = Compute(q.Label, cell, c.Width, c.Height-d.Bar.Max.Y, m, o)
	d.Cell.Translate(Point{0, d.Bar.Max.Y})
	d.Cell.Height = c.Height
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
