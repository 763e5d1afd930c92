// Package render draws figure specs as SVG with gonum/plot.
//
// It is linked only where figures are drawn (the figure worker and the native
// CLI), since gonum/plot carries its fonts.
package render

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"nasbook/viz/figure"
)

// Size of a figure, in points (1/72 inch); the SVG scales with the page.
const (
	Width  = 6 * vg.Inch
	Height = 3.5 * vg.Inch
)

// SVG draws s.
func SVG(s *figure.Spec) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Kind == figure.KindPanels {
		return panels(s)
	}
	p, err := plotOf(s)
	if err != nil {
		return nil, err
	}
	// vgsvg directly rather than plot.WriterTo, which links every format's
	// backend (PDF, EPS, LaTeX, raster).
	c := vgsvg.New(Width, Height)
	p.Draw(draw.New(c))
	return svgBytes(c)
}

func svgBytes(c *vgsvg.Canvas) ([]byte, error) {
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	return b.Bytes(), nil
}

// PanelHeight is the height of one row of a panels figure.
const PanelHeight = 2.2 * vg.Inch

// panels draws s's panels in a grid, every panel on the same axis ranges,
// the first with a legend, under the figure's title.
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
	var xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range s.Panels {
		p, err := plotOf(&s.Panels[i])
		if err != nil {
			return nil, err
		}
		if i > 0 {
			p.Legend = plot.NewLegend()
		}
		p.Title.TextStyle.Font.Size = vg.Points(11)
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
		st := plot.New().Title.TextStyle
		st.Font.Size = vg.Points(14)
		st.XAlign, st.YAlign = draw.XCenter, draw.YTop
		dc.FillText(st, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(6)}, s.Title)
	}
	body := dc
	body.Max.Y -= titleH
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

// plotOf builds the plot of a histogram, line or scatter spec.
func plotOf(s *figure.Spec) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = s.Title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text = s.XLabel
	p.Y.Label.Text = s.YLabel
	p.Add(plotter.NewGrid())
	var err error
	switch s.Kind {
	case figure.KindHistogram:
		err = histogram(p, s.Series[0].Y, s.Bins)
	case figure.KindLine, figure.KindScatter:
		var args []any
		for i, se := range s.Series {
			pts := make(plotter.XYs, len(se.Y))
			for j := range se.Y {
				pts[j].X, pts[j].Y = se.X[j], se.Y[j]
			}
			name := se.Name
			if name == "" {
				name = fmt.Sprintf("series %d", i+1)
			}
			args = append(args, name, pts)
		}
		if s.Kind == figure.KindLine {
			err = addBands(p, s.Series)
			if err == nil {
				err = plotutil.AddLines(p, args...)
			}
		} else {
			err = plotutil.AddScatters(p, args...)
		}
		if len(s.Series) < 2 {
			p.Legend = plot.NewLegend()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("figure: %s %q: %w", s.Kind, s.Title, err)
	}
	return p, nil
}

// addBands shades the band of each series that has one, in the colour
// plotutil.AddLines gives its line, under the lines.
func addBands(p *plot.Plot, series []figure.Series) error {
	for i, se := range series {
		if se.Lower == nil {
			continue
		}
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
		r, g, b, _ := plotutil.Color(i).RGBA()
		poly.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x40}
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	return nil
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
	p.Add(h)
	return nil
}
