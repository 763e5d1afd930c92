//go:build js && wasm

package kernel

import "unsafe"

// The WebAssembly SIMD kernels (engine/kernel/wasmsimd/kernels.wat) are
// imported from the module nasbook_simd, which every loader of a Go program
// that links this package must supply (assets/js/simd.js builds it; where the
// engine has no SIMD, its functions report unavailable and are never called).
// Pointers are byte offsets into this program's memory, which the kernels
// module shares; sizes and strides are in elements.

//go:wasmimport nasbook_simd available
func simdAvailable() int32

//go:wasmimport nasbook_simd gemm
func simdGemm(transA, transB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32, ws unsafe.Pointer)

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
// has no SIMD or the loader did not link them. Kernels without a SIMD version
// are the Go ones. Like a Go Set, the result owns scratch memory.
func SIMD() *Set {
	if simdAvailable() == 0 {
		return nil
	}
	s := Go()
	s.Name = "wasm-simd"
	scratch := make([]float32, simdGemmWorkspace)
	gemm := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		if m == 0 || n == 0 {
			return
		}
		if k == 0 {
			alpha = 0
		}
		simdGemm(b2i(transA), b2i(transB), int32(m), int32(n), int32(k), alpha, ptr(a), int32(lda), ptr(b), int32(ldb), beta, ptr(c), int32(ldc), ptr(scratch))
	}
	s.Gemm = gemm
	ws := &workspace{mm: gemm}
	s.Conv2D, s.Conv2DBackwardData, s.Conv2DBackwardFilter = ws.conv2D, ws.conv2DBackwardData, ws.conv2DBackwardFilter
	return s
}
