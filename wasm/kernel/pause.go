//go:build js && wasm

package main

import (
	"sync/atomic"
	"syscall/js"
	"time"
)

// pauser lets the page pause a running cell. Go on js/wasm has no
// preemption, so a cell that computes never lets the worker's event loop
// run and the page's messages wait. Every output a cell makes (a progress
// bar, a canvas update, a line of text) is a yield point: at most every
// yieldEvery, the cell's goroutine waits for a MessageChannel round trip,
// which lets the event loop deliver "pause" and "resume"; while paused it
// waits for "resume". A cell that makes no output can only be stopped.
type pauser struct {
	requested atomic.Bool   // the page asked for a pause
	wake      chan struct{} // the round trip is done
	resume    chan struct{} // the page asked to resume
	post      js.Value      // posts to the MessageChannel
	last      time.Time
	paused    bool // announced to the page
}

const yieldEvery = 20 * time.Millisecond

func newPauser() *pauser {
	p := &pauser{wake: make(chan struct{}, 1), resume: make(chan struct{}, 1)}
	ch := js.Global().Get("MessageChannel").New()
	ch.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case p.wake <- struct{}{}:
		default:
		}
		return nil
	}))
	port2 := ch.Get("port2")
	p.post = port2.Get("postMessage").Call("bind", port2)
	js.Global().Set("nasbookPause", js.FuncOf(func(js.Value, []js.Value) any {
		p.requested.Store(true)
		return nil
	}))
	js.Global().Set("nasbookResume", js.FuncOf(func(js.Value, []js.Value) any {
		p.requested.Store(false)
		select {
		case p.resume <- struct{}{}:
		default:
		}
		return nil
	}))
	return p
}

// start forgets a pause asked for after the previous cell ended.
func (p *pauser) start() {
	p.requested.Store(false)
	p.last = time.Now()
	select {
	case <-p.resume:
	default:
	}
}

// point is a yield point of the running cell. A pause the page asked for
// while the cell waited (for a pool worker's message, say) is taken at
// once, however close the previous yield point was.
func (p *pauser) point() {
	if !p.requested.Load() && time.Since(p.last) < yieldEvery {
		return
	}
	p.post.Invoke(nil)
	<-p.wake
	for p.requested.Load() {
		if !p.paused {
			p.paused = true
			emit(message{Type: "paused"})
		}
		<-p.resume
	}
	if p.paused {
		p.paused = false
		emit(message{Type: "resumed"})
	}
	p.last = time.Now()
}
