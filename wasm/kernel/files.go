//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"syscall/js"
	"time"
)

// fetchFS is the built-in data (assets/build/data), fetched from the page's
// server on first use and kept for the life of the worker.
type fetchFS struct {
	base  string // URL of the data folder, ending in '/'
	cache map[string][]byte
}

func newFetchFS() *fetchFS {
	loc := js.Global().Get("location").Get("href").String() // .../assets/js/kernel-worker.js
	base := js.Global().Get("URL").New("../build/data/", loc).Get("href").String()
	return &fetchFS{base: base, cache: map[string][]byte{}}
}

func (f *fetchFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	b, ok := f.cache[name]
	if !ok {
		var err error
		if b, err = fetchBytes(f.base + name); err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		f.cache[name] = b
	}
	return &memFile{Reader: bytes.NewReader(b), name: name, size: int64(len(b))}, nil
}

// fetchBytes GETs url. It blocks the calling goroutine, not the worker: the Go
// runtime returns to the JavaScript event loop while it waits.
func fetchBytes(url string) ([]byte, error) {
	type result struct {
		v   js.Value
		err error
	}
	await := func(p js.Value) (js.Value, error) {
		ch := make(chan result, 1)
		ok := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- result{v: args[0]}; return nil })
		fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
			ch <- result{err: fmt.Errorf("%s", args[0].Call("toString").String())}
			return nil
		})
		defer ok.Release()
		defer fail.Release()
		p.Call("then", ok, fail)
		r := <-ch
		return r.v, r.err
	}
	resp, err := await(js.Global().Call("fetch", url))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("fetching %s: HTTP %d", url, resp.Get("status").Int())
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (m *memFile) Stat() (fs.FileInfo, error) { return memInfo{m.name, m.size}, nil }
func (m *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
