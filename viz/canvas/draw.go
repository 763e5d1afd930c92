//go:build js

package canvas

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Placeholder is shown until the first scene arrives.
const Placeholder = "Run a cell that calls nb.Show to draw an architecture here"

var (
	muted    = color.RGBA{0x5f, 0x66, 0x6d, 0xff}
	errorInk = color.RGBA{0xb0, 0x1e, 0x1e, 0xff}
	nodeFill = color.RGBA{0xe9, 0xee, 0xf4, 0xff}
	pillFill = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// whitePixel is the source image of every filled shape.
var whitePixel = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(img.Bounds().Inset(1)).(*ebiten.Image)
}()

// paint draws a view on dst and says what it is: the selected point's cell
// if one is open (s is then the scene of the selection), else s, err or the
// placeholder.
func (g *Game) paint(dst *ebiten.Image, s *scene.Scene, err error) Drawn {
	dst.Fill(layout.Paper)
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	o := g.Options
	o.Scale = g.scale
	g.mu.Lock()
	if g.presentation {
		o.MinLabelSize = max(o.MinLabelSize, PresentationLabels)
		o.MaxLabelSize = max(o.MaxLabelSize, 32)
	}
	g.mu.Unlock()
	g.chart, g.chartOf, g.detail, g.cellLayout, g.cellFor = nil, nil, nil, nil, nil
	noteSize := max(o.MinLabelSize, 15) * g.scale
	reserve := layout.NotesHeight(noteLines, noteSize, &g.fonts)
	switch {
	case err != nil:
		g.ed = nil
		g.message(dst, "Cannot draw this scene", err.Error(), errorInk)
		return Drawn{Kind: "error", Err: err}
	case s == nil:
		g.ed = nil
		g.message(dst, "", Placeholder, muted)
		return Drawn{}
	case s.Kind == scene.KindCell:
		ed := g.editing(s.Cell, nil)
		if ed == nil {
			l := layout.Compute(s.Title, s.Cell, w, h, &g.fonts, o)
			g.cell(dst, l)
			return Drawn{Kind: string(s.Kind), Title: s.Title, LabelSize: l.LabelSize() / g.scale}
		}
		cell := ed.hist.Cell()
		title := g.editedTitle(s.Title, cell)
		l := layout.Compute(title, cell, w, h-reserve, &g.fonts, o)
		g.cellLayout, g.cellFor = l, s
		g.cell(dst, l)
		d := g.editedCell(dst, l, cell, w, h, noteSize)
		d.Kind, d.Title, d.LabelSize = string(s.Kind), title, l.LabelSize()/g.scale
		return d
	case isChart(s):
		c := layout.ComputeChart(s, w, h, &g.fonts, o)
		g.chart, g.chartOf = c, s
		if g.sel >= 0 {
			q := s.Plot.Points[g.sel]
			orig := &s.Plot.Cells[*q.Cell]
			ed := g.editing(orig, s)
			if ed == nil {
				g.detail = c.Detail(g.sel, orig, 0, o)
				g.cellDetail(dst, g.detail)
				return Drawn{Kind: string(scene.KindCell), Title: q.Label}
			}
			cell := ed.hist.Cell()
			g.detail = c.Detail(g.sel, cell, reserve, o)
			g.cellLayout, g.cellFor = g.detail.Cell, s
			g.cellDetail(dst, g.detail)
			g.noteMoved()
			d := g.editedCell(dst, g.detail.Cell, cell, w, h, noteSize)
			d.Kind, d.Title, d.LabelSize = string(scene.KindCell), g.editedTitle(q.Label, cell), g.detail.Cell.LabelSize()/g.scale
			return d
		}
		g.ed = nil
		if pair, _, on := g.comparing(); on {
			if d, ok := g.comparison(dst, s, pair, w, h, o); ok {
				g.chart, g.chartOf = nil, nil // no tooltips, no brushing over it
				return d
			}
		}
		g.plot(dst, c)
		return Drawn{Kind: string(s.Kind), Title: s.Title, Points: c.Points(), Front: c.Front}
	default:
		err := fmt.Errorf("unknown kind %q", s.Kind)
		g.message(dst, "Cannot draw this scene", err.Error(), errorInk)
		return Drawn{Kind: "error", Err: err}
	}
}

