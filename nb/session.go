package nb

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"nasbook/engine/cost"
	"nasbook/engine/estimate"
	"nasbook/engine/proxy"
)

// Output is one rich output of a cell: its representations keyed by MIME type,
// as the data of an nbformat display_data output. Every Output carries
// "text/plain", so a text-only host can show it.
type Output map[string]any

// Session is where a notebook's outputs go, and where its built-in data
// comes from.
type Session struct {
	stdout  io.Writer
	display func(Output)

	// Files holds the built-in data files (the MNIST subset, named as
	// engine/data.MNISTSubsetFiles, and the shipped benchmark tables,
	// named as package tables lists them). The browser's kernel reads them
	// over the network on first use; natively they are built into the
	// program.
	Files fs.FS
	// Pool scores architectures with zero-cost proxies (Proxies); nil
	// means goroutines of this process (proxy.Local). The browser's kernel
	// sets a pool of Web Workers.
	Pool proxy.Evaluator
	// TrainPool trains the architectures of a search by training
	// (SearchConfig.Train) and of Halving, several at a time; nil means
	// goroutines of this process (estimate.Local). The browser's kernel
	// sets its pool of Web Workers. The results do not depend on it.
	TrainPool estimate.Pool

	uploads uploads // files the user gave the notebook (Upload)

	tablesMu sync.Mutex
	tables   map[string]*Table // shipped tables opened so far (OpenTable)

	latencyMu sync.Mutex
	latency   cost.LatencyTable // layers timed so far (Latency)

	savedMu sync.Mutex
	saved   map[string]string // searches' saved states by name (SearchConfig.Checkpoint)

	// OnSearchSaved, if set, is told each state a search saves
	// (SearchConfig.Checkpoint), so that the host keeps it beyond the
	// session, across a stopped or restarted kernel, and gives it to the
	// next session with KeepSearch.
	OnSearchSaved func(name, state string)

	editMu   sync.Mutex
	selected *Arch                   // the canvas's architecture (Selected)
	defined  map[string]*SearchSpace // spaces the notebook defined, by name (Edited)
}

// NewSession returns a session that prints text to stdout and hands rich outputs
// to display. A nil display prints their "text/plain" form to stdout.
func NewSession(stdout io.Writer, display func(Output)) *Session {
	s := &Session{stdout: stdout, display: display}
	if display == nil {
		s.display = func(o Output) {
			if t, ok := o["text/plain"].(string); ok {
				fmt.Fprintln(stdout, t)
			}
		}
	}
	return s
}

// Default is the session of the package-level functions when a program is
// compiled rather than run in a notebook: text goes to standard output.
var Default = func() *Session {
	s := NewSession(os.Stdout, nil)
	s.Files = NativeFiles()
	return s
}()

// Display hands o to the notebook.
func (s *Session) Display(o Output) { s.display(o) }

// DisplayID is the key under which an Output carries the id of a display
// that it updates in place (Jupyter's display_id): a live picture, such as
// a cell whose edges move while it trains, is one output, not hundreds.
// Hosts move it out of the data.
const DisplayID = "nasbook/display_id"

// Update shows o in place of the earlier output with the same id. o's
// "text/plain" may be empty: the final picture of an animation is usually
// shown apart, with its text.
func (s *Session) Update(id string, o Output) {
	o[DisplayID] = id
	s.display(o)
}

// Error is a mistake in a call to this package, reported by panic so that the
// notebook shows it on the cell at the line of the call.
type Error struct {
	Func string // the function called, e.g. "Show"
	Err  error
}

func (e *Error) Error() string { return "nb." + e.Func + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func fail(fn string, err error) {
	panic(&Error{Func: fn, Err: err})
}

func failf(fn, format string, args ...any) {
	fail(fn, fmt.Errorf(format, args...))
}
