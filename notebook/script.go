package notebook

import (
	"fmt"
	"strings"
)

// FromScript makes a notebook of a Go script: a file of notebook cells
// separated by lines that start with "// %%" (the text after it, if any,
// becomes a markdown cell before the code). A leading build constraint line
// (scripts carry "//go:build ignore" so that the go command leaves them be)
// and package clause are dropped, and a final comment block that starts with "// Output:" is
// returned as the script's expected output rather than run.
func FromScript(src string) (nb *Notebook, want string, hasWant bool) {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "//go:build") {
		lines = lines[1:]
	}
	// A "package" line (which the go command needs to read the constraint)
	// and the comments before it belong to the file, not to a cell.
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "package ") {
			lines = lines[i+1:]
			break
		}
		if t != "" && !strings.HasPrefix(t, "//") || strings.HasPrefix(t, "// %%") {
			break
		}
	}
	// The golden output: "// Output:" and the comment lines after it, to the end.
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t == "" || (strings.HasPrefix(t, "//") && t != "// Output:") {
			continue
		}
		if t == "// Output:" {
			var out []string
			for _, l := range lines[i+1:] {
				l = strings.TrimSpace(l)
				if l == "" {
					continue
				}
				l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ")
				out = append(out, l)
			}
			want, hasWant = strings.Join(out, "\n"), true
			lines = lines[:i]
		}
		break
	}
	nb = &Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{
		"kernelspec": map[string]any{"name": "nasbook-go", "display_name": "Go (nasbook)", "language": "go"},
	}}
	var cell []string
	flush := func() {
		text := strings.Trim(strings.Join(cell, "\n"), "\n")
		if strings.TrimSpace(text) != "" {
			nb.Cells = append(nb.Cells, Cell{CellType: "code", Source: Text(text)})
		}
		cell = nil
	}
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "// %%"); ok {
			flush()
			if md := strings.TrimSpace(rest); md != "" {
				nb.Cells = append(nb.Cells, Cell{CellType: "markdown", Source: Text(md)})
			}
			continue
		}
		cell = append(cell, l)
	}
	flush()
	return nb, want, hasWant
}

// MatchOutput compares a script's output with its golden "// Output:" block,
// line by line after trimming spaces. A golden line that ends in "..."
// matches any line that starts with the rest: the way to write a line whose
// tail depends on the machine (a measured time, an architecture chosen by a
// measurement). It returns an error naming the first line that differs.
func MatchOutput(got, want string) error {
	g := strings.Split(strings.TrimSpace(got), "\n")
	w := strings.Split(strings.TrimSpace(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = strings.TrimSpace(g[i])
		}
		if i < len(w) {
			wl = strings.TrimSpace(w[i])
		}
		if prefix, ok := strings.CutSuffix(wl, "..."); ok && i < len(g) && strings.HasPrefix(gl, prefix) {
			continue
		}
		if gl != wl {
			return fmt.Errorf("output line %d is %q, want %q", i+1, gl, wl)
		}
	}
	return nil
}
