//go:build js && wasm

// Command figure is the figure worker: it draws figure specs as SVG with
// gonum/plot, apart from the kernel so that plotting's fonts download only
// when a notebook first plots.
//
// The worker script (assets/js/figure-worker.js) calls
// self.nasbookRender(specJSON), which returns {svg} or {error}.
package main

import (
	"syscall/js"

	"nasbook/viz/figure"
	"nasbook/viz/figure/render"
)

func main() {
	js.Global().Set("nasbookRender", js.FuncOf(func(_ js.Value, args []js.Value) any {
		spec, err := figure.Decode([]byte(args[0].String()))
		if err == nil {
			var svg []byte
			if svg, err = render.SVG(spec); err == nil {
				return map[string]any{"svg": string(svg)}
			}
		}
		return map[string]any{"error": err.Error()}
	}))
	select {}
}
