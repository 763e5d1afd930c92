package notebook

import (
	"reflect"
	"testing"
)

func TestSplitCell(t *testing.T) {
	src := `import "fmt"
import (
	m "math"
	"strings"
)
x := 3
func f() int { return x }
type T struct {
	A int
}
func (t T) M() int { return t.A }
func(v int) int { return v }(2)
fmt.Println(f(), m.Pi,
	strings.ToUpper("a"))
var y = 2; y++
x
`
	units, err := splitCell(src)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		kind   unitKind
		line   int
		text   string
		expr   bool
		callee string
	}
	var gs []got
	for _, u := range units {
		gs = append(gs, got{u.kind, u.line, src[u.start:u.end], u.exprStmt, u.callee})
	}
	want := []got{
		{importUnit, 1, `import "fmt"`, false, ""},
		{importUnit, 2, "import (\n\tm \"math\"\n\t\"strings\"\n)", false, ""},
		{stmtUnit, 6, "x := 3", false, ""},
		{declUnit, 7, "func f() int { return x }", false, ""},
		{declUnit, 8, "type T struct {\n\tA int\n}", false, ""},
		{declUnit, 11, "func (t T) M() int { return t.A }", false, ""},
		{stmtUnit, 12, "func(v int) int { return v }(2)", true, "()"},
		{stmtUnit, 13, "fmt.Println(f(), m.Pi,\n\tstrings.ToUpper(\"a\"))", true, "fmt.Println"},
		{declUnit, 15, "var y = 2", false, ""},
		{stmtUnit, 15, "y++", false, ""},
		{stmtUnit, 16, "x", true, ""},
	}
	if !reflect.DeepEqual(gs, want) {
		for i := range max(len(gs), len(want)) {
			var g, w got
			if i < len(gs) {
				g = gs[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("unit %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
	imps := units[1].imports
	if len(imps) != 2 || imps[0] != (importSpec{"m", "math", 3}) || imps[1] != (importSpec{"", "strings", 4}) {
		t.Errorf("imports = %+v", imps)
	}
}

func TestSplitCellScanError(t *testing.T) {
	_, err := splitCell("x := 1\ns := \"open\n")
	if err == nil || err.Error() != "line 2: string literal not terminated" {
		t.Fatalf("err = %v", err)
	}
}
