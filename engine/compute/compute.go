package compute

import "fmt"

// GemmFunc computes C = alpha·op(A)·op(B) + beta·C on row-major matrices,
// where op(A) is m×k (A is stored k×m when transA), op(B) is k×n (B is stored
// n×k when transB) and C is m×n. lda, ldb and ldc are the row strides of the
// stored matrices. When beta is 0, C is overwritten without being read.
type GemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// Set is one implementation of every kernel. See the package comment for the
// conventions shared by all fields.
type Set struct {
	Name string

	Gemm GemmFunc

	// Conv2D computes y = conv(x, w) without bias. x is [N,C,H,W], w is
	// [K,C/G,R,S], y is [N,K,OH,OW] and is overwritten.
	Conv2D func(p Conv, x, w, y []float32)
	// Conv2DBackwardData accumulates dx += ∂(y·dy)/∂x.
	Conv2DBackwardData func(p Conv, dy, w, dx []float32)
	// Conv2DBackwardFilter accumulates dw += ∂(y·dy)/∂w.
	Conv2DBackwardFilter func(p Conv, x, dy, dw []float32)

	// Depthwise* are the same three kernels restricted to p.Depthwise()
	// (Groups == C == K); layers route depthwise convolutions here.
	DepthwiseConv2D               func(p Conv, x, w, y []float32)
	DepthwiseConv2DBackwardData   func(p Conv, dy, w, dx []float32)
	DepthwiseConv2DBackwardFilter func(p Conv, x, dy, dw []float32)

	// MaxPool2D writes y[n,c,oh,ow] = max of the window (padding never wins).
	MaxPool2D func(p Pool, x, y []float32)
	// MaxPool2DBackward accumulates dy into dx at the first maximum of each
	// window (row-major order), recomputed from x.
	MaxPool2DBackward func(p Pool, x, dy, dx []float32)
	// AvgPool2D writes the mean over the in-bounds part of each window
	// (PyTorch count_include_pad=False).
	AvgPool2D         func(p Pool, x, y []float32)
	AvgPool2DBackward func(p Pool, dy, dx []float32)

	// BatchNormTrain normalises x [N,C,HW] with per-channel batch statistics:
	// it writes mean, the biased variance and invstd = 1/sqrt(var+eps) (each
	// of length C) and y = (x-mean)·invstd·gamma + beta. gamma and beta may be
	// nil (no affine transform).
	BatchNormTrain func(p BatchNorm, x, gamma, beta, y, mean, variance, invstd []float32)
	// BatchNormInfer computes y = (x-mean)/sqrt(variance+eps)·gamma + beta
	// with the given statistics.
	BatchNormInfer func(p BatchNorm, x, gamma, beta, mean, variance, y []float32)
	// BatchNormBackward is the backward of BatchNormTrain: it accumulates dx,
	// dgamma and dbeta (each may be nil). mean and invstd are those written by
	// the forward pass.
	BatchNormBackward func(p BatchNorm, x, gamma, mean, invstd, dy, dx, dgamma, dbeta []float32)

	// ReLU writes y = max(x, 0) over len(y) elements; a NaN stays NaN. y
	// may be x.
	ReLU func(x, y []float32)
	// ReLUBackward accumulates dx += dy where x > 0, over len(dx) elements.
	ReLUBackward func(x, dy, dx []float32)
	// AddChannels adds b[c] to every element of channel c of y [N, C, HW]
	// (a bias).
	AddChannels func(p Channels, b, y []float32)
	// SumChannels accumulates Σ over N and HW of x [N, C, HW] into dst[c]
	// (a bias's gradient).
	SumChannels func(p Channels, x, dst []float32)
	// Axpy accumulates y += a·x over len(y) elements.
	Axpy func(a float32, x, y []float32)

	// BiasReLU adds b[c] to every element of channel c of y [N, C, HW] (b
	// may be nil) and applies ReLU, in place: a convolution's bias and
	// activation in one pass.
	BiasReLU func(p Channels, b, y []float32)
	// ReLUMask writes dx = dy where y > 0 and 0 elsewhere, over len(dx)
	// elements: the gradient at a ReLU's input from its output y, written
	// rather than accumulated.
	ReLUMask func(y, dy, dx []float32)
}

// Default returns a fresh Set of the fastest kernels for the platform this
// binary was built for.
func Default() *Set { return platformSet() }

