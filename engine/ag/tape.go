package ag

import (
	"fmt"

	"nasbook/engine/compute"
	"nasbook/engine/tensor"
)

// Var is a value in a computation and, when one is needed, its gradient.
// Grad has the same shape as Value, or is nil when no gradient is needed.
type Var struct {
	Value *tensor.Tensor
	Grad  *tensor.Tensor
}

// Shape returns the shape of the value.
func (v *Var) Shape() []int { return v.Value.Shape }

// NeedsGrad reports whether a gradient flows to v.
func (v *Var) NeedsGrad() bool { return v.Grad != nil }

// Leaf returns a Var for x that collects a gradient in a new zeroed tensor.
func Leaf(x *tensor.Tensor) *Var { return &Var{Value: x, Grad: tensor.New(x.Shape...)} }

// Const returns a Var for x that takes no gradient (input batches, targets).
func Const(x *tensor.Tensor) *Var { return &Var{Value: x} }

// Tape records operations for reverse-mode differentiation.
type Tape struct {
	// K computes every kernel the tape's operations need.
	K *compute.Set
	// Train selects training behaviour: batch norm uses batch statistics and
	// updates running ones, dropout drops. The zero value is evaluation.
	Train bool
	// Gates, if set, records or replays the choices of every ReLU and max
	// pool (see Gates: differentiating a gradient needs them fixed).
	Gates *Gates
	// SkipBatchNorm makes BatchNorm return its input: the network as if its
	// batch norms were removed.
	SkipBatchNorm bool
	// SkipAuxLoss makes AddLoss ignore what it is given, so that Backward
	// differentiates the caller's loss alone (a measure defined on the
	// task's loss, such as a zero-cost proxy).
	SkipAuxLoss bool
	// Observer, if set, sees the ops listed at Op as they are recorded.
	Observer Observer

	backward []func()
	aux      []*Var // auxiliary losses, added to the loss by Backward
	free     map[int][][]float32
	used     [][]float32
}

// Op names an op that an Observer sees.
type Op uint8

// The observed ops: those that apply weights, and the ReLU and GELU.
const (
	OpConv2D Op = iota // inputs x, w; the output with the bias added
	OpLinear           // inputs x, w; the output with the bias added
	OpReLU             // input x
	OpGELU             // input x
	NumOps
)

var opNames = [NumOps]string{"conv2d", "linear", "relu", "gelu"}

func (o Op) String() string {
	if o < NumOps {
		return opNames[o]
	}
	return fmt.Sprintf("ag.Op(%d)", uint8(o))
}

// An Observer watches a tape's ops: the tape calls Observe after each op
// of the kinds listed at Op, with its output and inputs as recorded (a
// Var's gradient is filled by Backward and valid until Reset). It is the
// tape's one extension point for instrumentation; what the observer
// collects (layer outputs for a pruning score, activation codes) is its
// own business.
type Observer interface {
	Observe(op Op, y *Var, in ...*Var)
}

// NewTape returns a tape computing with ks; a nil ks means compute.Default().
func NewTape(ks *compute.Set) *Tape {
	if ks == nil {
		ks = compute.Default()
	}
	return &Tape{K: ks, free: map[int][][]float32{}}
}

// Reset forgets the recorded operations and returns every pooled buffer to
// the pool. Values and gradients created by the tape's ops are invalid after.
func (t *Tape) Reset() {
	t.backward = t.backward[:0]
	t.aux = t.aux[:0]
	for _, b := range t.used {
		t.free[cap(b)] = append(t.free[cap(b)], b)
	}
	t.used = t.used[:0]
}

// Len returns the number of recorded backward steps.
func (t *Tape) Len() int { return len(t.backward) }

