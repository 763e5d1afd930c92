//go:build js && wasm

package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"syscall/js"
	"time"
	"unsafe"

	"nasbook/engine/data"
	"nasbook/engine/estimate"
	"nasbook/engine/proxy"
	"nasbook/engine/train"
)

// workerPool scores proxy jobs and trains architectures in Web Workers
// running pool.wasm (assets/js/pool-worker.js), one job per worker at a
// time. Workers start on first use and live as long as the kernel, but for
// those cancelled in the middle of a job, which are ended and started
// again on next use. It implements proxy.Evaluator and estimate.Pool; each
// job's result is what it gives in this process, whatever the number of
// workers.
//
// One goroutine, the caller's, hands out the jobs and takes the workers'
// messages, so that a paused cell (at its next output: a progress update
// in the callbacks) sends no more jobs until it resumes; the workers finish
// the jobs they have and wait.
type workerPool struct {
	size    int
	workers []*poolWorker // nil: to start

	mu     sync.Mutex
	inbox  []poolMsg     // the workers' messages not yet taken
	signal chan struct{} // a message came

	seq     int                   // the id of the last job sent
	lastID  int                   // the id of the last dataset sent
	dataIDs map[*data.Dataset]int // datasets sent to some worker
	group   string                // of the keys in held
	held    map[string]int        // a training run (estimate.Job.Key) to the worker that holds it
	pace    map[string]runPace    // of the runs in held
	// units and unitTime add up the estimated work (Job.EpochWork) and the
	// time of the epochs trained so far: their ratio puts a job whose run
	// nobody holds on the scale of the held runs' paces.
	units    float64
	unitTime time.Duration
}

// moveCost is what moving a held run to another worker adds to its job:
// exporting, posting and restoring it take about 10 ms natively for an
// NB201 network of 56,000 parameters (C=8), a few times that in wasm, where
// an epoch of such a network on a few hundred images takes a second.
const moveCost = 50 * time.Millisecond

// runPace is what a held run has trained, and how fast.
type runPace struct {
	epochs  int
	epoch   time.Duration // the mean of its epochs
	stopped bool          // by early stopping: it trains no more
}

type poolWorker struct {
	w     js.Value
	ready chan error
	// examples is the batch this worker holds: a job with the same batch
	// goes without it (a batch of 64 CIFAR images is about 2 MB of JSON).
	examples *proxy.Examples
	sent     map[int]bool // the datasets this worker holds, by id
}

// poolMsg is a message of a worker about job id: its result, or an epoch
// of its training; or the reply to export id: the run's snapshot (a
// Uint8Array), or why there is none.
type poolMsg struct {
	id            int
	result, epoch string
	export        bool
	snapshot      js.Value
	err           string
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
	size = max(size, 1)
	return &workerPool{size: size, workers: make([]*poolWorker, size), signal: make(chan struct{}, 1),
		dataIDs: map[*data.Dataset]int{}, held: map[string]int{}, pace: map[string]runPace{}}
}

// Workers implements estimate.Pool.
func (p *workerPool) Workers() int { return p.size }

