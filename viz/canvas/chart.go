//go:build js

package canvas

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"nasbook/viz/layout"
)

var (
	grid     = color.RGBA{0xe2, 0xe5, 0xe9, 0xff}
	tickInk  = color.RGBA{0x33, 0x38, 0x3e, 0xff}
	tipLine  = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	tipHint  = color.RGBA{0x4a, 0x51, 0x58, 0xff}
	dotEdge  = layout.Paper
	backFill = color.RGBA{0xe9, 0xee, 0xf4, 0xff}
)

// plot paints a chart: grid, axes, ticks, the step line of the front, the
// dots bottom to top and the legend's marks, then every label on top. The
// shapes come first and the text last, since each text draw flushes the
// offscreen image of the antialiased shapes (see cell).
func (g *Game) plot(dst *ebiten.Image, c *layout.Chart) {
	sc := g.scale
	f := c.Frame
	for _, t := range c.XTicks {
		g.stroke(dst, []layout.Point{{X: t.At, Y: f.Min.Y}, {X: t.At, Y: f.Max.Y}}, sc, grid)
		g.stroke(dst, []layout.Point{{X: t.At, Y: f.Max.Y}, {X: t.At, Y: f.Max.Y + c.TickLen}}, 1.5*sc, tickInk)
	}
	for _, t := range c.YTicks {
		g.stroke(dst, []layout.Point{{X: f.Min.X, Y: t.At}, {X: f.Max.X, Y: t.At}}, sc, grid)
		g.stroke(dst, []layout.Point{{X: f.Min.X - c.TickLen, Y: t.At}, {X: f.Min.X, Y: t.At}}, 1.5*sc, tickInk)
	}
	g.stroke(dst, []layout.Point{{X: f.Min.X, Y: f.Min.Y}, {X: f.Min.X, Y: f.Max.Y}, {X: f.Max.X, Y: f.Max.Y}}, 2*sc, layout.Ink)
	for _, e := range c.Legend {
		g.swatch(dst, e)
	}
	if len(c.Steps) > 1 {
		g.stroke(dst, c.Steps, 3*sc, layout.Accent)
	}
	for _, i := range c.Order {
		d := c.Dots[i]
		switch {
		case d.Incumbent:
			g.ring(dst, d.At, 2.1*d.R, 2.5*sc, layout.Accent)
			g.disc(dst, d.At, d.R+sc, dotEdge)
		case d.Clamped:
			// Beyond the axes' range, at the edge: hollow, so it does not
			// pass for a point where it is drawn.
			g.disc(dst, d.At, d.R+1.2*sc, dotEdge)
			g.ring(dst, d.At, d.R, 2*sc, d.Color)
			continue
		case d.Front || d.Group >= 0:
			g.disc(dst, d.At, d.R+1.2*sc, dotEdge) // a paper rim parts crowded dots
		}
		g.disc(dst, d.At, d.R, d.Color)
	}
	for _, t := range c.XTicks {
		g.text(dst, t.Label, tickInk)
	}
	for _, t := range c.YTicks {
		g.text(dst, t.Label, tickInk)
	}
	for _, t := range []layout.Text{c.XLabel, c.YLabel, c.Title} {
		if t.S != "" {
			g.text(dst, t, layout.Ink)
		}
	}
	for _, e := range c.Legend {
		g.text(dst, e.Text, layout.Ink)
	}
	if c.Empty.S != "" {
		g.text(dst, c.Empty, muted)
	}
}

// swatch draws a legend entry's mark.
func (g *Game) swatch(dst *ebiten.Image, e layout.LegendEntry) {
	c := e.Swatch.Center()
	r := e.Swatch.Dy() / 2.6
	switch e.Mark {
	case layout.MarkRing:
		g.ring(dst, c, 1.3*r, 2*g.scale, e.Color)
		g.disc(dst, c, 0.6*r, e.Color)
	case layout.MarkStep:
		y := c.Y
		g.stroke(dst, []layout.Point{{X: e.Swatch.Min.X, Y: y + r}, {X: c.X, Y: y + r}, {X: c.X, Y: y - r}, {X: e.Swatch.Max.X, Y: y - r}}, 3*g.scale, e.Color)
		g.disc(dst, c, r, e.Color)
	default:
		g.disc(dst, c, r, e.Color)
	}
}

