package layout

import "nasbook/viz/scene"

// Replayed returns scene s as it was after step steps of its replay
// (s.Replay), clamped to [0, s.Replay.Steps]: a chart's first step points
// with the groups their spans give them at that step, its axes spanning what
// the whole search's chart spans (so that nothing moves but the points); a
// cell with the step's weights. The result has no replay of its own and
// shares the cells and points it does not change with s. s without a replay
// is returned as it is.
func Replayed(s *scene.Scene, step int) *scene.Scene {
	r := s.Replay
	if r == nil {
		return s
	}
	step = min(max(step, 0), r.Steps)
	t := *s
	t.Replay = nil
	if s.Kind == scene.KindCell {
		c := *s.Cell
		c.Edges = append([]scene.Edge(nil), c.Edges...)
		for i, w := range r.Weights[step] {
			c.Edges[i].Weight = w
		}
		t.Cell = &c
		return &t
	}
	p := *s.Plot
	p.X.Range, p.Y.Range = extent(s)
	p.Points = append([]scene.Point(nil), p.Points[:step]...)
	if len(r.Spans) > 0 {
		for i := range p.Points {
			p.Points[i].Group = ""
		}
		for _, sp := range r.Spans {
			if sp.P < step && sp.From <= step && (sp.To == 0 || step < sp.To) {
				p.Points[sp.P].Group = sp.Group
			}
		}
	}
	t.Plot = &p
	return &t
}

// extent is the span of a chart's axes, as ComputeChart takes it from the
// points: all of them, or on a pareto chart the part ParetoRange keeps.
func extent(s *scene.Scene) (x, y []float64) {
	p := s.Plot
	xlo, xhi, ylo, yhi := bounds(p.Points)
	if s.Kind == scene.KindPareto {
		xs, ys := make([]float64, len(p.Points)), make([]float64, len(p.Points))
		for i, q := range p.Points {
			xs[i], ys[i] = q.X, q.Y
		}
		xlo, xhi = ParetoRange(xs)
		ylo, yhi = ParetoRange(ys)
	}
	if p.X.Range != nil {
		xlo, xhi = p.X.Range[0], p.X.Range[1]
	}
	if p.Y.Range != nil {
		ylo, yhi = p.Y.Range[0], p.Y.Range[1]
	}
	return []float64{xlo, xhi}, []float64{ylo, yhi}
}
