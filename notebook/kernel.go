package notebook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/traefik/yaegi/interp"

	"nasbook/nb"
	"nasbook/notebook/symbols"
)

// Kernel runs the code cells of one notebook, in the order they are given,
// sharing one interpreter: functions, types and variables of a cell are seen
// by the cells after it. A Kernel is not safe for concurrent use.
type Kernel struct {
	in      *interp.Interpreter
	emit    func(Output) // called with emitMu held
	emitMu  sync.Mutex   // outputs come one at a time, from any goroutine of a cell
	session *nb.Session
	stderr  lockedBuffer // the interpreter's panic trace of the running cell
	// cellSource is the running cell's source.
	cellSource string
	// defined holds the names that cells defined at their top level.
	defined map[string]bool
	count   int // execution count of the last cell run
	guard   *guard
	cell    *cellRun // the running cell
	closer  closer
	broken  error // why the kernel cannot run more cells, if it cannot
	// unguarded runs cells as written, without the guard's checks: only for
	// measuring what they cost (BenchmarkGuard).
	unguarded bool

	allowed  map[string]bool   // import paths a cell may import
	imported map[string]string // import path -> name it was imported as
}

// generic packages that yaegi compiles from source alongside the standard
// library symbols; they are pure and safe.
var genericPackages = []string{"cmp", "maps", "slices"}

