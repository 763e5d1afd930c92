package notebook

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound what the cells of a kernel may use, so that a runaway cell
// fails with an error naming the limit instead of ending the process. A zero
// field takes its default.
type Limits struct {
	// Depth bounds the calls of cell functions active at once, in all of the
	// cell's goroutines; each takes stack memory. Default DefaultDepth:
	// 10,000 natively, 2,000 in a browser.
	Depth int
	// Goroutines bounds the goroutines a cell runs at once. Default 10,000.
	Goroutines int
	// Memory bounds the kernel's live heap, in bytes. Default
	// DefaultMemoryLimit: 4 GiB natively, 1.5 GiB in a browser.
	Memory uint64
}

func (l Limits) withDefaults() Limits {
	if l.Depth <= 0 {
		l.Depth = DefaultDepth
	}
	if l.Goroutines <= 0 {
		l.Goroutines = 10_000
	}
	if l.Memory == 0 {
		l.Memory = DefaultMemoryLimit
	}
	return l
}

// LimitError is a cell that went past one of the kernel's Limits.
type LimitError struct {
	Limit string // "call depth", "goroutine" or "memory"
	Msg   string
}

func (e *LimitError) Error() string { return e.Limit + " limit: " + e.Msg }

// stopSignal is the panic that ends a goroutine of a cell that was stopped
// or has ended; the guard swallows it.
type stopSignal struct{}

// cellRun is the guard's record of one run of a cell.
type cellRun struct {
	stopped atomic.Bool   // its goroutines are to end at their next check
	stopCh  chan struct{} // closed when stopped is set

	// Under guard.mu:
	ended bool            // Run returned
	live  int             // goroutines it started that still run
	err   error           // the first failure of one of its goroutines
	dones []chan struct{} // the cancel channels of its evaluations (yaegi.go)
}

// spawn is one goroutine started by a cell.
type spawn struct {
	cell *cellRun
	line int // where the go statement is; 0 for a time.AfterFunc callback
	gid  int64
}

// guard holds the kernel's limits and the cheap checks that instrument.go
// puts into cells. The functions cells call (Enter, Leave, Tick, Go, Done)
// are its methods, bound to the kernel's interpreter.
type guard struct {
	lim   Limits
	depth atomic.Int64  // calls of cell functions active now
	live  atomic.Int64  // goroutines of cells running now
	ticks atomic.Uint32 // checks since start; the memory is read every memEvery
	// alert is set while a check has more to do than count: the running cell
	// is stopping, or goroutines of ended cells (orphans) still run.
	alert atomic.Bool

	cell    atomic.Pointer[cellRun] // the running cell, nil between cells
	orphans atomic.Int64            // goroutines of ended cells still running

	mu   sync.Mutex       // held to change the above
	gids map[int64]*spawn // goroutine id -> spawn, for the orphans' checks
}

// memEvery is how many checks pass between two readings of the heap size: a
// reading costs several microseconds, a check a few nanoseconds. A loop checks
// every countEvery turns.
const memEvery = 1024

func newGuard(l Limits) *guard {
	return &guard{lim: l.withDefaults(), gids: map[int64]*spawn{}}
}

// begin records the start of a cell.
func (g *guard) begin() *cellRun {
	c := &cellRun{stopCh: make(chan struct{})}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cell.Store(c)
	if g.live.Load() == 0 {
		g.depth.Store(0) // nothing runs: forget counts a stop cut short
	}
	g.setAlert()
	return c
}

// end records the end of c, stops its goroutines and returns how many were
// still running.
func (g *guard) end(c *cellRun) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopLocked(c)
	c.ended = true
	g.orphans.Add(int64(c.live))
	g.cell.CompareAndSwap(c, nil)
	g.setAlert()
	return c.live
}

// setAlert updates alert; g.mu is held.
func (g *guard) setAlert() {
	c := g.cell.Load()
	g.alert.Store(g.orphans.Load() > 0 || c == nil || c.stopped.Load())
}

// fail records err as c's failure, if it is the first, and stops c.
func (g *guard) fail(c *cellRun, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	g.stopLocked(c)
}

// stopLocked stops c: its code ends at its next check; g.mu is held.
func (g *guard) stopLocked(c *cellRun) {
	if !c.stopped.Swap(true) {
		close(c.stopCh)
	}
	g.setAlert()
}

// addDone records the cancel channel of one of c's evaluations.
func (g *guard) addDone(c *cellRun, d chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if d != nil {
		c.dones = append(c.dones, d)
	}
}

// cellOf returns the cell of the calling goroutine: the one that started it,
// or the running cell.
func (g *guard) cellOf() *cellRun {
	if g.live.Load() > 0 {
		g.mu.Lock()
		s := g.gids[goid()]
		g.mu.Unlock()
		if s != nil {
			return s.cell
		}
	}
	return g.cell.Load()
}

// sleep is time.Sleep for cells: a stop ends it.
func (g *guard) sleep(d time.Duration) {
	c := g.cellOf()
	if c == nil {
		panic(stopSignal{})
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.stopCh:
	}
}

// wait waits up to d for the goroutines of the ended cell c to return.
func (g *guard) wait(c *cellRun, d time.Duration) {
	deadline := time.Now().Add(d)
	for wait := 100 * time.Microsecond; time.Now().Before(deadline); wait = min(2*wait, 20*time.Millisecond) {
		g.mu.Lock()
		live := c.live
		g.mu.Unlock()
		if live == 0 {
			return
		}
		time.Sleep(wait)
	}
}

// failure returns the failure of one of c's goroutines, if any.
func (g *guard) failure(c *cellRun) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return c.err
}

