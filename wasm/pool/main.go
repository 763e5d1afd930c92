//go:build js && wasm

// Command pool is a pool worker: it scores architectures with zero-cost
// proxies and trains them, with the engine alone (no interpreter), one job
// at a time, inside a Web Worker that the kernel worker starts
// (assets/js/pool-worker.js is the other side, wasm/kernel/pool.go the
// kernel's).
//
// Protocol: the program defines
//   - self.nasbookScore(job, cached), which takes a proxy.Job as JSON and
//     returns its proxy.Result as JSON, synchronously. A job's batch
//     (Config.Examples) is kept: a later job sent with cached true and no
//     batch scores on it.
//   - self.nasbookData(id, meta, x, y): a dataset the kernel sends once,
//     meta as JSON (name, c, h, w, classes, class_names, vocab), x the examples
//     as float32 bytes, y the labels as int32 bytes (little-endian).
//   - self.nasbookDropData(id) forgets a dataset.
//   - self.nasbookTrain(id, job, train, valid, test), which trains an
//     estimate.Job given as JSON on the datasets of those ids (0: none),
//     posts {id, epoch} (estimate.EncodeEpoch) after every epoch, and
//     returns its result (estimate.EncodeResult), synchronously. A run a
//     later job continues (Job.Key) is kept.
//   - self.nasbookExport(key), which takes the run of that key out of this
//     worker and returns it as a Uint8Array (estimate.Runs.Export), or a
//     string saying why it cannot.
//   - self.nasbookImport(key, snapshot), which keeps a run another worker
//     exported for the next job of key, and returns "" or a string saying
//     why the bytes are not a run.
//
// then it calls self.nasbookPoolReady().
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"syscall/js"

	"nasbook/engine/data"
	"nasbook/engine/estimate"
	"nasbook/engine/proxy"
	"nasbook/engine/train"
)

func main() {
	js.Global().Set("nasbookScore", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return score(args[0].String(), len(args) > 1 && args[1].Truthy())
	}))
	js.Global().Set("nasbookData", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if err := addData(args[0].Int(), args[1].String(), args[2], args[3]); err != nil {
			dataErrs[args[0].Int()] = err
		}
		return nil
	}))
	js.Global().Set("nasbookDropData", js.FuncOf(func(_ js.Value, args []js.Value) any {
		delete(datasets, args[0].Int())
		delete(dataErrs, args[0].Int())
		return nil
	}))
	js.Global().Set("nasbookTrain", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return trainJob(args[0], args[1].String(), args[2].Int(), args[3].Int(), args[4].Int())
	}))
	js.Global().Set("nasbookExport", js.FuncOf(func(_ js.Value, args []js.Value) any {
		b, err := runs.Export(args[0].String())
		if err != nil {
			return "pool worker: " + err.Error()
		}
		a := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(a, b)
		return a
	}))
	js.Global().Set("nasbookImport", js.FuncOf(func(_ js.Value, args []js.Value) any {
		b := make([]byte, args[1].Get("length").Int())
		js.CopyBytesToGo(b, args[1])
		if err := runs.Import(args[0].String(), b); err != nil {
			return "pool worker: " + err.Error()
		}
		return ""
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

// datasets are the datasets the kernel sent, by id, and why those that
// could not be read were not.
var (
	datasets = map[int]*data.Dataset{}
	dataErrs = map[int]error{}
)

func addData(id int, meta string, x, y js.Value) error {
	var m struct {
		Name       string   `json:"name"`
		C          int      `json:"c"`
		H          int      `json:"h"`
		W          int      `json:"w"`
		Classes    int      `json:"classes"`
		ClassNames []string `json:"class_names"`
		Vocab      int      `json:"vocab"`
	}
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		return fmt.Errorf("pool worker: dataset %d: %v", id, err)
	}
	xb := make([]byte, x.Get("length").Int())
	js.CopyBytesToGo(xb, x)
	yb := make([]byte, y.Get("length").Int())
	js.CopyBytesToGo(yb, y)
	d := &data.Dataset{Name: m.Name, C: m.C, H: m.H, W: m.W, Classes: m.Classes, ClassNames: m.ClassNames, Vocab: m.Vocab,
		X: make([]float32, len(xb)/4), Y: make([]int, len(yb)/4)}
	for i := range d.X {
		d.X[i] = math.Float32frombits(binary.LittleEndian.Uint32(xb[4*i:]))
	}
	for i := range d.Y {
		d.Y[i] = int(int32(binary.LittleEndian.Uint32(yb[4*i:])))
	}
	if len(d.X) != len(d.Y)*d.C*d.H*d.W {
		return fmt.Errorf("pool worker: dataset %d: %d values for %d examples of %dx%dx%d", id, len(d.X), len(d.Y), d.C, d.H, d.W)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("pool worker: dataset %d: %v", id, err)
	}
	datasets[id] = d
	return nil
}

// runs holds the runs a later job continues.
var runs estimate.Runs

// trainJob runs one training job; a panic becomes the result's error.
func trainJob(id js.Value, job string, tr, va, te int) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = string(estimate.EncodeResult(estimate.Result{}, fmt.Errorf("pool worker: %v", r)))
		}
	}()
	var j estimate.Job
	if err := json.Unmarshal([]byte(job), &j); err != nil {
		return string(estimate.EncodeResult(estimate.Result{}, fmt.Errorf("pool worker: %v", err)))
	}
	for _, d := range []struct {
		id  int
		dst **data.Dataset
	}{{tr, &j.Data.Train}, {va, &j.Data.Valid}, {te, &j.Data.Test}} {
		if d.id == 0 {
			continue
		}
		if *d.dst = datasets[d.id]; *d.dst == nil {
			if err := dataErrs[d.id]; err != nil {
				return string(estimate.EncodeResult(estimate.Result{}, err))
			}
			return string(estimate.EncodeResult(estimate.Result{}, fmt.Errorf("pool worker: no dataset %d", d.id)))
		}
	}
	post := js.Global().Get("postMessage")
	j.Config.OnEpoch = func(_ int, st train.EpochStats) {
		m := js.Global().Get("Object").New()
		m.Set("id", id)
		m.Set("epoch", string(estimate.EncodeEpoch(st)))
		post.Invoke(m)
	}
	r, err := runs.Do(context.Background(), j)
	return string(estimate.EncodeResult(r, err))
}
