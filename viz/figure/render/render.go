// Package render draws figure specs as SVG with gonum/plot, in the page's
// style (style.go).
//
// It is linked only where figures are drawn (the figure worker and the native
// CLI), since gonum/plot carries its fonts.
package render

import (
	"bytes"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"nasbook/viz/figure"
	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Size of a figure, in points (1/72 inch); the SVG scales with the page.
const (
	Width  = 7 * vg.Inch
	Height = 3.6 * vg.Inch
)

// SVG draws s.
func SVG(s *figure.Spec) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Kind == figure.KindPanels {
		return panels(s)
	}
	p, l, entries, err := plotOf(s)
	if err != nil {
		return nil, err
	}
	// vgsvg directly rather than plot.WriterTo, which links every format's
	// backend (PDF, EPS, LaTeX, raster).
	c := vgsvg.New(Width, Height)
	drawWithLegend(draw.New(c), p, l, entries)
	return svgBytes(c)
}

func svgBytes(c *vgsvg.Canvas) ([]byte, error) {
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	return webFonts(b.Bytes()), nil
}

// plotOf builds the plot of a histogram, line, scatter or pareto spec, and
// its legend of entries entries, drawn apart (drawWithLegend).
func plotOf(s *figure.Spec) (p *plot.Plot, l plot.Legend, entries int, err error) {
	p = styled()
	p.Title.Text = s.Title
	p.X.Label.Text = s.XLabel
	p.Y.Label.Text = s.YLabel
	if s.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	if s.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	p.Add(grid())
	l = legend()
	switch s.Kind {
	case figure.KindHistogram:
		err = histogram(p, s.Series[0].Y, s.Bins)
	case figure.KindLine, figure.KindScatter:
		entries, err = lines(p, &l, s)
	case figure.KindPareto:
		entries, err = pareto(p, &l, s)
	}
	if err != nil {
		return nil, l, 0, fmt.Errorf("figure: %s %q: %w", s.Kind, s.Title, err)
	}
	return p, l, entries, nil
}

// PanelHeight is the height of one row of a panels figure.
const PanelHeight = 2.2 * vg.Inch

// panels draws s's panels in a grid, every panel on the same axis ranges,
// under the figure's title, with the first panel's legend in a column to
// the right of the grid.
func panels(s *figure.Spec) ([]byte, error) {
	cols := s.Columns
	if cols == 0 {
		cols = 3
	}
	cols = min(cols, len(s.Panels))
	rows := (len(s.Panels) + cols - 1) / cols
	ps := make([][]*plot.Plot, rows)
	for i := range ps {
		ps[i] = make([]*plot.Plot, cols)
	}
	var first plot.Legend
	entries := 0
	var xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range s.Panels {
		p, l, n, err := plotOf(&s.Panels[i])
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first, entries = l, n
		}
		p.Title.TextStyle.Font.Size = vg.Points(labelSize)
		xmin, xmax = math.Min(xmin, p.X.Min), math.Max(xmax, p.X.Max)
		ymin, ymax = math.Min(ymin, p.Y.Min), math.Max(ymax, p.Y.Max)
		ps[i/cols][i%cols] = p
	}
	for _, row := range ps {
		for _, p := range row {
			if p != nil {
				p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
			}
		}
	}
	const titleH = 0.4 * vg.Inch
	h := vg.Length(rows)*PanelHeight + titleH
	c := vgsvg.New(Width*1.4, h)
	dc := draw.New(c)
	if s.Title != "" {
		st := textStyle(titleSize, ink)
		st.XAlign, st.YAlign = draw.XCenter, draw.YTop
		dc.FillText(st, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(6)}, s.Title)
	}
	body := dc
	body.Max.Y -= titleH
	if entries > 0 {
		w := first.Rectangle(body).Max.X - first.Rectangle(body).Min.X
		first.Draw(draw.Canvas{Canvas: body.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: body.Max.X - w, Y: body.Min.Y}, Max: body.Max}})
		body.Max.X -= w + vg.Points(10)
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6), PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
	cs := plot.Align(ps, tiles, body)
	for i, row := range ps {
		for j, p := range row {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
	return svgBytes(c)
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(y))
	for j := range y {
		pts[j].X, pts[j].Y = x[j], y[j]
	}
	return pts
}

// lines adds line or scatter series, bands under lines, and their legend
// entries when there is more than one series or a named one.
func lines(p *plot.Plot, l *plot.Legend, s *figure.Spec) (int, error) {
	named := len(s.Series) > 1 || s.Series[0].Name != ""
	entries := 0
	for i, se := range s.Series {
		if s.Kind == figure.KindLine && se.Lower != nil {
			if err := addBand(p, se, i); err != nil {
				return 0, err
			}
		}
	}
	for i, se := range s.Series {
		name := se.Name
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		col := seriesColor(i)
		var thumb plot.Thumbnailer
		if s.Kind == figure.KindLine {
			ln, err := plotter.NewLine(xys(se.X, se.Y))
			if err != nil {
				return 0, err
			}
			ln.Color, ln.Width, ln.Dashes = col, vg.Points(2), seriesDashes(i)
			p.Add(ln)
			thumb = ln
		} else {
			sc, err := plotter.NewScatter(xys(se.X, se.Y))
			if err != nil {
				return 0, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: glyphs[i%len(glyphs)]}
			p.Add(sc)
			thumb = sc
		}
		if named {
			l.Add(name, thumb)
			entries++
		}
	}
	return entries, nil
}

