package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"nasbook/internal/limit"
	"nasbook/nb"
	"nasbook/notebook"
	"nasbook/viz/figure"
	"nasbook/viz/figure/render"
)

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	out := fs.String("o", "", "write the notebook with its outputs to `file`")
	timeout := fs.Duration("timeout", 10*time.Minute, "stop a cell that runs longer than this")
	keepGoing := fs.Bool("keep-going", false, "run the remaining cells after a cell fails")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook run [flags] FILE.ipynb|SCRIPT.go\n\nA .go script holds cells separated by lines starting with \"// %%\".")
		fs.PrintDefaults()
	}
	fs.Parse(args)
	if fs.NArg() != 1 {
		fs.Usage()
		os.Exit(2)
	}
	nb, err := readNotebook(fs.Arg(0))
	if err != nil {
		return err
	}
	failed, err := notebook.Execute(nb, notebook.ExecOptions{Timeout: *timeout, KeepGoing: *keepGoing, OnOutput: printOutputs(os.Stdout)})
	if err != nil {
		return err
	}
	if *out != "" {
		w, err := os.Create(*out)
		if err != nil {
			return err
		}
		if err := nb.Write(w); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d cell(s) failed", failed)
	}
	return nil
}

// readNotebook reads an .ipynb notebook, or a .go script of cells.
func readNotebook(path string) (*notebook.Notebook, error) {
	b, err := limit.ReadFile(path, notebook.MaxBytes)
	if err != nil {
		return nil, err
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

// printOutputs prints each output's text to w as it comes and adds the SVG of
// figures, as the browser's figure worker does.
func printOutputs(w io.Writer) func(int, *notebook.Output) {
	return func(_ int, o *notebook.Output) {
		if spec, ok := o.Data[figure.MIMEType].(*figure.Spec); ok {
			if svg, err := render.SVG(spec); err == nil {
				o.Data["image/svg+xml"] = string(svg)
			}
		}
		if o.DisplayID != "" {
			return // a frame of an animation
		}
		if id := o.ProgressID(); id != "" {
			if p, ok := o.Data[nb.ProgressMIMEType].(nb.Progress); ok && isTerminal(os.Stderr) {
				fmt.Fprintf(os.Stderr, "\r\033[K%s %d/%d", p.Label, p.Done, p.Total)
				if p.Done >= p.Total {
					fmt.Fprintln(os.Stderr)
				}
			}
			return
		}
		io.WriteString(w, o.PlainText())
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
