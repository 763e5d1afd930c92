//go:build js && wasm

// Command kernel is the notebook's kernel worker: it runs Go cells with
// yaegi inside a Web Worker.
//
// Protocol (the worker script assets/js/kernel-worker.js is the other side):
// the worker defines self.nasbookEmit(json) before starting this program; the
// program defines self.nasbookRun(id, source), which returns at once and runs
// the cell in turn, and emits, as JSON strings through nasbookEmit:
//
//	{"type":"ready","version":V,"kernels":K,"packages":[...]}  once, when cells can run;
//	                                        K names the compute kernels ("wasm-simd" or "go")
//	{"type":"output","id":ID,"output":OUT}  OUT an nbformat 4 output, as the cell makes it
//	{"type":"done","id":ID,"status":"ok"|"error","execution_count":N}
//
//	{"type":"search-saved","name":N,"state":S}  a search with SearchConfig.Checkpoint N saved
//	                                        state S; the page hands it back to the next kernel
//	                                        through self.nasbookKeepSearch(N, S)
//	{"type":"paused"} / {"type":"resumed"}  the running cell stopped at a yield point after
//	                                        self.nasbookPause(), or went on after self.nasbookResume()
//
// The page asks for the figures of an architecture edited on the canvas
// with self.nasbookEdit(requestJSON), which returns the answer's JSON at
// once (nb.EditRequest, nb.EditAnswer). It runs on the worker's event loop:
// while the kernel is idle at once, while a cell runs at the cell's next
// yield point (an output).
//
// The page may also send files (the toolbar's "Upload data"), which the
// worker hands to self.nasbookUpload(name, bytes); cells read them with
// nb.UploadedFile. Proxy scoring (nb.Proxies) and the trainings of successive
// halving and of searches by training run in a pool of workers that
// this program starts (pool.go).
//
// A cell that never ends is stopped by the page terminating the worker. A
// cell whose variables hold more memory than the kernel's limit ends the
// program after its "done", with "fatal error: memory limit: ..." on
// standard error, and the page starts a fresh kernel.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"syscall/js"

	"nasbook/engine/compute"
	"nasbook/nb"
	"nasbook/notebook"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

type message struct {
	Type           string           `json:"type"`
	ID             any              `json:"id,omitempty"`
	Output         *notebook.Output `json:"output,omitempty"`
	Status         string           `json:"status,omitempty"`
	ExecutionCount int              `json:"execution_count,omitempty"`
	Version        string           `json:"version,omitempty"`
	Kernels        string           `json:"kernels,omitempty"`
	Packages       []string         `json:"packages,omitempty"`
	Error          string           `json:"error,omitempty"`
	Name           string           `json:"name,omitempty"`  // search-saved
	State          string           `json:"state,omitempty"` // search-saved
}

func emit(m message) {
	b, err := json.Marshal(m)
	if err != nil {
		b, _ = json.Marshal(message{Type: "output", ID: m.ID, Output: &notebook.Output{
			OutputType: "error", EName: "output error", EValue: err.Error()}})
	}
	js.Global().Call("nasbookEmit", string(b))
}

type job struct {
	id     any
	source string
}

func main() {
	var current any
	pause := newPauser()
	k, err := notebook.NewKernel(func(o notebook.Output) {
		emit(message{Type: "output", ID: current, Output: &o})
		pause.point()
	}, newFetchFS())
	if err != nil {
		emit(message{Type: "fatal", Error: err.Error()})
		return
	}
	pool := newWorkerPool(0)
	k.Session().Pool, k.Session().TrainPool = pool, pool
	js.Global().Set("nasbookUpload", js.FuncOf(func(_ js.Value, args []js.Value) any {
		b := make([]byte, args[1].Get("length").Int())
		js.CopyBytesToGo(b, args[1])
		k.Session().AddUpload(args[0].String(), b)
		return nil
	}))
	js.Global().Set("nasbookEdit", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var req nb.EditRequest
		ans := nb.EditAnswer{}
		if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			ans.Error = "reading the canvas's edit: " + err.Error()
		} else {
			ans = k.Session().Edited(req)
		}
		b, _ := json.Marshal(ans)
		return string(b)
	}))
	// A search's saved state goes to the page as it is saved, and comes
	// back to a restarted kernel, so that the search survives Stop.
	k.Session().OnSearchSaved = func(name, state string) {
		emit(message{Type: "search-saved", Name: name, State: state})
	}
	js.Global().Set("nasbookKeepSearch", js.FuncOf(func(_ js.Value, args []js.Value) any {
		k.Session().KeepSearch(args[0].String(), args[1].String())
		return nil
	}))
	jobs := make(chan job, 64)
	js.Global().Set("nasbookRun", js.FuncOf(func(_ js.Value, args []js.Value) any {
		jobs <- job{id: jsID(args[0]), source: args[1].String()}
		return nil
	}))
	emit(message{Type: "ready", Version: version, Kernels: compute.Default().Name, Packages: k.Packages()})
	for j := range jobs {
		current = j.id
		pause.start()
		status := "ok"
		if err := k.Run(context.Background(), j.source); err != nil {
			status = "error"
		}
		emit(message{Type: "done", ID: j.id, Status: status, ExecutionCount: k.ExecutionCount()})
		if err := k.Broken(); err != nil {
			// The cell's variables hold more than the kernel may: end the
			// program, and the page starts a fresh kernel, saying why.
			fmt.Fprintf(os.Stderr, "fatal error: %v\n", err)
			os.Exit(3)
		}
	}
}

// jsID keeps a cell id as the page sent it: a number or a string.
func jsID(v js.Value) any {
	if v.Type() == js.TypeNumber {
		return v.Float()
	}
	return v.String()
}
