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
	"strings"
	"testing/fstest"

	"github.com/traefik/yaegi/interp"

	"nasbook/nb"
	"nasbook/notebook/symbols"
)

// Kernel runs the code cells of one notebook, in the order they are given,
// sharing one interpreter: functions, types and variables of a cell are seen
// by the cells after it. A Kernel is not safe for concurrent use.
type Kernel struct {
	in      *interp.Interpreter
	emit    func(Output)
	session *nb.Session
	stderr  bytes.Buffer // the interpreter's panic trace of the running cell
	count   int          // execution count of the last cell run

	allowed  map[string]bool   // import paths a cell may import
	imported map[string]string // import path -> name it was imported as
}

// generic packages that yaegi compiles from source alongside the standard
// library symbols; they are pure and safe.
var genericPackages = []string{"cmp", "maps", "slices"}

// NewKernel returns a kernel that hands every output of a cell to emit as it
// happens: printed text as "stream" outputs, rich outputs of package nb as
// "display_data", the value of a cell's last expression as "execute_result",
// and failures as "error". files holds the built-in data files that cells
// may load (nb.MNIST); nil means nb.NativeFiles().
func NewKernel(emit func(Output), files fs.FS) (*Kernel, error) {
	k := &Kernel{emit: emit, allowed: map[string]bool{}, imported: map[string]string{}}
	stdout := &streamWriter{k: k, name: "stdout"}
	k.session = nb.NewSession(stdout, func(o nb.Output) {
		out := Output{OutputType: "display_data", Data: o}
		if id, ok := o[nb.DisplayID].(string); ok {
			out.DisplayID = id
			delete(o, nb.DisplayID)
		}
		k.emit(out)
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
	return k, nil
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
		w.k.emit(Output{OutputType: "stream", Name: w.name, Text: string(p)})
	}
	return len(p), nil
}

// ExecutionCount is the number of cells run so far.
func (k *Kernel) ExecutionCount() int { return k.count }

// Run runs one cell. Its outputs go to the kernel's emit function; a failure is
// emitted as an "error" output and also returned. ctx cancels a running cell
// (natively; in a browser a runaway cell is ended by terminating its worker).
func (k *Kernel) Run(ctx context.Context, source string) (err error) {
	k.count++
	defer func() {
		if r := recover(); r != nil {
			err = &CellError{Name: "internal error", Value: fmt.Sprint(r),
				Traceback: strings.Split(strings.TrimSpace(string(debug.Stack())), "\n")}
		}
		if err != nil {
			var ce *CellError
			if !errors.As(err, &ce) {
				ce = &CellError{Name: "error", Value: err.Error()}
				err = ce
			}
			k.emit(Output{OutputType: "error", EName: ce.Name, EValue: ce.Value, Traceback: ce.Traceback})
		}
	}()
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
		if showLast && i == n-1 && k.hasOneValue(ctx, units[i].callee) {
			return k.evalLast(ctx, units[i].line, chunk)
		}
		if err := k.eval(ctx, units[i].line, chunk); err != nil {
			return err
		}
		if units[i].kind == importUnit {
			for _, s := range units[i].imports {
				k.imported[s.path] = s.name
			}
		}
		i = j
	}
	return nil
}

// eval evaluates a chunk of the cell that starts at line.
func (k *Kernel) eval(ctx context.Context, line int, chunk string) error {
	// Pad with newlines so the interpreter's line numbers are the cell's.
	k.stderr.Reset()
	if _, err := k.in.EvalWithContext(ctx, strings.Repeat("\n", line-1)+chunk); err != nil {
		return k.cellError(err)
	}
	return nil
}

// hasOneValue reports whether a cell's final expression has a value to show:
// any expression but a call, and a call of a function with exactly one result
// other than fmt's printers. callee is as unit.callee: the function's type is
// looked up by evaluating its name, which has no side effects.
func (k *Kernel) hasOneValue(ctx context.Context, callee string) bool {
	switch {
	case callee == "":
		return true
	case callee == "()" || strings.HasPrefix(callee, "fmt."):
		return false
	}
	f, err := k.in.EvalWithContext(ctx, callee)
	if err != nil || !f.IsValid() || f.Kind() != reflect.Func {
		return false
	}
	return f.Type().NumOut() == 1
}

// evalLast evaluates the cell's final bare expression, which has one value,
// and shows that value as the cell's result.
func (k *Kernel) evalLast(ctx context.Context, line int, expr string) error {
	k.stderr.Reset()
	v, err := k.in.EvalWithContext(ctx, strings.Repeat("\n", line-1)+resultVar+" := "+expr)
	if err != nil {
		return k.cellError(err)
	}
	if !v.IsValid() || !v.CanInterface() || v.Kind() == reflect.Func {
		return nil
	}
	k.emit(Output{OutputType: "execute_result", ExecutionCount: k.count,
		Data: map[string]any{"text/plain": fmt.Sprintf("%v", v.Interface())}})
	return nil
}

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
		ce := &CellError{Name: "panic", Value: fmt.Sprint(p.Value)}
		if e, ok := p.Value.(error); ok {
			ce.Value = e.Error()
		}
		// The interpreter writes one line per frame, innermost first:
		// "3:12: panic: main.h(...)".
		for _, l := range strings.Split(strings.TrimSpace(k.stderr.String()), "\n") {
			m := yaegiPos.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			fn := strings.TrimSuffix(strings.TrimPrefix(l[len(m[0]):], "panic: "), "(...)")
			fn = strings.TrimPrefix(fn, "main.")
			if fn == "main" {
				fn = "the cell"
			}
			ce.Traceback = append(ce.Traceback, fmt.Sprintf("line %s, in %s", m[1], fn))
		}
		if len(ce.Traceback) > 0 {
			line := strings.TrimPrefix(strings.SplitN(ce.Traceback[0], ",", 2)[0], "line ")
			ce.Value = "line " + line + ": " + ce.Value
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
	lines[0] = strings.Replace(lines[0], "constant definition loop", "undefined name, or a definition that refers to itself", 1)
	name := "compile error"
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		name = "stopped"
	}
	return &CellError{Name: name, Value: lines[0], Traceback: lines[1:]}
}

var _ io.Writer = (*streamWriter)(nil)
