package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

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
		fmt.Fprintln(fs.Output(), "usage: nasbook run [flags] FILE.ipynb")
		fs.PrintDefaults()
	}
	fs.Parse(args)
	if fs.NArg() != 1 {
		fs.Usage()
		os.Exit(2)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	nb, err := notebook.Read(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	failed := RunNotebook(nb, os.Stdout, *timeout, *keepGoing)
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

// RunNotebook runs nb's code cells in order, storing their outputs in nb and
// printing their text to w as it comes; a figure also gets its SVG, as the
// browser's figure worker adds it. It returns the number of failed cells, and
// stops at the first unless keepGoing.
func RunNotebook(nb *notebook.Notebook, w io.Writer, timeout time.Duration, keepGoing bool) (failed int) {
	var cell *notebook.Cell
	k, err := notebook.NewKernel(func(o notebook.Output) {
		if spec, ok := o.Data[figure.MIMEType].(*figure.Spec); ok {
			if svg, err := render.SVG(spec); err == nil {
				o.Data["image/svg+xml"] = string(svg)
			}
		}
		cell.Outputs = append(cell.Outputs, o)
		io.WriteString(w, o.PlainText())
	})
	if err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	for i := range nb.Cells {
		cell = &nb.Cells[i]
		if cell.CellType != "code" {
			continue
		}
		cell.Outputs = nil
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := k.Run(ctx, string(cell.Source))
		cancel()
		n := k.ExecutionCount()
		cell.ExecutionCount = &n
		if err != nil {
			failed++
			if !keepGoing {
				return failed
			}
		}
	}
	return failed
}