// Conv describes a 2-D convolution. Zero StrideH/StrideW, DilH/DilW and Groups
// mean 1.
type Conv struct {
	N, C, H, W       int // input batch size, channels, height, width
	K                int // output channels
	R, S             int // kernel height and width
	StrideH, StrideW int
	PadH, PadW       int // zero padding on each side
	DilH, DilW       int
	Groups           int // C and K are multiples of Groups
}

func (p Conv) norm() Conv {
	if p.StrideH == 0 {
		p.StrideH = 1
	}
	if p.StrideW == 0 {
		p.StrideW = 1
	}
	if p.DilH == 0 {
		p.DilH = 1
	}
	if p.DilW == 0 {
		p.DilW = 1
	}
	if p.Groups == 0 {
		p.Groups = 1
	}
	if p.C%p.Groups != 0 || p.K%p.Groups != 0 {
		panic(fmt.Sprintf("kernel: conv with %d groups, %d in and %d out channels", p.Groups, p.C, p.K))
	}
	return p
}

// outSize is the number of windows spanning span inputs that fit in size
// inputs padded by pad on each side, stride apart: PyTorch's
// ⌊(size + 2·pad − span)/stride⌋ + 1, and 0 when not even one fits. (Go's /
// truncates toward zero, so the formula written with it gives one window
// when the padded input falls short of one by less than a stride.)
func outSize(size, pad, span, stride int) int {
	n := size + 2*pad - span
	if n < 0 {
		return 0
	}
	return n/stride + 1
}

// OutH returns the output height ⌊(H + 2·PadH − DilH·(R−1) − 1)/StrideH⌋ + 1,
// or 0 when the dilated kernel is taller than the padded input.
func (p Conv) OutH() int {
	p = p.norm()
	return outSize(p.H, p.PadH, p.DilH*(p.R-1)+1, p.StrideH)
}

// OutW returns the output width, as OutH.
func (p Conv) OutW() int {
	p = p.norm()
	return outSize(p.W, p.PadW, p.DilW*(p.S-1)+1, p.StrideW)
}

// Depthwise reports whether every input channel is its own group with one
// output channel (Groups == C == K).
func (p Conv) Depthwise() bool {
	p = p.norm()
	return p.Groups == p.C && p.K == p.C
}

// Sizes returns the lengths of x, w and y.
func (p Conv) Sizes() (x, w, y int) {
	p = p.norm()
	return p.N * p.C * p.H * p.W, p.K * (p.C / p.Groups) * p.R * p.S, p.N * p.K * p.OutH() * p.OutW()
}

// MACs returns the multiply-accumulates of the forward pass.
func (p Conv) MACs() int {
	_, w, y := p.Sizes()
	return y / p.K * w
}

func (p Conv) check(x, w, y []float32, name string) Conv {
	p = p.norm()
	nx, nw, ny := p.Sizes()
	if p.OutH() <= 0 || p.OutW() <= 0 {
		panic(fmt.Sprintf("kernel: %s: empty output for %+v", name, p))
	}
	if (x != nil && len(x) < nx) || (w != nil && len(w) < nw) || (y != nil && len(y) < ny) {
		panic(fmt.Sprintf("kernel: %s: lengths x=%d w=%d y=%d, want %d %d %d for %+v", name, len(x), len(w), len(y), nx, nw, ny, p))
	}
	return p
}

// Pool describes a 2-D pooling window. Zero StrideH/StrideW mean the window
// size (PyTorch's default).
type Pool struct {
	N, C, H, W       int
	KH, KW           int
	StrideH, StrideW int
	PadH, PadW       int
}

func (p Pool) norm() Pool {
	if p.StrideH == 0 {
		p.StrideH = p.KH
	}
	if p.StrideW == 0 {
		p.StrideW = p.KW
	}
	return p
}

// OutH returns ⌊(H + 2·PadH − KH)/StrideH⌋ + 1 (floor mode), or 0 when the
// window is taller than the padded input.
func (p Pool) OutH() int { p = p.norm(); return outSize(p.H, p.PadH, p.KH, p.StrideH) }

// OutW returns ⌊(W + 2·PadW − KW)/StrideW⌋ + 1, or 0, as OutH.
func (p Pool) OutW() int { p = p.norm(); return outSize(p.W, p.PadW, p.KW, p.StrideW) }

