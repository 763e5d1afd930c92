package layout

import (
	"strconv"

	"nasbook/viz/scene"
)

// Comparison is two cells side by side, each in half the view, and the
// edges in which they differ.
type Comparison struct {
	Left, Right *Layout
	// Differ lists the edges (by index, the same in both cells) whose
	// operation or input node differ; the renderer marks them in both.
	Differ []int
	// Note says how many edges differ, under the cells.
	Note Text
}

// DifferingEdges returns the indices of the edges in which cells a and b
// differ: an operation or an input node changed. Edges past the shorter
// cell's count differ too.
func DifferingEdges(a, b *scene.Cell) []int {
	var out []int
	for i := range max(len(a.Edges), len(b.Edges)) {
		if i >= len(a.Edges) || i >= len(b.Edges) {
			out = append(out, i)
			continue
		}
		ea, eb := a.Edges[i], b.Edges[i]
		if ea.Op != eb.Op || ea.From != eb.From || ea.To != eb.To {
			out = append(out, i)
		}
	}
	return out
}

// Compare lays out cells a and b, titled ta and tb, side by side in a w x h
// view, with a line under them saying how many edges differ.
func Compare(ta string, a *scene.Cell, tb string, b *scene.Cell, w, h float64, m Measurer, o Options) *Comparison {
	o = o.withDefaults()
	size := max(o.MinLabelSize, 15) * o.Scale
	_, lh := m.Measure("Xg", size)
	foot := lh + o.Margin*o.Scale
	c := &Comparison{
		Left:   Compute(ta, a, w/2, h-foot, m, o),
		Right:  Compute(tb, b, w/2, h-foot, m, o),
		Differ: DifferingEdges(a, b),
	}
	c.Right.Translate(Point{w / 2, 0})
	s := "The cells differ in no edge"
	switch n := len(c.Differ); n {
	case 0:
	case 1:
		s = "The cells differ in 1 edge, ringed"
	default:
		s = "The cells differ in " + strconv.Itoa(n) + " edges, ringed"
	}
	tw, _ := m.Measure(s, size)
	c.Note = Text{S: s, Size: size, Box: RectAt(Point{w / 2, h - foot/2}, tw, lh)}
	return c
}
