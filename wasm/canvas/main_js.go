// Command canvas is the architecture canvas beside the notebook: an ebiten
// game (package viz/canvas) in its own iframe, assets/canvas.html, that draws
// the scenes the page posts to it. It builds for js/wasm only.
//
// Messages from the page (window "message" events):
//
//	{type: "scene", scene: <scene.Scene as an object or a JSON string>}  draw it; null clears to the placeholder
//	{type: "ping"}                                                      ask for a canvas-ready reply
//	{type: "presentation", on: true}                                    Presentation mode: labels of at least 18 CSS px
//	{type: "compare", indices: [i, j]}     the cells of a chart's points i and j side by side, their
//	                       differing edges ringed; any other indices end the comparison
//	{type: "replay", step: 12, playing: true, speed: 10}
//	                       the replay of the scene on show (a scene with a replay: a finished search):
//	                       its step, whether it plays, its speed in steps a second; any of the three
//	{type: "figures", choices: [...], arch: "...", lines: ["..."], point: [x, y], error: "..."}
//	                       the figures of an edited architecture (the kernel's nb.EditAnswer), drawn
//	                       under the cell while it is that architecture
//
// Messages to the page (parent.postMessage(..., "*")):
//
//	{type: "canvas-ready"}                                  once at start, and in reply to each ping
//	{type: "canvas-drawn", kind: "cell", title: "...", labelSize: 18}
//	                       a new scene is on screen; a cell's labels are labelSize CSS px
//	{type: "canvas-drawn", kind: "pareto", title: "...", points: [[x, y], ...], front: [3, 0, ...]}
//	                       a chart ("points" or "pareto") is on screen; points are its dots'
//	                       centres in CSS pixels of the canvas, in the scene's order, and front
//	                       the points of a pareto chart's front, by x
//	{type: "canvas-drawn", ..., replay: {unit: "evaluation", step: 12, steps: 120, playing: false, speed: 10, speeds: [1, 2, ...]}}
//	                       the scene on show is a finished search's replay, at this step; sent
//	                       with every change of the replay
//	{type: "canvas-drawn", kind: "error", title: "", error: "..."}  a bad scene; its error is on screen
//	{type: "canvas-drawn", kind: "", title: ""}             the placeholder is back
//	{type: "canvas-selected", index: 3, label: "..."}      a chart's point was clicked; if it has a
//	                       cell, a canvas-drawn of kind "cell" follows, and one of the chart's
//	                       kind when the user goes back
//	{type: "canvas-hover", index: 3}                       the hovered point changed and the change is on
//	                       screen: its tooltip shows, or with index -1 no tooltip does
//	{type: "canvas-edit", space: "nb201", choices: [...], x: "pixel3", y: "cifar10_test", edited: true}
//	                       an editable cell came on show or was edited: its architecture, the
//	                       metrics of the chart it was opened from, and whether it differs from the
//	                       cell as it came; the page answers with figures
//	{type: "canvas-drawn", kind: "compare", title: "...", differ: [1, 4]}
//	                       two points' cells are on screen side by side; differ are the edges ringed
//	{type: "canvas-brushed", indices: [0, 3, ...]}         a rectangle dragged on a chart was let go: the
//	                       points inside it, in the scene's order (none: the selection is cleared)
//	{type: "canvas-drawn", kind: "cell", ..., edges: [[x, y], ...], choices: [...], figures: [...], arch: "..."}
//	                       an editable cell is on screen: its edges' label centres in CSS pixels,
//	                       its architecture's choices, and the figures shown for it, if any yet
package main

import (
	"syscall/js"

	"nasbook/viz/canvas"
)

func main() {
	g := canvas.NewGame()
	g.OnDrawn = drawn
	g.OnSelect = selected
	g.OnHover = func(index int) { post(map[string]any{"type": "canvas-hover", "index": index}) }
	g.OnEdit = edited
	g.OnBrush = func(indices []int) { post(map[string]any{"type": "canvas-brushed", "indices": ints(indices)}) }
	// canvas-frame.js holds ebiten's requests for animation frames while
	// the game asks for none; each frame the game asks for lets them through.
	if wake := js.Global().Get("nasbookCanvasWake"); wake.Type() == js.TypeFunction {
		g.OnSchedule = func() { wake.Invoke() }
	}
	js.Global().Call("addEventListener", "message", js.FuncOf(func(_ js.Value, args []js.Value) any {
		receive(g, args[0].Get("data"))
		return nil
	}))
	js.Global().Get("document").Call("addEventListener", "mouseleave", js.FuncOf(func(js.Value, []js.Value) any {
		g.PointerLeft()
		return nil
	}))
	post(map[string]any{"type": "canvas-ready"})
	if err := canvas.Run(g); err != nil {
		js.Global().Get("console").Call("error", "canvas: "+err.Error())
	}
}