func (p Pool) check(x, y []float32, name string) Pool {
	p = p.norm()
	if p.PadH*2 > p.KH || p.PadW*2 > p.KW {
		panic(fmt.Sprintf("kernel: %s: padding larger than half the window: %+v", name, p))
	}
	nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
	if p.OutH() <= 0 || p.OutW() <= 0 || (x != nil && len(x) < nx) || (y != nil && len(y) < ny) {
		panic(fmt.Sprintf("kernel: %s: lengths x=%d y=%d, want %d %d for %+v", name, len(x), len(y), nx, ny, p))
	}
	return p
}

// BatchNorm describes a batch-norm over x laid out [N, C, HW].
type BatchNorm struct {
	N, C, HW int
	Eps      float32 // zero means 1e-5
}

func (p BatchNorm) norm() BatchNorm {
	if p.Eps == 0 {
		p.Eps = 1e-5
	}
	return p
}

func (p BatchNorm) check(x []float32, name string) BatchNorm {
	if len(x) < p.N*p.C*p.HW || p.N*p.HW == 0 {
		panic(fmt.Sprintf("kernel: %s: len(x)=%d for %+v", name, len(x), p))
	}
	return p.norm()
}

// Reference returns the plain reference kernels. They are slow and exact
// (float64 accumulation) and exist to test the fast ones.
func Reference() *Set {
	return &Set{
		Name:                          "reference",
		Gemm:                          GemmRef,
		Conv2D:                        Conv2DRef,
		Conv2DBackwardData:            Conv2DBackwardDataRef,
		Conv2DBackwardFilter:          Conv2DBackwardFilterRef,
		DepthwiseConv2D:               Conv2DRef,
		DepthwiseConv2DBackwardData:   Conv2DBackwardDataRef,
		DepthwiseConv2DBackwardFilter: Conv2DBackwardFilterRef,
		MaxPool2D:                     MaxPool2DRef,
		MaxPool2DBackward:             MaxPool2DBackwardRef,
		AvgPool2D:                     AvgPool2DRef,
		AvgPool2DBackward:             AvgPool2DBackwardRef,
		BatchNormTrain:                BatchNormTrainRef,
		BatchNormInfer:                BatchNormInferRef,
		BatchNormBackward:             BatchNormBackwardRef,
		ReLU:                          ReLURef,
		ReLUBackward:                  ReLUBackwardRef,
		AddChannels:                   AddChannelsRef,
		SumChannels:                   SumChannelsRef,
		Axpy:                          AxpyRef,
		BiasReLU:                      BiasReLURef,
		ReLUMask:                      ReLUMaskRef,
	}
}

// Go returns the portable fast kernels written in Go: a packed, register-
// blocked GEMM, im2col+GEMM convolution, direct depthwise convolution and
// single-pass pooling and batch-norm. The Set owns scratch buffers; see the
// package comment.
func Go() *Set {
	ws := &workspace{i2c: im2col, c2i: col2im}
	ws.mm = ws.gemm
	return &Set{
		Name:                          "go",
		Gemm:                          ws.gemm,
		Conv2D:                        ws.conv2D,
		Conv2DBackwardData:            ws.conv2DBackwardData,
		Conv2DBackwardFilter:          ws.conv2DBackwardFilter,
		DepthwiseConv2D:               DepthwiseConv2D,
		DepthwiseConv2DBackwardData:   DepthwiseConv2DBackwardData,
		DepthwiseConv2DBackwardFilter: DepthwiseConv2DBackwardFilter,
		MaxPool2D:                     MaxPool2D,
		MaxPool2DBackward:             MaxPool2DBackward,
		AvgPool2D:                     AvgPool2D,
		AvgPool2DBackward:             AvgPool2DBackward,
		BatchNormTrain:                BatchNormTrain,
		BatchNormInfer:                BatchNormInfer,
		BatchNormBackward:             BatchNormBackward,
		ReLU:                          ReLU,
		ReLUBackward:                  ReLUBackward,
		AddChannels:                   AddChannels,
		SumChannels:                   SumChannels,
		Axpy:                          Axpy,
		BiasReLU:                      BiasReLU,
		ReLUMask:                      ReLUMask,
	}
}

// workspace is the scratch memory of a Go Set, and the GEMM and patch
// copies its convolutions run on (the Go ones, or a platform's).
type workspace struct {
	packA, packB []float32
	col          []float32
	mm           GemmFunc
	i2c, c2i     func(p Conv, cg int, src, dst []float32) // im2col, col2im
}

func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}
