//go:build js

package canvas

import (
	"fmt"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"

	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Game is the ebiten game of the canvas: it shows the latest scene, an error,
// or a placeholder until the first scene arrives.
//
// SetScene and SetError may be called from any goroutine; ebiten calls Update,
// Draw and Layout. Draw paints only when the scene or the screen size has
// changed since the last paint, so with the screen not cleared every frame
// (see Run) an unchanged scene costs nothing.
type Game struct {
	// OnDrawn, if set, is called from Update once a new scene (or error) has
	// been painted and presented. kind is the scene's kind, or "error".
	OnDrawn func(kind, title string, err error)

	// Options tune the layout; Scale is set from the device scale factor.
	Options layout.Options

	mu    sync.Mutex
	scene *scene.Scene
	err   error
	gen   int // counts SetScene and SetError calls

	fonts     fonts
	painted   int     // gen last painted
	paintedW  int     // screen size last painted
	paintedH  int     //
	scale     float64 // device pixels per CSS pixel, from Layout
	announced int     // gen last reported to OnDrawn
}

var _ ebiten.Game = (*Game)(nil)
var _ ebiten.LayoutFer = (*Game)(nil)

// NewGame returns a Game showing the placeholder.
func NewGame() *Game { return &Game{scale: 1} }

// SetScene replaces the scene on show and schedules a frame to draw it.
// A nil scene brings the placeholder back.
func (g *Game) SetScene(s *scene.Scene) {
	g.mu.Lock()
	g.scene, g.err = s, nil
	g.gen++
	g.mu.Unlock()
	ebiten.ScheduleFrame()
}

// SetError shows err on the canvas in place of a scene.
func (g *Game) SetError(err error) {
	g.mu.Lock()
	g.scene, g.err = nil, err
	g.gen++
	g.mu.Unlock()
	ebiten.ScheduleFrame()
}

func (g *Game) current() (int, *scene.Scene, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.gen, g.scene, g.err
}

// Update reports a newly painted scene to OnDrawn. It runs in the frame after
// the one that painted it, so the scene is on screen by then.
func (g *Game) Update() error {
	if g.painted == g.announced {
		return nil
	}
	gen, s, err := g.current()
	g.announced = g.painted
	if gen != g.painted || g.OnDrawn == nil {
		return nil // a newer scene is waiting to be painted; report that one
	}
	switch {
	case err != nil:
		g.OnDrawn("error", "", err)
	case s != nil:
		g.OnDrawn(string(s.Kind), s.Title, nil)
	default:
		g.OnDrawn("", "", nil)
	}
	return nil
}

// Draw paints the scene if it or the screen size changed since the last paint.
func (g *Game) Draw(screen *ebiten.Image) {
	gen, s, err := g.current()
	b := screen.Bounds()
	if g.painted != g.announced {
		ebiten.ScheduleFrame() // Update has yet to report the last paint
	}
	if gen == g.painted && b.Dx() == g.paintedW && b.Dy() == g.paintedH {
		return
	}
	func() {
		defer func() {
			// A scene that breaks the painter shows why, not a dead canvas.
			if r := recover(); r != nil {
				g.paint(screen, nil, fmt.Errorf("canvas: drawing the scene: %v", r))
			}
		}()
		g.paint(screen, s, err)
	}()
	if gen != g.painted {
		ebiten.ScheduleFrame() // so that Update reports it
	}
	g.painted, g.paintedW, g.paintedH = gen, b.Dx(), b.Dy()
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
	return ebiten.RunGame(g)
}
