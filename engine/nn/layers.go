package nn

import (
	"math/rand"

	"nasbook/engine/ag"
)

// Module is one differentiable map from a tensor to a tensor.
type Module interface {
	Forward(t *ag.Tape, x *ag.Var) *ag.Var
}

// Sequential applies its modules in order.
//
// A Conv2D followed by a ReLU runs as one op (ag.ConvOpts.ReLU), which
// computes the same values and gradients in fewer passes over memory,
// unless the tape has an Observer or Gates, which see each op on its own.
type Sequential []Module

// Forward implements Module.
func (s Sequential) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	for i := 0; i < len(s); i++ {
		if c, ok := s[i].(*Conv2D); ok && i+1 < len(s) && t.Observer == nil && t.Gates == nil {
			if _, relu := s[i+1].(ReLU); relu && !c.Opts.ReLU {
				o := c.Opts
				o.ReLU = true
				x = t.Conv2D(x, c.W, c.B, o)
				i++
				continue
			}
		}
		x = s[i].Forward(t, x)
	}
	return x
}

// Linear is y = x·Wᵀ + B on the last dimension.
type Linear struct {
	W *ag.Var // [Out, In]
	B *ag.Var // [Out], or nil
}

// NewLinear adds an in→out linear layer to ps.
func NewLinear(ps *ag.Params, name string, r *rand.Rand, in, out int, bias bool) *Linear {
	l := &Linear{W: ps.Add(name+".weight", out, in)}
	l.W.Value.HeUniform(r, in)
	if bias {
		l.B = ps.Add(name+".bias", out)
	}
	return l
}

// Forward implements Module.
func (l *Linear) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Linear(x, l.W, l.B) }

// Conv2DConfig configures a convolution layer. Zero Stride, Dilation and
// Groups mean 1.
type Conv2DConfig struct {
	In, Out  int
	Kernel   int
	Stride   int
	Padding  int
	Dilation int
	Groups   int
	Bias     bool
	// KernelW, if positive, makes the kernel Kernel×KernelW, with StrideW
	// (0 means 1) and PaddingW on the width axis; Stride and Padding then
	// apply to the height.
	KernelW, StrideW, PaddingW int
}

// Conv2D is a 2-D convolution layer.
type Conv2D struct {
	W    *ag.Var // [Out, In/Groups, Kernel, Kernel (or KernelW)]
	B    *ag.Var // [Out], or nil
	Opts ag.ConvOpts
}

// NewConv2D adds a convolution to ps.
func NewConv2D(ps *ag.Params, name string, r *rand.Rand, c Conv2DConfig) *Conv2D {
	g, kw := max(c.Groups, 1), c.Kernel
	opts := ag.ConvOpts{Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Groups: g}
	if c.KernelW > 0 {
		kw = c.KernelW
		opts.Rect, opts.StrideW, opts.PaddingW = true, c.StrideW, c.PaddingW
	}
	l := &Conv2D{W: ps.Add(name+".weight", c.Out, c.In/g, c.Kernel, kw), Opts: opts}
	l.W.Value.HeUniform(r, c.In/g*c.Kernel*kw)
	if c.Bias {
		l.B = ps.Add(name+".bias", c.Out)
	}
	return l
}

// Forward implements Module.
func (l *Conv2D) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Conv2D(x, l.W, l.B, l.Opts) }

// BatchNorm normalises per channel (dimension 1).
type BatchNorm struct {
	Gamma, Beta *ag.Var          // [C] each, nil when not affine
	Running     *ag.RunningStats // nil when statistics are not tracked
	Eps         float32          // zero means 1e-5
}

// NewBatchNorm adds a batch norm over c channels: affine adds γ (1) and β (0)
// to ps, track keeps running statistics (momentum 0.1) for evaluation, and
// adds them to ps's states as running_mean and running_var.
func NewBatchNorm(ps *ag.Params, name string, c int, affine, track bool) *BatchNorm {
	b := &BatchNorm{}
	if affine {
		b.Gamma, b.Beta = ps.Add(name+".weight", c), ps.Add(name+".bias", c)
		b.Gamma.Value.Fill(1)
	}
	if track {
		b.Running = ag.NewRunningStats(c)
		ps.AddState(name+".running_mean", b.Running.Mean, c)
		ps.AddState(name+".running_var", b.Running.Var, c)
	}
	return b
}

// Forward implements Module.
func (b *BatchNorm) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.BatchNorm(x, b.Gamma, b.Beta, b.Running, b.Eps)
}

// LayerNorm normalises over the last dimension.
type LayerNorm struct {
	Gamma, Beta *ag.Var // [D] each, nil when not affine
	Eps         float32 // zero means 1e-5
}

// NewLayerNorm adds an affine layer norm over d features to ps.
func NewLayerNorm(ps *ag.Params, name string, d int) *LayerNorm {
	l := &LayerNorm{Gamma: ps.Add(name+".weight", d), Beta: ps.Add(name+".bias", d)}
	l.Gamma.Value.Fill(1)
	return l
}

// Forward implements Module.
func (l *LayerNorm) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.LayerNorm(x, l.Gamma, l.Beta, l.Eps)
}

// ReLU is max(x, 0).
type ReLU struct{}

// Forward implements Module.
func (ReLU) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.ReLU(x) }

// GELU is x·Φ(x).
type GELU struct{}

// Forward implements Module.
func (GELU) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.GELU(x) }

// MaxPool is a Kernel×Kernel max pool; zero Stride means Kernel.
type MaxPool struct{ Kernel, Stride, Padding int }

// Forward implements Module.
func (p MaxPool) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.MaxPool2D(x, p.Kernel, p.Stride, p.Padding)
}

// AvgPool is a Kernel×Kernel average pool that excludes padding from the
// average (count_include_pad=False); zero Stride means Kernel.
type AvgPool struct{ Kernel, Stride, Padding int }

// Forward implements Module.
func (p AvgPool) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.AvgPool2D(x, p.Kernel, p.Stride, p.Padding)
}

// GlobalAvgPool averages over H and W: [N,C,H,W] -> [N,C].
type GlobalAvgPool struct{}

// Forward implements Module.
func (GlobalAvgPool) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.GlobalAvgPool(x) }

// Flatten views [N, ...] as [N, rest].
type Flatten struct{}

// Forward implements Module.
func (Flatten) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Flatten(x) }

// Dropout drops elements with probability P in training mode, drawing the
// mask from Rand.
type Dropout struct {
	P    float32
	Rand *rand.Rand
}

// Forward implements Module.
func (d Dropout) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Dropout(x, d.P, d.Rand) }
