package main

// `nasbook run` runs a notebook's cells in a child process, `nasbook kernel`,
// so that what no Go program survives (a fatal runtime error, the system
// killing a process out of memory) ends one cell, not the run. The two speak
// JSON lines over the child's standard input and output:
//
//	run -> kernel  {"type":"run","source":S}        run a cell
//	               {"type":"stop","reason":R}       stop the running cell
//	kernel -> run  {"type":"output","output":O,"display_id":D}
//	               {"type":"done","execution_count":N,"error":E,"broken":B}
//
// O is an nbformat output, E the cell's error (null when it ran), B why the
// kernel cannot run more cells, if it cannot. The child's standard error
// carries only what the Go runtime prints when it dies.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"nasbook/notebook"
	"nasbook/viz/figure"
	"nasbook/viz/figure/render"
)

type kernelMsg struct {
	Type           string              `json:"type"`
	Source         string              `json:"source,omitempty"`
	Reason         string              `json:"reason,omitempty"`
	Output         *notebook.Output    `json:"output,omitempty"`
	DisplayID      string              `json:"display_id,omitempty"`
	ExecutionCount int                 `json:"execution_count,omitempty"`
	Error          *notebook.CellError `json:"error,omitempty"`
	Broken         string              `json:"broken,omitempty"`
}

// kernelCmd is the child side: it runs the cells it is sent, one at a time.
func kernelCmd(args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ExitOnError)
	memory := fs.Uint64("memory", notebook.DefaultMemoryLimit, "bound the kernel's live heap to `bytes`")
	fs.Parse(args)
	var outMu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	out := json.NewEncoder(w)
	send := func(m kernelMsg) {
		outMu.Lock()
		defer outMu.Unlock()
		if out.Encode(m) != nil || w.Flush() != nil {
			os.Exit(1) // the parent is gone
		}
	}
	k, err := notebook.NewKernel(func(o notebook.Output) {
		addSVG(&o)
		send(kernelMsg{Type: "output", Output: &o, DisplayID: o.DisplayID})
	}, nil)
	if err != nil {
		return err
	}
	k.SetLimits(notebook.Limits{Memory: *memory})

	runs := make(chan string)
	var mu sync.Mutex
	stop := context.CancelCauseFunc(func(error) {})
	go func() {
		defer close(runs)
		in := json.NewDecoder(bufio.NewReader(os.Stdin))
		for {
			var m kernelMsg
			if err := in.Decode(&m); err != nil {
				return
			}
			switch m.Type {
			case "run":
				runs <- m.Source
			case "stop":
				mu.Lock()
				stop(errors.New(m.Reason))
				mu.Unlock()
			}
		}
	}()
	for src := range runs {
		ctx, cancel := context.WithCancelCause(context.Background())
		mu.Lock()
		stop = cancel
		mu.Unlock()
		err := k.Run(ctx, src)
		cancel(nil)
		done := kernelMsg{Type: "done", ExecutionCount: k.ExecutionCount()}
		var ce *notebook.CellError
		if errors.As(err, &ce) {
			done.Error = ce
		} else if err != nil {
			done.Error = &notebook.CellError{Name: "error", Value: err.Error()}
		}
		if b := k.Broken(); b != nil {
			done.Broken = b.Error()
		}
		send(done)
		if done.Broken != "" {
			return nil
		}
	}
	return nil
}

// addSVG adds the SVG of a figure to its output, as the browser's figure
// worker does.
func addSVG(o *notebook.Output) {
	if spec, ok := o.Data[figure.MIMEType].(*figure.Spec); ok {
		if svg, err := render.SVG(spec); err == nil {
			o.Data["image/svg+xml"] = string(svg)
		}
	}
}

// childKernel runs cells in a `nasbook kernel` process, starting a fresh
// one when the last one died or cannot go on.
type childKernel struct {
	emit   func(notebook.Output)
	memory uint64
	count  int // execution count, carried across restarts
	// stopWait is how long a cell has to end after it was asked to stop
	// before its process is killed.
	stopWait time.Duration

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	msgs   chan kernelMsg
	exited chan struct{} // closed when the process has ended
	stderr *tailBuffer
	state  string // how the last process ended ("signal: killed")
	// restarted says why the previous process ended, for the next cell.
	restarted string
}

func newChildKernel(emit func(notebook.Output), memory uint64) *childKernel {
	return &childKernel{emit: emit, memory: memory, stopWait: 5 * time.Second}
}

// kernelCommand is the command line of the child; tests replace it.
var kernelCommand = func(memory uint64) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe, "kernel", "-memory", fmt.Sprint(memory)), nil
}

func (c *childKernel) ExecutionCount() int { return c.count }

