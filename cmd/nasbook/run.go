package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"nasbook/internal/atomicfile"
	"nasbook/internal/limit"
	"nasbook/nb"
	"nasbook/notebook"
)

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("o", "", "write the notebook with its outputs to `file`")
	timeout := fs.Duration("timeout", 10*time.Minute, "stop a cell that runs longer than this")
	keepGoing := fs.Bool("keep-going", false, "run the remaining cells after a cell fails")
	quiet := fs.Bool("q", false, "show no progress on standard error")
	memory := fs.String("memory", "4GiB", "stop a cell when the kernel's live heap passes `size` (MiB or GiB)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook run [flags] FILE.ipynb|SCRIPT.go\n\nRuns a notebook's code cells in order, as the playground's Run all does, and prints\ntheir outputs. A .go script holds cells separated by lines starting with \"// %%\".\nCells run in a kernel process of their own: if it dies, its cell fails and the\nnext cell starts a fresh one.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "nasbook run: want one notebook or script file")
		fs.Usage()
		return errUsage
	}
	if err := checkAll(atLeast("timeout", *timeout, 0)); err != nil {
		return err
	}
	mem, err := parseSize(*memory)
	if err != nil {
		return fmt.Errorf("-memory: %v", err)
	}
	nb, err := readNotebook(fs.Arg(0))
	if err != nil {
		return err
	}
	code := 0
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			code++
		}
	}
	if code == 0 {
		return fmt.Errorf("%s: no code cells to run", fs.Arg(0))
	}
	p := &runProgress{m: newMeter("run", *quiet), total: code}
	var child *childKernel
	failed, err := notebook.Execute(nb, notebook.ExecOptions{Timeout: *timeout, KeepGoing: *keepGoing,
		OnCell: p.cell, OnOutput: p.outputs(os.Stdout),
		Kernel: func(emit func(notebook.Output)) (notebook.Runner, error) {
			child = newChildKernel(emit, mem)
			return child, nil
		}})
	p.finish()
	if child != nil {
		child.Close()
	}
	if err != nil {
		return err
	}
	if *out != "" {
		// The old file stays whole until the new one is written: -o may
		// name the notebook being run. The notebook is streamed to disk,
		// not built in memory first.
		if err := atomicfile.Write(*out, 0o644, nb.Write); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d cell(s) failed", failed)
	}
	return nil
}

// runProgress shows a run's progress in one meter: the cells done, and the
// progress bar the running cell draws (a training's epochs, a search's
// evaluations), as the page shows it.
type runProgress struct {
	m           *meter
	total, done int    // code cells; done counts the running one
	bar         string // the running cell's bar: its label and count
	barFrac     float64
}

func (p *runProgress) cell(int) {
	p.done++
	p.bar, p.barFrac = "", 0
	p.update()
}

func (p *runProgress) update() {
	status := fmt.Sprintf("cell %d/%d", p.done, p.total)
	if p.bar != "" {
		status += ", " + p.bar
	}
	p.m.Update((float64(p.done-1)+p.barFrac)/float64(p.total), status)
}

func (p *runProgress) finish() {
	p.m.Update(1, fmt.Sprintf("%d cells", p.done))
	p.m.Finish()
}

// readNotebook reads an .ipynb notebook, or a .go script of cells.
func readNotebook(path string) (*notebook.Notebook, error) {
	b, err := limit.ReadFile(path, notebook.MaxBytes)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%s: empty file, want a notebook (.ipynb) or a script of cells (.go)", path)
	}
	if strings.HasSuffix(path, ".go") {
		nb, _, _ := notebook.FromScript(string(b))
		return nb, nil
	}
	nb, err := notebook.Read(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// outputs prints each output's text to w as it comes and adds the SVG of
// figures, as the browser's figure worker does; progress bars go to meters.
func (p *runProgress) outputs(w io.Writer) func(int, *notebook.Output) {
	return func(_ int, o *notebook.Output) {
		addSVG(o) // done by the kernel process; here for a kernel in this one
		if o.DisplayID != "" {
			return // a frame of an animation
		}
		if id := o.ProgressID(); id != "" {
			if pr, ok := progressOf(o); ok && pr.Total > 0 {
				p.bar, p.barFrac = fmt.Sprintf("%s %d/%d", pr.Label, pr.Done, pr.Total), min(float64(pr.Done)/float64(pr.Total), 1)
				p.update()
			}
			return
		}
		p.m.Clear()
		io.WriteString(w, o.PlainText())
	}
}

// progressOf reads a progress bar's state, as a kernel makes it or as it
// comes from the kernel process (JSON).
func progressOf(o *notebook.Output) (nb.Progress, bool) {
	switch v := o.Data[nb.ProgressMIMEType].(type) {
	case nb.Progress:
		return v, true
	case map[string]any:
		var p nb.Progress
		b, _ := json.Marshal(v)
		return p, json.Unmarshal(b, &p) == nil
	}
	return nb.Progress{}, false
}

// parseSize reads a size such as 512MiB or 4GiB.
func parseSize(s string) (uint64, error) {
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v <= 0 {
				break
			}
			return uint64(v * float64(u.mult)), nil
		}
	}
	return 0, fmt.Errorf("%q: want a size such as 512MiB or 4GiB", s)
}
