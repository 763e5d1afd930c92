package notebook

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bounds of Read and of the kernel's cell splitting are errors that
// say which bound.
func TestNotebookBounds(t *testing.T) {
	_, err := Read(strings.NewReader(`{"nbformat": 4, "cells": [` + strings.Repeat(`{"cell_type":"raw","source":""},`, MaxCells) + `{"cell_type":"raw","source":""}]}`))
	if err == nil || err.Error() != "notebook: 10001 cells, more than 10000" {
		t.Errorf("cells: %v", err)
	}
	// Reading 128 MiB byte by byte takes 2 s natively and a minute under
	// the race detector, which has no goroutines to watch here.
	if !raceEnabled {
		_, err = Read(bytes.NewReader(make([]byte, MaxBytes+1)))
		if err == nil || err.Error() != "notebook: file: more than 128 MiB" {
			t.Errorf("bytes: %v", err)
		}
	}
	_, err = Read(strings.NewReader(`{"nbformat": 4, "cells": [{"cell_type":"` + strings.Repeat("x", 1000) + `"}]}`))
	if err == nil || err.Error() != `notebook: cell 1: unknown cell_type "`+strings.Repeat("x", 60)+`..."` {
		t.Errorf("long cell type: %v", err)
	}
	if _, err := splitCell(strings.Repeat("x++\n", MaxCellBytes/4+1)); err == nil || err.Error() != "the cell is 4194308 bytes, more than 4 MiB" {
		t.Errorf("cell: %v", err)
	}
}

// seedNotebooks adds the lessons and example scripts as notebooks.
func seedNotebooks(f *testing.F) {
	scripts, _ := filepath.Glob("../scripts/*.go")
	for _, p := range scripts {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		nb, _, _ := FromScript(string(b))
		var w bytes.Buffer
		if err := nb.Write(&w); err != nil {
			f.Fatal(err)
		}
		f.Add(w.Bytes())
	}
	lessons, _ := filepath.Glob("../assets/*.ipynb")
	more, _ := filepath.Glob("../assets/*/*.ipynb")
	for _, p := range append(lessons, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzRead(f *testing.F) {
	seedNotebooks(f)
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": ["x := 1\n", "x"], "metadata": {}, "execution_count": 3, "outputs": [{"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": ["1"]}, "metadata": {}}, {"output_type": "stream", "name": "stdout", "text": "a"}, {"output_type": "error", "ename": "e", "evalue": "v", "traceback": ["t"]}]}]}`))
	f.Add([]byte(`{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "# t"}, {"cell_type": "raw", "source": 3}]}`))
	f.Add([]byte(`{"nbformat": 3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		nb, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(nb.Cells) > MaxCells {
			t.Fatalf("%d cells", len(nb.Cells))
		}
		// A notebook written and read back writes the same bytes.
		var w1, w2 bytes.Buffer
		if err := nb.Write(&w1); err != nil {
			return // an output whose data JSON cannot write (such as NaN) is refused, not panicked on
		}
		nb2, err := Read(bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("reading what Write wrote: %v\n%s", err, w1.Bytes())
		}
		if err := nb2.Write(&w2); err != nil || !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("round trip: %v\n%s\n%s", err, w1.Bytes(), w2.Bytes())
		}
		for _, c := range nb.Cells {
			for _, o := range c.Outputs {
				o.PlainText()
				o.ProgressID()
			}
		}
	})
}

func FuzzSplitCell(f *testing.F) {
	seedCells(f)
	f.Add("import (\n m \"math\"\n . \"fmt\"\n)\nfunc (t T) M() int { return 1 }\nfunc(v int) {}(2)\nx")
	f.Add("\"unterminated")
	f.Add("}}}{{{ ;;; func ( import")
	f.Fuzz(func(t *testing.T, src string) {
		units, err := splitCell(src)
		if err != nil {
			return
		}
		end := 0
		for _, u := range units {
			if u.start < end || u.end < u.start || u.end > len(src) || u.line < 1 {
				t.Fatalf("unit %+v after offset %d of %d bytes", u, end, len(src))
			}
			end = u.end
		}
	})
}

func FuzzFromScript(f *testing.F) {
	scripts, _ := filepath.Glob("../scripts/*.go")
	for _, p := range scripts {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("//go:build ignore\n\npackage main\n// %% Title\nx := 1\n// %%\nx\n// Output:\n// 1\n")
	f.Fuzz(func(t *testing.T, src string) {
		nb, want, has := FromScript(src)
		if !has && want != "" {
			t.Fatalf("want %q without an Output block", want)
		}
		for i, c := range nb.Cells {
			if strings.TrimSpace(string(c.Source)) == "" {
				t.Fatalf("cell %d is empty", i+1)
			}
		}
		var w bytes.Buffer
		if err := nb.Write(&w); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(&w); err != nil {
			t.Fatalf("reading the script's notebook: %v", err)
		}
	})
}

// seedCells adds the code cells of the example scripts.
func seedCells(f *testing.F) {
	scripts, _ := filepath.Glob("../scripts/*.go")
	for _, p := range scripts {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		nb, _, _ := FromScript(string(b))
		for _, c := range nb.Cells {
			if c.CellType == "code" {
				f.Add(string(c.Source))
			}
		}
	}
}
