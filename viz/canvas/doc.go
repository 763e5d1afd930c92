// Package canvas draws scenes with ebiten: the Game of the canvas iframe.
//
// Game is a thin adapter in the manner of ebiten's examples: package
// viz/layout decides where everything goes (a cell's layout.Layout, a chart's
// layout.Chart, a tooltip, a point's layout.Detail), and Game only paints it
// with vector paths and text/v2 (Go Regular, sized to the device's pixels).
//
// Charts (points and pareto scenes) are interactive: Update hit-tests the
// cursor against the last chart painted, and Draw copies the painted chart
// from an offscreen image and adds the hovered point's ring and tooltip, so
// moving the mouse never lays the chart out again. A click calls OnSelect and
// opens the point's cell, if it has one, until the back button or Escape. Scenes arrive through SetScene from any goroutine (the
// wasm main feeds it postMessage data); Run sets ebiten to run frames only on
// demand and not to clear the screen, so the canvas repaints when a scene or
// the viewport size changes and is idle otherwise. OnDrawn tells the host
// page when a new scene is on screen.
//
// A scene with a replay (scene.Replay: a finished search's history) is drawn
// at the replay's step, as layout.Replayed derives it, by the same painting
// as any scene: SetReplay moves the step, plays or pauses, and sets the
// speed; Space and the arrow keys do the same on the canvas; while it plays,
// Update advances the step by the clock and schedules the next frame.
// OnDrawn reports the position with each view.
//
// The package builds for js/wasm only (this file aside): ebiten's desktop
// backend needs cgo and X11 headers, which a plain go build ./... should not.
//
// Until the first scene, the canvas shows Placeholder; a scene that cannot be
// drawn shows its error instead, never a blank canvas.
package canvas
