package nn

import (
	"fmt"
	"math/rand"

	"nasbook/engine/ag"
)

// The MobileNet layers below are compositions of ag ops; ReLU6 and the hard
// functions are ag's (exact for every input). A per-channel product is a
// depthwise 1×1 convolution whose weight is the other factor, so its gradient
// flows to both factors through Conv2D's backward. They are checked by
// central differences.

// ScaleChannels returns x [N,C,H,W] with each channel multiplied by s [N,C]
// (or [N,C,1,1]), per example, as squeeze-excitation does.
func ScaleChannels(t *ag.Tape, x, s *ag.Var) *ag.Var {
	xs := x.Shape()
	if len(xs) != 4 || s.Value.Len() != xs[0]*xs[1] {
		panic(fmt.Sprintf("nn: ScaleChannels of %v by %v", xs, s.Shape()))
	}
	nc := xs[0] * xs[1]
	y := t.Conv2D(t.Reshape(x, 1, nc, xs[2], xs[3]), t.Reshape(s, nc, 1, 1, 1), nil, ag.ConvOpts{Groups: nc})
	return t.Reshape(y, xs...)
}

// ReLU6 is min(max(x, 0), 6).
type ReLU6 struct{}

// Forward implements Module.
func (ReLU6) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.ReLU6(x) }

// HSigmoid is the hard sigmoid ReLU6(x+3)/6 (MobileNetV3).
type HSigmoid struct{}

// Forward implements Module.
func (HSigmoid) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.HardSigmoid(x) }

// HSwish is the hard swish x·ReLU6(x+3)/6 (MobileNetV3).
type HSwish struct{}

// Forward implements Module.
func (HSwish) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.HardSwish(x) }

// SqueezeExcite is squeeze-excitation on [N,C,H,W]:
//
//	s = Gate(FC2(Act(FC1(GlobalAvgPool(x)))));  y = x·s per channel
//
// with FC1 C→Squeeze and FC2 Squeeze→C as 1×1 convolutions with bias (as
// torchvision's SqueezeExcitation). MobileNetV3's Act is ReLU and its Gate
// HSigmoid (the defaults, when nil); EfficientNet's are Swish and Sigmoid.
type SqueezeExcite struct {
	FC1, FC2  *Conv2D
	Act, Gate Module
}

// NewSqueezeExcite adds a squeeze-excitation over c channels to ps, with
// MobileNetV3's activation and gate.
func NewSqueezeExcite(ps *ag.Params, name string, r *rand.Rand, c, squeeze int) *SqueezeExcite {
	return &SqueezeExcite{
		FC1:  NewConv2D(ps, name+".fc1", r, Conv2DConfig{In: c, Out: squeeze, Kernel: 1, Bias: true}),
		FC2:  NewConv2D(ps, name+".fc2", r, Conv2DConfig{In: squeeze, Out: c, Kernel: 1, Bias: true}),
		Act:  ReLU{},
		Gate: HSigmoid{},
	}
}

// Fns returns the activation and the gate, the defaults for nil.
func (o *SqueezeExcite) Fns() (act, gate Module) {
	act, gate = o.Act, o.Gate
	if act == nil {
		act = ReLU{}
	}
	if gate == nil {
		gate = HSigmoid{}
	}
	return act, gate
}

// Forward implements Module.
func (o *SqueezeExcite) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	xs := x.Shape()
	act, gate := o.Fns()
	s := t.Reshape(t.GlobalAvgPool(x), xs[0], xs[1], 1, 1)
	s = gate.Forward(t, o.FC2.Forward(t, act.Forward(t, o.FC1.Forward(t, s))))
	return ScaleChannels(t, x, s)
}

// InvertedResidualConfig configures an inverted residual block (MobileNetV2's
// bottleneck, MobileNetV3's and Once-for-All's MBConv).
type InvertedResidualConfig struct {
	In, Out int
	Hidden  int // expanded channels; equal to In means no expansion convolution
	Kernel  int // depthwise kernel, odd
	Stride  int // 1 or 2; zero means 1
	Squeeze int // squeeze-excitation channels; zero means none
	Act     Module
	// SEAct and SEGate are the squeeze-excitation's activation and gate;
	// nil means MobileNetV3's ReLU and HSigmoid.
	SEAct, SEGate Module
}

// InvertedResidual is
//
//	[Conv1×1 In→Hidden, BN, Act]  (omitted when Hidden == In)
//	dw Conv k×k Stride, BN, Act
//	[SqueezeExcite(Hidden, Squeeze, SEAct, SEGate)]
//	Conv1×1 Hidden→Out, BN
//	+ x  when Stride is 1 and In == Out
//
// with convolutions without bias and affine, tracked batch norms, as
// torchvision builds MobileNetV2, MobileNetV3 and EfficientNet.
type InvertedResidual struct {
	Expand    *Conv2D // nil without expansion
	ExpandBN  *BatchNorm
	Depthwise *Conv2D
	DepthBN   *BatchNorm
	SE        *SqueezeExcite // nil without
	Project   *Conv2D
	ProjectBN *BatchNorm
	Act       Module
	Residual  bool
}

// NewInvertedResidual adds a block to ps.
func NewInvertedResidual(ps *ag.Params, name string, r *rand.Rand, c InvertedResidualConfig) *InvertedResidual {
	st := max(c.Stride, 1)
	b := &InvertedResidual{Act: c.Act, Residual: st == 1 && c.In == c.Out}
	if c.Hidden != c.In {
		b.Expand = NewConv2D(ps, name+".expand.conv", r, Conv2DConfig{In: c.In, Out: c.Hidden, Kernel: 1})
		b.ExpandBN = NewBatchNorm(ps, name+".expand.bn", c.Hidden, true, true)
	}
	b.Depthwise = NewConv2D(ps, name+".dw.conv", r, Conv2DConfig{In: c.Hidden, Out: c.Hidden, Kernel: c.Kernel, Stride: st, Padding: c.Kernel / 2, Groups: c.Hidden})
	b.DepthBN = NewBatchNorm(ps, name+".dw.bn", c.Hidden, true, true)
	if c.Squeeze > 0 {
		b.SE = NewSqueezeExcite(ps, name+".se", r, c.Hidden, c.Squeeze)
		if c.SEAct != nil {
			b.SE.Act = c.SEAct
		}
		if c.SEGate != nil {
			b.SE.Gate = c.SEGate
		}
	}
	b.Project = NewConv2D(ps, name+".project.conv", r, Conv2DConfig{In: c.Hidden, Out: c.Out, Kernel: 1})
	b.ProjectBN = NewBatchNorm(ps, name+".project.bn", c.Out, true, true)
	return b
}

// Layers returns the block's modules in the order they apply, the
// residual add aside: what Forward runs and what an exporter writes.
func (b *InvertedResidual) Layers() []Module {
	var ms []Module
	if b.Expand != nil {
		ms = append(ms, b.Expand, b.ExpandBN, b.Act)
	}
	ms = append(ms, b.Depthwise, b.DepthBN, b.Act)
	if b.SE != nil {
		ms = append(ms, b.SE)
	}
	return append(ms, b.Project, b.ProjectBN)
}

// Forward implements Module.
func (b *InvertedResidual) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	y := x
	for _, m := range b.Layers() {
		y = m.Forward(t, y)
	}
	if b.Residual {
		y = t.Add(x, y)
	}
	return y
}
