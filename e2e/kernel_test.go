package e2e

import (
	"context"
	"encoding/json"
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

// TestKernelSurvivesItsCells runs the checks below one after another on one
// page (onOnePage).
func TestKernelSurvivesItsCells(t *testing.T) {
	onOnePage(t, page(t), []check{
		{"EverySpaceInTheBrowser", everySpaceInTheBrowser},
		{"PanicShowsErrorAndLine", panicShowsErrorAndLine},
		{"RunawayRecursionIsAnError", runawayRecursionIsAnError},
		{"GoroutinePanicIsTheCellsError", goroutinePanicIsTheCellsError},
		{"GoroutineOutputStaysInItsCell", goroutineOutputStaysInItsCell},
		{"PauseHoldsARunningCell", pauseHoldsARunningCell},
		{"StopEndsGoroutines", stopEndsGoroutines},
		{"StopEndsARunawayCell", stopEndsARunawayCell},
		{"MemoryExhaustionRestartsTheKernel", memoryExhaustionRestartsTheKernel},
		{"MemoryLimitRestartsTheKernel", memoryLimitRestartsTheKernel},
	})
}

// panicShowsErrorAndLine: a panic is an error on its cell, naming the
// line, and the kernel goes on.
func panicShowsErrorAndLine(t *testing.T, ctx context.Context) {
	got := runCell(t, ctx, "func explode() {\n\tpanic(\"kaboom\")\n}\n\nexplode()")
	if got.Error == nil {
		t.Fatalf("no error; text %q", got.Text)
	}
	for _, want := range []string{"kaboom", "line 2"} {
		if !strings.Contains(*got.Error, want) {
			t.Errorf("error %q lacks %q", *got.Error, want)
		}
	}
	state := eval[string](t, ctx, `(() => { const c = window.nasbook.cells(); return c[c.length-1].state })()`, patience)
	if state != "error" {
		t.Errorf("panicking cell state %q, want error", state)
	}
	got = runCell(t, ctx, "1 + 1")
	if got.Error != nil || got.Text != "2\n" {
		t.Errorf("after a panic: text %q error %v", got.Text, deref(got.Error))
	}
}

func runawayRecursionIsAnError(t *testing.T, ctx context.Context) {
	runCell(t, ctx, "kept := 41")
	got := runCell(t, ctx, "func down(n int) int {\n\treturn down(n+1) + 1\n}\ndown(0)")
	if got.Error == nil || !strings.Contains(*got.Error, "call depth limit: more than 2000 calls") || !strings.Contains(*got.Error, "line 1") {
		t.Fatalf("error %v", deref(got.Error))
	}
	if r := runCell(t, ctx, "kept + 1"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the recursion: text %q error %v (the kernel lost its state?)", r.Text, deref(r.Error))
	}
}

func goroutinePanicIsTheCellsError(t *testing.T, ctx context.Context) {
	runCell(t, ctx, "held := 41")
	got := runCell(t, ctx, "done := make(chan bool)\ngo func() {\n\tpanic(\"in a goroutine\")\n}()\n<-done")
	if got.Error == nil || !strings.Contains(*got.Error, "in the goroutine started at line 2: in a goroutine") {
		t.Errorf("error %v, want the goroutine's panic", deref(got.Error))
	}
	got = runCell(t, ctx, "import \"time\"\ntime.AfterFunc(time.Millisecond, func() { panic(\"in a timer\") })\ntime.Sleep(2 * time.Second)")
	if got.Error == nil || !strings.Contains(*got.Error, "in a time.AfterFunc callback: in a timer") {
		t.Errorf("error %v, want the callback's panic", deref(got.Error))
	}
	if r := runCell(t, ctx, "held + 1"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the panics: text %q error %v (the kernel lost its state?)", r.Text, deref(r.Error))
	}
}

func goroutineOutputStaysInItsCell(t *testing.T, ctx context.Context) {
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

// pauseHoldsARunningCell: Pause stops a computing cell at its next
// output, its variables intact; Resume lets it finish; a cell paused and
// then stopped ends as Stop ends any cell.
func pauseHoldsARunningCell(t *testing.T, ctx context.Context) {
	src := `import "fmt"
sum := 0
for i := 1; i <= 100; i++ {
	for j := 0; j < 20000; j++ {
		sum += j % 7
	}
	fmt.Println("step", i)
}
fmt.Println("finished", sum)`
	b, _ := json.Marshal(src)
	// The last step the cell printed, as the page holds it.
	step := `(() => { const c = window.nasbook.cells(); const m = (c[c.length-1].text || "").match(/step (\d+)\s*$/);
		return m ? Number(m[1]) : 0; })()`
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := evalErr[bool](ctx, `new Promise(resolve => { (function poll() { if (`+js+`) resolve(true); else setTimeout(poll, 10); })(); })`, patience); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	// Pause is clicked from the page as soon as the cell has printed a few
	// steps, so that it comes well before the last step however busy the
	// machine is.
	pause := func() {
		t.Helper()
		waitFor("a few steps", step+` >= 3 && (document.querySelector('#pause').click(), true)`)
		waitFor("the pause", `document.querySelector('#pause').textContent.includes('Resume')`)
	}
	eval[any](t, ctx, `(window.__work = window.nasbook.runCell(`+string(b)+`), true)`, patience)
	waitFor("the cell to run", step+` >= 1`)
	// Nothing on the page animates without end while a cell runs: such an
	// animation redraws every frame, which a browser drawing without a GPU
	// pays for with the processor the cell needs.
	if endless := eval[[]string](t, ctx, `document.getAnimations().filter(a => a.playState === "running" && a.effect.getTiming().iterations === Infinity)
		.map(a => (a.animationName || "animation") + " on " + (a.effect.target ? a.effect.target.className || a.effect.target.tagName : "?"))`, patience); len(endless) > 0 {
		t.Errorf("endless animations run while a cell runs: %v", endless)
	}
	pause()
	at := eval[float64](t, ctx, step, patience)
	// The running cell's clock counts whole seconds, paused or not.
	clock := `document.querySelector('.cell[data-state="running"] .cell-timing').textContent`
	before := eval[string](t, ctx, clock, patience)
	// Nothing may happen while paused: watch for a second (steps come about
	// every 25 ms on an idle machine).
	time.Sleep(time.Second)
	if later := eval[float64](t, ctx, step, patience); later != at || at >= 100 {
		t.Fatalf("paused at step %v of 100, a second later at %v", at, later)
	}
	waitFor("the running cell's clock to count on from "+before, `/^\d+ s$/.test(`+clock+`) && `+clock+` !== `+jsString(before))
	if badge := eval[string](t, ctx, `document.querySelector('.cell[data-state="running"] .state-badge').textContent`, patience); badge != "paused" {
		t.Errorf("the paused cell's badge says %q", badge)
	}
	if status := eval[string](t, ctx, `document.querySelector('#kernel-status').textContent`, patience); status != "Kernel paused" {
		t.Errorf("the kernel status says %q while paused", status)
	}
	eval[any](t, ctx, `(document.querySelector('#pause').click(), true)`, patience)
	got := eval[cellResult](t, ctx, `window.__work`, 20*time.Minute)
	if got.Error != nil || !strings.Contains(got.Text, "step 100\nfinished ") {
		t.Fatalf("after Resume the cell ended with %q, error %v", got.Text, deref(got.Error))
	}
	if p := eval[string](t, ctx, `document.querySelector('#pause').textContent + (document.querySelector('#pause').disabled ? ' disabled' : '')`, patience); p != "❚❚ Pause disabled" {
		t.Errorf("after the cell the Pause button is %q", p)
	}
	t.Logf("paused at step %v of 100", at)

	// Paused, then stopped.
	eval[any](t, ctx, `(window.__work = window.nasbook.runCell(`+string(b)+`), true)`, patience)
	pause()
	eval[any](t, ctx, `(document.querySelector('#stop').click(), true)`, patience)
	stopped := eval[cellResult](t, ctx, `window.__work`, patience)
	if stopped.Error == nil || !strings.Contains(*stopped.Error, "Stopped") {
		t.Errorf("a paused cell stopped ended with error %v", deref(stopped.Error))
	}
}

func stopEndsGoroutines(t *testing.T, ctx context.Context) {
	eval[any](t, ctx, `(window.__spin = window.nasbook.runCell("import \"fmt\"\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tif i%1000000 == 0 {\n\t\t\tfmt.Println(\"spin\", i)\n\t\t}\n\t}\n}()\nfor {\n}"), true)`, patience)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const c = window.nasbook.cells(); if (c[c.length-1].state === "running") resolve(true); else setTimeout(poll, 20); })(); })`, patience)
	eval[any](t, ctx, `(document.querySelector('#stop').click(), true)`, patience)
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

// stopEndsARunawayCell: a `for {}` cell is ended by the Stop button, the
// user is told the state was reset, and the next cell runs.
func stopEndsARunawayCell(t *testing.T, ctx context.Context) {
	runCell(t, ctx, "lost := 41")
	// Start the runaway cell without waiting for it.
	eval[any](t, ctx, `(window.__loop = window.nasbook.runCell("for {\n}"), true)`, patience)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const c = window.nasbook.cells(); if (c[c.length-1].state === "running") resolve(true); else setTimeout(poll, 20); })(); })`, patience)
	time.Sleep(300 * time.Millisecond) // it is spinning now
	// Click Stop and time how long the page takes to mark the cell stopped.
	ms := eval[float64](t, ctx, `new Promise(resolve => {
		const t0 = performance.now();
		document.querySelector('#stop').click();
		(function poll() {
			const c = window.nasbook.cells(); const last = c[c.length-1];
			if (last.state === "error") resolve(performance.now() - t0); else setTimeout(poll, 5);
		})();
	})`, patience)
	t.Logf("Stop ended the runaway cell after %.0f ms", ms)
	if ms > 1000 {
		t.Errorf("Stop took %.0f ms to end the cell, want under 1 s", ms)
	}
	loop := eval[cellResult](t, ctx, `window.__loop`, patience)
	if loop.Error == nil || !strings.Contains(*loop.Error, "Stopped") {
		t.Errorf("the stopped cell's error is %v, want it to say it was stopped", deref(loop.Error))
	}
	banner := eval[string](t, ctx, `document.querySelector('#banners').innerText`, patience)
	if !strings.Contains(strings.ToLower(banner), "reset") && !strings.Contains(strings.ToLower(banner), "restart") {
		t.Errorf("no notice that the state was reset; banners say %q", banner)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	got := runCell(t, ctx, "import \"fmt\"\nfmt.Println(\"after stop\")")
	if got.Error != nil || got.Text != "after stop\n" {
		t.Errorf("cell after Stop: text %q error %v", got.Text, deref(got.Error))
	}
	// The state was reset: lost is gone, and the sources are still there.
	got = runCell(t, ctx, "lost")
	if got.Error == nil {
		t.Errorf("a variable survived the reset: %q", got.Text)
	}
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
	found := false
	for _, c := range cells {
		found = found || c.Source == "lost := 41"
	}
	if !found {
		t.Error("Stop lost the source of an earlier cell")
	}
}