// Enter starts a call of the cell function name, declared at line of its
// cell. It returns true when the function is to return at once instead:
// its cell was stopped, or went past a limit.
func (g *guard) Enter(line int, name string) bool {
	if g.Tick() {
		return true
	}
	if g.depth.Add(1) > int64(g.lim.Depth) {
		g.depth.Add(-1)
		if c := g.cellOf(); c != nil {
			g.fail(c, &CellError{Name: "limit", Value: fmt.Sprintf(
				"line %d: call depth limit: more than %d calls of the cell's functions were active at once when %s was called (a recursion that does not end?)",
				line, g.lim.Depth, name)})
		}
		return true
	}
	return false
}

// EnterP is Enter for a function that cannot return at once: it panics.
func (g *guard) EnterP(line int, name string) {
	if g.Enter(line, name) {
		panic(stopSignal{})
	}
}

// Leave ends a call that Enter started.
func (g *guard) Leave() { g.depth.Add(-1) }

// Tick is a check at each turn of a loop in a function, and at each call.
// It returns true when the function is to return at once.
func (g *guard) Tick() bool {
	n := g.ticks.Add(1)
	if g.alert.Load() && g.ended(n%orphanEvery == 0) {
		return true
	}
	if n%memEvery == 0 {
		if err := g.overMemory(); err != nil {
			if c := g.cellOf(); c != nil {
				g.fail(c, err)
			}
			return true
		}
	}
	return false
}

// Check is Tick for a loop at the top level of a cell: it panics.
func (g *guard) Check() {
	if g.Tick() {
		panic(stopSignal{})
	}
}

// orphanEvery is how many checks pass between two looks for orphans.
const orphanEvery = 32

// ended reports whether the calling goroutine's cell stopped or ended.
// Telling which cell a goroutine belongs to, asked for by orphans, costs a
// stack trace: an orphan woken up makes a few dozen more checks at most.
func (g *guard) ended(orphans bool) bool {
	c := g.cell.Load()
	if c == nil || c.stopped.Load() {
		return true
	}
	if orphans && g.orphans.Load() > 0 {
		g.mu.Lock()
		s := g.gids[goid()]
		g.mu.Unlock()
		return s != nil && s.cell != c
	}
	return false
}

// overMemory returns a LimitError if the live heap is over the limit after a
// collection.
func (g *guard) overMemory() error {
	if heapBytes() <= g.lim.Memory {
		return nil
	}
	runtime.GC()
	h := heapBytes()
	if h <= g.lim.Memory {
		return nil
	}
	return &LimitError{Limit: "memory", Msg: fmt.Sprintf(
		"the kernel's variables hold %s, over its limit of %s", bytesText(h), bytesText(g.lim.Memory))}
}

// Go is called where a cell starts a goroutine, at line of the cell.
func (g *guard) Go(line int) *spawn {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.cell.Load()
	if c == nil || c.stopped.Load() {
		panic(stopSignal{})
	}
	if g.live.Load() >= int64(g.lim.Goroutines) {
		panic(&LimitError{Limit: "goroutine", Msg: fmt.Sprintf(
			"the cell runs more than %d goroutines at once", g.lim.Goroutines)})
	}
	g.live.Add(1)
	c.live++
	return &spawn{cell: c, line: line}
}

// Begin is the first thing a cell's goroutine does.
func (g *guard) Begin(s *spawn) {
	s.gid = goid()
	g.mu.Lock()
	g.gids[s.gid] = s
	g.mu.Unlock()
}

// Done is the last thing a cell's goroutine does, with what it recovered:
// a panic there is an error of the cell that started it.
func (g *guard) Done(s *spawn, r any) {
	g.mu.Lock()
	delete(g.gids, s.gid)
	g.live.Add(-1)
	s.cell.live--
	if s.cell.ended {
		g.orphans.Add(-1)
	}
	g.setAlert()
	ended := s.cell.ended
	g.mu.Unlock()
	if _, stop := r.(stopSignal); r == nil || stop || ended {
		return
	}
	where := "in the goroutine started at line " + strconv.Itoa(s.line)
	if s.line == 0 {
		where = "in a time.AfterFunc callback"
	}
	err := &CellError{Name: "panic", Value: fmt.Sprintf("%s: %s", where, panicText(r))}
	if le, ok := r.(*LimitError); ok {
		err = &CellError{Name: "limit", Value: fmt.Sprintf("%s: %s", where, le.Error())}
	}
	g.fail(s.cell, err)
}

// afterFunc is time.AfterFunc for cells: f runs as a goroutine of the cell
// that set the timer, if that cell still runs when the timer fires.
func (g *guard) afterFunc(d time.Duration, f func()) *time.Timer {
	c := g.cell.Load()
	return time.AfterFunc(d, func() {
		g.mu.Lock()
		if c == nil || c.ended || c.stopped.Load() || g.live.Load() >= int64(g.lim.Goroutines) {
			g.mu.Unlock()
			return
		}
		g.live.Add(1)
		c.live++
		g.mu.Unlock()
		s := &spawn{cell: c}
		g.Begin(s)
		defer func() { g.Done(s, recover()) }()
		f()
	})
}

func panicText(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(r)
}

// heapBytes is the memory taken by live and not yet collected objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
}

// goid returns the id of the calling goroutine, from the first line of its
// stack trace ("goroutine 18 [running]:").
func goid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

// lockedBuffer is a bytes.Buffer that goroutines may write at once (the
// interpreter writes the frames of a panic to it).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	l.b.Reset()
	l.mu.Unlock()
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
