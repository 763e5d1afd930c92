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
	// vgsvg directly rather than plot.WriterTo, which links every format's
	// backend (PDF, EPS, LaTeX, raster).
	c := vgsvg.New(Width, Height)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	return b.Bytes(), nil
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
