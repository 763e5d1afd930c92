package notebook

import (
	"context"
	"strings"
	"testing"
	"time"

	"nasbook/viz/scene"
)

type recorder struct{ outs []Output }

func (r *recorder) emit(o Output) { r.outs = append(r.outs, o) }

// text joins the plain text of every output since the last call.
func (r *recorder) text() string {
	var b strings.Builder
	for _, o := range r.outs {
		b.WriteString(o.PlainText())
	}
	r.outs = nil
	return b.String()
}

func newKernel(t *testing.T) (*Kernel, *recorder) {
	t.Helper()
	r := &recorder{}
	k, err := NewKernel(r.emit, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k, r
}

func run(t *testing.T, k *Kernel, src string) error {
	t.Helper()
	// A deadline for a hung cell; these cells take well under a second alone.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return k.Run(ctx, src)
}

func TestStateCarriesAcrossCells(t *testing.T) {
	k, r := newKernel(t)
	cells := []struct{ src, want string }{
		{"import \"fmt\"\nx := 20\nfunc double(v int) int { return 2 * v }\ntype pair struct{ a, b int }", ""},
		{"import \"fmt\"\np := pair{x, double(x)}\nfmt.Println(p.a + p.b)", "60\n"},
		{"func (p pair) sum() int { return p.a + p.b }\np.sum()", "60\n"},
		{"x = 1\nx", "1\n"},
		{"fmt.Println(\"no value shown for a print\")", "no value shown for a print\n"},
	}
	for _, c := range cells {
		if err := run(t, k, c.src); err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if got := r.text(); got != c.want {
			t.Errorf("%q printed %q, want %q", c.src, got, c.want)
		}
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	k, r := newKernel(t)
	for _, c := range []struct{ src, name, value string }{
		{"x := 1\n\ny := undefinedName + x", "compile error", "line 3: undefined: undefinedName"},
		{"func boom() {\n\tpanic(\"boom\")\n}\nboom()", "panic", "line 2: boom"},
		{"var s []int\n_ = s[3]", "panic", "line 2: runtime error: index out of range [3] with length 0"},
		{"import \"os\"\nos.Exit(1)", "import error", `line 1: package "os" is not available in a notebook`},
		{"import (\n\t\"fmt\"\n\t\"net/http\"\n)", "import error", `line 3: package "net/http" is not available`},
		{"s := \"open", "syntax error", "line 1: string literal not terminated"},
		{"import \"nasbook/nb\"\nnb.Show(\"|bad|\")", "panic", "line 2: nb.Show: nb201:"},
	} {
		err := run(t, k, c.src)
		if err == nil {
			t.Errorf("%q: no error", c.src)
			continue
		}
		var got Output
		for _, o := range r.outs {
			if o.OutputType == "error" {
				got = o
			}
		}
		r.outs = nil
		if got.EName != c.name || !strings.HasPrefix(got.EValue, c.value) {
			t.Errorf("%q: error output %s: %s, want %s: %s...", c.src, got.EName, got.EValue, c.name, c.value)
		}
	}
	// The kernel still works after every kind of failure.
	if err := run(t, k, "import \"fmt\"\nfmt.Println(\"alive\")"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "alive\n" {
		t.Errorf("after errors: %q", got)
	}
}

func TestPanicTraceback(t *testing.T) {
	k, r := newKernel(t)
	run(t, k, "func inner() {\n\tpanic(\"deep\")\n}\nfunc outer() { inner() }\nouter()")
	var tb []string
	for _, o := range r.outs {
		tb = append(tb, o.Traceback...)
	}
	want := []string{"line 2, in inner", "line 4, in outer", "line 5, in the cell"}
	if strings.Join(tb, "|") != strings.Join(want, "|") {
		t.Errorf("traceback %q, want %q", tb, want)
	}
}

func TestReimportAndRedefine(t *testing.T) {
	k, r := newKernel(t)
	for i := 0; i < 2; i++ {
		if err := run(t, k, "import \"strings\"\nfunc up(s string) string { return strings.ToUpper(s) }\nup(\"go\")"); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if got := r.text(); got != "GO\nGO\n" {
		t.Errorf("printed %q", got)
	}
	if err := run(t, k, "import s2 \"strings\"\ns2.Repeat(\"a\", 3)"); err != nil {
		t.Fatal(err)
	}
	if got := r.text(); got != "aaa\n" {
		t.Errorf("renamed import printed %q", got)
	}
}

func TestShowEmitsScene(t *testing.T) {
	k, r := newKernel(t)
	const arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
	if err := run(t, k, "import \"nasbook/nb\"\nnb.Show(\""+arch+"\")"); err != nil {
		t.Fatal(err)
	}
	if len(r.outs) != 1 || r.outs[0].OutputType != "display_data" {
		t.Fatalf("outputs %+v, want one display_data", r.outs)
	}
	sc, ok := r.outs[0].Data[scene.MIMEType].(*scene.Scene)
	if !ok {
		t.Fatalf("no scene in %v", r.outs[0].Data)
	}
	if len(sc.Cell.Nodes) != 4 || len(sc.Cell.Edges) != 6 || sc.Cell.Edges[2].Op != "avg_pool_3x3" {
		t.Errorf("scene %+v", sc.Cell)
	}
}

func TestCancel(t *testing.T) {
	k, _ := newKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := k.Run(ctx, "for {}")
	if err == nil || !strings.HasPrefix(err.Error(), "stopped") {
		t.Fatalf("err = %v", err)
	}
}

func TestResultValue(t *testing.T) {
	k, r := newKernel(t)
	for _, c := range []struct{ src, want string }{
		{"import \"strings\"\nimport \"nasbook/nb\"\nfunc none() {}\nfunc two() (int, int) { return 1, 2 }\nfunc one() int { return 7 }\ntype T struct{ v int }\nfunc (t T) Get() int { return t.v }\nfunc (T) Nothing() {}\nt := T{5}", ""},
		{"one()", "7\n"},
		{"none()", ""},
		{"two()", ""},
		{"t.Get()", "5\n"},
		{"t.Nothing()", ""},
		{"strings.ToUpper(\"x\")", "X\n"},
		{"nb.Describe([]float64{1, 3})", "n=2 mean=2 std=1.414 min=1 max=3\n"},
		{"t", "{5}\n"},
		{"t.v + 1", "6\n"},
	} {
		if err := run(t, k, c.src); err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if got := r.text(); got != c.want {
			t.Errorf("%q shows %q, want %q", c.src, got, c.want)
		}
	}
}

// A space defined by a cell's own functions: yaegi hands the interpreted
// closures to compiled code, which samples, checks and builds with them.
func TestCellDefinesASpace(t *testing.T) {
	k, r := newKernel(t)
	src := `import (
	"fmt"
	"nasbook/nb"
)
sp := nb.DefineSpace(nb.SpaceDef{
	Name:    "stack",
	Choices: []nb.Choice{nb.IntRange("depth", 1, 3, 1), nb.Options("width", "8", "16")},
	Check: func(p nb.Picked) error {
		if p.Int("depth") == 3 && p.Int("width") == 16 {
			return fmt.Errorf("too big")
		}
		return nil
	},
	Build: func(p nb.Picked) nb.Model {
		var ls []nb.Layer
		for i := 0; i < p.Int("depth"); i++ {
			ls = append(ls, nb.Conv(p.Int("width"), 3), nb.ReLU(), nb.MaxPool(2))
		}
		return nb.Sequential(ls...)
	},
})
n := 0
for seed := int64(0); seed < 30; seed++ {
	a := nb.Sample(sp, seed)
	if a.Text == "depth=3,width=16" {
		panic("the constraint was ignored")
	}
	if nb.Cost(a).Params > 0 {
		n++
	}
}
fmt.Println(sp, n)`
	if err := run(t, k, src); err != nil {
		t.Fatalf("%v\n%s", err, r.text())
	}
	if got := r.text(); got != "stack: 2 choices, 6 combinations 30\n" {
		t.Errorf("printed %q", got)
	}
	// A mistake in the cell's build function names the choice.
	err := run(t, k, "bad := nb.DefineSpace(nb.SpaceDef{Name: \"bad\", Choices: []nb.Choice{nb.IntRange(\"depth\", 1, 2, 1)},\n\tBuild: func(p nb.Picked) nb.Model { return nb.Sequential(nb.Conv(p.Int(\"width\"), 3)) }})\nnb.Cost(nb.Sample(bad, 1))")
	if err == nil || !strings.Contains(err.Error(), `no choice "width"`) || !strings.Contains(err.Error(), "line 2") { // the build function
		t.Errorf("err = %v", err)
	}
}
