//go:build js && wasm

package compute

import "unsafe"

// The WebAssembly SIMD kernels (engine/compute/wasmsimd/kernels.wat) are
// imported from the module nasbook_simd, which every loader of a Go program
// that links this package must supply (assets/js/simd.js builds it; where the
// engine has no SIMD, its functions report unavailable and are never called).
// Pointers are byte offsets into this program's memory, which the kernels
// module shares; sizes and strides are in elements.

//go:wasmimport nasbook_simd available
func simdAvailable() int32

//go:wasmimport nasbook_simd gemm
func simdGemm(transA, transB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32, ws unsafe.Pointer)

//go:wasmimport nasbook_simd im2col
func simdIm2col(x, col unsafe.Pointer, cg, h, w, oh, ow, r, s, sh, sw, ph, pw, dh, dw int32)

//go:wasmimport nasbook_simd col2im
func simdCol2im(col, dx unsafe.Pointer, cg, h, w, oh, ow, r, s, sh, sw, ph, pw, dh, dw int32)

//go:wasmimport nasbook_simd depthwise_fwd
func simdDepthwiseFwd(x, w, y unsafe.Pointer, planes, c, h, wd, oh, ow, r, s, sh, sw, ph, pw, dh, dw int32, buf unsafe.Pointer)

//go:wasmimport nasbook_simd depthwise_bwd_data
func simdDepthwiseBwdData(dy, w, dx unsafe.Pointer, planes, c, h, wd, oh, ow, r, s, ph, pw, dh, dw int32, buf unsafe.Pointer)

//go:wasmimport nasbook_simd depthwise_bwd_filter
func simdDepthwiseBwdFilter(x, dy, dw unsafe.Pointer, planes, c, h, wd, oh, ow, r, s, sh, sw, ph, pw, dh, dwl int32, buf, buf2 unsafe.Pointer)

//go:wasmimport nasbook_simd maxpool2_fwd
func simdMaxPool2Fwd(x, y unsafe.Pointer, planes, h, w, oh, ow int32)

//go:wasmimport nasbook_simd maxpool2_bwd
func simdMaxPool2Bwd(x, dy, dx unsafe.Pointer, planes, h, w, oh, ow int32)

//go:wasmimport nasbook_simd bn_train
func simdBNTrain(x, gamma, beta, y, mean, variance, invstd unsafe.Pointer, n, c, hw int32, eps float32)

//go:wasmimport nasbook_simd bn_bwd
func simdBNBackward(x, gamma, mean, invstd, dy, dx, dgamma, dbeta unsafe.Pointer, n, c, hw int32)

//go:wasmimport nasbook_simd relu
func simdReLU(x, y unsafe.Pointer, n int32)

//go:wasmimport nasbook_simd relu_bwd
func simdReLUBackward(x, dy, dx unsafe.Pointer, n int32)

//go:wasmimport nasbook_simd add_channels
func simdAddChannels(b, y unsafe.Pointer, n, c, hw int32)

//go:wasmimport nasbook_simd sum_channels
func simdSumChannels(x, dst unsafe.Pointer, n, c, hw int32)

//go:wasmimport nasbook_simd bias_relu
func simdBiasReLU(b, y unsafe.Pointer, n, c, hw int32)

//go:wasmimport nasbook_simd relu_mask
func simdReLUMask(y, dy, dx unsafe.Pointer, n int32)

//go:wasmimport nasbook_simd axpy
func simdAxpy(a float32, x, y unsafe.Pointer, n int32)

func ptr(s []float32) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// simdGemmWorkspace is the size in floats of the workspace the SIMD GEMM
// expects: a 4×8 edge tile, packed A (MC×KC = 64×256) and packed B
// (KC×NC = 256×512); see kernels.wat.
const simdGemmWorkspace = 32 + 64*256 + 256*512

