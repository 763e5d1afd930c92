//go:build js

package canvas

import (
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// Speeds are the replay speeds offered, in steps a second.
var Speeds = []float64{1, 2, 5, 10, 20, 50, 100}

// Replay is the position of a replay: the step on show of Steps, whether it
// plays, and at how many steps a second.
type Replay struct {
	Unit    string
	Step    int
	Steps   int
	Playing bool
	Speed   float64
}

// ReplayChange asks for a change of the replay on show; nil fields keep
// their value.
type ReplayChange struct {
	Step    *int
	Playing *bool
	Speed   *float64
}

// replayer is the replay of the scene on show, guarded by Game.mu: the
// scene's history (scene.Replay) at one step. The scene drawn is that step's
// (layout.Replayed), so a replay is drawn by the same code as the scene it
// replays.
type replayer struct {
	of    *scene.Scene // the scene whose replay this is
	pos   Replay
	due   float64   // steps owed to the clock while playing
	last  time.Time // of the last advance
	gen   int       // counts changes, for viewKey
	view  *scene.Scene
	viewN int // the step view is of
}

// defaultSpeed plays a replay in about ten seconds.
func defaultSpeed(steps int) float64 {
	best := Speeds[0]
	for _, v := range Speeds {
		if math.Abs(math.Log(v)-math.Log(float64(steps)/10)) < math.Abs(math.Log(best)-math.Log(float64(steps)/10)) {
			best = v
		}
	}
	return best
}

// replayOf returns s as it is at the replay's step, starting the replay of a
// new scene at its last step (what the search ended with). Called with g.mu
// held.
func (g *Game) replayOf(s *scene.Scene) *scene.Scene {
	if s == nil || s.Replay == nil {
		return s
	}
	r := &g.rp
	if r.of != s {
		same := r.of != nil && r.of.Kind == s.Kind && r.of.Title == s.Title && r.of.Replay.Steps == s.Replay.Steps
		speed := r.pos.Speed
		*r = replayer{of: s, gen: r.gen + 1, viewN: -1, pos: Replay{Unit: s.Replay.Unit, Step: s.Replay.Steps, Steps: s.Replay.Steps, Speed: defaultSpeed(s.Replay.Steps)}}
		if same && speed > 0 {
			r.pos.Speed = speed
		}
	}
	if r.view == nil || r.viewN != r.pos.Step {
		r.view, r.viewN = layout.Replayed(s, r.pos.Step), r.pos.Step
	}
	return r.view
}

// SetReplay changes the replay on show, if there is one: its step, whether
// it plays, its speed. Playing from the last step starts again from the
// first. May be called from any goroutine.
func (g *Game) SetReplay(c ReplayChange) {
	g.mu.Lock()
	g.changeReplay(c)
	g.mu.Unlock()
	g.scheduleFrame()
}

// changeReplay applies c; called with g.mu held.
func (g *Game) changeReplay(c ReplayChange) {
	r := &g.rp
	if r.of == nil || r.of != g.scene {
		return
	}
	if c.Speed != nil && *c.Speed > 0 && !math.IsInf(*c.Speed, 0) {
		r.pos.Speed = *c.Speed
	}
	if c.Step != nil {
		r.pos.Step = min(max(*c.Step, 0), r.pos.Steps)
	}
	if c.Playing != nil && *c.Playing != r.pos.Playing {
		r.pos.Playing = *c.Playing
		if r.pos.Playing {
			if r.pos.Step >= r.pos.Steps {
				r.pos.Step = 0
			}
			r.due, r.last = 0, time.Now()
		}
	}
	r.gen++
}

// replayState returns the replay of the scene on show, if it has one.
func (g *Game) replayState() (Replay, int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rp.of == nil || g.rp.of != g.scene {
		return Replay{}, 0, false
	}
	return g.rp.pos, g.rp.gen, true
}

// advance moves a playing replay on by the time since the last frame, and
// asks for the next frame while it plays.
func (g *Game) advance() {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := &g.rp
	if r.of == nil || r.of != g.scene || !r.pos.Playing {
		return
	}
	now := time.Now()
	r.due += now.Sub(r.last).Seconds() * r.pos.Speed
	r.last = now
	if n := int(r.due); n > 0 {
		r.due -= float64(n)
		r.pos.Step = min(r.pos.Step+n, r.pos.Steps)
		if r.pos.Step == r.pos.Steps {
			r.pos.Playing = false
		}
		r.gen++
	}
	g.scheduleFrame()
}

// replayKeys handles the keys of a replay: Space plays or pauses, the left
// and right arrows step (with Shift, ten steps), Home and End go to the
// first and the last step.
func (g *Game) replayKeys() {
	pos, _, ok := g.replayState()
	if !ok {
		return
	}
	pressed := func(k ebiten.Key) bool {
		return inpututil.IsKeyJustPressed(k) || inpututil.KeyPressDuration(k) > 20 && inpututil.KeyPressDuration(k)%3 == 0
	}
	by := 1
	if ebiten.IsKeyPressed(ebiten.KeyShift) {
		by = 10
	}
	var c ReplayChange
	stop := false
	step := func(k int) { c.Step, c.Playing = &k, &stop }
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeySpace):
		play := !pos.Playing
		c.Playing = &play
	case pressed(ebiten.KeyArrowRight):
		step(pos.Step + by)
	case pressed(ebiten.KeyArrowLeft):
		step(pos.Step - by)
	case inpututil.IsKeyJustPressed(ebiten.KeyHome):
		step(0)
	case inpututil.IsKeyJustPressed(ebiten.KeyEnd):
		step(pos.Steps)
	default:
		return
	}
	g.SetReplay(c)
}
