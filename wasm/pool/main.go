//go:build js && wasm

// Command pool is a pool worker: it scores architectures with the engine
// alone (no interpreter), one job at a time, inside a Web Worker that the
// kernel worker starts (assets/js/pool-worker.js is the other side).
//
// Protocol: the program defines self.nasbookScore(job), which takes a
// proxy.Job as JSON and returns its proxy.Result as JSON, synchronously;
// then it calls self.nasbookPoolReady().
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"nasbook/engine/proxy"
)

func main() {
	js.Global().Set("nasbookScore", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return score(args[0].String())
	}))
	js.Global().Call("nasbookPoolReady")
	select {}
}

// score runs one job; a panic becomes the result's error.
func score(job string) (out string) {
	defer func() {
		if r := recover(); r != nil {
			b, _ := json.Marshal(proxy.Result{Err: fmt.Sprintf("pool worker: %v", r)})
			out = string(b)
		}
	}()
	var j proxy.Job
	r := proxy.Result{}
	if err := json.Unmarshal([]byte(job), &j); err != nil {
		r.Err = "pool worker: " + err.Error()
	} else {
		r = j.Run()
	}
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(proxy.Result{Err: "pool worker: " + err.Error()})
	}
	return string(b)
}
