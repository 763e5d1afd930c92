package ag

import (
	"fmt"

	"nasbook/engine/compute"
)

// ConvOpts configures Conv2D. The zero value is stride 1, no padding,
// dilation 1, one group.
type ConvOpts struct {
	Stride   int // 0 means 1
	Padding  int
	Dilation int // 0 means 1
	Groups   int // 0 means 1
	// Rect gives the width axis its own StrideW (0 means 1) and PaddingW;
	// Stride and Padding then apply to the height (the 1×7 and 7×1
	// convolutions of DARTS's conv_7x1_1x7).
	Rect              bool
	StrideW, PaddingW int
	// ReLU applies max(·, 0) to the output, bias included, in the same
	// pass as the bias: the convolution and a ReLU after it as one op,
	// whose output is the ReLU's. The convolution's own output is never
	// materialised, so an Observer sees it only without ReLU.
	ReLU bool
}

// Conv2D returns the 2-D convolution of x with w, plus b per output channel,
// through a ReLU when o.ReLU is set.
//
//	x [N, C, H, W], w [K, C/Groups, R, S], b [K] or nil  ->  y [N, K, OH, OW]
//
// Depthwise convolutions (Groups == C == K) run on the depthwise kernels.
func (t *Tape) Conv2D(x, w, b *Var, o ConvOpts) *Var {
	mustShape("Conv2D input", x, 4)
	mustShape("Conv2D weight", w, 4)
	xs, ws := x.Shape(), w.Shape()
	p := compute.Conv{N: xs[0], C: xs[1], H: xs[2], W: xs[3], K: ws[0], R: ws[2], S: ws[3],
		StrideH: o.Stride, StrideW: o.Stride, PadH: o.Padding, PadW: o.Padding,
		DilH: o.Dilation, DilW: o.Dilation, Groups: max(o.Groups, 1)}
	if o.Rect {
		p.StrideW, p.PadW = o.StrideW, o.PaddingW
	}
	if xs[1] != ws[1]*p.Groups || (b != nil && b.Value.Len() != ws[0]) {
		panic(fmt.Sprintf("ag: Conv2D: x %v, w %v, b %v, %+v", xs, ws, shapeOf(b), o))
	}
	if p.OutH() <= 0 || p.OutW() <= 0 {
		panic(fmt.Sprintf("ag: Conv2D: a %d×%d kernel (%+v) does not fit input %v padded by %d×%d", ws[2], ws[3], o, xs, p.PadH, p.PadW))
	}
	fwd, bwdData, bwdFilter := t.K.Conv2D, t.K.Conv2DBackwardData, t.K.Conv2DBackwardFilter
	if p.Depthwise() {
		fwd, bwdData, bwdFilter = t.K.DepthwiseConv2D, t.K.DepthwiseConv2DBackwardData, t.K.DepthwiseConv2DBackwardFilter
	}
	oh, ow := p.OutH(), p.OutW()
	y := t.out([]int{p.N, p.K, oh, ow}, x, w, b)
	fwd(p, x.Value.Data, w.Value.Data, y.Value.Data)
	ch := compute.Channels{N: p.N, C: p.K, HW: oh * ow}
	switch {
	case o.ReLU && b != nil:
		t.K.BiasReLU(ch, b.Value.Data, y.Value.Data)
	case o.ReLU:
		t.K.BiasReLU(ch, nil, y.Value.Data)
	case b != nil:
		t.K.AddChannels(ch, b.Value.Data, y.Value.Data)
	}
	t.record(y, func() {
		dy := y.Grad.Data
		if o.ReLU { // the gradient at the ReLU's input, from its output
			g := t.buf(len(dy), false)
			t.K.ReLUMask(y.Value.Data, dy, g)
			dy = g
		}
		if x.Grad != nil {
			bwdData(p, dy, w.Value.Data, x.Grad.Data)
		}
		if w.Grad != nil {
			bwdFilter(p, x.Value.Data, dy, w.Grad.Data)
		}
		if b != nil && b.Grad != nil {
			t.K.SumChannels(ch, dy, b.Grad.Data)
		}
	})
	if t.Observer != nil && !o.ReLU {
		t.Observer.Observe(OpConv2D, y, x, w)
	}
	return y
}

