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

// drawn tells the page that a new scene (or error) is on screen.
func drawn(kind, title string, err error) {
	m := map[string]any{"type": "canvas-drawn", "kind": kind, "title": title}
	if err != nil {
		m["error"] = err.Error()
	}
	post(m)
}

func post(m map[string]any) {
	js.Global().Get("parent").Call("postMessage", m, "*")
}
