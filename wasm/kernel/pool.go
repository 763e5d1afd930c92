//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	"nasbook/engine/proxy"
)

// workerPool scores proxy jobs in Web Workers running pool.wasm
// (assets/js/pool-worker.js), one job per worker at a time. Workers start on
// first use and live as long as the kernel. It implements proxy.Evaluator;
// each job's result is what Job.Run gives, whatever the number of workers.
type workerPool struct {
	size    int
	workers []*poolWorker
}

type poolWorker struct {
	w       js.Value
	ready   chan error
	results chan string
	// examples is the batch this worker holds: a job with the same batch
	// goes without it (a batch of 64 CIFAR images is about 2 MB of JSON).
	examples *proxy.Examples
}

// newWorkerPool returns a pool of size workers; size 0 means one per core
// (navigator.hardwareConcurrency), or self.nasbookPoolSize when the page set
// it.
func newWorkerPool(size int) *workerPool {
	if size <= 0 {
		if v := js.Global().Get("nasbookPoolSize"); v.Truthy() {
			size = v.Int()
		}
	}
	if size <= 0 {
		size = 2
		if n := js.Global().Get("navigator").Get("hardwareConcurrency"); n.Truthy() {
			size = n.Int()
		}
	}
	return &workerPool{size: max(size, 1)}
}

func (p *workerPool) start() error {
	if p.workers != nil {
		return nil
	}
	// The kernel worker runs assets/js/kernel-worker.js; the pool script is beside it.
	url := js.Global().Get("URL").New("pool-worker.js", js.Global().Get("location").Get("href")).Get("href")
	for i := 0; i < p.size; i++ {
		pw := &poolWorker{w: js.Global().Get("Worker").New(url), ready: make(chan error, 1), results: make(chan string, 1)}
		pw.w.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
			m := args[0].Get("data")
			switch t := m.Get("type"); {
			case t.Truthy() && t.String() == "ready":
				pw.ready <- nil
			case t.Truthy() && t.String() == "load-error":
				pw.ready <- fmt.Errorf("pool worker: %s", m.Get("message").String())
			default:
				pw.results <- m.Get("result").String()
			}
			return nil
		}))
		pw.w.Set("onerror", js.FuncOf(func(_ js.Value, args []js.Value) any {
			msg := "pool worker failed"
			if m := args[0].Get("message"); m.Truthy() {
				msg += ": " + m.String()
			}
			select {
			case pw.ready <- fmt.Errorf("%s", msg):
			default:
			}
			return nil
		}))
		p.workers = append(p.workers, pw)
	}
	for _, pw := range p.workers {
		if err := <-pw.ready; err != nil {
			for _, q := range p.workers {
				q.w.Call("terminate")
			}
			p.workers = nil
			return err
		}
	}
	return nil
}

// Evaluate implements proxy.Evaluator.
func (p *workerPool) Evaluate(ctx context.Context, jobs []proxy.Job, done func(i int, r proxy.Result)) error {
	if err := p.start(); err != nil {
		return err
	}
	next := make(chan int)
	type answer struct {
		i int
		r proxy.Result
	}
	answers := make(chan answer)
	for _, pw := range p.workers {
		go func() {
			for i := range next {
				j := jobs[i]
				cached := j.Config.Examples != nil && j.Config.Examples == pw.examples
				if cached {
					j.Config.Examples = nil
				} else if j.Config.Examples != nil {
					pw.examples = j.Config.Examples
				}
				b, err := json.Marshal(j)
				var r proxy.Result
				if err == nil {
					msg := js.Global().Get("Object").New()
					msg.Set("id", i)
					msg.Set("job", string(b))
					msg.Set("cached", cached)
					pw.w.Call("postMessage", msg)
					err = json.Unmarshal([]byte(<-pw.results), &r)
				}
				if err != nil {
					r = proxy.Result{Err: err.Error()}
				}
				answers <- answer{i, r}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range jobs {
		select {
		case a := <-answers:
			done(a.i, a.r)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