// editedCell draws what an editable cell, laid out as l, has beyond its
// picture: a ring around the label of the edge under the pointer or the
// keyboard, and the notes under it (a hint and the figures). It returns
// what the host is told of it.
func (g *Game) editedCell(dst *ebiten.Image, l *layout.Layout, c *scene.Cell, w, h, size float64) Drawn {
	ed := g.ed
	for _, i := range []int{ed.hover, ed.focus} {
		if i < 0 || i >= len(l.Edges) {
			continue
		}
		e := l.Edges[i]
		ink := layout.Ink
		if i == ed.focus {
			ink = layout.Accent
		}
		r := e.Pill.Inset(-3 * g.scale)
		rounded(dst, r, r.Dy()/2, color.RGBA{}, ink, 2.5*g.scale)
	}
	n := layout.ComputeNotes(g.notes(c), noteLines, w, h, 16*g.scale, size, &g.fonts)
	g.stroke(dst, []layout.Point{{X: 0, Y: n.Box.Min.Y}, {X: w, Y: n.Box.Min.Y}}, g.scale, grid)
	for k, t := range n.Lines {
		ink := layout.Ink
		if k == 0 {
			ink = muted
		}
		g.text(dst, t, ink)
	}
	d := Drawn{Choices: append([]int(nil), c.Edit.Choices...)}
	for _, e := range l.Edges {
		p := e.Label.Box.Center()
		d.Edges = append(d.Edges, [2]float64{p.X / g.scale, p.Y / g.scale})
	}
	if f, ok := g.figuresOf(c.Edit.Choices); ok {
		d.Figures, d.Arch = f.Lines, f.Arch
		if f.Err != "" {
			d.Figures = []string{f.Err}
		}
	}
	return d
}

// comparison draws the cells of two points of chart s side by side, with
// the edges in which they differ ringed, if both points have cells.
func (g *Game) comparison(dst *ebiten.Image, s *scene.Scene, pair [2]int, w, h float64, o layout.Options) (Drawn, bool) {
	pts := s.Plot.Points
	for _, i := range pair {
		if i >= len(pts) || pts[i].Cell == nil {
			return Drawn{}, false
		}
	}
	a, b := pts[pair[0]], pts[pair[1]]
	c := layout.Compare(a.Label, &s.Plot.Cells[*a.Cell], b.Label, &s.Plot.Cells[*b.Cell], w, h, &g.fonts, o)
	g.cell(dst, c.Left)
	g.cell(dst, c.Right)
	for _, l := range []*layout.Layout{c.Left, c.Right} {
		for _, i := range c.Differ {
			if i < len(l.Edges) {
				r := l.Edges[i].Pill.Inset(-3 * g.scale)
				rounded(dst, r, r.Dy()/2, color.RGBA{}, layout.Accent, 3*g.scale)
			}
		}
	}
	g.stroke(dst, []layout.Point{{X: w / 2, Y: 0}, {X: w / 2, Y: c.Note.Box.Min.Y}}, g.scale, grid)
	g.text(dst, c.Note, layout.Ink)
	return Drawn{Kind: "compare", Title: a.Label + " / " + b.Label, Differ: c.Differ, LabelSize: c.Left.LabelSize() / g.scale}, true
}

