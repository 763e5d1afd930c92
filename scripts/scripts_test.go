package scripts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/notebook"
)

// TestScripts runs each example script natively and holds its printed text to
// the script's "// Output:" block.
func TestScripts(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if f == "doc.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(f, ".go"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nb, want, ok := notebook.FromScript(string(src))
			if !ok {
				t.Fatalf("%s has no // Output: block", f)
			}
			failed, err := notebook.Execute(nb, notebook.ExecOptions{})
			if err != nil || failed > 0 {
				t.Fatalf("%d cells failed (%v):\n%s", failed, err, text(nb))
			}
			if err := notebook.MatchOutput(text(nb), want); err != nil {
				t.Errorf("%s: %v\ngot:\n%s", f, err, text(nb))
			}
		})
	}
	if n < 4 {
		t.Errorf("%d example scripts, want at least 4", n)
	}
}

func text(nb *notebook.Notebook) string {
	var b strings.Builder
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			b.WriteString(o.PlainText())
		}
	}
	return b.String()
}