// tooltip draws the hovered dot's ring and its tooltip.
func (g *Game) tooltip(dst *ebiten.Image, c *layout.Chart, i int) {
	d := c.Dots[i]
	g.ring(dst, d.At, d.R+3*g.scale, 2.5*g.scale, layout.Ink)
	t := c.Tooltip(i)
	rounded(dst, t.Box, 6*g.scale, pillFill, layout.Ink, 1.5*g.scale)
	for k, l := range t.Lines {
		ink := tipLine
		if k >= t.Hint {
			ink = tipHint
		}
		g.text(dst, l, ink)
	}
}

// cellDetail draws a point's cell under a bar with the way back.
func (g *Game) cellDetail(dst *ebiten.Image, d *layout.Detail) {
	rounded(dst, d.Back, d.Back.Dy()/4, backFill, layout.Ink, 2*g.scale)
	g.text(dst, d.BackText, layout.Ink)
	for k, l := range d.Lines {
		ink := layout.Ink
		if k < d.Figures {
			ink = tipHint
		}
		g.text(dst, l, ink)
	}
	g.stroke(dst, []layout.Point{{X: 0, Y: d.Bar.Max.Y}, {X: d.Bar.Max.X, Y: d.Bar.Max.Y}}, g.scale, grid)
	g.cell(dst, d.Cell)
}

func (g *Game) disc(dst *ebiten.Image, c layout.Point, r float64, col color.RGBA) {
	var p vector.Path
	p.Arc(float32(c.X), float32(c.Y), float32(r), 0, 2*math.Pi, vector.Clockwise)
	p.Close()
	g.vs, g.is = p.AppendVerticesAndIndicesForFilling(g.vs[:0], g.is[:0])
	triangles(dst, g.vs, g.is, col)
}

func (g *Game) ring(dst *ebiten.Image, c layout.Point, r, width float64, col color.RGBA) {
	var p vector.Path
	p.Arc(float32(c.X), float32(c.Y), float32(r), 0, 2*math.Pi, vector.Clockwise)
	p.Close()
	g.vs, g.is = p.AppendVerticesAndIndicesForStroke(g.vs[:0], g.is[:0], &vector.StrokeOptions{Width: float32(width)})
	triangles(dst, g.vs, g.is, col)
}

// stroke draws a polyline of the given width with round joins and caps, in
// the game's reusable vertex buffers.
func (g *Game) stroke(dst *ebiten.Image, pts []layout.Point, width float64, c color.RGBA) {
	if len(pts) < 2 {
		return
	}
	var p vector.Path
	p.MoveTo(float32(pts[0].X), float32(pts[0].Y))
	for _, q := range pts[1:] {
		p.LineTo(float32(q.X), float32(q.Y))
	}
	g.vs, g.is = p.AppendVerticesAndIndicesForStroke(g.vs[:0], g.is[:0], &vector.StrokeOptions{
		Width: float32(width), LineJoin: vector.LineJoinRound, LineCap: vector.LineCapRound,
	})
	triangles(dst, g.vs, g.is, c)
}

// brushOverlay draws the rectangle being dragged and rings around the
// points the last drag selected.
func (g *Game) brushOverlay(dst *ebiten.Image) {
	c := g.chart
	if g.chartOf == nil || g.chartOf.Title != g.brushTitle {
		g.brushed = nil
	}
	for _, i := range g.brushed {
		if i < len(c.Dots) {
			d := c.Dots[i]
			g.ring(dst, d.At, d.R+4*g.scale, 2.5*g.scale, layout.Ink)
		}
	}
	if g.brushing {
		a, b := g.brushFrom, g.brushTo
		r := layout.Rect{Min: layout.Point{X: min(a.X, b.X), Y: min(a.Y, b.Y)}, Max: layout.Point{X: max(a.X, b.X), Y: max(a.Y, b.Y)}}
		rounded(dst, r, 0, color.RGBA{}, layout.Ink, 1.5*g.scale)
	}
}
