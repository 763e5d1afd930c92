package e2e

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The kernel survives its cells: each case below is an error on its cell
// with the kernel's variables intact, or, where the runtime cannot recover
// (the tab's memory), a fresh kernel with the notebook's sources and
// outputs intact and a banner saying what happened.

// cellTexts returns the notebook's cells as the page shows them.
func cellTexts(t *testing.T, ctx context.Context) []cellState {
	t.Helper()
	return eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
}

func TestRunawayRecursionIsAnError(t *testing.T) {
	ctx := page(t)
	runCell(t, ctx, "kept := 41")
	got := runCell(t, ctx, "func down(n int) int {\n\treturn down(n+1) + 1\n}\ndown(0)")
	if got.Error == nil || !strings.Contains(*got.Error, "call depth limit: more than 2000 calls") || !strings.Contains(*got.Error, "line 1") {
		t.Fatalf("error %v", deref(got.Error))
	}
	if r := runCell(t, ctx, "kept + 1"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the recursion: text %q error %v (the kernel lost its state?)", r.Text, deref(r.Error))
	}
}

func TestGoroutinePanicIsTheCellsError(t *testing.T) {
	ctx := page(t)
	runCell(t, ctx, "kept := 41")
	got := runCell(t, ctx, "done := make(chan bool)\ngo func() {\n\tpanic(\"in a goroutine\")\n}()\n<-done")
	if got.Error == nil || !strings.Contains(*got.Error, "in the goroutine started at line 2: in a goroutine") {
		t.Errorf("error %v, want the goroutine's panic", deref(got.Error))
	}
	got = runCell(t, ctx, "import \"time\"\ntime.AfterFunc(time.Millisecond, func() { panic(\"in a timer\") })\ntime.Sleep(2 * time.Second)")
	if got.Error == nil || !strings.Contains(*got.Error, "in a time.AfterFunc callback: in a timer") {
		t.Errorf("error %v, want the callback's panic", deref(got.Error))
	}
	if r := runCell(t, ctx, "kept + 1"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the panics: text %q error %v (the kernel lost its state?)", r.Text, deref(r.Error))
	}
}

func TestGoroutineOutputStaysInItsCell(t *testing.T) {
	ctx := page(t)
	got := runCell(t, ctx, "import (\n\t\"fmt\"\n\t\"time\"\n)\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tfmt.Println(\"tick\", i)\n\t\ttime.Sleep(5 * time.Millisecond)\n\t}\n}()\ntime.Sleep(100 * time.Millisecond)")
	if got.Error != nil || !strings.Contains(got.Text, "tick 0\n") || !strings.Contains(got.Text, "were still running when it ended; they were stopped") {
		t.Fatalf("the goroutine's cell: text %q error %v", got.Text, deref(got.Error))
	}
	first := got.Text
	next := runCell(t, ctx, "time.Sleep(300 * time.Millisecond)\nfmt.Println(\"second\")")
	if next.Error != nil || next.Text != "second\n" {
		t.Errorf("the next cell: text %q error %v", next.Text, deref(next.Error))
	}
	cells := cellTexts(t, ctx)
	if n := len(cells); n < 2 || cells[n-2].Text != first {
		t.Errorf("the goroutine's cell changed after it ended: %q", cells[len(cells)-2].Text)
	}
}

func TestStopEndsGoroutines(t *testing.T) {
	ctx := page(t)
	eval[any](t, ctx, `(window.__spin = window.nasbook.runCell("import \"fmt\"\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tif i%1000000 == 0 {\n\t\t\tfmt.Println(\"spin\", i)\n\t\t}\n\t}\n}()\nfor {\n}"), true)`, patience)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const c = window.nasbook.cells(); if (c[c.length-1].state === "running") resolve(true); else setTimeout(poll, 20); })(); })`, patience)
	eval[any](t, ctx, `(document.querySelector('#stop').click(), true)`, time.Second)
	spin := eval[cellResult](t, ctx, `window.__spin`, patience)
	if spin.Error == nil || !strings.Contains(*spin.Error, "Stopped") {
		t.Errorf("the stopped cell's error is %v", deref(spin.Error))
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	stopped := cellTexts(t, ctx)
	got := runCell(t, ctx, "import \"time\"\ntime.Sleep(300 * time.Millisecond)\n\"quiet\"")
	if got.Error != nil || got.Text != "quiet\n" {
		t.Errorf("after Stop: text %q error %v", got.Text, deref(got.Error))
	}
	cells := cellTexts(t, ctx)
	if a, b := stopped[len(stopped)-1].Text, cells[len(cells)-2].Text; a != b {
		t.Errorf("the stopped cell's goroutine went on printing: %q, then %q", a, b)
	}
}

// TestMemoryExhaustionRestartsTheKernel: a cell that allocates more than a
// tab can hold ends with an error on the cell and a fresh kernel; the
// notebook keeps every source and every output, and a banner says what
// happened.
func TestMemoryExhaustionRestartsTheKernel(t *testing.T) {
	ctx := page(t)
	before := runCell(t, ctx, "import \"fmt\"\nkept := 1\nfmt.Println(\"an output to keep\", kept)")
	if before.Text != "an output to keep 1\n" {
		t.Fatalf("first cell: %q", before.Text)
	}
	got := runCell(t, ctx, "var blocks [][]float64\nfor i := 0; i < 64; i++ {\n\tblocks = append(blocks, make([]float64, 1<<27)) // 1 GiB each\n}")
	if got.Error == nil {
		t.Fatalf("a 64 GiB allocation succeeded: %q", got.Text)
	}
	if !strings.Contains(*got.Error, "out of memory") && !strings.Contains(*got.Error, "memory limit") {
		t.Errorf("the error does not say the kernel ran out of memory: %.300s", *got.Error)
	}
	banner := eval[string](t, ctx, `document.querySelector('#banners').innerText`, patience)
	if !strings.Contains(banner, "restarted") || !strings.Contains(banner, "memory") {
		t.Errorf("the banner does not say the kernel was restarted for memory: %q", banner)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	if r := runCell(t, ctx, "6 * 7"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the allocation: text %q error %v", r.Text, deref(r.Error))
	}
	found := false
	for _, c := range cellTexts(t, ctx) {
		if strings.Contains(c.Source, "kept := 1") {
			found = true
			if c.Text != "an output to keep 1\n" {
				t.Errorf("the first cell's output became %q", c.Text)
			}
		}
	}
	if !found {
		t.Error("the notebook lost a cell's source")
	}
}

// TestMemoryLimitRestartsTheKernel: a variable that holds more than the
// kernel's limit (1.5 GiB in the browser) fails its cell naming the limit,
// and the page starts a fresh kernel and says why.
func TestMemoryLimitRestartsTheKernel(t *testing.T) {
	ctx := page(t)
	got := runCell(t, ctx, "big := make([]byte, 1600<<20)\nbig[0] = 1")
	if got.Error == nil || !strings.Contains(*got.Error, "memory limit: the kernel's variables hold 1.6 GiB, over its limit of 1.5 GiB") {
		t.Fatalf("error %v", deref(got.Error))
	}
	banner := eval[string](t, ctx, `new Promise(resolve => { (function poll() {
		const b = document.querySelector('#banners').innerText; if (b.includes('restarted')) resolve(b); else setTimeout(poll, 50); })(); })`, 30*time.Second)
	if !strings.Contains(banner, "memory limit") {
		t.Errorf("the banner does not name the memory limit: %q", banner)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, 60*time.Second)
	if r := runCell(t, ctx, "6 * 7"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the restart: text %q error %v", r.Text, deref(r.Error))
	}
}
