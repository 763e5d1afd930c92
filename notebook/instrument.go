package notebook

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// The kernel guards a cell against itself by adding cheap calls to the
// code the interpreter sees (guard.go holds what they do):
//
//   - every function body, declared or literal, starts with
//     `if _nbrt.Enter() { return *new(R1), ... }; defer _nbrt.Leave();`:
//     Enter counts nested calls and says when the function is to return at
//     once, because its cell was stopped or went past a limit;
//   - every loop body counts its turns, and every countEvery turns calls
//     `_nbrt.Tick()` (in a function: `if _nbrt.Tick() { return ... }`) or, at
//     the top level of a cell, `_nbrt.Check()`, which panics;
//   - `go F(A, B)` becomes a block that evaluates F, A and B at once, as Go
//     does, and starts a goroutine that runs F(A, B) under `_nbrt.Go`, which
//     counts goroutines and turns a panic in one into its cell's error.
//
// A stopped cell unwinds by returning rather than panicking: the interpreter
// recovers and panics again at each frame, which costs time in the depth of
// the stack, so a panic out of a 10,000-deep recursion takes seconds.
//
// The additions go on the lines of the code they guard and keep every newline,
// so the interpreter's line numbers stay the cell's own.

// rtName is the name under which cells see the guard's functions.
const rtName = "_nbrt"

// counterName counts the turns of loops: a local of each function with
// loops, and a global of the kernel for loops at the top level of cells,
// which only a cell's main code runs.
const counterName = "_nbc"

// countEvery is how many turns of a loop pass between two checks.
const countEvery = 64

// edit replaces src[start:end] by text.
type edit struct {
	start, end int
	text       string
}