// start starts the workers that are not running and waits until they are
// ready.
func (p *workerPool) start() error {
	// The kernel worker runs assets/js/kernel-worker.js; the pool script is beside it.
	url := js.Global().Get("URL").New("pool-worker.js", js.Global().Get("location").Get("href")).Get("href")
	var started []*poolWorker
	for i, pw := range p.workers {
		if pw != nil {
			continue
		}
		pw = &poolWorker{w: js.Global().Get("Worker").New(url), ready: make(chan error, 1), sent: map[int]bool{}}
		pw.w.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
			m := args[0].Get("data")
			switch t := m.Get("type"); {
			case t.Truthy() && t.String() == "ready":
				pw.ready <- nil
			case t.Truthy() && t.String() == "load-error":
				pw.ready <- fmt.Errorf("pool worker: %s", m.Get("message").String())
			default:
				// Never block here: the event loop must stay free for the
				// page's pause and resume.
				msg := poolMsg{id: m.Get("id").Int()}
				if e := m.Get("epoch"); e.Truthy() {
					msg.epoch = e.String()
				} else if m.Get("export").Truthy() {
					msg.export = true
					if e := m.Get("error"); e.Truthy() {
						msg.err = e.String()
					} else {
						msg.snapshot = m.Get("snapshot")
					}
				} else {
					msg.result = m.Get("result").String()
				}
				p.mu.Lock()
				p.inbox = append(p.inbox, msg)
				p.mu.Unlock()
				select {
				case p.signal <- struct{}{}:
				default:
				}
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
		p.workers[i] = pw
		started = append(started, pw)
	}
	for _, pw := range started {
		if err := <-pw.ready; err != nil {
			for i, q := range p.workers {
				if q != nil {
					p.end(i)
				}
			}
			return err
		}
	}
	return nil
}

// next waits for a worker's message.
func (p *workerPool) next(ctx context.Context) (poolMsg, error) {
	for {
		p.mu.Lock()
		if len(p.inbox) > 0 {
			m := p.inbox[0]
			p.inbox = p.inbox[1:]
			p.mu.Unlock()
			return m, nil
		}
		p.mu.Unlock()
		select {
		case <-p.signal:
		case <-ctx.Done():
			return poolMsg{}, ctx.Err()
		}
	}
}

// end terminates worker w, and forgets the runs it held.
func (p *workerPool) end(w int) {
	p.workers[w].w.Call("terminate")
	p.workers[w] = nil
	for k, h := range p.held {
		if h == w {
			delete(p.held, k)
		}
	}
}

// run hands out the jobs of order, in that order as far as pick allows: pick
// chooses which of the pending ones worker w takes next (an index into
// pending, or -1 for none: w waits), knowing which workers are busy; send
// posts job i to worker w under the id seq, and handle takes a message
// under that id for job i on worker w and says whether the job is done,
// and which jobs to hand out besides. Every idle worker gets a job before
// run waits for a message. When ctx is done, the workers in the middle of
// a job are ended.
func (p *workerPool) run(ctx context.Context, order []int, pick func(w int, pending []int, busy []bool) int,
	send func(w, i, seq int) error, handle func(w, i int, m poolMsg) (done bool, more []int)) error {
	if err := p.start(); err != nil {
		return err
	}
	type running struct{ w, i int }
	inFlight := map[int]running{}
	busy := make([]bool, len(p.workers))
	pending := append([]int(nil), order...)
	for len(pending) > 0 || len(inFlight) > 0 {
		for w := range p.workers {
			if busy[w] || len(pending) == 0 || ctx.Err() != nil {
				continue
			}
			k := 0
			if pick != nil {
				if k = pick(w, pending, busy); k < 0 {
					continue
				}
			}
			i := pending[k]
			pending = append(pending[:k], pending[k+1:]...)
			p.seq++
			if err := send(w, i, p.seq); err != nil {
				return err
			}
			busy[w], inFlight[p.seq] = true, running{w, i}
		}
		if len(inFlight) == 0 && ctx.Err() == nil {
			return fmt.Errorf("pool: no worker takes the %d jobs left", len(pending))
		}
		m, err := p.next(ctx)
		if err != nil {
			for _, r := range inFlight {
				if p.workers[r.w] != nil {
					p.end(r.w)
				}
			}
			return err
		}
		r, ok := inFlight[m.id]
		if !ok {
			continue // of a job cancelled earlier
		}
		done, more := handle(r.w, r.i, m)
		if done {
			delete(inFlight, m.id)
			busy[r.w] = false
		}
		pending = append(pending, more...)
	}
	return ctx.Err()
}

// Evaluate implements proxy.Evaluator.
func (p *workerPool) Evaluate(ctx context.Context, jobs []proxy.Job, done func(i int, r proxy.Result)) error {
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	return p.run(ctx, order, nil, func(w, i, seq int) error {
		pw, j := p.workers[w], jobs[i]
		cached := j.Config.Examples != nil && j.Config.Examples == pw.examples
		if cached {
			j.Config.Examples = nil
		} else if j.Config.Examples != nil {
			pw.examples = j.Config.Examples
		}
		b, err := json.Marshal(j)
		if err != nil {
			return err
		}
		msg := js.Global().Get("Object").New()
		msg.Set("id", seq)
		msg.Set("job", string(b))
		msg.Set("cached", cached)
		pw.w.Call("postMessage", msg)
		return nil
	}, func(_, i int, m poolMsg) (bool, []int) {
		var r proxy.Result
		if err := json.Unmarshal([]byte(m.result), &r); err != nil {
			r = proxy.Result{Err: err.Error()}
		}
		done(i, r)
		return true, nil
	})
}

// Train implements estimate.Pool. A free worker takes the job that
// estimate.Pick chooses, by Order, then by the epochs each adds to its
// run (longest processing time first): at the pace of the run's epochs so
// far if a worker holds it, else at the pace per multiply-add of the
// epochs trained so far. A job that continues a run (Key) goes to the worker that holds
// the run; a free worker takes those whose runs nobody holds. Before the
// first jobs go out (all workers idle, as when a caller hands out a rung at
// a time), runs move between the workers as estimate.Rebalance plans it
// (balance); later, a worker with nothing else to do takes over a run of a
// busy worker that holds two or more waiting: the holder exports it once
// its job ends, and the free worker imports it and trains it on. A run is
// never trained again from scratch while the worker holding it lives.
func (p *workerPool) Train(ctx context.Context, jobs []estimate.Job, epoch func(int, train.EpochStats), done func(int, estimate.Result, int, error) []estimate.Job) error {
	jobs = append([]estimate.Job(nil), jobs...)
	var wire []string
	var units []float64
	// add takes in more jobs: their JSON and their epochs' work.
	add := func(more []estimate.Job) error {
		texts := make([]string, len(more))
		for k, j := range more {
			b, err := json.Marshal(j)
			if err != nil {
				return fmt.Errorf("pool: job %d: %w", len(wire)+k, err)
			}
			texts[k] = string(b)
		}
		for k, j := range more {
			wire, units = append(wire, texts[k]), append(units, j.EpochWork())
			if g, _, _ := strings.Cut(j.Key, "/"); j.Key != "" && g != p.group {
				p.group, p.held, p.pace = g, map[string]int{}, map[string]runPace{}
			}
		}
		return nil
	}
	if err := add(jobs); err != nil {
		return err
	}
	p.keepData(jobs)
	if err := p.start(); err != nil {
		return err
	}
	if err := p.balance(ctx, jobs, p.work(jobs, units)); err != nil {
		return err
	}
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	holder := func(i int) int {
		if h, ok := p.held[jobs[i].Key]; ok && jobs[i].Key != "" {
			return h
		}
		return -1
	}
	pick := func(w int, pending []int, busy []bool) int {
		return estimate.Pick(w, pending, holder, busy, func(i int) int { return jobs[i].Order },
			func(i int) float64 { return p.work(jobs[i:i+1], units[i:i+1])[0] })
	}
	// post sends job i to worker w under the id seq.
	post := func(w, i, seq int) {
		pw, j := p.workers[w], jobs[i]
		delete(p.held, j.Key)
		msg := js.Global().Get("Object").New()
		msg.Set("type", "train")
		msg.Set("id", seq)
		msg.Set("job", wire[i])
		msg.Set("train", p.sendData(pw, j.Data.Train))
		msg.Set("valid", p.sendData(pw, j.Data.Valid))
		msg.Set("test", p.sendData(pw, j.Data.Test))
		pw.w.Call("postMessage", msg)
	}
	var failed error // of a job done returned
	err := p.run(ctx, order, pick, func(w, i, seq int) error {
		if h := holder(i); h >= 0 && h != w {
			// Taken over: the holder exports the run under seq, and its
			// reply (in handle) sends the job.
			delete(p.held, jobs[i].Key)
			msg := js.Global().Get("Object").New()
			msg.Set("type", "export")
			msg.Set("id", seq)
			msg.Set("key", jobs[i].Key)
			p.workers[h].w.Call("postMessage", msg)
			return nil
		}
		post(w, i, seq)
		return nil
	}, func(w, i int, m poolMsg) (bool, []int) {
		if m.export {
			if m.err != "" {
				js.Global().Get("console").Call("warn", m.err) // trained from the start instead
			} else {
				msg := js.Global().Get("Object").New()
				msg.Set("type", "import")
				msg.Set("key", jobs[i].Key)
				msg.Set("snapshot", m.snapshot)
				p.workers[w].w.Call("postMessage", msg, []any{m.snapshot.Get("buffer")})
			}
			post(w, i, m.id)
			return false, nil
		}
		if m.epoch != "" {
			if st, err := estimate.DecodeEpoch([]byte(m.epoch)); err == nil {
				p.units += units[i]
				p.unitTime += st.Duration
				if epoch != nil {
					epoch(i, st)
				}
			}
			return false, nil
		}
		r, err := estimate.DecodeResult([]byte(m.result))
		if j := jobs[i]; j.Key != "" && err == nil && len(r.Curve) < max(j.Total, j.Config.Epochs) {
			// Held as Runs.Do holds it: a run early stopping ended too,
			// whose next job trains nothing.
			p.held[j.Key] = w
			var sum time.Duration
			for _, st := range r.Curve {
				sum += st.Duration
			}
			p.pace[j.Key] = runPace{epochs: len(r.Curve), epoch: sum / time.Duration(max(len(r.Curve), 1)), stopped: r.Early}
		}
		more := done(i, r, w, err)
		if failed != nil {
			return true, nil
		}
		if failed = add(more); failed != nil {
			return true, nil
		}
		var idx []int
		for _, j := range more {
			idx = append(idx, len(jobs))
			jobs = append(jobs, j)
		}
		return true, idx
	})
	if err == nil {
		err = failed
	}
	return err
}

// work returns each job's work in nanoseconds: the epochs it adds to its
// run, at the pace of the run's epochs if a worker holds it (nothing for a
// run early stopping ended), else, trained from the start, at the time per
// unit of the epochs so far (before any, the units themselves, the same
// scale for every job).
func (p *workerPool) work(jobs []estimate.Job, units []float64) []float64 {
	perUnit := 1.0
	if p.units > 0 {
		perUnit = float64(p.unitTime) / p.units
	}
	work := make([]float64, len(jobs))
	for i, j := range jobs {
		epochs := max(j.Config.Epochs, 1)
		if _, ok := p.held[j.Key]; ok && j.Key != "" {
			pace := p.pace[j.Key]
			if pace.stopped {
				continue
			}
			work[i] = float64(max(epochs-pace.epochs, 0)) * float64(max(pace.epoch, 1))
			continue
		}
		work[i] = float64(epochs) * units[i] * perUnit
	}
	return work
}

// balance moves the runs that jobs continue between the workers, which
// must be idle, as estimate.Rebalance plans it from each job's work, a
// move costing moveCost: the holder exports the run, the kernel waits for
// it, and posts it to the other worker, which imports it before the job it
// will be sent. A run that cannot be exported is held by nobody: a free
// worker trains it from the start.
func (p *workerPool) balance(ctx context.Context, jobs []estimate.Job, work []float64) error {
	holders := make([]int, len(jobs))
	for i, j := range jobs {
		holders[i] = -1
		if h, ok := p.held[j.Key]; ok && j.Key != "" {
			holders[i] = h
		}
	}
	moves := estimate.Rebalance(holders, work, len(p.workers), float64(moveCost))
	exports := map[int]int{} // message id to job
	for i := range jobs {
		if _, ok := moves[i]; !ok {
			continue
		}
		p.seq++
		msg := js.Global().Get("Object").New()
		msg.Set("type", "export")
		msg.Set("id", p.seq)
		msg.Set("key", jobs[i].Key)
		p.workers[holders[i]].w.Call("postMessage", msg)
		exports[p.seq] = i
	}
	for len(exports) > 0 {
		m, err := p.next(ctx)
		if err != nil {
			return err
		}
		i, ok := exports[m.id]
		if !ok || !m.export {
			continue // of a job cancelled earlier
		}
		delete(exports, m.id)
		key := jobs[i].Key
		delete(p.held, key)
		if m.err != "" {
			js.Global().Get("console").Call("warn", m.err)
			continue
		}
		msg := js.Global().Get("Object").New()
		msg.Set("type", "import")
		msg.Set("key", key)
		msg.Set("snapshot", m.snapshot)
		p.workers[moves[i]].w.Call("postMessage", msg, []any{m.snapshot.Get("buffer")})
		p.held[key] = moves[i]
	}
	return nil
}

// keepData has the workers drop the datasets that none of jobs trains on,
// and forgets them here, so that a notebook's old datasets do not stay in
// memory: a search sends its data once, and a later search on other data
// sends that.
func (p *workerPool) keepData(jobs []estimate.Job) {
	used := map[*data.Dataset]bool{}
	for _, j := range jobs {
		used[j.Data.Train], used[j.Data.Valid], used[j.Data.Test] = true, true, true
	}
	for d, id := range p.dataIDs {
		if used[d] {
			continue
		}
		delete(p.dataIDs, d)
		for _, pw := range p.workers {
			if pw != nil && pw.sent[id] {
				msg := js.Global().Get("Object").New()
				msg.Set("type", "drop")
				msg.Set("id", id)
				pw.w.Call("postMessage", msg)
				delete(pw.sent, id)
			}
		}
	}
}

// sendData posts d to worker pw unless it holds it already, and returns
// its id (0 for no data). The examples go as bytes, transferred, never as
// JSON: once per worker and dataset, whatever the number of jobs.
func (p *workerPool) sendData(pw *poolWorker, d *data.Dataset) int {
	if d == nil {
		return 0
	}
	id, ok := p.dataIDs[d]
	if !ok {
		p.lastID++
		id = p.lastID
		p.dataIDs[d] = id
	}
	if pw.sent[id] {
		return id
	}
	meta, _ := json.Marshal(map[string]any{"name": d.Name, "c": d.C, "h": d.H, "w": d.W, "classes": d.Classes, "class_names": d.ClassNames, "vocab": d.Vocab})
	var xb []byte
	if len(d.X) > 0 {
		xb = unsafe.Slice((*byte)(unsafe.Pointer(&d.X[0])), 4*len(d.X)) // wasm is little-endian, as the worker reads it
	}
	yb := make([]byte, 4*len(d.Y))
	for i, y := range d.Y {
		binary.LittleEndian.PutUint32(yb[4*i:], uint32(int32(y)))
	}
	x := js.Global().Get("Uint8Array").New(len(xb))
	js.CopyBytesToJS(x, xb)
	y := js.Global().Get("Uint8Array").New(len(yb))
	js.CopyBytesToJS(y, yb)
	msg := js.Global().Get("Object").New()
	msg.Set("type", "data")
	msg.Set("id", id)
	msg.Set("meta", string(meta))
	msg.Set("x", x)
	msg.Set("y", y)
	pw.w.Call("postMessage", msg, []any{x.Get("buffer"), y.Get("buffer")})
	pw.sent[id] = true
	return id
}
