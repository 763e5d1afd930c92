package nn

import (
	"fmt"
	"math/rand"

	"nasbook/engine/ag"
)

// OpConfig configures the cell-search operations. Zero Stride and Dilation
// mean 1.
type OpConfig struct {
	In, Out  int
	Kernel   int
	Stride   int
	Padding  int
	Dilation int
	// Affine gives every batch norm a learnable γ, β (DARTS search uses
	// false, evaluation true; NAS-Bench-201 true).
	Affine bool
	// Untracked batch norms keep no running statistics and normalise with
	// batch statistics in evaluation too (track_running_stats=False).
	Untracked bool
	// Bias adds a bias to the convolutions that NAS-Bench-201 gives
	// bias=not affine (ReLUConvBN, FactorizedReduce). DARTS uses no bias.
	Bias bool
}

func (c OpConfig) stride() int { return max(c.Stride, 1) }

func (c OpConfig) bn(ps *ag.Params, name string, ch int) *BatchNorm {
	return NewBatchNorm(ps, name, ch, c.Affine, !c.Untracked)
}

// ReLUConvBN is ReLU → Conv(Kernel, Stride, Padding, Dilation) → BN.
type ReLUConvBN struct {
	Conv *Conv2D
	BN   *BatchNorm
}

// NewReLUConvBN adds a ReLUConvBN ("nor_conv_k×k" in NAS-Bench-201) to ps.
func NewReLUConvBN(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *ReLUConvBN {
	return &ReLUConvBN{
		Conv: NewConv2D(ps, name+".op.1", r, Conv2DConfig{In: c.In, Out: c.Out, Kernel: c.Kernel, Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Bias: c.Bias}),
		BN:   c.bn(ps, name+".op.2", c.Out),
	}
}

// Forward implements Module.
func (o *ReLUConvBN) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return o.BN.Forward(t, o.Conv.Forward(t, t.ReLU(x)))
}

// Conv7x1 is ReLU → Conv 1×7 (stride 1 down, Stride across) → Conv 7×1
// (Stride down, 1 across) → BN: DARTS's conv_7x1_1x7, which AmoebaNet uses.
// Kernel, Padding and Dilation of the config are ignored.
type Conv7x1 struct {
	Row, Col *Conv2D
	BN       *BatchNorm
}

// NewConv7x1 adds a Conv7x1 from c.In to c.Out channels to ps.
func NewConv7x1(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *Conv7x1 {
	s := c.stride()
	return &Conv7x1{
		Row: NewConv2D(ps, name+".op.1", r, Conv2DConfig{In: c.In, Out: c.Out, Kernel: 1, KernelW: 7, Stride: 1, StrideW: s, PaddingW: 3}),
		Col: NewConv2D(ps, name+".op.2", r, Conv2DConfig{In: c.Out, Out: c.Out, Kernel: 7, KernelW: 1, Stride: s, StrideW: 1, Padding: 3}),
		BN:  c.bn(ps, name+".op.3", c.Out),
	}
}

// Forward implements Module.
func (o *Conv7x1) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return o.BN.Forward(t, o.Col.Forward(t, o.Row.Forward(t, t.ReLU(x))))
}

// DilConv is ReLU → depthwise Conv(Kernel, Stride, Padding, Dilation) →
// pointwise Conv 1×1 In→Out → BN (DARTS dil_conv_3x3 is Kernel 3, Padding 2,
// Dilation 2; dil_conv_5x5 is Kernel 5, Padding 4, Dilation 2).
type DilConv struct {
	Depthwise, Pointwise *Conv2D
	BN                   *BatchNorm
}

// NewDilConv adds a DilConv to ps.
func NewDilConv(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *DilConv {
	return newDilConv(ps, r, c, name+".op.1", name+".op.2", name+".op.3")
}

func newDilConv(ps *ag.Params, r *rand.Rand, c OpConfig, dw, pw, bn string) *DilConv {
	return &DilConv{
		Depthwise: NewConv2D(ps, dw, r, Conv2DConfig{In: c.In, Out: c.In, Kernel: c.Kernel, Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Groups: c.In}),
		Pointwise: NewConv2D(ps, pw, r, Conv2DConfig{In: c.In, Out: c.Out, Kernel: 1}),
		BN:        c.bn(ps, bn, c.Out),
	}
}

// Forward implements Module.
func (o *DilConv) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	x = o.Depthwise.Forward(t, t.ReLU(x))
	return o.BN.Forward(t, o.Pointwise.Forward(t, x))
}

// SepConv is two DilConv-shaped blocks with dilation 1 in sequence, as DARTS
// defines sep_conv_k×k:
//
//	ReLU → dw Conv(k, Stride) → pw Conv In→In → BN →
//	ReLU → dw Conv(k, 1)      → pw Conv In→Out → BN
type SepConv struct {
	First, Second *DilConv
}