var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}}

// addBand shades a series' band in its colour, under the lines.
func addBand(p *plot.Plot, se figure.Series, i int) error {
	pts := make(plotter.XYs, 0, 2*len(se.X))
	for j := range se.X {
		pts = append(pts, plotter.XY{X: se.X[j], Y: se.Lower[j]})
	}
	for j := len(se.X) - 1; j >= 0; j-- {
		pts = append(pts, plotter.XY{X: se.X[j], Y: se.Upper[j]})
	}
	poly, err := plotter.NewPolygon(pts)
	if err != nil {
		return err
	}
	c := seriesColor(i)
	c.A = 0x30
	poly.Color = premultiplied(c)
	poly.LineStyle.Width = 0
	p.Add(poly)
	return nil
}

// pareto draws each series' points faint and its front as a step line with
// its points marked, on axes fenced by layout.ParetoRange over every point;
// a point beyond the range sits at the edge as a hollow ring.
func pareto(p *plot.Plot, l *plot.Legend, s *figure.Spec) (int, error) {
	var xs, ys []float64
	for _, se := range s.Series {
		xs, ys = append(xs, se.X...), append(ys, se.Y...)
	}
	xlo, xhi := layout.ParetoRange(xs)
	ylo, yhi := layout.ParetoRange(ys)
	padX, padY := 0.03*(xhi-xlo), 0.04*(yhi-ylo)
	if padX == 0 {
		padX = math.Max(math.Abs(xlo)*0.05, 0.5)
	}
	if padY == 0 {
		padY = math.Max(math.Abs(ylo)*0.05, 0.5)
	}
	xlo, xhi, ylo, yhi = xlo-padX, xhi+padX, ylo-padY, yhi+padY
	clamp := func(x, y float64) (plotter.XY, bool) {
		cx, ox := layout.Clamp(x, xlo, xhi)
		cy, oy := layout.Clamp(y, ylo, yhi)
		return plotter.XY{X: cx, Y: cy}, ox || oy
	}
	entries := 0
	for i, se := range s.Series {
		col := seriesColor(i)
		pts := make([]scene.Point, len(se.X))
		var inside, outside plotter.XYs
		for j := range se.X {
			pts[j] = scene.Point{X: se.X[j], Y: se.Y[j]}
			if q, out := clamp(se.X[j], se.Y[j]); out {
				outside = append(outside, q)
			} else {
				inside = append(inside, q)
			}
		}
		front := layout.ParetoFront(pts, s.MinimizeX, s.MinimizeY)
		var step, marks plotter.XYs
		for k, j := range front {
			if k > 0 {
				a, b := pts[j], pts[front[k-1]]
				q, _ := clamp(worse(a.X, b.X, s.MinimizeX), worse(a.Y, b.Y, s.MinimizeY))
				step = append(step, q)
			}
			q, out := clamp(pts[j].X, pts[j].Y)
			step = append(step, q)
			if !out {
				marks = append(marks, q)
			}
		}
		if len(inside) > 0 {
			sc, err := plotter.NewScatter(inside)
			if err != nil {
				return 0, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: faint(col, 0.35), Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		ln, err := plotter.NewLine(step)
		if err != nil {
			return 0, err
		}
		ln.Color, ln.Width, ln.Dashes = col, vg.Points(2), seriesDashes(i)
		mk, err := plotter.NewScatter(marks)
		if err != nil {
			return 0, err
		}
		mk.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: glyphs[i%len(glyphs)]}
		p.Add(ln, mk)
		if len(outside) > 0 {
			sc, err := plotter.NewScatter(outside)
			if err != nil {
				return 0, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(4), Shape: draw.RingGlyph{}}
			p.Add(sc)
		}
		name := se.Name
		if name == "" {
			name = "Pareto front"
		}
		l.Add(name, ln, mk)
		entries++
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xlo, xhi, ylo, yhi
	return entries, nil
}

func worse(a, b float64, minimize bool) float64 {
	if minimize {
		return math.Max(a, b)
	}
	return math.Min(a, b)
}

// histogram bins values in bins equal-width bins; bins <= 0 chooses one bin
// per integer for integer data of a small range, and 20 bins otherwise.
func histogram(p *plot.Plot, values []float64, bins int) error {
	lo, hi := values[0], values[0]
	integral := true
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		integral = integral && v == math.Trunc(v)
	}
	perInteger := bins <= 0 && integral && hi-lo < 40
	if bins <= 0 {
		bins = 20
		if perInteger {
			bins = int(hi-lo) + 1
		}
	}
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return err
	}
	if perInteger {
		// Centre one bin on each integer.
		for i := range h.Bins {
			h.Bins[i].Min = lo + float64(i) - 0.5
			h.Bins[i].Max = lo + float64(i) + 0.5
		}
		h.Width = 1
	}
	h.FillColor = faint(palette[0], 0.75)
	h.LineStyle.Color = palette[0]
	h.LineStyle.Width = vg.Points(0.8)
	p.Add(h)
	return nil
}
