package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/notebook"
)

// runScript writes cells as a script, runs it with args and returns the
// notebook written by -o and runCmd's error.
func runScript(t *testing.T, cells []string, args ...string) (*notebook.Notebook, error) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "cells.go")
	body := "package main\n"
	for _, c := range cells {
		body += "// %%\n" + c + "\n"
	}
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.ipynb")
	runErr := runCmd(append(append([]string{"-o", out}, args...), src))
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("no notebook written: %v (run: %v)", err, runErr)
	}
	defer f.Close()
	nb, err := notebook.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return nb, runErr
}

func cellText(c notebook.Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		b.WriteString(o.PlainText())
	}
	return b.String()
}

// codeCells drops the markdown cells a script may have.
func codeCells(nb *notebook.Notebook) []notebook.Cell {
	var cs []notebook.Cell
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			cs = append(cs, c)
		}
	}
	return cs
}

// A fatal runtime error (here: two goroutines writing one map) ends the
// kernel process; the cell fails saying so, and the run goes on in a fresh
// kernel.
func TestRunSurvivesAFatalError(t *testing.T) {
	nb, err := runScript(t, []string{
		"import \"fmt\"\nx := 1\nfmt.Println(\"first\", x)",
		"m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j%100] = j\n\t\t}\n\t}()\n}\nfor j := 0; ; j++ {\n\tm[j%100] = j\n}",
		"import \"fmt\"\nfmt.Println(\"third\")",
		"x",
	}, "-keep-going")
	if err == nil || !strings.Contains(err.Error(), "2 cell(s) failed") {
		t.Errorf("err = %v", err)
	}
	cs := codeCells(nb)
	if got := cellText(cs[0]); got != "first 1\n" {
		t.Errorf("cell 1: %q", got)
	}
	if got := cellText(cs[1]); !strings.Contains(got, "kernel died: fatal error: concurrent map") || !strings.Contains(got, "the next cell runs in a fresh kernel") {
		t.Errorf("cell 2: %q", got)
	}
	if got := cellText(cs[2]); !strings.Contains(got, "note: this cell runs in a fresh kernel") || !strings.HasSuffix(got, "third\n") {
		t.Errorf("cell 3: %q", got)
	}
	if got := cellText(cs[3]); !strings.Contains(got, "undefined") {
		t.Errorf("cell 4 (x is gone with the old kernel): %q", got)
	}
}

// Without -keep-going the run ends at the failure, with what ran so far written.
func TestRunEndsCleanlyAtAFatalError(t *testing.T) {
	nb, err := runScript(t, []string{
		"import \"fmt\"\nfmt.Println(\"first\")",
		"m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j%100] = j\n\t\t}\n\t}()\n}\nfor j := 0; ; j++ {\n\tm[j%100] = j\n}",
		"import \"fmt\"\nfmt.Println(\"third\")",
	})
	if err == nil {
		t.Error("no error")
	}
	cs := codeCells(nb)
	if cellText(cs[0]) != "first\n" || !strings.Contains(cellText(cs[1]), "kernel died") || len(cs[2].Outputs) != 0 {
		t.Errorf("cells: %q %q %q", cellText(cs[0]), cellText(cs[1]), cellText(cs[2]))
	}
}

// Over the memory limit, with the memory held by a variable: the cell fails
// naming the limit and the next cell runs in a fresh kernel.
func TestRunMemoryLimit(t *testing.T) {
	nb, err := runScript(t, []string{
		"big := make([]byte, 1<<30)\nbig[0] = 1",
		"import \"fmt\"\nfmt.Println(\"after\")",
	}, "-keep-going", "-memory", "256MiB")
	if err == nil {
		t.Error("no error")
	}
	cs := codeCells(nb)
	if got := cellText(cs[0]); !strings.Contains(got, "memory limit: the kernel's variables hold 1.0 GiB, over its limit of 256 MiB") {
		t.Errorf("cell 1: %q", got)
	}
	if got := cellText(cs[1]); !strings.Contains(got, "fresh kernel (the last one stopped: memory limit") || !strings.HasSuffix(got, "after\n") {
		t.Errorf("cell 2: %q", got)
	}
}

// A cell past -timeout is stopped; the kernel and its variables go on.
func TestRunTimeoutKeepsTheKernel(t *testing.T) {
	nb, _ := runScript(t, []string{
		"x := 5",
		"for {\n}",
		"x",
	}, "-keep-going", "-timeout", "500ms")
	cs := codeCells(nb)
	if got := cellText(cs[1]); !strings.Contains(got, "stopped: the cell ran past its time limit (-timeout)") {
		t.Errorf("cell 2: %q", got)
	}
	if got := cellText(cs[2]); got != "5\n" {
		t.Errorf("cell 3: %q", got)
	}
}

// -o may name the notebook being run: it is replaced whole, never truncated.
func TestRunRewritesItsInput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.ipynb")
	src := &notebook.Notebook{NBFormat: 4, NBFormatMinor: 5, Cells: []notebook.Cell{{CellType: "code", Source: "1 + 2"}}}
	f, _ := os.Create(path)
	if err := src.Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := runCmd([]string{"-o", path, path}); err != nil {
		t.Fatal(err)
	}
	f, _ = os.Open(path)
	defer f.Close()
	nb, err := notebook.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := cellText(nb.Cells[0]); got != "3\n" {
		t.Errorf("output %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1", len(entries))
	}
}
