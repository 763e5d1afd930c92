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
	case "figures":
		g.SetFigures(figures(data))
	case "compare":
		i, j := -1, -1
		if v := data.Get("indices"); v.Type() == js.TypeObject && v.Get("length").Int() == 2 && v.Index(0).Type() == js.TypeNumber && v.Index(1).Type() == js.TypeNumber {
			i, j = v.Index(0).Int(), v.Index(1).Int()
		}
		g.SetCompare(i, j)
	case "replay":
		var c canvas.ReplayChange
		if v := data.Get("step"); v.Type() == js.TypeNumber {
			k := v.Int()
			c.Step = &k
		}
		if v := data.Get("playing"); v.Type() == js.TypeBoolean {
			b := v.Bool()
			c.Playing = &b
		}
		if v := data.Get("speed"); v.Type() == js.TypeNumber {
			f := v.Float()
			c.Speed = &f
		}
		g.SetReplay(c)
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
	if d.Choices != nil {
		m["choices"] = ints(d.Choices)
		m["edges"] = pairs(d.Edges)
		m["figures"] = strs(d.Figures)
		m["arch"] = d.Arch
	}
	if r := d.Replay; r != nil {
		m["replay"] = map[string]any{"unit": r.Unit, "step": r.Step, "steps": r.Steps, "playing": r.Playing, "speed": r.Speed, "speeds": floats(canvas.Speeds)}
	}
	if d.Kind == "pareto" {
		m["front"] = ints(d.Front)
	}
	if d.Kind == "compare" {
		m["differ"] = ints(d.Differ)
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

// edited asks the page for the figures of an edited cell's architecture.
func edited(r canvas.EditRequest) {
	post(map[string]any{"type": "canvas-edit", "space": r.Space, "choices": ints(r.Choices), "x": r.X, "y": r.Y, "edited": r.Edited})
}

// figures reads a figures message; missing fields are empty.
func figures(v js.Value) canvas.Figures {
	f := canvas.Figures{Arch: str(v.Get("arch")), Err: str(v.Get("error"))}
	each := func(a js.Value, fn func(js.Value)) {
		if a.Type() == js.TypeObject && a.Get("length").Type() == js.TypeNumber {
			for i := range a.Get("length").Int() {
				fn(a.Index(i))
			}
		}
	}
	each(v.Get("choices"), func(x js.Value) {
		if x.Type() == js.TypeNumber {
			f.Choices = append(f.Choices, x.Int())
		}
	})
	each(v.Get("lines"), func(x js.Value) { f.Lines = append(f.Lines, str(x)) })
	each(v.Get("point"), func(x js.Value) {
		if x.Type() == js.TypeNumber {
			f.Point = append(f.Point, x.Float())
		}
	})
	return f
}

func str(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func ints(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func floats(v []float64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func strs(v []string) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func pairs(v [][2]float64) []any {
	out := make([]any, len(v))
	for i, p := range v {
		out[i] = []any{p[0], p[1]}
	}
	return out
}
