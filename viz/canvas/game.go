//go:build js

package canvas

import (
	"fmt"
	"math"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Drawn describes what has just come on screen, for Game.OnDrawn.
type Drawn struct {
	Kind  string // the scene's kind, "cell" for a point's cell, "error", or "" for the placeholder
	Title string
	Err   error
	// Points are the centres of a chart's dots, in the order of the scene's
	// points, in CSS pixels of the canvas; nil for other views.
	Points [][2]float64
	// LabelSize is the font size of a cell's labels in CSS pixels; 0 for
	// other views.
	LabelSize float64
	// For an editable cell: the centres of its edges' labels in CSS
	// pixels, in the cell's order; the figures shown under it and the
	// architecture they are of ("" while the host has not answered); and
	// the choices drawn.
	Edges   [][2]float64
	Figures []string
	Arch    string
	Choices []int
	// Differ lists the edges in which two compared cells differ.
	Differ []int
	// Replay is where the replay of the scene on show is, if it has one.
	Replay *Replay
	// Front lists a pareto chart's points on its front, by x.
	Front []int
}

// Game is the ebiten game of the canvas: it shows the latest scene, an error,
// or a placeholder until the first scene arrives.
//
// SetScene and SetError may be called from any goroutine; ebiten calls Update,
// Draw and Layout. Draw paints only when what is on show changed since the
// last paint: the scene, the screen size, the point under the cursor or the
// point whose cell is open. So with the screen not cleared every frame (see
// Run) an unchanged scene costs nothing, and moving the mouse costs a hit
// test, plus a copy of the painted chart and a tooltip when the point under
// the cursor changes.
//
// On a points or pareto chart, hovering a dot shows its tooltip; clicking it
// calls OnSelect and, if the point has a cell, shows that cell with a button
// back to the chart (Escape goes back too). While a cell is open, new scenes
// of the same kind and title (a search going on) wait behind it.
type Game struct {
	// OnDrawn, if set, is called from Update once a new view (a scene, an
	// error, a point's cell, or the chart again after one) has been painted
	// and presented.
	OnDrawn func(Drawn)
	// OnSelect, if set, is called from Update when a chart's point is
	// clicked, with its index among the scene's points and its label.
	OnSelect func(index int, label string)
	// OnHover, if set, is called from Update once a change of the hovered
	// point (its index, or -1 for none) has been painted and presented: the
	// tooltip is on screen, or gone.
	OnHover func(index int)
	// OnEdit, if set, is called from Update when an editable cell comes on
	// show and after each edit, undo and redo of it, to ask the host for
	// the figures of its architecture (see SetFigures).
	OnEdit func(EditRequest)
	// OnBrush, if set, is called from Update when a rectangle dragged on a
	// chart's empty space is let go: with the indices of the points inside
	// it, none when it held none or the drag was a click.
	OnBrush func(indices []int)
	// OnSchedule, if set, is called with every frame the game asks ebiten
	// for (ScheduleFrame), from whatever goroutine asks: a host that stops
	// ebiten's polling for frames while nothing changes starts it again.
	OnSchedule func()

	// Options tune the layout; Scale is set from the device scale factor.
	Options layout.Options

	mu           sync.Mutex
	scene        *scene.Scene
	err          error
	gen          int  // counts SetScene, SetError and SetPresentation calls
	left         bool // the pointer left the canvas
	presentation bool
	figures      map[string]Figures // by key(choices)
	figGen       int                // counts SetFigures calls

	fonts fonts
	scale float64 // device pixels per CSS pixel, from Layout

	// What is on show, owned by Update and Draw.
	chart      *layout.Chart // of the scene painted, if a chart
	chartOf    *scene.Scene
	hover      int          // dot under the cursor, or -1
	cursor     layout.Point // last cursor position, device pixels
	sel        int          // point whose cell is open, or -1
	selScene   *scene.Scene // the scene sel indexes
	detail     *layout.Detail
	base       *ebiten.Image // the painted view without the hover overlay
	baseKey    viewKey
	painted    viewKey
	paintedH   int // hover painted
	announced  viewKey
	announcedH int   // hover reported to OnHover
	drawn      Drawn // what to report for painted
	vs         []ebiten.Vertex
	is         []uint16
	touches    []ebiten.TouchID

	// Editing, owned by Update and Draw.
	ed         *editor        // of the editable cell on show, or nil
	cellLayout *layout.Layout // of the cell painted last, if any
	cellFor    *scene.Scene   // the scene cellLayout is of
	moved      *moved         // the architecture last edited from a chart
	viewOf     *scene.Scene   // view's cache: the scene,
	viewMoved  *moved         // the moved point it was made with,
	viewScene  *scene.Scene   // and the view

	// Brushing a chart, owned by Update and Draw.
	brushing   bool         // a drag is going on
	brushFrom  layout.Point // where it began, device pixels
	brushTo    layout.Point
	brushed    []int  // points selected by the last drag
	brushTitle string // of the chart they are points of
	brushGen   int    // counts changes of the above
	paintedB   int    // brushGen painted

	// Comparing two points' cells: the points, or -1, set by SetCompare.
	compare    [2]int
	compareGen int

	// The replay of the scene on show, guarded by mu.
	rp replayer
}

// viewKey names a view: the scene generation (or the selection's), whether a
// cell is open, and the size.
type viewKey struct {
	gen, sel, w, h, edit, compare, replay int
}

var _ ebiten.Game = (*Game)(nil)
var _ ebiten.LayoutFer = (*Game)(nil)

// NewGame returns a Game showing the placeholder.
func NewGame() *Game {
	return &Game{compare: [2]int{-1, -1}, scale: 1, hover: -1, sel: -1, painted: viewKey{gen: -1}, announced: viewKey{gen: -1}, paintedH: -1, announcedH: -1}
}

// SetScene replaces the scene on show and schedules a frame to draw it.
// A nil scene brings the placeholder back.
func (g *Game) SetScene(s *scene.Scene) {
	g.mu.Lock()
	if s == nil || g.scene == nil || s.Kind != g.scene.Kind || s.Title != g.scene.Title {
		g.compare = [2]int{-1, -1} // a comparison is of points of one chart
	}
	g.scene, g.err = s, nil
	g.gen++
	g.mu.Unlock()
	g.scheduleFrame()
}

// SetCompare draws the cells of points i and j of the chart on show side by
// side, their differing edges marked, until Escape or SetCompare(-1, -1).
// Points without a cell are ignored. May be called from any goroutine.
func (g *Game) SetCompare(i, j int) {
	g.mu.Lock()
	g.compare = [2]int{i, j}
	g.compareGen++
	g.mu.Unlock()
	g.scheduleFrame()
}

// comparing returns the points to compare, if both are set.
func (g *Game) comparing() ([2]int, int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.compare, g.compareGen, g.compare[0] >= 0 && g.compare[1] >= 0
}

// PresentationLabels is the smallest label size, in CSS pixels, of a cell
// in Presentation mode: legible from the back of a classroom.
const PresentationLabels = 18

// SetPresentation sets Presentation mode, in which labels are at least
// PresentationLabels CSS pixels (the picture shrinks around them, rather
// than them with it), and repaints.
func (g *Game) SetPresentation(on bool) {
	g.mu.Lock()
	changed := g.presentation != on
	g.presentation = on
	if changed {
		g.gen++
	}
	g.mu.Unlock()
	g.scheduleFrame()
}

// SetError shows err on the canvas in place of a scene.
func (g *Game) SetError(err error) {
	g.mu.Lock()
	g.scene, g.err = nil, err
	g.gen++
	g.mu.Unlock()
	g.scheduleFrame()
}

// PointerLeft tells the game that the pointer has left the canvas, so that no
// point stays hovered. Any movement of the cursor brings it back.
func (g *Game) PointerLeft() {
	g.mu.Lock()
	g.left = true
	g.mu.Unlock()
	g.scheduleFrame()
}

func (g *Game) current() (int, *scene.Scene, error) {
	g.mu.Lock()
	gen, s, err := g.gen, g.replayOf(g.scene), g.err
	g.mu.Unlock()
	return gen, g.view(s), err
}

// editGen names the state of the editable cell on show, for viewKey.
func (g *Game) editGen() int {
	g.mu.Lock()
	n := g.figGen
	g.mu.Unlock()
	if g.ed != nil {
		n += g.ed.gen
	}
	return n
}

// isChart reports whether s is drawn as a chart.
func isChart(s *scene.Scene) bool {
	return s != nil && (s.Kind == scene.KindPoints || s.Kind == scene.KindPareto)
}

// Update handles the pointer and keys, and reports a newly painted view to
// OnDrawn and a newly painted hover to OnHover. It runs in the frame after
// the one that painted them, so they are on screen by then.
func (g *Game) Update() error {
	g.advance()
	gen, s, _ := g.current()
	if g.sel >= 0 && s != g.selScene && !(isChart(s) && s.Kind == g.selScene.Kind && s.Title == g.selScene.Title) {
		g.closeCell() // another kind of scene replaces the open cell
	}
	g.input(gen, s)
	if g.painted != g.announced {
		g.announced = g.painted
		if g.OnDrawn != nil {
			g.OnDrawn(g.drawn)
		}
	}
	if g.paintedH != g.announcedH {
		g.announcedH = g.paintedH
		if g.OnHover != nil {
			g.OnHover(g.paintedH)
		}
	}
	return nil
}

func (g *Game) input(gen int, s *scene.Scene) {
	x, y := ebiten.CursorPosition()
	p := layout.Point{X: float64(x), Y: float64(y)}
	g.mu.Lock()
	if p != g.cursor {
		g.left = false
	}
	left := g.left
	g.mu.Unlock()
	g.cursor = p
	clicked := inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft)
	// A tap is a click where the finger lands (a touch screen has no hover).
	if g.touches = inpututil.AppendJustPressedTouchIDs(g.touches[:0]); len(g.touches) > 0 {
		tx, ty := ebiten.TouchPosition(g.touches[0])
		p, clicked, left = layout.Point{X: float64(tx), Y: float64(ty)}, true, false
	}
	shape := ebiten.CursorShapeDefault
	defer func() { ebiten.SetCursorShape(shape) }()

	escape := inpututil.IsKeyJustPressed(ebiten.KeyEscape)
	if escape && g.ed != nil && g.ed.focus >= 0 && g.sel < 0 {
		g.ed.focus = -1 // on a cell scene, Escape lets go of the edge
		g.ed.gen++
		g.scheduleFrame()
	}
	if _, _, on := g.comparing(); on && g.sel < 0 && isChart(s) {
		if escape || inpututil.IsKeyJustPressed(ebiten.KeyBackspace) {
			g.SetCompare(-1, -1)
		}
		return
	}
	if g.sel >= 0 {
		onBack := g.detail != nil && g.detail.Back.Contains(p) && !left
		if onBack {
			shape = ebiten.CursorShapePointer
			if clicked {
				g.closeCell()
				return
			}
		}
		if g.detail != nil && g.ed != nil && g.cellLayout == g.detail.Cell && g.editInput(g.detail.Cell, p, clicked && !onBack, left) {
			shape = ebiten.CursorShapePointer
		}
		if escape || inpututil.IsKeyJustPressed(ebiten.KeyBackspace) {
			g.closeCell()
		}
		return
	}
	if s != nil && s.Kind == scene.KindCell {
		if g.ed != nil && g.cellFor == s && g.editInput(g.cellLayout, p, clicked, left) {
			shape = ebiten.CursorShapePointer
		}
		if g.ed == nil {
			g.replayKeys()
		}
		return
	}
	g.replayKeys()
	g.hover = -1
	if g.chart == nil || g.chartOf != s || left {
		return // Draw lays out the new scene and hit-tests again
	}
	if g.brushing {
		g.brushTo = p
		g.brushGen++
		g.scheduleFrame()
		if !ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
			g.brushing = false
			g.brushed, g.brushTitle = nil, s.Title
			if d := g.brushTo.Sub(g.brushFrom); math.Abs(d.X) > 4*g.scale && math.Abs(d.Y) > 4*g.scale {
				g.brushed = g.chart.Brushed(g.brushFrom, g.brushTo)
			}
			if g.OnBrush != nil {
				g.OnBrush(g.brushed)
			}
		}
		return
	}
	g.hover = g.chart.Hit(p)
	if g.hover < 0 {
		if clicked {
			// A drag from empty space brushes a rectangle.
			g.brushing, g.brushFrom, g.brushTo = true, p, p
			g.brushGen++
			shape = ebiten.CursorShapeCrosshair
		}
		return
	}
	q := s.Plot.Points[g.hover]
	if q.Cell != nil {
		shape = ebiten.CursorShapePointer
	}
	if !clicked {
		return
	}
	if g.OnSelect != nil {
		g.OnSelect(g.hover, q.Label)
	}
	if q.Cell != nil {
		g.sel, g.selScene, g.hover = g.hover, s, -1
		g.scheduleFrame()
	}
}

