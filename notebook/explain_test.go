package notebook

import (
	"strings"
	"testing"
)

// TestErrorsInGoWords holds the kernel's errors to what Go says for the same
// mistake (go run prints "panic: runtime error: index out of range [3] with
// length 0"), at the line of the cell where it happened.
func TestErrorsInGoWords(t *testing.T) {
	for _, c := range []struct {
		src, name, value string
		traceback        []string
	}{
		{src: "x := y + 1", name: "compile error", value: "line 1: undefined: y"},
		{src: "z := 2\nvar q = z * undefinedThing", name: "compile error", value: "line 2: undefined: undefinedThing"},
		{src: "type T struct{ a Undef }", name: "compile error", value: "line 1: undefined: Undef"},
		{src: "func g() int { return 1 }\nvar q = g() + nope", name: "compile error", value: "line 2: undefined: nope"},
		{src: "var s []int\ni := 3\nprintln(s[i])", name: "panic", value: "line 3: runtime error: index out of range [3] with length 0"},
		{src: "a := [3]int{}\ni := 5\nprintln(a[i])", name: "panic", value: "line 3: runtime error: index out of range [5] with length 3"},
		{src: "str := \"ab\"\nprintln(str[len(str)])", name: "panic", value: "line 2: runtime error: index out of range [2] with length 2"},
		// Of two index expressions on the line, the one out of range.
		{src: "import (\"fmt\")\ns := []int{1}\nt := []int{1, 2, 3}\nfmt.Println(t[2], s[2])", name: "panic", value: "line 4: runtime error: index out of range [2] with length 1"},
		// After a one-line import, in a function: the line of the index, not of the function's first statement.
		{src: "import (\"fmt\"; \"strings\")\nfunc f() int {\n\tvar s []int\n\treturn s[3]\n}\nfmt.Println(f(), strings.ToUpper(\"a\"))",
			name: "panic", value: "line 4: runtime error: index out of range [3]", traceback: []string{"line 4, in f", "line 6, in the cell"}},
		{src: "import (\"fmt\"; \"strings\")\ntype T struct{}\nfunc (T) f() int {\n\tvar s []int\n\treturn s[3]\n}\nfmt.Println(T{}.f(), strings.ToUpper(\"a\"))",
			name: "panic", value: "line 5: runtime error: index out of range [3]", traceback: []string{"line 5, in f", "line 7, in the cell"}},
		// In a loop at the cell's top level: the line in the loop.
		{src: "import (\"fmt\"; \"strings\")\nvar s []int\nfor i := 0; i < 3; i++ {\n\tfmt.Println(strings.ToUpper(\"a\"))\n\tfmt.Println(s[i])\n}",
			name: "panic", value: "line 5: runtime error: index out of range", traceback: []string{"line 5, in the cell"}},
		{src: "var p *struct{ x int }\nprintln(p.x)", name: "panic", value: "line 2: runtime error: invalid memory address or nil pointer dereference"},
		{src: "s := []int{1, 2}\ni := 3\nprintln(len(s[1:i]))", name: "panic", value: "line 3: runtime error: slice bounds out of range"},
		{src: "x := 0\nprintln(1 / x)", name: "panic", value: "line 2: runtime error: integer divide by zero"},
		{src: "var e any = 1\nprintln(e.(string))", name: "panic", value: "line 2: interface conversion: interface {} is int, not string"},
		{src: "func h() {\n\tx := 1\n\t_ = x\n\tpanic(\"boom\")\n}\nfunc g() {\n\tprintln()\n\th()\n}\ng()",
			name: "panic", value: "line 4: boom", traceback: []string{"line 4, in h", "line 8, in g", "line 10, in the cell"}},
	} {
		k, r := newKernel(t)
		if err := run(t, k, c.src); err == nil {
			t.Errorf("%q: no error", c.src)
			continue
		}
		var got Output
		for _, o := range r.outs {
			if o.OutputType == "error" {
				got = o
			}
		}
		if got.EName != c.name || got.EValue != c.value {
			t.Errorf("%q:\n got %s: %s\nwant %s: %s", c.src, got.EName, got.EValue, c.name, c.value)
		}
		if c.traceback != nil && strings.Join(got.Traceback, "|") != strings.Join(c.traceback, "|") {
			t.Errorf("%q: traceback %q, want %q", c.src, got.Traceback, c.traceback)
		}
	}
}

// TestDefinitionsAcrossCells: a name an earlier cell defined is no
// undefined name, and a definition that refers to itself keeps its message.
func TestDefinitionsAcrossCells(t *testing.T) {
	k, r := newKernel(t)
	for _, src := range []string{"type pair struct{ a, b int }\nfunc mk() pair { return pair{} }\nvar base = 2\nn := 3\nconst c = 4"} {
		if err := run(t, k, src); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(t, k, "var total = base + n + c + mk().a + missing"); err == nil {
		t.Fatal("no error")
	}
	var got Output
	for _, o := range r.outs {
		if o.OutputType == "error" {
			got = o
		}
	}
	if got.EValue != "line 1: undefined: missing" {
		t.Errorf("got %q, want the undefined name missing", got.EValue)
	}
}

// FuzzExplain reads a cell's source as the kernel does to explain an error:
// whatever the source, it finds regions, candidates and undefined names
// without panicking, and lines within the cell.
func FuzzExplain(f *testing.F) {
	seedCells(f)
	f.Add("import (\"fmt\"; \"strings\")\nfunc f() int {\n\tvar s []int\n\treturn s[3]\n}\nfmt.Println(f(), strings.ToUpper(\"a\"))")
	f.Add("for i := 0; i < 3; i++ {\n\tx := s[i] / d\n\tm[k] = v.(int)\n\tpanic(x)\n}\nvar q = T{a: b}\nfunc (r R) M() { g(func() { h() }) }")
	f.Fuzz(func(t *testing.T, src string) {
		k := &Kernel{defined: map[string]bool{}, imported: map[string]string{}, cellSource: src}
		lines := strings.Count(src, "\n") + 1
		units := parseUnits(src)
		for line := 1; line <= lines && line <= 50; line++ {
			for _, fn := range []string{"", "f", "f.func1"} {
				r, ok := findRegion(units, frame{line: line, fn: fn})
				if !ok {
					continue
				}
				for kind := otherPanic; kind <= callPanic; kind++ {
					for _, c := range candidates(r, kind, "g") {
						if l := r.unit.line(c.Pos()); l < 1 || l > lines {
							t.Fatalf("candidate on line %d of %d", l, lines)
						}
					}
				}
				declared(r)
			}
		}
		k.undefinedName(src)
	})
}
