package notebook

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// errorOutput returns the error output among r's outputs and forgets them.
func errorOutput(r *recorder) (Output, string) {
	var e Output
	var b strings.Builder
	for _, o := range r.outs {
		if o.OutputType == "error" {
			e = o
		} else {
			b.WriteString(o.PlainText())
		}
	}
	r.outs = nil
	return e, b.String()
}

// yaegiRaces skips a test under the race detector: yaegi itself races when
// goroutines of a cell run the same select statement, or call a function
// through a wrapper (a time.AfterFunc callback) while the interpreter
// evaluates the next part of the cell, which writes the global frame they
// read. The kernel's own state is held race-free by TestExecuteRace.
func yaegiRaces(t *testing.T) {
	if raceEnabled {
		t.Skip("yaegi's own data races (see yaegiRaces)")
	}
}

// settle waits until the kernel runs no goroutine of a cell and the process
// is back to at most base goroutines.
func settle(t *testing.T, k *Kernel, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if k.guard.live.Load() == 0 && runtime.NumGoroutine() <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines of cells still run (%d in the process, %d before)", k.guard.live.Load(), runtime.NumGoroutine(), base)
}

func TestInstrumentKeepsLines(t *testing.T) {
	for _, c := range []struct {
		kind unitKind
		src  string
	}{
		{declUnit, "func f(n int) int {\n\tif n == 0 {\n\t\treturn 0\n\t}\n\treturn f(n-1) + 1\n}"},
		{stmtUnit, "for i := 0; i < 3; i++ {\n\tgo func(i int) {\n\t\tprintln(i)\n\t}(i)\n}"},
		{stmtUnit, "go fmt.Println(\n\t\"a\",\n\tx,\n)"},
		{stmtUnit, "go close(ch)"},
		{stmtUnit, "go f(xs...)"},
		{stmtUnit, "go func() {}()"},
		{stmtUnit, "go t.m(1, -2.5, 'c', \"s\", 1<<3, y)"},
		{declUnit, "type T struct{}\nfunc (T) m() (a, b int, err error) { for range 3 {}; return }"},
		{declUnit, "func g[T any](x T) (T, struct {\n\ta int\n}) { for {} }"},
		{stmtUnit, "x := func() int {\n\treturn 1\n}()"},
	} {
		edits := instrument(c.src, 0, len(c.src), c.kind, 1)
		if len(edits) == 0 {
			t.Errorf("%q: no edits", c.src)
		}
		got := applyEdits(c.src, 0, len(c.src), edits)
		if strings.Count(got, "\n") != strings.Count(c.src, "\n") {
			t.Errorf("%q became %q: lines moved", c.src, got)
		}
		wrapped := "package p; func _() {\n" + got + "\n}"
		if c.kind == declUnit {
			wrapped = "package p\n" + got
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "", wrapped, 0); err != nil {
			t.Errorf("%q became %q, which does not parse: %v", c.src, got, err)
		}
	}
}