// SIMD returns the WebAssembly SIMD kernels, or nil when the JavaScript engine
// has no SIMD or the loader did not link them. GEMM, the patch copies of the
// convolutions, depthwise convolution (column stride 1 or 2; stride 1 for
// the data gradient), 2×2/2 max pooling, training batch norm and the
// element-wise kernels are SIMD; the other cases run the Go kernels. Like a Go
// Set, the result owns scratch memory.
func SIMD() *Set {
	if simdAvailable() == 0 {
		return nil
	}
	k := &simdKernels{gemmWS: make([]float32, simdGemmWorkspace)}
	s := Go()
	s.Name = "wasm-simd"
	s.Gemm = k.gemm
	ws := &workspace{mm: k.gemm, i2c: simdIm2colGroup, c2i: simdCol2imGroup}
	s.Conv2D, s.Conv2DBackwardData, s.Conv2DBackwardFilter = ws.conv2D, ws.conv2DBackwardData, ws.conv2DBackwardFilter
	s.DepthwiseConv2D = k.depthwise
	s.DepthwiseConv2DBackwardData = k.depthwiseData
	s.DepthwiseConv2DBackwardFilter = k.depthwiseFilter
	s.MaxPool2D = k.maxPool
	s.MaxPool2DBackward = k.maxPoolBackward
	s.BatchNormTrain = k.batchNormTrain
	s.BatchNormBackward = k.batchNormBackward
	s.ReLU, s.ReLUBackward = simdReLUKernel, simdReLUBackwardKernel
	s.AddChannels, s.SumChannels, s.Axpy = simdAddChannelsKernel, simdSumChannelsKernel, simdAxpyKernel
	s.BiasReLU, s.ReLUMask = simdBiasReLUKernel, simdReLUMaskKernel
	return s
}

// simdKernels holds the scratch memory of a SIMD Set.
type simdKernels struct {
	gemmWS    []float32
	pad, pad2 []float32 // padded planes of the depthwise kernels
}

func (k *simdKernels) gemm(transA, transB bool, m, n, kk int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, kk, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if kk == 0 {
		alpha = 0
	}
	simdGemm(b2i(transA), b2i(transB), int32(m), int32(n), int32(kk), alpha, ptr(a), int32(lda), ptr(b), int32(ldb), beta, ptr(c), int32(ldc), ptr(k.gemmWS))
}

func simdIm2colGroup(p Conv, cg int, x, col []float32) {
	_ = col[cg*p.R*p.S*p.OutH()*p.OutW()-1]
	simdIm2col(ptr(x), ptr(col), int32(cg), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()), int32(p.R), int32(p.S),
		int32(p.StrideH), int32(p.StrideW), int32(p.PadH), int32(p.PadW), int32(p.DilH), int32(p.DilW))
}

// simdCol2imGroup may clobber col (the stride-1 path zeroes its padding
// taps in place); col is the workspace's scratch.
func simdCol2imGroup(p Conv, cg int, col, dx []float32) {
	_ = col[cg*p.R*p.S*p.OutH()*p.OutW()-1]
	simdCol2im(ptr(col), ptr(dx), int32(cg), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()), int32(p.R), int32(p.S),
		int32(p.StrideH), int32(p.StrideW), int32(p.PadH), int32(p.PadW), int32(p.DilH), int32(p.DilW))
}

// simdDepthwiseOK reports whether the SIMD depthwise kernels handle p: any
// row stride and column strides 1 and 2 forward and for the filter gradient;
// stride 1 and padding no wider than the dilated filter for the data
// gradient.
func simdDepthwiseOK(p Conv, data bool) bool {
	if data {
		return p.StrideH == 1 && p.StrideW == 1 && p.PadH <= (p.R-1)*p.DilH && p.PadW <= (p.S-1)*p.DilW
	}
	return p.StrideW <= 2
}

// padBuf returns buf grown to n floats and zeroed past them by 4, so
// reading a vector past the end is safe.
func padBuf(buf *[]float32, n int) []float32 { return grow(buf, n+4) }