func (g *Game) closeCell() {
	g.sel, g.selScene, g.detail = -1, nil, nil
	g.scheduleFrame()
}

// Draw paints what is on show if it changed since the last paint.
func (g *Game) Draw(screen *ebiten.Image) {
	gen, s, err := g.current()
	b := screen.Bounds()
	if g.painted != g.announced || g.paintedH != g.announcedH {
		g.scheduleFrame() // Update has yet to report the last paint
	}
	_, cgen, _ := g.comparing()
	rpos, rgen, replaying := g.replayState()
	key := viewKey{gen: gen, sel: -1, w: b.Dx(), h: b.Dy(), edit: g.editGen(), compare: cgen, replay: rgen}
	if g.sel >= 0 {
		key.gen, key.sel = -1, g.sel // the open cell hides newer scenes
		s, err = g.selScene, nil
	}
	if key == g.painted && g.hover == g.paintedH && g.brushGen == g.paintedB {
		return
	}
	if key != g.baseKey || g.base == nil {
		if g.base == nil || g.base.Bounds() != b {
			if g.base != nil {
				g.base.Deallocate()
			}
			g.base = ebiten.NewImage(b.Dx(), b.Dy())
		}
		g.drawn = g.paintSafe(g.base, s, err)
		if replaying && g.sel < 0 && (g.drawn.Kind == string(scene.KindCell) || isChart(s) && g.drawn.Kind == string(s.Kind)) {
			g.drawn.Replay = &rpos
		}
		g.baseKey = key
		if g.chart != nil && g.sel < 0 {
			g.hover = g.chart.Hit(g.cursor) // the dot now under a still cursor
			if g.left {
				g.hover = -1
			}
		}
	}
	screen.DrawImage(g.base, nil)
	if g.chart != nil && g.sel < 0 {
		g.brushOverlay(screen)
	}
	if g.chart != nil && g.sel < 0 && g.hover >= 0 {
		g.tooltip(screen, g.chart, g.hover)
	}
	g.paintedB = g.brushGen
	if key != g.painted || g.hover != g.paintedH {
		g.scheduleFrame() // so that Update reports it
	}
	g.painted, g.paintedH = key, g.hover
}

