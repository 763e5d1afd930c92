package nb

import (
	"fmt"
	"slices"

	"nasbook/engine/pareto"
	"nasbook/viz/figure"
)

// ParetoPlot is a figure of one or more sets of points on two objectives,
// each with its Pareto front; zero Minimize fields mean larger is better.
type ParetoPlot struct {
	Title, XLabel, YLabel string
	MinimizeX, MinimizeY  bool
	Series                []ParetoSeries
}

// ParetoSeries is one set of points: (X[i], Y[i]) is point i.
type ParetoSeries struct {
	Name string
	X, Y []float64
}

// PlotPareto draws each series' points faint and its Pareto front (the
// points no other of the series beats on both objectives) as a step line.
// The axes keep to where the points are: a point far beyond the rest, such
// as a 10 % network on the front only because it is the fastest, is drawn at
// the edge as a hollow ring.
func PlotPareto(p ParetoPlot) { Default.PlotPareto(p) }

// PlotPareto draws fronts; see the package-level PlotPareto.
func (s *Session) PlotPareto(p ParetoPlot) { s.plotPareto("PlotPareto", p) }

func (s *Session) plotPareto(fn string, p ParetoPlot) {
	spec := &figure.Spec{Kind: figure.KindPareto, Title: p.Title, XLabel: p.XLabel, YLabel: p.YLabel,
		MinimizeX: p.MinimizeX, MinimizeY: p.MinimizeY}
	for _, se := range p.Series {
		spec.Series = append(spec.Series, figure.Series{Name: se.Name, X: se.X, Y: se.Y})
	}
	s.figure(fn, spec)
}

// PlotFront draws the Pareto front of a search on two objectives (NSGA-II's,
// say): its second objective across, its first up.
func PlotFront(r SearchResult) { Default.PlotFront(r) }

// PlotFront draws a front; see the package-level PlotFront.
func (s *Session) PlotFront(r SearchResult) {
	if len(r.Objectives) < 2 || len(r.Front) == 0 {
		failf("PlotFront", "%s searched %d objective(s) and has no front; search two with nsga2", r.Strategy, len(r.Objectives))
	}
	y, x := r.Objectives[0], r.Objectives[1]
	se := ParetoSeries{Name: r.Strategy + " front"}
	if len(r.Runs) > 1 {
		se.Name += fmt.Sprintf(", %d runs", len(r.Runs))
	}
	for _, m := range r.Front {
		se.X, se.Y = append(se.X, m.Values[x]), append(se.Y, m.Values[y])
	}
	minX, minY := slices.Contains(r.minimized, x), slices.Contains(r.minimized, y)
	xl, yl := x, y
	if minX {
		xl += " (lower is better)"
	}
	if minY {
		yl += " (lower is better)"
	}
	s.plotPareto("PlotFront", ParetoPlot{Title: fmt.Sprintf("Pareto front: %s against %s", y, x), XLabel: xl, YLabel: yl,
		MinimizeX: minX, MinimizeY: minY, Series: []ParetoSeries{se}})
}

// Hypervolume returns the area that the points of se dominate, bounded by
// the reference point (refX, refY), which should be worse than every point
// on both objectives: the larger, the better the set's front. minimizeX and
// minimizeY say which objectives are better low. Comparing two sets on one
// reference point, such as a search's front and the true front of a table,
// says how much of the trade-off the search found:
//
//	nb.Hypervolume(found, true, false, 20, 0) / nb.Hypervolume(all, true, false, 20, 0)
func Hypervolume(se ParetoSeries, minimizeX, minimizeY bool, refX, refY float64) float64 {
	return Default.Hypervolume(se, minimizeX, minimizeY, refX, refY)
}

// Hypervolume measures a front; see the package-level Hypervolume.
func (*Session) Hypervolume(se ParetoSeries, minimizeX, minimizeY bool, refX, refY float64) float64 {
	if len(se.X) != len(se.Y) {
		failf("Hypervolume", "%d x values and %d y values", len(se.X), len(se.Y))
	}
	sign := func(min bool) float64 {
		if min {
			return -1
		}
		return 1
	}
	sx, sy := sign(minimizeX), sign(minimizeY)
	pts := make([][]float64, len(se.X))
	for i := range se.X {
		pts[i] = []float64{sx * se.X[i], sy * se.Y[i]}
	}
	return pareto.Hypervolume2D(pts, []float64{sx * refX, sy * refY})
}