// buf returns a pooled slice of length n; zeroed when zero is set, otherwise
// with arbitrary contents that the caller overwrites.
func (t *Tape) buf(n int, zero bool) []float32 {
	var b []float32
	if l := t.free[n]; len(l) > 0 {
		b = l[len(l)-1]
		t.free[n] = l[:len(l)-1]
		if zero {
			clear(b)
		}
	} else {
		b = make([]float32, n)
	}
	t.used = append(t.used, b)
	return b
}

// tensor returns a pooled contiguous tensor.
func (t *Tape) tensor(zero bool, shape ...int) *tensor.Tensor {
	return tensor.FromData(t.buf(tensor.Numel(shape), zero), shape...)
}

// out returns a new Var of the given shape whose value the caller fills; it
// has a zeroed gradient when any of the inputs needs one.
func (t *Tape) out(shape []int, inputs ...*Var) *Var {
	v := &Var{Value: t.tensor(false, shape...)}
	for _, in := range inputs {
		if in != nil && in.Grad != nil {
			v.Grad = t.tensor(true, shape...)
			break
		}
	}
	return v
}

// record appends a backward step, if y needs one.
func (t *Tape) record(y *Var, f func()) {
	if y.Grad != nil {
		t.backward = append(t.backward, f)
	}
}

// AddLoss records a scalar that is part of the training objective besides
// the loss the caller computes, such as a mixture of experts' load-balancing
// term, already multiplied by its coefficient. A module adds it during its
// forward pass, so every training loop that calls Backward optimises it
// without knowing which modules made one. Reset forgets it.
func (t *Tape) AddLoss(l *Var) {
	if l.Value.Len() != 1 {
		panic(fmt.Sprintf("ag: AddLoss of a non-scalar with shape %v", l.Shape()))
	}
	if !t.SkipAuxLoss {
		t.aux = append(t.aux, l)
	}
}

// AuxLoss returns the sum of the losses recorded with AddLoss since Reset.
func (t *Tape) AuxLoss() float32 {
	var s float32
	for _, l := range t.aux {
		s += l.Value.Data[0]
	}
	return s
}

// Backward seeds the gradient of the scalar loss, and of every auxiliary
// loss recorded with AddLoss, with 1 and runs the recorded backward steps in
// reverse: it differentiates loss + AuxLoss. It adds to existing gradients.
func (t *Tape) Backward(loss *Var) {
	if loss.Value.Len() != 1 {
		panic(fmt.Sprintf("ag: Backward of a non-scalar with shape %v", loss.Shape()))
	}
	seeded := false
	for _, l := range t.aux {
		if l.Grad != nil {
			l.Grad.Data[0] += 1
			seeded = true
		}
	}
	if loss.Grad != nil {
		loss.Grad.Data[0] += 1
		seeded = true
	}
	if !seeded {
		return // nothing depends on a parameter
	}
	for i := len(t.backward) - 1; i >= 0; i-- {
		t.backward[i]()
	}
}

func mustShape(op string, v *Var, rank int) {
	if len(v.Value.Shape) != rank {
		panic(fmt.Sprintf("ag: %s: want a rank-%d input, got shape %v", op, rank, v.Value.Shape))
	}
	if !v.Value.IsContiguous() {
		panic(fmt.Sprintf("ag: %s: input is not contiguous", op))
	}
}

func mustSameShape(op string, a, b *Var) {
	if !tensor.SameShape(a.Value, b.Value) {
		panic(fmt.Sprintf("ag: %s: shapes %v and %v differ", op, a.Shape(), b.Shape()))
	}
}

// Reshape returns x viewed with a new shape (one dimension may be -1). Value
// and gradient share storage with x's, so it records no backward step.
func (t *Tape) Reshape(x *Var, shape ...int) *Var {
	y := &Var{Value: x.Value.Reshape(shape...)}
	if x.Grad != nil {
		y.Grad = x.Grad.Reshape(shape...)
	}
	return y
}

// Flatten views x [N, ...] as [N, rest].
func (t *Tape) Flatten(x *Var) *Var { return t.Reshape(x, x.Shape()[0], -1) }