// memoryExhaustionRestartsTheKernel: a cell that allocates more than a
// tab can hold ends with an error on the cell and a fresh kernel; the
// notebook keeps every source and every output, and a banner says what
// happened.
func memoryExhaustionRestartsTheKernel(t *testing.T, ctx context.Context) {
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

// memoryLimitRestartsTheKernel: a variable that holds more than the
// kernel's limit (1.5 GiB in the browser) fails its cell naming the limit,
// and the page starts a fresh kernel and says why.
func memoryLimitRestartsTheKernel(t *testing.T, ctx context.Context) {
	got := runCell(t, ctx, "big := make([]byte, 1600<<20)\nbig[0] = 1")
	if got.Error == nil || !strings.Contains(*got.Error, "memory limit: the kernel's variables hold 1.6 GiB, over its limit of 1.5 GiB") {
		t.Fatalf("error %v", deref(got.Error))
	}
	banner := eval[string](t, ctx, `new Promise(resolve => { (function poll() {
		const b = document.querySelector('#banners').innerText; if (b.includes('restarted')) resolve(b); else setTimeout(poll, 50); })(); })`, patience)
	if !strings.Contains(banner, "memory limit") {
		t.Errorf("the banner does not name the memory limit: %q", banner)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	if r := runCell(t, ctx, "6 * 7"); r.Error != nil || r.Text != "42\n" {
		t.Errorf("after the restart: text %q error %v", r.Text, deref(r.Error))
	}
}
