//go:build js && wasm

// Command pool is a pool worker: it scores architectures with the engine
// alone (no interpreter), one job at a time, inside a Web Worker that the
// kernel worker starts (assets/js/pool-worker.js is the other side).
//
// Protocol: the program defines self.nasbookScore(job, cached), which takes
// a proxy.Job as JSON and returns its proxy.Result as JSON, synchronously;
// then it calls self.nasbookPoolReady(). A job's batch (Config.Examples) is
// kept: a later job sent with cached true and no batch scores on it.
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"nasbook/engine/proxy"
)

func main() {
	js.Global().Set("nasbookScore", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return score(args[0].String(), len(args) > 1 && args[1].Truthy())
	}))
	js.Global().Call("nasbookPoolReady")
	select {}
}

// examples is the batch of the last job that carried one.
var examples *proxy.Examples

// score runs one job; a panic becomes the result's error.
func score(job string, cached bool) (out string) {
	defer func() {
		if r := recover(); r != nil {
			b, _ := json.Marshal(proxy.Result{Err: fmt.Sprintf("pool worker: %v", r)})
			out = string(b)
		}
	}()
	var j proxy.Job
	r := proxy.Result{}
	switch err := json.Unmarshal([]byte(job), &j); {
	case err != nil:
		r.Err = "pool worker: " + err.Error()
	case cached && examples == nil:
		r.Err = "pool worker: a job for the batch this worker holds, but it holds none"
	default:
		if j.Config.Examples != nil {
			examples = j.Config.Examples
		} else if cached {
			j.Config.Examples = examples
		}
		r = j.Run()
	}
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(proxy.Result{Err: "pool worker: " + err.Error()})
	}
	return string(b)
}