func TestRunawayRecursion(t *testing.T) {
	k, r := newKernel(t)
	if err := run(t, k, "kept := 42\nfunc down(n int) int {\n\treturn down(n+1) + 1\n}"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := run(t, k, "down(0)"); err == nil {
		t.Fatal("no error")
	}
	e, _ := errorOutput(r)
	if e.EName != "limit" || e.EValue != "line 2: call depth limit: more than 10000 calls of the cell's functions were active at once when down was called (a recursion that does not end?)" {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	t.Logf("the recursion failed after %v", time.Since(start))
	// The kernel and its variables are intact, and a deep recursion within
	// the limit runs.
	if err := run(t, k, "func sum(n int) int {\n\tif n == 0 {\n\t\treturn 0\n\t}\n\treturn n + sum(n-1)\n}\nsum(9000) + kept"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "40504542\n" {
		t.Errorf("got %q", got)
	}
}

func TestGoroutinePanicIsTheCellsError(t *testing.T) {
	k, r := newKernel(t)
	base := runtime.NumGoroutine()
	run(t, k, "kept := 7")
	start := time.Now()
	err := run(t, k, "ch := make(chan int)\ngo func() {\n\tpanic(\"boom\")\n}()\n<-ch")
	if err == nil {
		t.Fatal("no error")
	}
	e, _ := errorOutput(r)
	if e.EName != "panic" || e.EValue != "in the goroutine started at line 2: boom" {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the cell took %v to fail", d)
	}
	// A goroutine that fails after the cell's code returned still fails it.
	err = run(t, k, "import \"time\"\ngo func() {\n\ttime.Sleep(10 * time.Millisecond)\n\tvar m map[string]int\n\tm[\"x\"] = 1\n}()\ntime.Sleep(time.Second)")
	if err == nil || !strings.Contains(err.Error(), "in the goroutine started at line 2: ") {
		t.Errorf("err = %v", err)
	}
	r.outs = nil
	if err := run(t, k, "kept"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "7\n" {
		t.Errorf("got %q", got)
	}
	settle(t, k, base)
}

func TestAfterFuncPanic(t *testing.T) {
	yaegiRaces(t)
	k, r := newKernel(t)
	start := time.Now()
	err := run(t, k, "import \"time\"\ntime.AfterFunc(time.Millisecond, func() { panic(\"late\") })\ntime.Sleep(5 * time.Second)")
	if err == nil {
		t.Fatal("no error")
	}
	e, _ := errorOutput(r)
	if e.EName != "panic" || e.EValue != "in a time.AfterFunc callback: late" {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the failure took %v to end the cell's sleep", d)
	}
	// A timer that fires after its cell ended does nothing.
	if err := run(t, k, "time.AfterFunc(20*time.Millisecond, func() { panic(\"never\") })"); err != nil {
		t.Fatal(err)
	}
	if err := run(t, k, "time.Sleep(100 * time.Millisecond)"); err != nil {
		t.Errorf("a timer of an ended cell failed the next one: %v", err)
	}
}

func TestGoroutineOutputStaysInItsCell(t *testing.T) {
	yaegiRaces(t)
	k, r := newKernel(t)
	base := runtime.NumGoroutine()
	err := run(t, k, "import (\n\t\"fmt\"\n\t\"time\"\n)\nch := make(chan int)\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tfmt.Println(\"tick\", i)\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}()\ngo func() {\n\tfmt.Println(\"got\", <-ch)\n}()\ntime.Sleep(30 * time.Millisecond)")
	if err != nil {
		t.Fatal(err)
	}
	var note string
	for _, o := range r.outs {
		if o.Name == "stderr" {
			note = o.Text
		}
	}
	if !strings.Contains(r.text(), "tick 0\n") || !strings.Contains(note, "2 goroutine(s) that this cell started were still running") {
		t.Errorf("no tick, or no note %q", note)
	}
	// The next cell sees nothing of them, even when it sends what one waited for.
	if err := run(t, k, "select {\ncase ch <- 1:\n\tfmt.Println(\"received\")\ndefault:\n}\ntime.Sleep(50 * time.Millisecond)\nfmt.Println(\"second\")"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "second\n" {
		t.Errorf("the second cell printed %q", got)
	}
	settle(t, k, base)
}

func TestGoroutineLimit(t *testing.T) {
	yaegiRaces(t)
	k, r := newKernel(t)
	base := runtime.NumGoroutine()
	k.SetLimits(Limits{Goroutines: 2000}) // the default, 10,000, takes long on a loaded machine
	err := run(t, k, "n := 0\nfor i := 0; i < 1000000; i++ {\n\tgo func() { select {} }()\n\tn++\n}")
	if err == nil {
		t.Fatal("no error")
	}
	e, _ := errorOutput(r)
	if e.EName != "limit" || !strings.Contains(e.EValue, "goroutine limit: the cell runs more than 2000 goroutines at once") {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	settle(t, k, base)
	if err := run(t, k, "n"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "2000\n" {
		t.Errorf("n = %q", got)
	}
}

func TestStopEndsGoroutines(t *testing.T) {
	k, r := newKernel(t)
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := k.Run(ctx, "import \"time\"\nx := 0\ngo func() {\n\tfor {\n\t\tx++\n\t}\n}()\ngo func() { select {} }()\ngo time.Sleep(time.Hour)\nfor {\n}")
	if err == nil || !strings.HasPrefix(err.Error(), "stopped") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Stop took %v", d)
	}
	settle(t, k, base)
	r.outs = nil
	if err := run(t, k, "x > 0"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "true\n" {
		t.Errorf("x > 0: %q", got)
	}
}

// Stopping a cell must not break closures of earlier cells that compiled
// code calls (see yaegi.go).
func TestStopKeepsClosures(t *testing.T) {
	if !yaegiFieldsOK {
		t.Fatal("yaegi's Interpreter has no done channel and mutex fields: see yaegi.go")
	}
	k, r := newKernel(t)
	run(t, k, "import \"sort\"\nimport \"fmt\"\nfunc mk() func(i, j int) bool { return func(i, j int) bool { return i > j } }\nless := mk()")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := k.Run(ctx, "ch := make(chan int)\n<-ch"); err == nil {
		t.Fatal("not stopped")
	}
	r.outs = nil
	run(t, k, "xs := []int{1, 3, 2}\nsort.Slice(xs, func(i, j int) bool { return less(xs[i], xs[j]) })\nfmt.Println(xs)")
	if got := r.text(); got != "[3 2 1]\n" {
		t.Errorf("printed %q", got)
	}
}

func TestMemoryLimit(t *testing.T) {
	k, r := newKernel(t)
	k.SetLimits(Limits{Memory: 256 << 20})
	run(t, k, "kept := 5")
	// Memory taken in a function is given back when the cell fails.
	err := run(t, k, "func grow() {\n\tvar keep [][]byte\n\tfor {\n\t\tkeep = append(keep, make([]byte, 1<<20))\n\t}\n}\ngrow()")
	if err == nil {
		t.Fatal("no error")
	}
	e, _ := errorOutput(r)
	if e.EName != "limit" || !strings.Contains(e.EValue, "memory limit: the kernel's variables hold") || !strings.Contains(e.EValue, "over its limit of 256 MiB") {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	if k.Broken() != nil {
		t.Fatalf("broken: %v", k.Broken())
	}
	if err := run(t, k, "kept"); err != nil {
		t.Fatal(err)
	}
	r.outs = nil
	// One allocation far over the limit, kept in a variable: the kernel
	// cannot go on, and says so.
	if err := run(t, k, "big := make([]byte, 1<<30)"); err == nil {
		t.Fatal("no error")
	}
	e, _ = errorOutput(r)
	if !strings.Contains(e.EValue, "memory limit") {
		t.Errorf("error %s: %s", e.EName, e.EValue)
	}
	if k.Broken() == nil {
		t.Fatal("not broken")
	}
	if err := run(t, k, "kept"); err == nil || !strings.Contains(err.Error(), "restart the kernel") {
		t.Errorf("err = %v", err)
	}
}

// Goroutines of a cell print while its main code prints and waits for them:
// Execute stores every output in the cell, and the race detector finds
// nothing in the kernel.
func TestExecuteRace(t *testing.T) {
	nb := &Notebook{Cells: []Cell{
		{CellType: "code", Source: "import \"fmt\"\nfunc work(id int, done chan int) {\n\tfor i := 0; i < 50; i++ {\n\t\tfmt.Println(\"worker\", id, i)\n\t}\n\tdone <- id\n}"},
		{CellType: "code", Source: "done := make(chan int)\nfor w := 0; w < 4; w++ {\n\tgo work(w, done)\n}\nfor i := 0; i < 50; i++ {\n\tfmt.Println(\"main\", i)\n}\nfor w := 0; w < 4; w++ {\n\t<-done\n}"},
		{CellType: "code", Source: "go func() {\n\tpanic(\"from a goroutine\")\n}()\n<-done"},
		{CellType: "code", Source: "fmt.Println(\"last\")"},
	}}
	failed, err := Execute(nb, ExecOptions{KeepGoing: true, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if failed != 1 {
		t.Errorf("%d cells failed, want 1", failed)
	}
	lines := 0
	for _, o := range nb.Cells[1].Outputs {
		lines += strings.Count(o.Text, "\n")
	}
	if lines != 250 {
		t.Errorf("cell 2 holds %d lines, want 250", lines)
	}
	if got := nb.Cells[2].Outputs; len(got) != 1 || got[0].EValue != "in the goroutine started at line 1: from a goroutine" {
		t.Errorf("cell 3: %+v", got)
	}
	if got := nb.Cells[3].Outputs; len(got) != 1 || got[0].Text != "last\n" {
		t.Errorf("cell 4: %+v", got)
	}
}

// go statements keep their meaning: arguments evaluated at once, method
// values, variadic calls, generic functions, builtins, constants untyped.
func TestGoStatementsKeepTheirMeaning(t *testing.T) {
	k, r := newKernel(t)
	src := `import "fmt"
type acc struct{ n int }
func (a *acc) add(x float64, ch chan float64) { ch <- x + float64(a.n) }
func sum(ch chan int, xs ...int) { s := 0; for _, x := range xs { s += x }; ch <- s }
func id[T any](x T, ch chan T) { ch <- x }
a := &acc{n: 1}
cf := make(chan float64)
go a.add(2.5, cf)
fmt.Println(<-cf)
ci := make(chan int)
xs := []int{1, 2, 3}
go sum(ci, xs...)
fmt.Println(<-ci)
go sum(ci, 4, 5)
fmt.Println(<-ci)
go id(7, ci)
fmt.Println(<-ci)
done := make(chan struct{})
go close(done)
<-done
for i := 0; i < 3; i++ {
	go func(i int) { ci <- i * 10 }(i)
}
t := 0
for i := 0; i < 3; i++ { t += <-ci }
fmt.Println(t)
`
	if err := run(t, k, src); err != nil {
		t.Fatal(err, r.text())
	}
	if got := r.text(); got != "3.5\n6\n9\n7\n30\n" {
		t.Errorf("printed %q", got)
	}
}

// The MNIST lesson's training cell has no loop, function or go statement of
// its own: the guard adds nothing to it, and its cost there is a flag read
// per output and a heap reading every 50 ms.
func TestTrainingCellIsNotInstrumented(t *testing.T) {
	raw, err := os.ReadFile("../assets/notebooks/mnist.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Read(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var train string
	for _, c := range nb.Cells {
		if c.CellType == "code" && strings.Contains(string(c.Source), "nb.Train(cnn") {
			train = string(c.Source)
		}
	}
	units, err := splitCell(train)
	if err != nil || len(units) == 0 {
		t.Fatalf("no training cell (%v)", err)
	}
	for _, u := range units {
		if e := instrument(train, u.start, u.end, u.kind, u.line); len(e) != 0 {
			t.Errorf("%q gets %d edits", train[u.start:u.end], len(e))
		}
	}
}

// FuzzInstrument: whatever a cell holds, the guard's edits apply without
// overlapping, keep every line where it was, and leave code that parsed
// parsing.
func FuzzInstrument(f *testing.F) {
	seedCells(f)
	f.Add("go f(\n\t1,\n\tx...,\n)\nfor {\n\tgo func() {}()\n}")
	f.Add("func g[T any](x T) (T, struct {\n\ta int\n}) { for {} }")
	f.Fuzz(func(t *testing.T, src string) {
		units, err := splitCell(src)
		if err != nil || len(units) == 0 {
			return
		}
		for i := 0; i < len(units); {
			j := i + 1
			for j < len(units) && units[j].kind == units[i].kind && units[i].kind != importUnit {
				j++
			}
			start, end := units[i].start, units[j-1].end
			edits := instrument(src, start, end, units[i].kind, units[i].line)
			sort.Slice(edits, func(a, b int) bool { return edits[a].start < edits[b].start })
			for k, e := range edits {
				if e.start < start || e.end > end || e.end < e.start || k > 0 && e.start < edits[k-1].end {
					t.Fatalf("edit %+v of %q", e, src[start:end])
				}
			}
			got := applyEdits(src, start, end, edits)
			if strings.Count(got, "\n") != strings.Count(src[start:end], "\n") {
				t.Fatalf("%q became %q: lines moved", src[start:end], got)
			}
			if units[i].kind == stmtUnit && len(edits) > 0 {
				if _, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {\n"+got+"\n}", 0); err != nil {
					t.Fatalf("%q became %q, which does not parse: %v", src[start:end], got, err)
				}
			}
			i = j
		}
	})
}
