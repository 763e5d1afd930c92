package notebook

import (
	"reflect"
	"strings"
	"testing"

	"nasbook/nb"
)

// A top-level definition from an index expression on a value of a compiled
// package's type, which the interpreter alone cannot compile (indexdef.go).
func TestTopLevelIndexDefinitions(t *testing.T) {
	k, r := newKernel(t)
	cells := []struct{ src, want string }{
		{"import (\n\t\"fmt\"\n\t\"strings\"\n\t\"nasbook/nb\"\n)\nwords := strings.Split(\"a b c\", \" \")\nfirst := words[0]\nfmt.Println(first, len(words))", "a 3\n"},
		{"second := words[1]\nsecond += \"!\"\nsecond", "b!\n"},
		{"var third = words[2]\nvar last string = words[len(words)-1]\nfmt.Println(third == last)", "true\n"},
		{"words[0]", "a\n"},
		{"t := nb.OpenTable(\"nb201/accuracy-200ep\")\nres := nb.Search(nb.SearchConfig{Strategy: \"rs\", Budget: 3, Seeds: 2, Table: t, Metric: \"cifar10_test\", Quiet: true})\nbest := res.Runs[0]\nfmt.Printf(\"%T %v\\n\", best, best.Value > 10)", "nb.SearchRun true\n"},
		{"arch := res.Runs[1].Arch\nfronts := res.Runs[0].Front\nfmt.Println(arch[:1], len(fronts))", "| 0\n"},
		// The second definition of a name replaces the first, as any
		// top-level := does.
		{"first := words[2]\nfirst", "c\n"},
	}
	for _, c := range cells {
		if err := run(t, k, c.src); err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if got := r.text(); got != c.want {
			t.Errorf("%q printed %q, want %q", c.src, got, c.want)
		}
	}
	// Nothing of a run of statements runs twice, and a real error in it is
	// still reported.
	if err := run(t, k, "n := 0\nn++\nz := words[0]\nfmt.Println(n, z)\nundefinedName()"); err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("a cell calling an undefined function: %v", err)
	}
	if got := r.text(); !strings.HasPrefix(got, "1 a\n") || !strings.Contains(got, "undefined") {
		t.Errorf("printed %q, want the error", got)
	}
}

func TestIndexDefine(t *testing.T) {
	for _, c := range []struct{ src, name, expr, typ string }{
		{"x := a[0]", "x", "a[0]", ""},
		{"x := r.Runs[0].Arch", "x", "r.Runs[0].Arch", ""},
		{"var x = m[\"k\"] + 1", "x", "m[\"k\"] + 1", ""},
		{"var x []int = a[1]", "x", "a[1]", "[]int"},
		{"x := f()", "", "", ""},
		{"x, y := a[0], a[1]", "", "", ""},
		{"_ := a[0]", "", "", ""},
		{"x = a[0]", "", "", ""},
		{"x := func() int { return a[0] }()", "", "", ""},
		{"x := a[", "", "", ""},
	} {
		name, expr, typ, ok := indexDefine(c.src)
		if ok != (c.name != "") || name != c.name || expr != c.expr || typ != c.typ {
			t.Errorf("indexDefine(%q) = %q, %q, %q, %v", c.src, name, expr, typ, ok)
		}
	}
}

func TestTypeSource(t *testing.T) {
	k, _ := newKernel(t)
	k.imported["nasbook/nb"] = ""
	for _, c := range []struct {
		v    any
		want string
	}{
		{3, "int"},
		{[]string{}, "[]string"},
		{map[string][]float64{}, "map[string][]float64"},
		{nb.SearchRun{}, "nb.SearchRun"},
		{[]*nb.FrontMember{}, "[]*nb.FrontMember"},
		{[2]nb.SearchConfig{}, "[2]nb.SearchConfig"},
		{(*mrandSource)(nil), ""},
		{strings.NewReader(""), ""}, // strings is not imported
		{func() {}, ""},
		{struct{ A int }{}, ""},
		{make(chan int), ""},
	} {
		if got := k.typeSource(reflect.TypeOf(c.v)); got != c.want {
			t.Errorf("typeSource(%T) = %q, want %q", c.v, got, c.want)
		}
	}
}

type mrandSource struct{} // unexported: no cell can name it
