package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"nasbook/viz/canvas"
	"nasbook/viz/scene"
)

// receive handles one message from the page. Nothing a page sends can stop
// the canvas: a bad scene becomes an error drawn in its place.
func receive(g *canvas.Game, data js.Value) {
	if data.Type() != js.TypeObject {
		return
	}
	switch data.Get("type").String() {
	case "ping":
		post(map[string]any{"type": "canvas-ready"})
	case "presentation":
		g.SetPresentation(data.Get("on").Truthy())
	case "scene":
		defer func() {
			if r := recover(); r != nil {
				g.SetError(fmt.Errorf("canvas: reading the scene: %v", r))
			}
		}()
		v := data.Get("scene")
		var raw string
		switch v.Type() {
		case js.TypeNull, js.TypeUndefined:
			g.SetScene(nil)
			return
		case js.TypeString:
			raw = v.String()
		case js.TypeObject:
			raw = js.Global().Get("JSON").Call("stringify", v).String()
		default:
			g.SetError(errors.New("scene: want an object or a JSON string, got a " + v.Type().String()))
			return
		}
		s, err := scene.Decode([]byte(raw))
		if err != nil {
			g.SetError(err)
			return
		}
		g.SetScene(s)
	}
}

// drawn tells the page that a new view (scene, error, or a point's cell) is
// on screen; a chart's message carries its dots' positions.
func drawn(d canvas.Drawn) {
	m := map[string]any{"type": "canvas-drawn", "kind": d.Kind, "title": d.Title}
	if d.Err != nil {
		m["error"] = d.Err.Error()
	}
	if d.LabelSize > 0 {
		m["labelSize"] = d.LabelSize
	}
	if d.Points != nil {
		pts := make([]any, len(d.Points))
		for i, p := range d.Points {
			pts[i] = []any{p[0], p[1]}
		}
		m["points"] = pts
	}
	post(m)
}

// selected tells the page that a chart's point was clicked.
func selected(index int, label string) {
	post(map[string]any{"type": "canvas-selected", "index": index, "label": label})
}

func post(m map[string]any) {
	js.Global().Get("parent").Call("postMessage", m, "*")
}