// instrument returns the edits that guard src[start:end], a run of
// declarations or of statements of a cell that starts on the cell's line
// line. Code that does not parse gets none: the interpreter reports its error.
func instrument(src string, start, end int, kind unitKind, line int) []edit {
	if kind == importUnit {
		return nil
	}
	text := src[start:end]
	prefix := "package p;"
	if kind == stmtUnit {
		prefix = "package p; func _() {"
		text += "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	file := fset.File(f.Pos())
	// off converts a position in the parsed text to an offset in src.
	off := func(p token.Pos) int { return file.Offset(p) - len(prefix) + start }
	lineOf := func(p token.Pos) int { return file.Line(p) + line - 1 }
	var edits []edit
	insert := func(p token.Pos, s string) { edits = append(edits, edit{off(p), off(p), s}) }
	// The guard's calls go on the line of the block's first statement: the
	// interpreter names that line for a panic anywhere in the function.
	first := func(b *ast.BlockStmt) token.Pos {
		if len(b.List) > 0 {
			return b.List[0].Pos()
		}
		return b.Lbrace + 1
	}
	var top *ast.FuncDecl // the wrapper of statements, not the cell's own
	if kind == stmtUnit {
		top = f.Decls[0].(*ast.FuncDecl)
	}
	// funcs holds, for each enclosing function, innermost last, its return
	// statement ("" where a panic must do) and where its counter of loop
	// turns is to be declared, if it has loops.
	type fn struct {
		ret     string
		at      token.Pos // -1 for the cell's top level, whose counter is global
		counter bool
	}
	var funcs []*fn
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			switch stack[len(stack)-1].(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				if f := funcs[len(funcs)-1]; f.counter && f.at >= 0 {
					insert(f.at, "var "+counterName+" int; ")
				}
				funcs = funcs[:len(funcs)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		enter := func(t *ast.FuncType, b *ast.BlockStmt, name string) {
			ret := returnZero(src, t, off)
			if b == nil {
				funcs = append(funcs, &fn{ret: ret, at: -1})
				return
			}
			funcs = append(funcs, &fn{ret: ret, at: first(b)})
			call := rtName + ".Enter(" + itoa(lineOf(t.Pos())) + ", " + strconv.Quote(name) + ")"
			if ret == "" {
				insert(first(b), rtName+".EnterP"+call[len(rtName)+len(".Enter"):]+"; defer "+rtName+".Leave(); ")
			} else {
				insert(first(b), "if "+call+" { "+ret+" }; defer "+rtName+".Leave(); ")
			}
		}
		// A loop counts its turns in interpreted code and calls the guard
		// every countEvery turns: a call into compiled code costs several
		// times a turn of a small loop.
		loop := func(b *ast.BlockStmt) {
			f := funcs[len(funcs)-1]
			f.counter = true
			check := rtName + ".Check()"
			if f.ret != "" {
				check = "if " + rtName + ".Tick() { " + f.ret + " }"
			}
			insert(first(b), counterName+"++; if "+counterName+" == "+itoa(countEvery)+" { "+counterName+" = 0; "+check+" }; ")
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n == top {
				funcs = append(funcs, &fn{at: -1}) // the cell's top level: Check panics
				return true
			}
			enter(n.Type, n.Body, n.Name.Name)
		case *ast.FuncLit:
			enter(n.Type, n.Body, "a function literal")
		case *ast.ForStmt:
			loop(n.Body)
		case *ast.RangeStmt:
			loop(n.Body)
		case *ast.GoStmt:
			edits = append(edits, goEdits(src, n, off, lineOf(n.Pos()))...)
		}
		return true
	})
	return edits
}

// returnZero returns a statement that returns the zero values of t's
// results, or "" if a result type spans lines (the statement must not).
func returnZero(src string, t *ast.FuncType, off func(token.Pos) int) string {
	if t.Results == nil {
		return "return"
	}
	var zs []string
	for _, f := range t.Results.List {
		typ := src[off(f.Type.Pos()):off(f.Type.End())]
		if strings.Contains(typ, "\n") {
			return ""
		}
		n := max(len(f.Names), 1)
		for range n {
			zs = append(zs, "*new("+typ+")")
		}
	}
	return "return " + strings.Join(zs, ", ")
}

// goEdits rewrites `go F(A0, A1)`, starting on the cell's line line, into
//
//	{ _nbF, _nbA0, _nbA1 := F, A0, A1; _nbG := _nbrt.Go(line); go func() { defer func() { _nbrt.Done(_nbG, recover()) }(); _nbrt.Begin(_nbG); _nbF(_nbA0, _nbA1) }() }
//
// The arguments are evaluated where the go statement stands, as Go
// evaluates them; constant literals stay in the call, untyped as written.
// So is F, unless it is a name or a selector of names (f, pkg.F, x.M),
// which stays in the call: a builtin or a generic function has no value to
// take. Such an F is looked up when the goroutine starts.
func goEdits(src string, g *ast.GoStmt, off func(token.Pos) int, line int) []edit {
	call := g.Call
	var names []string
	var edits []edit
	// cut replaces src between two offsets by s. The newlines it removes go
	// into the goroutine's function, where they cannot end a statement.
	newlines := 0
	cut := func(from, to int, s string) {
		newlines += strings.Count(src[from:to], "\n")
		edits = append(edits, edit{from, to, s})
	}
	fn := ""
	start := off(g.Pos())
	if name := selectorChain(call.Fun); name != "" && !strings.Contains(src[off(call.Fun.Pos()):off(call.Fun.End())], "\n") {
		// A name (a builtin, a function, perhaps generic, which has no
		// value until instantiated; a package's function; a method) is
		// called as written.
		fn = src[off(call.Fun.Pos()):off(call.Fun.End())]
		cut(start, off(call.Fun.End()), "{ ")
	} else {
		fn = "_nbF"
		names = append(names, fn)
		cut(start, off(call.Fun.Pos()), "{ ")
	}
	prev := off(call.Fun.End())
	var args []string
	for i, a := range call.Args {
		if constLiteral(a) {
			args = append(args, src[off(a.Pos()):off(a.End())])
			cut(prev, off(a.End()), "")
		} else {
			name := "_nbA" + itoa(i)
			args = append(args, name)
			sep := ", "
			if len(names) == 0 {
				sep = ""
			}
			names = append(names, name)
			cut(prev, off(a.Pos()), sep)
		}
		prev = off(a.End())
	}
	if call.Ellipsis.IsValid() {
		args[len(args)-1] += "..."
	}
	head := ""
	if len(names) > 0 {
		head = strings.Join(names, ", ") + " := "
	}
	cut(prev, off(g.End()), "")
	tail := "; _nbG := " + rtName + ".Go(" + itoa(line) + "); go func() {" + strings.Repeat("\n", newlines) +
		" defer func() { " + rtName + ".Done(_nbG, recover()) }(); " + rtName + ".Begin(_nbG); " +
		fn + "(" + strings.Join(args, ", ") + ") }() }"
	if len(names) == 0 {
		tail = tail[2:] // no assignment before it
	}
	edits[len(edits)-1].text = tail
	// The head goes right after the opening brace of the block.
	edits[0].text = strings.Replace(edits[0].text, "{ ", "{ "+head, 1)
	return edits
}

// constLiteral reports whether e is made only of basic literals on one line
// (1, 2.5, 'x', "s", -1, 1<<10), which must stay untyped.
func constLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return !strings.Contains(e.Value, "\n")
	case *ast.ParenExpr:
		return constLiteral(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && constLiteral(e.X)
	case *ast.BinaryExpr:
		return constLiteral(e.X) && constLiteral(e.Y)
	}
	return false
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		if i /= 10; i == 0 {
			return string(b[n:])
		}
	}
}

// applyEdits returns src[start:end] with the edits that fall in it applied.
// Edits do not overlap.
func applyEdits(src string, start, end int, edits []edit) string {
	var in []edit
	for _, e := range edits {
		if e.start >= start && e.end <= end {
			in = append(in, e)
		}
	}
	sort.SliceStable(in, func(i, j int) bool { return in[i].start < in[j].start })
	var b strings.Builder
	at := start
	for _, e := range in {
		b.WriteString(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(src[at:end])
	return b.String()
}