func (c *childKernel) start() error {
	cmd, err := kernelCommand(c.memory)
	if err != nil {
		return err
	}
	c.stderr = &tailBuffer{max: 8 << 10}
	cmd.Stderr = c.stderr
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the kernel process: %w", err)
	}
	c.cmd = cmd
	c.msgs = make(chan kernelMsg, 64)
	c.exited = make(chan struct{})
	msgs, exited := c.msgs, c.exited
	go func() {
		dec := json.NewDecoder(bufio.NewReaderSize(stdout, 1<<16))
		for {
			var m kernelMsg
			if err := dec.Decode(&m); err != nil {
				break
			}
			msgs <- m
		}
		cmd.Wait()
		c.state = cmd.ProcessState.String()
		close(msgs)
		close(exited)
	}()
	return nil
}

// kill ends the process, if one runs, and waits for it.
func (c *childKernel) kill() {
	if c.cmd == nil {
		return
	}
	c.stdin.Close()
	c.cmd.Process.Kill()
	for range c.msgs {
	}
	<-c.exited
	c.cmd = nil
}

// Close ends the kernel process.
func (c *childKernel) Close() { c.kill() }

// Run runs a cell in the kernel process. If the process dies, the cell fails
// with what the Go runtime said, and the next cell starts a fresh process.
func (c *childKernel) Run(ctx context.Context, source string) error {
	c.count++
	if c.cmd == nil {
		if err := c.start(); err != nil {
			return c.fail(&notebook.CellError{Name: "kernel error", Value: err.Error()})
		}
		if c.restarted != "" {
			c.emit(notebook.Output{OutputType: "stream", Name: "stderr", Text: fmt.Sprintf(
				"note: this cell runs in a fresh kernel (%s): variables of earlier cells are gone\n", c.restarted)})
			c.restarted = ""
		}
	}
	b, _ := json.Marshal(kernelMsg{Type: "run", Source: source})
	if _, err := c.stdin.Write(append(b, '\n')); err != nil {
		return c.died()
	}
	done := ctx.Done()
	var killAt <-chan time.Time
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return c.died()
			}
			switch m.Type {
			case "output":
				if m.Output != nil {
					m.Output.DisplayID = m.DisplayID
					c.emit(*m.Output)
				}
			case "done":
				c.count = m.ExecutionCount
				if m.Broken != "" {
					c.kill()
					c.restarted = "the last one stopped: " + m.Broken
				}
				if m.Error != nil {
					return m.Error
				}
				return nil
			}
		case <-done:
			done = nil
			reason := context.Cause(ctx).Error()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && reason == context.DeadlineExceeded.Error() {
				reason = "the cell ran past its time limit (-timeout)"
			}
			b, _ := json.Marshal(kernelMsg{Type: "stop", Reason: reason})
			c.stdin.Write(append(b, '\n'))
			killAt = time.After(c.stopWait)
		case <-killAt:
			c.kill()
			c.restarted = "the last one did not stop within " + c.stopWait.String()
			return c.fail(&notebook.CellError{Name: "stopped", Value: fmt.Sprintf(
				"%v; the kernel did not stop within %v and was ended", context.Cause(ctx), c.stopWait)})
		}
	}
}

// died reports the death of the kernel process as the running cell's error.
func (c *childKernel) died() error {
	c.kill()
	lines := strings.Split(strings.TrimSpace(c.stderr.String()), "\n")
	head := "the kernel process ended"
	for _, l := range lines {
		if strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "runtime: ") || strings.HasPrefix(l, "panic: ") {
			head = strings.TrimSpace(l)
			break
		}
	}
	if head == "the kernel process ended" && c.state != "" {
		head += " (" + c.state + ")"
	}
	c.restarted = "the last one died: " + head
	tb := lines
	if len(tb) > 12 {
		tb = tb[:12]
	}
	return c.fail(&notebook.CellError{Name: "kernel died", Value: head +
		"; the next cell runs in a fresh kernel, without the variables of earlier cells", Traceback: tb})
}

// fail emits e as the running cell's error output and returns it.
func (c *childKernel) fail(e *notebook.CellError) error {
	c.emit(notebook.Output{OutputType: "error", EName: e.Name, EValue: e.Value, Traceback: e.Traceback})
	return e
}

// tailBuffer keeps the first and the last bytes written to it: the runtime's
// headline comes first, and a long trace follows.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	head  []byte
	tail  []byte
	total int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += len(p)
	if room := t.max/2 - len(t.head); room > 0 {
		t.head = append(t.head, p[:min(room, len(p))]...)
	}
	t.tail = append(t.tail, p...)
	if len(t.tail) > t.max/2 {
		t.tail = t.tail[len(t.tail)-t.max/2:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.total <= len(t.head) {
		return string(t.head)
	}
	return string(t.head) + "\n...\n" + string(t.tail)
}