func (t *Tape) pool(x *Var, k, stride, pad int, max bool) *Var {
	mustShape("pool input", x, 4)
	xs := x.Shape()
	p := compute.Pool{N: xs[0], C: xs[1], H: xs[2], W: xs[3], KH: k, KW: k, StrideH: stride, StrideW: stride, PadH: pad, PadW: pad}
	if k <= 0 || p.OutH() <= 0 || p.OutW() <= 0 || 2*pad > k {
		panic(fmt.Sprintf("ag: pool %d×%d stride %d pad %d of %v: no output, or padding over half the window", k, k, stride, pad, xs))
	}
	y := t.out([]int{p.N, p.C, p.OutH(), p.OutW()}, x)
	if max && t.Gates != nil {
		st := stride
		if st == 0 {
			st = k
		}
		from := t.Gates.poolArgmax(x.Value.Data, p.N, p.C, p.H, p.W, k, st, pad, p.OutH(), p.OutW())
		for i, q := range from {
			y.Value.Data[i] = x.Value.Data[q]
		}
		t.record(y, func() {
			for i, g := range y.Grad.Data {
				x.Grad.Data[from[i]] += g
			}
		})
		return y
	}
	if max {
		t.K.MaxPool2D(p, x.Value.Data, y.Value.Data)
	} else {
		t.K.AvgPool2D(p, x.Value.Data, y.Value.Data)
	}
	t.record(y, func() {
		if max {
			t.K.MaxPool2DBackward(p, x.Value.Data, y.Grad.Data, x.Grad.Data)
		} else {
			t.K.AvgPool2DBackward(p, y.Grad.Data, x.Grad.Data)
		}
	})
	return y
}

// MaxPool2D returns the k×k max pool of x [N,C,H,W] with the given stride (0
// means k) and padding (which never wins the max); floor output size.
func (t *Tape) MaxPool2D(x *Var, k, stride, pad int) *Var { return t.pool(x, k, stride, pad, true) }

// AvgPool2D returns the k×k average pool of x [N,C,H,W], averaging only the
// in-bounds part of each window (PyTorch count_include_pad=False, as the
// DARTS and NAS-Bench-201 pooling operations use).
func (t *Tape) AvgPool2D(x *Var, k, stride, pad int) *Var { return t.pool(x, k, stride, pad, false) }

// GlobalAvgPool returns the mean over H and W.
//
//	x [N, C, H, W]  ->  y [N, C]
func (t *Tape) GlobalAvgPool(x *Var) *Var {
	mustShape("GlobalAvgPool", x, 4)
	xs := x.Shape()
	n, c, hw := xs[0], xs[1], xs[2]*xs[3]
	y := t.out([]int{n, c}, x)
	yd := y.Value.Data
	inv := 1 / float32(hw)
	planes := compute.Channels{N: 1, C: n * c, HW: hw} // one value per plane
	clear(yd)
	t.K.SumChannels(planes, x.Value.Data, yd)
	for i := range yd {
		yd[i] *= inv
	}
	t.record(y, func() {
		g := t.buf(n*c, false)
		for i, v := range y.Grad.Data {
			g[i] = v * inv
		}
		t.K.AddChannels(planes, g, x.Grad.Data)
	})
	return y
}

// Shift returns x moved up and left by one pixel with a zero last row and
// column: y[n,c,i,j] = x[n,c,i+1,j+1]. It is the x[:, :, 1:, 1:] branch of
// FactorizedReduce, padded back to the input size as NAS-Bench-201 does, so
// odd sizes work.
//
//	x [N, C, H, W]  ->  y [N, C, H, W]
func (t *Tape) Shift(x *Var) *Var {
	mustShape("Shift", x, 4)
	xs := x.Shape()
	nc, h, w := xs[0]*xs[1], xs[2], xs[3]
	y := t.out(xs, x)
	xd, yd := x.Value.Data, y.Value.Data
	clear(yd)
	for p := 0; p < nc; p++ {
		for i := 0; i+1 < h; i++ {
			copy(yd[(p*h+i)*w:(p*h+i)*w+w-1], xd[(p*h+i+1)*w+1:(p*h+i+2)*w])
		}
	}
	t.record(y, func() {
		dx, dy := x.Grad.Data, y.Grad.Data
		for p := 0; p < nc; p++ {
			for i := 0; i+1 < h; i++ {
				d := dx[(p*h+i+1)*w+1 : (p*h+i+2)*w]
				for j, g := range dy[(p*h+i)*w : (p*h+i)*w+w-1] {
					d[j] += g
				}
			}
		}
	})
	return y
}

// Zeros returns a zero tensor that takes no gradient, for the "none" (Zero)
// operation of cell search spaces.
func (t *Tape) Zeros(shape ...int) *Var { return &Var{Value: t.tensor(true, shape...)} }