// paddedPlane is the size of the zero-padded copy of an input plane that the
// forward and filter-gradient kernels read (kernels.wat, depthwise_fwd).
func paddedPlane(p Conv) int {
	return (p.H + 2*p.PadH) * (p.W + 2*p.PadW + 3 + 4*(p.StrideW-1))
}

func (k *simdKernels) depthwise(p Conv, x, w, y []float32) {
	p = depthwiseCheck(p, x, w, y, "DepthwiseConv2D")
	if !simdDepthwiseOK(p, false) {
		DepthwiseConv2D(p, x, w, y)
		return
	}
	buf := padBuf(&k.pad, paddedPlane(p))
	simdDepthwiseFwd(ptr(x), ptr(w), ptr(y), int32(p.N*p.C), int32(p.C), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()),
		int32(p.R), int32(p.S), int32(p.StrideH), int32(p.StrideW), int32(p.PadH), int32(p.PadW), int32(p.DilH), int32(p.DilW), ptr(buf))
}

func (k *simdKernels) depthwiseData(p Conv, dy, w, dx []float32) {
	p = depthwiseCheck(p, dx, w, dy, "DepthwiseConv2DBackwardData")
	if !simdDepthwiseOK(p, true) {
		DepthwiseConv2DBackwardData(p, dy, w, dx)
		return
	}
	buf := padBuf(&k.pad, (p.H+(p.R-1)*p.DilH)*(p.W+(p.S-1)*p.DilW+3))
	simdDepthwiseBwdData(ptr(dy), ptr(w), ptr(dx), int32(p.N*p.C), int32(p.C), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()),
		int32(p.R), int32(p.S), int32(p.PadH), int32(p.PadW), int32(p.DilH), int32(p.DilW), ptr(buf))
}

func (k *simdKernels) depthwiseFilter(p Conv, x, dy, dw []float32) {
	p = depthwiseCheck(p, x, dw, dy, "DepthwiseConv2DBackwardFilter")
	if !simdDepthwiseOK(p, false) {
		DepthwiseConv2DBackwardFilter(p, x, dy, dw)
		return
	}
	buf := padBuf(&k.pad, paddedPlane(p))
	buf2 := padBuf(&k.pad2, p.OutH()*(p.OutW()+3)/4*4)
	simdDepthwiseBwdFilter(ptr(x), ptr(dy), ptr(dw), int32(p.N*p.C), int32(p.C), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()),
		int32(p.R), int32(p.S), int32(p.StrideH), int32(p.StrideW), int32(p.PadH), int32(p.PadW), int32(p.DilH), int32(p.DilW), ptr(buf), ptr(buf2))
}

func (k *simdKernels) maxPool(p Pool, x, y []float32) {
	p = p.check(x, y, "MaxPool2D")
	if !p.pair2() || p.H < 2 || p.W < 2 {
		MaxPool2D(p, x, y)
		return
	}
	simdMaxPool2Fwd(ptr(x), ptr(y), int32(p.N*p.C), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()))
}

func (k *simdKernels) maxPoolBackward(p Pool, x, dy, dx []float32) {
	p = p.check(x, dy, "MaxPool2DBackward")
	if !p.pair2() || p.H < 2 || p.W < 2 {
		MaxPool2DBackward(p, x, dy, dx)
		return
	}
	if len(dx) < p.N*p.C*p.H*p.W {
		panic("kernel: MaxPool2DBackward: short dx")
	}
	simdMaxPool2Bwd(ptr(x), ptr(dy), ptr(dx), int32(p.N*p.C), int32(p.H), int32(p.W), int32(p.OutH()), int32(p.OutW()))
}

// perChannel panics unless each of the slices is nil or holds c values.
func perChannel(name string, c int, s ...[]float32) {
	for _, v := range s {
		if v != nil && len(v) < c {
			panic("kernel: " + name + ": a per-channel slice is shorter than C")
		}
	}
}