// NewSepConv adds a SepConv to ps (sep_conv_3x3: Kernel 3, Padding 1;
// sep_conv_5x5: Kernel 5, Padding 2). Dilation is ignored.
func NewSepConv(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *SepConv {
	a, b := c, c
	a.Out, a.Dilation = c.In, 1
	b.Stride, b.Dilation = 1, 1
	return &SepConv{ // parameter names follow DARTS's nn.Sequential indices
		First:  newDilConv(ps, r, a, name+".op.1", name+".op.2", name+".op.3"),
		Second: newDilConv(ps, r, b, name+".op.5", name+".op.6", name+".op.7"),
	}
}

// Forward implements Module.
func (o *SepConv) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return o.Second.Forward(t, o.First.Forward(t, x))
}

// FactorizedReduce halves the resolution without losing pixels: ReLU, then
// two 1×1 stride-2 convolutions, one on x and one on x shifted by one pixel
// (x[:, :, 1:, 1:], zero-padded back as NAS-Bench-201 does so odd sizes
// work), concatenated along channels (Out/2 and Out−Out/2), then BN.
type FactorizedReduce struct {
	Conv1, Conv2 *Conv2D
	BN           *BatchNorm
}

// NewFactorizedReduce adds a FactorizedReduce In→Out to ps. Kernel, Stride,
// Padding and Dilation are ignored (the op always has stride 2).
func NewFactorizedReduce(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *FactorizedReduce {
	h := c.Out / 2
	return &FactorizedReduce{
		Conv1: NewConv2D(ps, name+".convs.0", r, Conv2DConfig{In: c.In, Out: h, Kernel: 1, Stride: 2, Bias: c.Bias}),
		Conv2: NewConv2D(ps, name+".convs.1", r, Conv2DConfig{In: c.In, Out: c.Out - h, Kernel: 1, Stride: 2, Bias: c.Bias}),
		BN:    c.bn(ps, name+".bn", c.Out),
	}
}

// Forward implements Module.
func (o *FactorizedReduce) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	x = t.ReLU(x)
	y := t.Concat(o.Conv1.Forward(t, x), o.Conv2.Forward(t, t.Shift(x)))
	return o.BN.Forward(t, y)
}

// Zero is the "none" operation: zeros of shape [N, Out, ⌈H/Stride⌉,
// ⌈W/Stride⌉] (x[:, :, ::s, ::s]·0), with no gradient. Zero Out means the
// input's channel count.
type Zero struct{ Out, Stride int }

// Forward implements Module.
func (z Zero) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	st := max(z.Stride, 1)
	c := s[1]
	if z.Out > 0 {
		c = z.Out
	}
	return t.Zeros(s[0], c, (s[2]+st-1)/st, (s[3]+st-1)/st)
}

// Identity is the "skip_connect" operation with stride 1.
type Identity struct{}

// Forward implements Module.
func (Identity) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return x }

// ResNetBasicBlock is NAS-Bench-201's reduction block:
//
//	out = ReLUConvBN(3×3, Stride)(x) → ReLUConvBN(3×3, 1) + shortcut(x)
//
// where the shortcut is AvgPool 2×2/2 then Conv 1×1 (no bias, no BN) when
// Stride is 2, ReLUConvBN 1×1 when only the channel count changes, and the
// identity otherwise.
type ResNetBasicBlock struct {
	A, B *ReLUConvBN
	// Exactly one of the shortcuts is set, or neither (identity).
	DownConv *Conv2D
	DownRCB  *ReLUConvBN
}

// NewResNetBasicBlock adds a block In→Out with Stride 1 or 2 to ps. NAS-Bench-
// 201 builds it with Affine true and Bias false (its convolutions here use
// bias = not affine, as in the original).
func NewResNetBasicBlock(ps *ag.Params, name string, r *rand.Rand, c OpConfig) *ResNetBasicBlock {
	st := c.stride()
	if st != 1 && st != 2 {
		panic(fmt.Sprintf("nn: ResNetBasicBlock stride %d", st))
	}
	a := OpConfig{In: c.In, Out: c.Out, Kernel: 3, Stride: st, Padding: 1, Affine: c.Affine, Untracked: c.Untracked, Bias: !c.Affine}
	b := a
	b.In, b.Stride = c.Out, 1
	blk := &ResNetBasicBlock{A: NewReLUConvBN(ps, name+".conv_a", r, a), B: NewReLUConvBN(ps, name+".conv_b", r, b)}
	switch {
	case st == 2:
		blk.DownConv = NewConv2D(ps, name+".downsample.1", r, Conv2DConfig{In: c.In, Out: c.Out, Kernel: 1})
	case c.In != c.Out:
		d := a
		d.Kernel, d.Padding = 1, 0
		blk.DownRCB = NewReLUConvBN(ps, name+".downsample", r, d)
	}
	return blk
}

// Forward implements Module.
func (o *ResNetBasicBlock) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	y := o.B.Forward(t, o.A.Forward(t, x))
	res := x
	switch {
	case o.DownConv != nil:
		res = o.DownConv.Forward(t, t.AvgPool2D(x, 2, 2, 0))
	case o.DownRCB != nil:
		res = o.DownRCB.Forward(t, x)
	}
	return t.Add(res, y)
}
