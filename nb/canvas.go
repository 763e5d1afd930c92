package nb

import (
	"fmt"
	"math"
	"slices"

	"nasbook/space/nb201"
	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Point is one evaluated architecture on a canvas chart (ShowPoints,
// ShowPareto, ShowChart).
type Point struct {
	X, Y float64
	// Label names the point in its tooltip; empty means Arch.
	Label string
	// Arch is the architecture in NAS-Bench-201's string form. When it parses,
	// clicking the point on the canvas draws its cell.
	Arch string
	// Group sets points apart with a colour and a legend entry, e.g.
	// "population" for the current population of an evolution. Points
	// without a group are drawn faint.
	Group string
}

// Axis names a chart's metric and says whether lower is better.
type Axis struct {
	Label    string
	Minimize bool
	// Metric, if set, says what the axis is, so that a cell opened from the
	// chart and edited on the canvas moves to its place on it: "params" or
	// "macs" (millions), or a column of a table opened with OpenTable, such
	// as "cifar10_test" or "pixel3".
	Metric string
}

// Chart is a chart for the canvas, with every option; ShowPoints and
// ShowPareto are the short forms.
type Chart struct {
	Title string
	// Pareto draws the trade-off between X and Y: every point faint and the
	// non-dominated ones joined by a step line. Otherwise the chart shows a
	// search's progress, with the best point on Y marked.
	Pareto bool
	X, Y   Axis
	Points []Point
}

// ShowPoints shows a search's progress on the canvas: the points (x an
// evaluation number or any metric, y a metric where higher is better), the
// points of each group highlighted and the best so far marked, e.g.
//
//	pts = append(pts, nb.Point{X: float64(len(pts) + 1), Y: acc, Arch: arch, Group: "population"})
//	nb.ShowPoints("Regularized evolution", "evaluation", "accuracy (%)", pts)
//
// Call it again with more points to update the canvas; a chart with the same
// title updates the cell's earlier output in place.
func ShowPoints(title, xlabel, ylabel string, pts []Point) {
	Default.ShowPoints(title, xlabel, ylabel, pts)
}

// ShowPoints shows a search's progress; see the package-level ShowPoints.
func (s *Session) ShowPoints(title, xlabel, ylabel string, pts []Point) {
	s.showChart("ShowPoints", Chart{Title: title, X: Axis{Label: xlabel}, Y: Axis{Label: ylabel}, Points: pts})
}

// ShowPareto shows the trade-off between two objectives on the canvas: every
// point faint, the Pareto front (the points no other point beats on both)
// joined by a step line. minimizeX and minimizeY say which objectives are
// better low (latency, parameters). Hovering a point names it; clicking one
// draws its cell. For example
//
//	nb.ShowPareto("Accuracy against latency", "latency (ms)", "accuracy (%)", true, false, pts)
func ShowPareto(title, xname, yname string, minimizeX, minimizeY bool, pts []Point) {
	Default.ShowPareto(title, xname, yname, minimizeX, minimizeY, pts)
}

// ShowPareto shows a Pareto front; see the package-level ShowPareto.
func (s *Session) ShowPareto(title, xname, yname string, minimizeX, minimizeY bool, pts []Point) {
	s.showChart("ShowPareto", Chart{Title: title, Pareto: true,
		X: Axis{Label: xname, Minimize: minimizeX}, Y: Axis{Label: yname, Minimize: minimizeY}, Points: pts})
}

// ShowChart shows c on the canvas. Charts of one kind and title are one
// output of the cell, updated in place.
func ShowChart(c Chart) { Default.ShowChart(c) }

// ShowChart shows a chart; see the package-level ShowChart.
func (s *Session) ShowChart(c Chart) { s.showChart("ShowChart", c) }

func (s *Session) showChart(fn string, c Chart) {
	sc, err := chartScene(c)
	if err != nil {
		fail(fn, err)
	}
	// One output per chart, updated in place: a loop that shows a search's
	// progress after every evaluation leaves one line, not hundreds.
	s.Update("chart-"+string(sc.Kind)+"-"+sc.Title, Output{scene.MIMEType: sc, "text/plain": chartText(sc)})
}

// chartScene turns c into a scene, with one cell per distinct architecture
// that parses.
func chartScene(c Chart) (*scene.Scene, error) {
	p := &scene.Plot{
		X:      scene.Axis{Label: c.X.Label, Minimize: c.X.Minimize, Metric: c.X.Metric},
		Y:      scene.Axis{Label: c.Y.Label, Minimize: c.Y.Minimize, Metric: c.Y.Metric},
		Points: make([]scene.Point, len(c.Points)),
	}
	cells := map[string]int{}
	for i, q := range c.Points {
		if math.IsNaN(q.X) || math.IsInf(q.X, 0) || math.IsNaN(q.Y) || math.IsInf(q.Y, 0) {
			name := fmt.Sprint("point ", i)
			if l := q.Label + q.Arch; l != "" {
				name += " (" + l + ")"
			}
			return nil, fmt.Errorf("%s is at (%g, %g); want finite numbers", name, q.X, q.Y)
		}
		sp := scene.Point{X: q.X, Y: q.Y, Label: q.Label, Group: q.Group}
		if sp.Label == "" {
			sp.Label = q.Arch
		}
		if q.Arch != "" {
			k, ok := cells[q.Arch]
			if !ok {
				k = -1
				if a, err := nb201.Parse(q.Arch); err == nil {
					k = len(p.Cells)
					p.Cells = append(p.Cells, *nb201Editable(a).Cell)
				}
				cells[q.Arch] = k
			}
			if k >= 0 {
				sp.Cell = &k
			}
		}
		p.Points[i] = sp
	}
	shareOptions(p)
	sc := &scene.Scene{Kind: scene.KindPoints, Title: c.Title, Plot: p}
	if c.Pareto {
		sc.Kind = scene.KindPareto
	}
	return sc, sc.Validate()
}

// chartText is a chart's text form: its title and, in brief, what it shows.
func chartText(sc *scene.Scene) string {
	p := sc.Plot
	title := sc.Title
	if title == "" {
		title = p.Y.Label + " against " + p.X.Label
	}
	n := len(p.Points)
	switch {
	case n == 0:
		return fmt.Sprintf("[%s: no points]", title)
	case sc.Kind == scene.KindPareto:
		front := layout.ParetoFront(p.Points, p.X.Minimize, p.Y.Minimize)
		return fmt.Sprintf("[%s: %d points, %d on the Pareto front]", title, n, len(front))
	default:
		best := p.Points[layout.Incumbent(p.Points, p.Y.Minimize)]
		return fmt.Sprintf("[%s: %d points, best %s %s]", title, n, p.Y.Label, layout.FormatValue(best.Y))
	}
}

// shareOptions lists the options of p's editable cells once, in
// p.EditOptions, when they are the same for every cell (they are for the
// architectures of one space): a search's chart of a thousand cells is a
// third smaller so.
func shareOptions(p *scene.Plot) {
	var opts [][]string
	for _, c := range p.Cells {
		if c.Edit == nil {
			continue
		}
		if opts == nil {
			opts = c.Edit.Options
		}
		if !slices.EqualFunc(opts, c.Edit.Options, slices.Equal) {
			return
		}
	}
	if opts == nil {
		return
	}
	p.EditOptions = opts
	for i := range p.Cells {
		if e := p.Cells[i].Edit; e != nil {
			shared := *e
			shared.Options = nil
			p.Cells[i].Edit = &shared
		}
	}
}
