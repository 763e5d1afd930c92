package notebook

import (
	"strings"
	"testing"
)

func TestFromScript(t *testing.T) {
	src := `//go:build ignore

// %% Define
import "fmt"
x := 1
// %%
fmt.Println(x + 1)

// Output:
// 2
`
	nb, want, ok := FromScript(src)
	if !ok || want != "2" {
		t.Errorf("want %q %v", want, ok)
	}
	var kinds []string
	for _, c := range nb.Cells {
		kinds = append(kinds, c.CellType+":"+string(c.Source))
	}
	if got := strings.Join(kinds, "|"); got != "markdown:Define|code:import \"fmt\"\nx := 1|code:fmt.Println(x + 1)" {
		t.Errorf("cells %q", got)
	}
	var out strings.Builder
	if failed, err := Execute(nb, ExecOptions{OnOutput: func(_ int, o *Output) { out.WriteString(o.PlainText()) }}); err != nil || failed != 0 {
		t.Fatal(failed, err)
	}
	if strings.TrimSpace(out.String()) != want {
		t.Errorf("ran %q", out.String())
	}
}