// Importable returns the import paths that a cell may import, sorted: the
// packages of the symbol tables and the generic packages.
func Importable() []string {
	paths := slices.Clone(genericPackages)
	for key := range symbols.Symbols {
		paths = append(paths, key[:strings.LastIndexByte(key, '/')])
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// NewKernel returns a kernel that hands every output of a cell to emit as it
// happens: printed text as "stream" outputs, rich outputs of package nb as
// "display_data", the value of a cell's last expression as "execute_result",
// and failures as "error". files holds the built-in data files that cells
// may load (nb.MNIST); nil means nb.NativeFiles().
func NewKernel(emit func(Output), files fs.FS) (*Kernel, error) {
	k := &Kernel{emit: emit, allowed: map[string]bool{}, imported: map[string]string{}, defined: map[string]bool{}, guard: newGuard(Limits{})}
	stdout := &streamWriter{k: k, name: "stdout"}
	k.session = nb.NewSession(stdout, func(o nb.Output) {
		out := Output{OutputType: "display_data", Data: o}
		if id, ok := o[nb.DisplayID].(string); ok {
			out.DisplayID = id
			delete(o, nb.DisplayID)
		}
		k.output(out)
	})
	k.session.Files = files
	if files == nil {
		k.session.Files = nb.NativeFiles()
	}
	k.in = interp.New(interp.Options{
		Stdin:                strings.NewReader(""),
		Stdout:               stdout,
		Stderr:               &k.stderr,
		SourcecodeFilesystem: fstest.MapFS{}, // no source packages from disk
		Env:                  []string{},
		Args:                 []string{"nasbook"},
	})
	syms := k.bindSession(symbols.Symbols)
	if err := k.in.Use(syms); err != nil {
		return nil, fmt.Errorf("notebook: loading symbols: %w", err)
	}
	for key := range syms {
		k.allowed[key[:strings.LastIndexByte(key, '/')]] = true
	}
	for _, p := range genericPackages {
		k.allowed[p] = true
	}
	if err := k.in.Use(k.guardSymbols()); err != nil {
		return nil, fmt.Errorf("notebook: loading the guard: %w", err)
	}
	if _, err := k.in.Eval(`import ` + rtName + ` "nasbook/notebook/rt"; var ` + counterName + ` int; var ` + valueVar + ` interface{}`); err != nil {
		return nil, fmt.Errorf("notebook: loading the guard: %w", err)
	}
	return k, nil
}

// SetLimits sets the limits of the cells run from now on.
func (k *Kernel) SetLimits(l Limits) { k.guard.lim = l.withDefaults() }

// Broken tells why the kernel cannot run more cells, or returns nil: after
// a cell went over the memory limit, its variables may still hold more than
// the limit. A host then starts a fresh kernel.
func (k *Kernel) Broken() error { return k.broken }

// guardSymbols are the functions instrument.go calls, as package
// nasbook/notebook/rt, bound to this kernel.
func (k *Kernel) guardSymbols() interp.Exports {
	g := k.guard
	return interp.Exports{"nasbook/notebook/rt/rt": {
		"Enter":  reflect.ValueOf(g.Enter),
		"EnterP": reflect.ValueOf(g.EnterP),
		"Leave":  reflect.ValueOf(g.Leave),
		"Tick":   reflect.ValueOf(g.Tick),
		"Check":  reflect.ValueOf(g.Check),
		"Go":     reflect.ValueOf(g.Go),
		"Begin":  reflect.ValueOf(g.Begin),
		"Done":   reflect.ValueOf(g.Done),
	}}
}

// output hands o to emit, one output at a time. The output of a cell that
// was stopped, or has ended, is dropped.
func (k *Kernel) output(o Output) {
	k.emitMu.Lock()
	defer k.emitMu.Unlock()
	if k.guard.alert.Load() && k.guard.ended(true) {
		return
	}
	k.emit(o)
}

// put hands the kernel's own output o to emit.
func (k *Kernel) put(o Output) {
	k.emitMu.Lock()
	defer k.emitMu.Unlock()
	k.emit(o)
}

// Packages lists the import paths that cells may import, sorted.
func (k *Kernel) Packages() []string {
	var ps []string
	for p := range k.allowed {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Session returns the session the kernel's cells write to, so that a host
// can give it abilities (a worker pool, uploaded files).
func (k *Kernel) Session() *nb.Session { return k.session }

// bindSession copies syms, binding package nb's functions and its Default to
// this kernel's session, so that rich outputs reach this notebook.
func (k *Kernel) bindSession(syms interp.Exports) interp.Exports {
	out := make(interp.Exports, len(syms))
	for key, pkg := range syms {
		out[key] = pkg
		if key == "time/time" {
			bound := make(map[string]reflect.Value, len(pkg))
			for name, v := range pkg {
				bound[name] = v
			}
			bound["AfterFunc"] = reflect.ValueOf(k.guard.afterFunc)
			bound["Sleep"] = reflect.ValueOf(k.guard.sleep)
			out[key] = bound
		}
		if key != "nasbook/nb/nb" {
			continue
		}
		bound := make(map[string]reflect.Value, len(pkg))
		sess := reflect.ValueOf(k.session)
		for name, v := range pkg {
			if m := sess.MethodByName(name); m.IsValid() && v.Kind() == reflect.Func && m.Type() == v.Type() {
				v = m
			}
			bound[name] = v
		}
		bound["Default"] = reflect.ValueOf(&k.session).Elem()
		out[key] = bound
	}
	return out
}

// streamWriter turns writes into stream outputs.
type streamWriter struct {
	k    *Kernel
	name string
}

func (w *streamWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		w.k.output(Output{OutputType: "stream", Name: w.name, Text: string(p)})
	}
	return len(p), nil
}

// ExecutionCount is the number of cells run so far.
func (k *Kernel) ExecutionCount() int { return k.count }

// Run runs one cell. Its outputs go to the kernel's emit function; a failure is
// emitted as an "error" output and also returned. ctx cancels a running cell
// (natively; in a browser a runaway cell is ended by terminating its worker).
//
// Goroutines the cell starts end with it, as a Go program's end when main
// returns; a panic in one of them, or in a time.AfterFunc callback, is the
// cell's error. Calls, goroutines and memory are bounded by the kernel's
// Limits.
func (k *Kernel) Run(ctx context.Context, source string) (err error) {
	k.count++
	if k.broken != nil {
		err = &CellError{Name: "kernel error", Value: k.broken.Error() + "; restart the kernel"}
		k.put(Output{OutputType: "error", EName: "kernel error", EValue: err.(*CellError).Value})
		return err
	}
	c := k.guard.begin()
	k.cell = c
	finished := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		k.watch(ctx, c, finished)
	}()
	defer func() {
		if r := recover(); r != nil {
			err = &CellError{Name: "internal error", Value: fmt.Sprint(r),
				Traceback: strings.Split(strings.TrimSpace(string(debug.Stack())), "\n")}
		}
		close(finished)
		<-watched
		// Goroutines that are about to return get a moment to do so.
		k.guard.wait(c, 20*time.Millisecond)
		// From here on no goroutine of the cell can output.
		k.emitMu.Lock()
		left := k.guard.end(c)
		k.emitMu.Unlock()
		if left > 0 {
			// End the channel operations its goroutines wait in, and give
			// them a moment to return: the next cell's evaluation changes
			// the interpreter's state under them.
			for _, d := range c.dones {
				k.closer.close(d)
			}
			k.guard.wait(c, 2*time.Second)
		}
		if ferr := k.guard.failure(c); ferr != nil {
			err = ferr
		}
		if err == nil {
			// A cell without loops or calls has no checks: what its
			// variables hold is weighed here.
			if merr := k.guard.overMemory(); merr != nil {
				err = merr
			}
		}
		if left > 0 {
			k.put(Output{OutputType: "stream", Name: "stderr", Text: fmt.Sprintf(
				"note: %d goroutine(s) that this cell started were still running when it ended; they were stopped, as a Go program's goroutines end when main returns\n", left)})
		}
		var le *LimitError
		if errors.As(err, &le) && le.Limit == "memory" || err != nil && strings.Contains(err.Error(), "memory limit:") {
			if merr := k.guard.overMemory(); merr != nil {
				k.broken = merr
			}
		}
		if err != nil {
			var ce *CellError
			switch {
			case errors.As(err, &le):
				ce = &CellError{Name: "limit", Value: le.Error()}
				err = ce
			case !errors.As(err, &ce):
				ce = &CellError{Name: "error", Value: err.Error()}
				err = ce
			}
			k.put(Output{OutputType: "error", EName: ce.Name, EValue: ce.Value, Traceback: ce.Traceback})
		}
	}()
	k.cellSource = source
	units, err := splitCell(source)
	if err != nil {
		return &CellError{Name: "syntax error", Value: err.Error()}
	}
	// Evaluate runs of units of one kind together, in source order. A final
	// bare expression is evaluated on its own, to show its value.
	n := len(units)
	showLast := n > 0 && units[n-1].exprStmt
	for i := 0; i < n; {
		j := i + 1
		for j < n && units[j].kind == units[i].kind && units[i].kind != importUnit && !(showLast && j == n-1) {
			j++
		}
		chunk := source[units[i].start:units[j-1].end]
		if !k.unguarded {
			chunk = applyEdits(source, units[i].start, units[j-1].end,
				instrument(source, units[i].start, units[j-1].end, units[i].kind, units[i].line))
		}
		if units[i].kind == importUnit {
			var skip bool
			if chunk, skip, err = k.checkImports(units[i]); err != nil {
				return err
			}
			if skip {
				i = j
				continue
			}
		}
		if showLast && i == n-1 && k.hasOneValue(units[i].callee) {
			return k.evalLast(units[i].line, chunk)
		}
		if err := k.eval(units[i].line, chunk); err != nil {
			if compileFailure(err) && anyIndexDefine(source, units[i:j]) {
				// See indexdef.go.
				err = k.evalEach(source, units[i:j])
			}
			var ce *CellError
			if err != nil && errors.As(err, &ce) && strings.Contains(ce.Value, undefinedOrLoop) {
				// yaegi calls a top-level definition that uses an unknown
				// name a loop: name the name where there is one.
				padded := strings.Repeat("\n", units[i].line-1) + source[units[i].start:units[j-1].end]
				if msg, ok := k.undefinedName(padded); ok {
					ce.Value = msg
				}
			}
			if err != nil {
				return err
			}
		}
		if units[i].kind == importUnit {
			for _, s := range units[i].imports {
				k.imported[s.path] = s.name
			}
		} else {
			k.noteDefinitions(strings.Repeat("\n", units[i].line-1) + source[units[i].start:units[j-1].end])
		}
		i = j
	}
	return nil
}

// watch stops the running cell c when ctx is done or the kernel's memory is
// over its limit, and then ends the channel operations it waits in, until
// finished is closed.
func (k *Kernel) watch(ctx context.Context, c *cellRun, finished <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for !c.stopped.Load() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
			k.guard.fail(c, &CellError{Name: "stopped", Value: context.Cause(ctx).Error()})
		case <-c.stopCh:
		case <-t.C:
			if err := k.guard.overMemory(); err != nil {
				k.guard.fail(c, err)
			}
		}
	}
	// Stopped: the cell's code ends at its next check; a wait on a channel
	// ends when the channel of its evaluation closes. The cell may be
	// between two evaluations: close each one's channel until it returns.
	for {
		k.closer.close(evalDone(k.in))
		select {
		case <-finished:
			return
		case <-t.C:
		}
	}
}

