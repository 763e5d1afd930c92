package notebook

import (
	"context"
	"io/fs"
	"time"
)

// ExecOptions tune Execute. The zero value runs every cell without a time
// limit and stops at the first failure.
type ExecOptions struct {
	Timeout   time.Duration // per cell; 0 means none
	KeepGoing bool          // run the remaining cells after a failure
	Files     fs.FS         // built-in data files; nil means nb.NativeFiles()
	// Uploads are files given to the notebook as a user uploads them in
	// the page (nb.UploadedFile reads them), by name.
	Uploads map[string][]byte
	// OnOutput sees each output as it happens, before it is stored in the
	// cell, and may add representations to it (the SVG of a figure, say).
	OnOutput func(cell int, o *Output)
	// OnCell, if set, is called before each code cell runs, with its index.
	OnCell func(cell int)
	// Limits bound what cells may use, in a kernel of this process.
	Limits Limits
	// Kernel starts the kernel that runs the cells, handing their outputs to
	// emit; nil means a Kernel in this process (NewKernel). Uploads and
	// Limits are then the kernel's own business.
	Kernel func(emit func(Output)) (Runner, error)
}

// Runner runs the cells of a notebook one after another, sharing their
// state, as a Kernel does; another may run them in a process of its own.
type Runner interface {
	Run(ctx context.Context, source string) error
	ExecutionCount() int
}

// Execute runs nb's code cells in order with a new kernel, replacing their
// outputs and execution counts, as Jupyter's "Run all" does. It returns the
// number of cells that failed.
func Execute(nb *Notebook, opt ExecOptions) (failed int, err error) {
	current := -1
	emit := func(o Output) {
		if opt.OnOutput != nil {
			opt.OnOutput(current, &o)
		}
		c := &nb.Cells[current]
		// A progress bar's or a display's update replaces its last state,
		// as on the page.
		if id := o.ProgressID(); id != "" {
			for i := range c.Outputs {
				if c.Outputs[i].ProgressID() == id {
					c.Outputs[i] = o
					return
				}
			}
		}
		if o.DisplayID != "" {
			for i := range c.Outputs {
				if c.Outputs[i].DisplayID == o.DisplayID {
					c.Outputs[i] = o
					return
				}
			}
		}
		c.Outputs = append(c.Outputs, o)
	}
	var k Runner
	if opt.Kernel != nil {
		if k, err = opt.Kernel(emit); err != nil {
			return 0, err
		}
	} else {
		local, err := NewKernel(emit, opt.Files)
		if err != nil {
			return 0, err
		}
		local.SetLimits(opt.Limits)
		for name, b := range opt.Uploads {
			local.Session().AddUpload(name, b)
		}
		k = local
	}
	for i := range nb.Cells {
		cell := &nb.Cells[i]
		if cell.CellType != "code" {
			continue
		}
		current = i
		cell.Outputs = nil
		if opt.OnCell != nil {
			opt.OnCell(i)
		}
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if opt.Timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		}
		err := k.Run(ctx, string(cell.Source))
		cancel()
		n := k.ExecutionCount()
		cell.ExecutionCount = &n
		if err != nil {
			failed++
			if !opt.KeepGoing {
				break
			}
		}
	}
	return failed, nil
}