// paintSafe paints a view and says what it is. A scene that breaks the
// painter shows why, not a dead canvas.
func (g *Game) paintSafe(dst *ebiten.Image, s *scene.Scene, err error) (d Drawn) {
	defer func() {
		if r := recover(); r != nil {
			g.chart, g.chartOf, g.detail = nil, nil, nil
			err := fmt.Errorf("canvas: drawing the scene: %v", r)
			g.paint(dst, nil, err)
			d = Drawn{Kind: "error", Err: err}
		}
	}()
	return g.paint(dst, s, err)
}

// Layout implements ebiten.Game; LayoutF is used instead.
func (g *Game) Layout(outsideWidth, outsideHeight int) (int, int) {
	w, h := g.LayoutF(float64(outsideWidth), float64(outsideHeight))
	return int(w), int(h)
}

// LayoutF makes the screen as large as the outside in device pixels, so text
// is drawn crisp on high-density displays.
func (g *Game) LayoutF(outsideWidth, outsideHeight float64) (float64, float64) {
	g.scale = ebiten.Monitor().DeviceScaleFactor()
	if g.scale <= 0 {
		g.scale = 1
	}
	return outsideWidth * g.scale, outsideHeight * g.scale
}

// scheduleFrame asks ebiten for a frame, and tells the host (OnSchedule).
func (g *Game) scheduleFrame() {
	ebiten.ScheduleFrame()
	if g.OnSchedule != nil {
		g.OnSchedule()
	}
}

// Run configures ebiten to draw only on change and runs g until it fails.
func Run(g *Game) error {
	ebiten.SetWindowTitle("nasbook canvas")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetScreenClearedEveryFrame(false)
	//lint:ignore SA1019 the only mode in which frames run on demand (ScheduleFrame)
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	// One Update per frame. ebiten's docs say this mode implies it, but v2.8
	// keeps counting ticks at 60 TPS, so an on-demand frame that comes soon
	// after another would skip Update and never report its scene.
	ebiten.SetTPS(ebiten.SyncWithFPS)
	// In this mode ebiten still runs a frame for every mouse and key event,
	// so hovering and clicking reach Update without frames in between.
	return ebiten.RunGame(g)
}