// eval evaluates a chunk of the cell that starts at line.
func (k *Kernel) eval(line int, chunk string) error {
	// Pad with newlines so the interpreter's line numbers are the cell's.
	_, err := k.evalSrc(strings.Repeat("\n", line-1) + chunk)
	return err
}

// evalSrc evaluates src as part of the running cell. The interpreter is never
// given a context that ends: see yaegi.go.
func (k *Kernel) evalSrc(src string) (reflect.Value, error) {
	if k.cell.stopped.Load() {
		if err := k.guard.failure(k.cell); err != nil {
			return reflect.Value{}, err
		}
		return reflect.Value{}, &CellError{Name: "stopped", Value: "the cell was stopped"}
	}
	k.stderr.Reset()
	v, err := k.in.EvalWithContext(context.Background(), src)
	k.guard.addDone(k.cell, evalDone(k.in))
	if k.cell.stopped.Load() {
		// Stopped while it ran: what the interpreter returned is cut short.
		if err := k.guard.failure(k.cell); err != nil {
			return reflect.Value{}, err
		}
		return reflect.Value{}, &CellError{Name: "stopped", Value: "the cell was stopped"}
	}
	if err != nil {
		return v, k.cellError(err)
	}
	return v, nil
}

// hasOneValue reports whether a cell's final expression has a value to show:
// any expression but a call, and a call of a function with exactly one result
// other than fmt's printers. callee is as unit.callee: the function's type is
// looked up by evaluating its name, which has no side effects.
func (k *Kernel) hasOneValue(callee string) bool {
	switch {
	case callee == "":
		return true
	case callee == "()" || strings.HasPrefix(callee, "fmt."):
		return false
	}
	f, err := k.evalSrc(callee)
	if err != nil || !f.IsValid() || f.Kind() != reflect.Func {
		return false
	}
	return f.Type().NumOut() == 1
}