func (g *Game) cell(dst *ebiten.Image, l *layout.Layout) {
	// All shapes first, then all text. Shapes are antialiased, which ebiten
	// renders through an offscreen image at twice the size that one
	// non-antialiased draw (text) flushes: interleaving them cost a flush per
	// label, a few hundred milliseconds a frame in a software-rendered
	// canvas. Labels never lie under nodes or other labels (package layout),
	// so the order of the layers is the same picture.
	//
	// Faint edges first, so strong ones cross over them.
	order := make([]int, len(l.Edges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ea, eb := l.Edges[a], l.Edges[b]
		switch {
		case ea.None != eb.None:
			if ea.None {
				return -1
			}
			return 1
		case ea.Alpha < eb.Alpha:
			return -1
		case ea.Alpha > eb.Alpha:
			return 1
		}
		return 0
	})
	for _, i := range order {
		e := l.Edges[i]
		c := fade(e.Color, e.Alpha)
		pts := e.Curve.Flatten(nil, 48)
		if e.None {
			d := 3 * e.Width
			for _, dash := range layout.Dashes(pts, 2*d, d) {
				g.stroke(dst, dash, e.Width, c)
			}
		} else {
			g.stroke(dst, pts, e.Width, c)
		}
		fill(dst, e.Arrow[:], c)
	}
	for i, e := range l.Edges {
		if e.Label.S == "" {
			continue // named in the legend
		}
		if e.Bundle == 1 {
			// A lone edge's label: a pill in the edge's colour.
			c := fade(e.Color, max(e.Alpha, 0.5))
			rounded(dst, e.Pill, e.Pill.Dy()/2, pillFill, c, max(1.5*g.scale, e.Width/2))
			continue
		}
		// A bundle's labels: one card, a row per op with a swatch of its colour.
		if i == 0 || l.Edges[i-1].Stack != e.Stack {
			rounded(dst, e.Stack, e.Stack.Dy()/8, pillFill, fade(layout.Ink, 0.35), 1.5*g.scale)
		}
		rounded(dst, e.Swatch, e.Swatch.Dy()/5, fade(e.Color, max(e.Alpha, 0.3)), fade(e.Color, max(e.Alpha, 0.3)), 0)
	}
	for _, n := range l.Nodes {
		rounded(dst, n.Box, n.Box.Dy()/4, nodeFill, layout.Ink, 2*g.scale)
	}
	for _, it := range l.Legend {
		c := it.Color
		if it.None {
			c = fade(c, 0.6)
		}
		rounded(dst, it.Swatch, it.Swatch.Dy()/5, c, c, 0)
	}
	// The text layer.
	if l.Title.S != "" {
		g.text(dst, l.Title, layout.Ink)
	}
	for _, it := range l.Legend {
		g.text(dst, it.Label, layout.Ink)
	}
	for _, e := range l.Edges {
		if e.Label.S == "" {
			continue
		}
		if e.Bundle == 1 {
			g.text(dst, e.Label, fade(layout.Ink, max(e.Alpha, 0.6)))
		} else {
			g.text(dst, e.Label, fade(layout.Ink, max(e.Alpha, 0.45)))
		}
	}
	for _, n := range l.Nodes {
		g.text(dst, n.Label, layout.Ink)
	}
}

// message draws an optional heading and a paragraph, wrapped and centred.
func (g *Game) message(dst *ebiten.Image, heading, body string, c color.Color) {
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	size := min(22*g.scale, w/22)
	width := min(w-2*24*g.scale, 40*size)
	lines := wrap(body, width, size, &g.fonts)
	_, lh := g.fonts.Measure("Xg", size)
	total := float64(len(lines)) * lh * 1.3
	if heading != "" {
		total += lh * 2
	}
	y := (h-total)/2 + lh/2
	if heading != "" {
		hw, hh := g.fonts.Measure(heading, size*1.2)
		g.text(dst, layout.Text{S: heading, Size: size * 1.2, Box: layout.RectAt(layout.Point{X: w / 2, Y: y}, hw, hh)}, c)
		y += lh * 2
	}
	ink := color.Color(layout.Ink)
	if heading == "" {
		ink = c
	}
	for _, s := range lines {
		tw, _ := g.fonts.Measure(s, size)
		g.text(dst, layout.Text{S: s, Size: size, Box: layout.RectAt(layout.Point{X: w / 2, Y: y}, tw, lh)}, ink)
		y += lh * 1.3
	}
}

