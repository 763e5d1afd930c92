package notebook

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// The interpreter cancels an evaluation by bumping a run id that every frame
// compares with its own, and by closing a channel that its channel operations
// also wait on. The run id is a problem: a closure made inside a function
// keeps the id of that function's frame, so after one cancellation every such
// closure that compiled code calls (a sort.Slice less function, a score
// function given to nb.Search) silently returns zeros. The kernel therefore
// never lets the interpreter cancel: it stops a cell with its own checks
// (guard.go) and ends the channel operations of the cell's goroutines by
// closing the channel of each of the cell's evaluations itself. yaegi keeps
// that channel in an unexported field, read here under its mutex; the test
// TestStopKeepsClosures holds this to the interpreter's version.

var (
	doneOffset, mutexOffset uintptr
	yaegiFieldsOK           bool
)

func init() {
	t := reflect.TypeOf(interp.Interpreter{})
	done, ok1 := t.FieldByName("done")
	mu, ok2 := t.FieldByName("mutex")
	yaegiFieldsOK = ok1 && ok2 && done.Type == reflect.TypeOf(make(chan struct{})) &&
		mu.Type == reflect.TypeOf(sync.RWMutex{})
	doneOffset, mutexOffset = done.Offset, mu.Offset
}

// evalDone returns the channel that cancels the channel operations of the
// interpreter's latest evaluation, or nil if this version of yaegi keeps it
// elsewhere.
func evalDone(in *interp.Interpreter) chan struct{} {
	if !yaegiFieldsOK {
		return nil
	}
	p := unsafe.Pointer(in)
	mu := (*sync.RWMutex)(unsafe.Add(p, mutexOffset))
	mu.RLock()
	defer mu.RUnlock()
	return *(*chan struct{})(unsafe.Add(p, doneOffset))
}

// closer closes the done channels of evaluations, each once.
type closer struct {
	mu     sync.Mutex
	closed map[chan struct{}]bool
}

func (c *closer) close(ch chan struct{}) {
	if ch == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == nil {
		c.closed = map[chan struct{}]bool{}
	}
	if !c.closed[ch] {
		c.closed[ch] = true
		close(ch)
	}
}
