package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nasbook/notebook"
)

// TestScriptsInTheBrowser opens each example script of scripts/ in the page
// as a notebook, runs it all, and holds what its cells print to the script's
// "// Output:" block, as the native test does.
func TestScriptsInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("runs every example script in the browser")
	}
	files, _ := filepath.Glob(filepath.Join(root(t), "scripts", "*.go"))
	ctx := page(t)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		nb, want, ok := notebook.FromScript(string(src))
		if !ok {
			continue // doc.go, the tests
		}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".go"), func(t *testing.T) {
			var buf bytes.Buffer
			if err := nb.Write(&buf); err != nil {
				t.Fatal(err)
			}
			name, _ := json.Marshal(filepath.Base(f))
			eval[any](t, ctx, `(window.nasbook.load(`+buf.String()+`, `+string(name)+`), true)`, patience)
			eval[any](t, ctx, `window.nasbook.restart()`, patience) // a fresh kernel for each script
			eval[any](t, ctx, `window.nasbook.runAll()`, 15*time.Minute)
			cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
			var got strings.Builder
			for i, c := range cells {
				if c.Type != "code" {
					continue
				}
				if c.Error != nil {
					t.Fatalf("cell %d: %s", i+1, *c.Error)
				}
				got.WriteString(c.Text)
			}
			if err := notebook.MatchOutput(got.String(), want); err != nil {
				t.Errorf("%v\nthe browser printed:\n%s", err, got.String())
			}
		})
	}
}

// scriptLessonsInTheMenu: the build turns each example script into a
// notebook that the Lessons menu opens.
func scriptLessonsInTheMenu(t *testing.T, ctx context.Context) {
	src := openLesson(t, ctx, "../build/lessons/nb201_extra_op.ipynb", 1, "DefineCellSpace")
	if n := eval[int](t, ctx, `document.querySelector('#lessons').options.length`, patience); n < 9 {
		t.Errorf("%d entries in the Lessons menu", n)
	}
	if strings.Contains(src, "//go:build") || strings.Contains(src, "package main") {
		t.Errorf("the script's header reached a cell:\n%s", src)
	}
}