// wrap breaks s into lines no wider than width, at spaces where it can, and
// then evens the lines out so the last is not a lone word.
func wrap(s string, width, size float64, m layout.Measurer) []string {
	lines := wrapGreedy(s, width, size, m)
	for w := width * 0.95; w > width/3; w *= 0.95 {
		shorter := wrapGreedy(s, w, size, m)
		if len(shorter) != len(lines) {
			break
		}
		lines = shorter
	}
	return lines
}

func wrapGreedy(s string, width, size float64, m layout.Measurer) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if w, _ := m.Measure(try, size); w <= width || line == "" {
				line = try
				continue
			}
			lines = append(lines, line)
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

func (g *Game) text(dst *ebiten.Image, t layout.Text, c color.Color) {
	op := &text.DrawOptions{}
	c0 := t.Box.Center()
	op.GeoM.Translate(math.Round(c0.X), math.Round(c0.Y))
	op.ColorScale.ScaleWithColor(c)
	op.PrimaryAlign = text.AlignCenter
	op.SecondaryAlign = text.AlignCenter
	text.Draw(dst, t.S, g.fonts.face(t.Size), op)
}

// fade mixes c with the paper, so translucent strokes stay opaque and do not
// darken where their triangles overlap.
func fade(c color.RGBA, alpha float64) color.RGBA {
	mix := func(a, p uint8) uint8 { return uint8(math.Round(alpha*float64(a) + (1-alpha)*float64(p))) }
	return color.RGBA{mix(c.R, layout.Paper.R), mix(c.G, layout.Paper.G), mix(c.B, layout.Paper.B), 0xff}
}

func fill(dst *ebiten.Image, pts []layout.Point, c color.RGBA) {
	var p vector.Path
	p.MoveTo(float32(pts[0].X), float32(pts[0].Y))
	for _, q := range pts[1:] {
		p.LineTo(float32(q.X), float32(q.Y))
	}
	p.Close()
	vs, is := p.AppendVerticesAndIndicesForFilling(nil, nil)
	triangles(dst, vs, is, c)
}

// rounded fills r with corners of radius rad and outlines it.
func rounded(dst *ebiten.Image, r layout.Rect, rad float64, fillC, lineC color.RGBA, lineW float64) {
	rad = min(rad, r.Dx()/2, r.Dy()/2)
	var p vector.Path
	x0, y0, x1, y1 := float32(r.Min.X), float32(r.Min.Y), float32(r.Max.X), float32(r.Max.Y)
	rr := float32(rad)
	p.MoveTo(x0+rr, y0)
	p.ArcTo(x1, y0, x1, y1, rr)
	p.ArcTo(x1, y1, x0, y1, rr)
	p.ArcTo(x0, y1, x0, y0, rr)
	p.ArcTo(x0, y0, x1, y0, rr)
	p.Close()
	vs, is := p.AppendVerticesAndIndicesForFilling(nil, nil)
	triangles(dst, vs, is, fillC)
	if lineW > 0 {
		vs, is = p.AppendVerticesAndIndicesForStroke(vs[:0], is[:0], &vector.StrokeOptions{Width: float32(lineW), LineJoin: vector.LineJoinRound})
		triangles(dst, vs, is, lineC)
	}
}

func triangles(dst *ebiten.Image, vs []ebiten.Vertex, is []uint16, c color.RGBA) {
	r, g, b, a := float32(c.R)/0xff, float32(c.G)/0xff, float32(c.B)/0xff, float32(c.A)/0xff
	for i := range vs {
		vs[i].SrcX, vs[i].SrcY = 1, 1
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = r, g, b, a
	}
	dst.DrawTriangles(vs, is, whitePixel, &ebiten.DrawTrianglesOptions{AntiAlias: true})
}