func (k *simdKernels) batchNormTrain(p BatchNorm, x, gamma, beta, y, mean, variance, invstd []float32) {
	p = p.check(x, "BatchNormTrain")
	perChannel("BatchNormTrain", p.C, gamma, beta, mean[:p.C], variance[:p.C], invstd[:p.C])
	_ = y[p.N*p.C*p.HW-1]
	simdBNTrain(ptr(x), ptr(gamma), ptr(beta), ptr(y), ptr(mean), ptr(variance), ptr(invstd), int32(p.N), int32(p.C), int32(p.HW), p.Eps)
}

func (k *simdKernels) batchNormBackward(p BatchNorm, x, gamma, mean, invstd, dy, dx, dgamma, dbeta []float32) {
	p = p.check(x, "BatchNormBackward")
	perChannel("BatchNormBackward", p.C, gamma, mean[:p.C], invstd[:p.C], dgamma, dbeta)
	_ = dy[p.N*p.C*p.HW-1]
	if dx != nil {
		_ = dx[p.N*p.C*p.HW-1]
	}
	simdBNBackward(ptr(x), ptr(gamma), ptr(mean), ptr(invstd), ptr(dy), ptr(dx), ptr(dgamma), ptr(dbeta), int32(p.N), int32(p.C), int32(p.HW))
}

// The element-wise kernels are too short for a call to pay below a few
// vectors; those run the Go kernels.
const simdMinLen = 16

func simdReLUKernel(x, y []float32) {
	if len(y) < simdMinLen {
		ReLU(x, y)
		return
	}
	_ = x[len(y)-1]
	simdReLU(ptr(x), ptr(y), int32(len(y)))
}

func simdReLUBackwardKernel(x, dy, dx []float32) {
	if len(dx) < simdMinLen {
		ReLUBackward(x, dy, dx)
		return
	}
	_, _ = x[len(dx)-1], dy[len(dx)-1]
	simdReLUBackward(ptr(x), ptr(dy), ptr(dx), int32(len(dx)))
}

func simdAddChannelsKernel(p Channels, b, y []float32) {
	if p.HW < simdMinLen || p.N == 0 || p.C == 0 {
		AddChannels(p, b, y)
		return
	}
	p.check(y, b, "AddChannels")
	simdAddChannels(ptr(b), ptr(y), int32(p.N), int32(p.C), int32(p.HW))
}

func simdSumChannelsKernel(p Channels, x, dst []float32) {
	if p.HW < simdMinLen || p.N == 0 || p.C == 0 {
		SumChannels(p, x, dst)
		return
	}
	p.check(x, dst, "SumChannels")
	simdSumChannels(ptr(x), ptr(dst), int32(p.N), int32(p.C), int32(p.HW))
}

func simdAxpyKernel(a float32, x, y []float32) {
	if len(y) < simdMinLen {
		Axpy(a, x, y)
		return
	}
	_ = x[len(y)-1]
	simdAxpy(a, ptr(x), ptr(y), int32(len(y)))
}

func simdBiasReLUKernel(p Channels, b, y []float32) {
	if p.HW < simdMinLen || p.N == 0 || p.C == 0 {
		BiasReLU(p, b, y)
		return
	}
	if b != nil {
		p.check(y, b, "BiasReLU")
	} else {
		_ = y[p.N*p.C*p.HW-1]
	}
	simdBiasReLU(ptr(b), ptr(y), int32(p.N), int32(p.C), int32(p.HW))
}

func simdReLUMaskKernel(y, dy, dx []float32) {
	if len(dx) < simdMinLen {
		ReLUMask(y, dy, dx)
		return
	}
	_, _ = y[len(dx)-1], dy[len(dx)-1]
	simdReLUMask(ptr(y), ptr(dy), ptr(dx), int32(len(dx)))
}
