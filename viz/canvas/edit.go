//go:build js

package canvas

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"nasbook/viz/edit"
	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// EditRequest asks the host for the figures of an edited cell's
// architecture; the host answers with SetFigures.
type EditRequest struct {
	Space   string
	Choices []int
	// X and Y are the metrics of the chart the cell was opened from
	// (scene.Axis.Metric), so that the answer can place it there.
	X, Y string
	// Edited is false for the cell as it came, true once it was changed.
	Edited bool
}

// Figures are what the host says of an architecture: lines of figures (or
// an error), and its place on the chart it came from, if it has one.
type Figures struct {
	Choices []int // the architecture, as in its EditRequest
	Arch    string
	Lines   []string
	Point   []float64 // x and y, or nil
	Err     string
}

// Hint says how to edit a cell; HintInputs adds how to move an edge.
const (
	Hint       = "Click an edge for its next operation (Shift: previous) · Tab, arrows, Ctrl+Z / Ctrl+Y"
	HintInputs = "Click an edge for its next operation (Shift: previous, Alt: next input) · Tab, arrows, Ctrl+Z / Ctrl+Y"
)

// noteLines is the number of lines kept under an editable cell.
const noteLines = 4

// editor is the state of the editable cell on show: its history, the edge
// under the pointer and the one the keyboard has, and the figures the host
// gave for each architecture it has been.
type editor struct {
	of    *scene.Cell // the cell drawn from the scene, where the history began
	hist  *edit.History
	hover int // edge under the pointer, or -1
	focus int // edge the keyboard has, or -1
	// chart is the scene the cell was opened from, or nil.
	chart *scene.Scene
	gen   int // counts changes of what is drawn
}

func key(choices []int) string { return fmt.Sprint(choices) }

// SetFigures gives the figures of an architecture; if the cell on show is
// that architecture, they are drawn under it. May be called from any
// goroutine.
func (g *Game) SetFigures(f Figures) {
	g.mu.Lock()
	if g.figures == nil {
		g.figures = map[string]Figures{}
	}
	g.figures[key(f.Choices)] = f
	g.figGen++
	g.mu.Unlock()
	g.scheduleFrame()
}

func (g *Game) figuresOf(choices []int) (Figures, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.figures[key(choices)]
	return f, ok
}

// editing returns the editor of cell c, drawn from chart (nil for a cell
// scene), starting one, and asking for its figures, when c is new.
func (g *Game) editing(c *scene.Cell, chart *scene.Scene) *editor {
	if c == nil || c.Edit == nil {
		g.ed = nil
		return nil
	}
	if g.ed != nil && g.ed.of == c {
		return g.ed
	}
	g.ed = &editor{of: c, hist: edit.NewHistory(c), hover: -1, focus: -1, chart: chart}
	g.request()
	return g.ed
}

// request asks the host for the figures of the cell as it is now.
func (g *Game) request() {
	if g.OnEdit == nil || g.ed == nil {
		return
	}
	e := g.ed.hist.Cell().Edit
	r := EditRequest{Space: e.Space, Choices: append([]int(nil), e.Choices...), Edited: g.ed.hist.Edited()}
	if c := g.ed.chart; c != nil && c.Plot != nil {
		r.X, r.Y = c.Plot.X.Metric, c.Plot.Y.Metric
	}
	g.OnEdit(r)
}

// changed records an edit (or undo, redo): repaint, and ask for figures.
func (g *Game) changed() {
	g.ed.gen++
	g.request()
	g.scheduleFrame()
}

// editInput handles the pointer and keys over an editable cell laid out as
// l, with the pointer at p. It reports whether the pointer is over an edge.
func (g *Game) editInput(l *layout.Layout, p layout.Point, clicked, left bool) bool {
	ed := g.ed
	if ed == nil || l == nil {
		return false
	}
	c := ed.hist.Cell()
	hover := -1
	if !left {
		hover = l.EdgeAt(p, 8*g.scale)
		if hover >= 0 && !edit.CanOp(c, hover) && !edit.CanInput(c, hover) {
			hover = -1
		}
	}
	if hover != ed.hover {
		ed.hover = hover
		ed.gen++
		g.scheduleFrame()
	}
	shift := ebiten.IsKeyPressed(ebiten.KeyShift)
	alt := ebiten.IsKeyPressed(ebiten.KeyAlt)
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyMeta)
	do := func(f func(*scene.Cell) bool) {
		if ed.hist.Do(f) {
			g.changed()
		}
	}
	if clicked && hover >= 0 {
		i := hover
		ed.focus = i
		switch {
		case alt:
			do(func(c *scene.Cell) bool { return edit.Input(c, i, 1) })
		case shift:
			do(func(c *scene.Cell) bool { return edit.Op(c, i, -1) })
		default:
			do(func(c *scene.Cell) bool { return edit.Op(c, i, 1) })
		}
	}
	pressed := inpututil.IsKeyJustPressed
	switch {
	case ctrl && pressed(ebiten.KeyZ) && shift, ctrl && pressed(ebiten.KeyY):
		if ed.hist.Redo() {
			g.changed()
		}
	case ctrl && pressed(ebiten.KeyZ):
		if ed.hist.Undo() {
			g.changed()
		}
	case pressed(ebiten.KeyTab):
		n := len(c.Edges)
		step := 1
		if shift {
			step = -1
		}
		for k, i := 0, ed.focus; k < n; k++ {
			i = ((i+step)%n + n) % n
			if ed.focus < 0 && step < 0 && k == 0 {
				i = n - 1
			}
			if edit.CanOp(c, i) || edit.CanInput(c, i) {
				ed.focus = i
				break
			}
		}
		ed.gen++
		g.scheduleFrame()
	case ed.focus >= 0 && (pressed(ebiten.KeyEnter) || pressed(ebiten.KeySpace) || pressed(ebiten.KeyArrowDown)):
		i := ed.focus
		do(func(c *scene.Cell) bool { return edit.Op(c, i, 1) })
	case ed.focus >= 0 && pressed(ebiten.KeyArrowUp):
		i := ed.focus
		do(func(c *scene.Cell) bool { return edit.Op(c, i, -1) })
	case ed.focus >= 0 && (pressed(ebiten.KeyArrowRight) || pressed(ebiten.KeyArrowLeft)):
		i, dir := ed.focus, 1
		if pressed(ebiten.KeyArrowLeft) {
			dir = -1
		}
		do(func(c *scene.Cell) bool { return edit.Input(c, i, dir) })
	}
	return hover >= 0
}

