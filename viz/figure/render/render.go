// Package figure renders notebook figures (histograms, line and scatter plots)
// to SVG with gonum/plot. It knows nothing of notebooks: a figure is bytes.
package figure

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Size of a figure, in points (1/72 inch); the SVG scales with the page.
const (
	Width  = 6 * vg.Inch
	Height = 3.5 * vg.Inch
)

// Labels are a figure's title and axis labels; empty ones are not drawn.
type Labels struct {
	Title, X, Y string
}

// Histogram draws the distribution of values in bins equal-width bins
// (bins <= 0 chooses one bin per distinct integer for integer data of a small
// range, and 20 bins otherwise).
func Histogram(l Labels, values []float64, bins int) ([]byte, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("figure: histogram of no values")
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("figure: histogram value %d is %v", i, v)
		}
	}
	p := newPlot(l)
	lo, hi := values[0], values[0]
	integral := true
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		integral = integral && v == math.Trunc(v)
	}
	if bins <= 0 {
		bins = 20
		if integral && hi-lo < 40 {
			bins = int(hi-lo) + 1
		}
	}
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	if integral && bins == int(hi-lo)+1 {
		// Centre one bin on each integer.
		for i := range h.Bins {
			h.Bins[i].Min = lo + float64(i) - 0.5
			h.Bins[i].Max = lo + float64(i) + 0.5
		}
		h.Width = 1
	}
	p.Add(h)
	return render(p)
}

// Line draws one line per series through the points (xs[i], ys[i]); names label
// the series in a legend when there is more than one.
func Line(l Labels, xs []float64, series map[string][]float64) ([]byte, error) {
	p := newPlot(l)
	var args []any
	for _, name := range slices.Sorted(maps.Keys(series)) {
		ys := series[name]
		if len(ys) != len(xs) {
			return nil, fmt.Errorf("figure: series %q has %d points for %d x values", name, len(ys), len(xs))
		}
		pts := make(plotter.XYs, len(xs))
		for i := range xs {
			pts[i].X, pts[i].Y = xs[i], ys[i]
		}
		args = append(args, name, pts)
	}
	if err := plotutil.AddLines(p, args...); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	if len(series) < 2 {
		p.Legend = plot.NewLegend()
	}
	return render(p)
}

// Scatter draws the points (xs[i], ys[i]).
func Scatter(l Labels, xs, ys []float64) ([]byte, error) {
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("figure: scatter of %d x values and %d y values", len(xs), len(ys))
	}
	pts := make(plotter.XYs, len(xs))
	for i := range xs {
		pts[i].X, pts[i].Y = xs[i], ys[i]
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	p := newPlot(l)
	p.Add(s)
	return render(p)
}

func newPlot(l Labels) *plot.Plot {
	p := plot.New()
	p.Title.Text = l.Title
	p.X.Label.Text = l.X
	p.Y.Label.Text = l.Y
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Add(plotter.NewGrid())
	return p
}

func render(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(Width, Height, "svg")
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	return b.Bytes(), nil
}