// evalLast evaluates the cell's final bare expression, which has one value,
// and shows that value as the cell's result.
func (k *Kernel) evalLast(line int, expr string) error {
	v, err := k.evalSrc(strings.Repeat("\n", line-1) + resultVar + " := " + expr)
	if err != nil && compileFailure(err) {
		if _, _, _, ok := indexDefine(resultVar + " := " + expr); ok {
			v, err = k.valueOf(line, expr) // see indexdef.go
		}
	}
	if err != nil {
		return err
	}
	if !v.IsValid() || !v.CanInterface() || v.Kind() == reflect.Func {
		return nil
	}
	k.put(Output{OutputType: "execute_result", ExecutionCount: k.count,
		Data: map[string]any{"text/plain": fmt.Sprintf("%v", v.Interface())}})
	return nil
}

// maxFrames is how many of the innermost, and of the outermost, frames of a
// panic's traceback are shown.
const maxFrames = 10

// undefinedOrLoop is what the kernel says for yaegi's "constant definition
// loop" when it finds no undefined name in the definitions.
const undefinedOrLoop = "undefined name, or a definition that refers to itself"

// resultVar holds the value of a cell's final expression.
const resultVar = "_nbResult"

// checkImports refuses packages outside the curated set, naming them, and drops
// imports that an earlier cell already made in the same way (Go would call
// them redeclared; a notebook reruns cells).
func (k *Kernel) checkImports(u unit) (chunk string, skip bool, err error) {
	var keep []importSpec
	for _, s := range u.imports {
		if !k.allowed[s.path] {
			return "", false, &CellError{Name: "import error", Value: fmt.Sprintf(
				"line %d: package %q is not available in a notebook; cells may import: %s",
				s.line, s.path, strings.Join(k.Packages(), ", "))}
		}
		if name, ok := k.imported[s.path]; ok && name == s.name {
			continue
		}
		keep = append(keep, s)
	}
	if len(keep) == 0 {
		return "", true, nil
	}
	var b strings.Builder
	b.WriteString("import (")
	line := u.line
	for _, s := range keep {
		for ; line < s.line; line++ {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %q;", s.name, s.path)
	}
	b.WriteString(")")
	return b.String(), false, nil
}

// CellError is a failed cell, ready to show: Name is the kind of failure
// ("compile error", "panic", ...), Value the message with its line.
type CellError struct {
	Name, Value string
	Traceback   []string

	compile bool // the cell did not compile: none of its code ran
}

func (e *CellError) Error() string { return e.Name + ": " + e.Value }

// yaegiPos matches the position that starts the interpreter's messages:
// "_.go:3:5: msg", "3:5: msg".
var yaegiPos = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): ?`)

// cellError turns an interpreter error into a CellError whose message names
// the cell's line.
func (k *Kernel) cellError(err error) *CellError {
	var p interp.Panic
	if errors.As(err, &p) {
		if _, ok := p.Value.(stopSignal); ok {
			return &CellError{Name: "stopped", Value: "the cell was stopped"}
		}
		// A panic of the interpreter's own while it compiles (see
		// indexdef.go) is a failure to compile.
		ce := &CellError{Name: "panic", Value: fmt.Sprint(p.Value), compile: bytes.Contains(p.Stack, []byte("(*Interpreter).CompileAST"))}
		if e, ok := p.Value.(error); ok {
			ce.Value = e.Error()
		}
		if _, ok := p.Value.(*LimitError); ok {
			ce.Name = "limit"
		}
		// The interpreter writes one line per frame, innermost first:
		// "3:12: panic: main.h(...)".
		var frames []frame
		for _, l := range strings.Split(strings.TrimSpace(k.stderr.String()), "\n") {
			m := yaegiPos.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			fn := strings.TrimSuffix(strings.TrimPrefix(l[len(m[0]):], "panic: "), "(...)")
			fn = strings.TrimPrefix(fn, "main.")
			if fn == "main" {
				fn = ""
			}
			line, _ := strconv.Atoi(m[1])
			frames = append(frames, frame{line: line, fn: fn})
		}
		if ce.Name == "panic" && len(frames) <= 2*maxFrames {
			ce.Value, frames = k.explainPanic(k.cellSource, ce.Value, frames)
		}
		for _, f := range frames {
			fn := f.fn
			if fn == "" {
				fn = "the cell"
			}
			ce.Traceback = append(ce.Traceback, fmt.Sprintf("line %d, in %s", f.line, fn))
		}
		if len(frames) > 0 {
			ce.Value = "line " + strconv.Itoa(frames[0].line) + ": " + ce.Value
		}
		// A runaway recursion has thousands of frames: show its ends.
		if n := len(ce.Traceback); n > 2*maxFrames {
			ce.Traceback = append(append(ce.Traceback[:maxFrames:maxFrames],
				fmt.Sprintf("... %d more frames ...", n-2*maxFrames)), ce.Traceback[n-maxFrames:]...)
		}
		return ce
	}
	msg := err.Error()
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if m := yaegiPos.FindStringSubmatch(l); m != nil {
			l = "line " + m[1] + ": " + l[len(m[0]):]
		}
		lines = append(lines, l)
	}
	// yaegi reports a name it cannot resolve in a top-level definition as a loop.
	lines[0] = strings.Replace(lines[0], "constant definition loop", undefinedOrLoop, 1)
	name := "compile error"
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		name = "stopped"
	}
	return &CellError{Name: name, Value: lines[0], Traceback: lines[1:], compile: name == "compile error"}
}

var _ io.Writer = (*streamWriter)(nil)