// notes returns the lines under an editable cell: the hint, then the
// figures of its architecture or why there are none yet.
func (g *Game) notes(c *scene.Cell) []string {
	hint := Hint
	for i := range c.Edges {
		if edit.CanInput(c, i) {
			hint = HintInputs
			break
		}
	}
	lines := []string{hint}
	f, ok := g.figuresOf(c.Edit.Choices)
	switch {
	case !ok:
		lines = append(lines, "Costing the architecture…")
	case f.Err != "":
		lines = append(lines, "Not an architecture of the space: "+f.Err)
	default:
		lines = append(lines, f.Lines...)
	}
	return lines
}

// editedTitle is the title of an edited cell: its architecture, once known.
func (g *Game) editedTitle(title string, c *scene.Cell) string {
	if g.ed == nil || !g.ed.hist.Edited() {
		return title
	}
	if f, ok := g.figuresOf(c.Edit.Choices); ok && f.Arch != "" {
		return "Edited: " + f.Arch
	}
	return "Edited cell"
}

// movedPoint returns the edited architecture as a point of chart s (to be
// drawn with the chart's own points), if a cell opened from s was edited
// and its figures placed it on the chart's axes.
func (g *Game) movedPoint(s *scene.Scene) (scene.Point, *scene.Cell, bool) {
	m := g.moved
	if m == nil || s == nil || s.Kind != m.kind || s.Title != m.title {
		return scene.Point{}, nil, false
	}
	return scene.Point{X: m.x, Y: m.y, Label: m.label, Group: EditedGroup}, m.cell, true
}

// EditedGroup is the legend's name for the architecture edited on the canvas.
const EditedGroup = "edited on the canvas"

// moved is the last architecture edited from a chart's point.
type moved struct {
	kind  scene.Kind
	title string
	x, y  float64
	label string
	cell  *scene.Cell
}

// withMoved returns s with the edited architecture added as its last point,
// or s itself.
func (g *Game) withMoved(s *scene.Scene) *scene.Scene {
	q, c, ok := g.movedPoint(s)
	if !ok {
		return s
	}
	p := *s.Plot
	p.Points = append(append([]scene.Point(nil), p.Points...), q)
	p.Cells = append(append([]scene.Cell(nil), p.Cells...), *c)
	k := len(p.Cells) - 1
	p.Points[len(p.Points)-1].Cell = &k
	t := *s
	t.Plot = &p
	return &t
}

// noteMoved records the edited cell's place on its chart once its figures
// say where it is.
func (g *Game) noteMoved() {
	ed := g.ed
	if ed == nil || ed.chart == nil || !ed.hist.Edited() {
		return
	}
	c := ed.hist.Cell()
	f, ok := g.figuresOf(c.Edit.Choices)
	if !ok || len(f.Point) != 2 {
		return
	}
	if m := g.moved; m != nil && m.kind == ed.chart.Kind && m.title == ed.chart.Title && m.label == f.Arch {
		return
	}
	g.moved = &moved{kind: ed.chart.Kind, title: ed.chart.Title, x: f.Point[0], y: f.Point[1], label: f.Arch, cell: edit.Clone(c)}
}

// view is the scene to draw for s: a chart with the edited architecture
// added, or s. The same s gives the same view until the edit moves.
func (g *Game) view(s *scene.Scene) *scene.Scene {
	if s == nil || !isChart(s) {
		return s
	}
	if g.viewOf != s || g.viewMoved != g.moved {
		g.viewOf, g.viewMoved, g.viewScene = s, g.moved, g.withMoved(s)
	}
	return g.viewScene
}
