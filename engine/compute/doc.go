// Package compute holds the engine's compute kernels behind one small API.
//
// A Set is a struct of function values, one per kernel: GEMM, 2-D convolution
// (forward, backward-data, backward-filter), depthwise convolution, max and
// average pooling, batch normalisation, and the element-wise passes of
// training (ReLU and its gradient, a per-channel bias and its gradient,
// y += a·x, which sums, residual adds and weighted sums are made of, and a
// bias and ReLU fused, with the gradient through a ReLU from its output).
// Layers call kernels only through a
// Set, so a platform can replace any one kernel (say, GEMM with a WebAssembly
// SIMD version reached through //go:wasmimport) by copying a Set and assigning
// one field:
//
//	ks := compute.Go()
//	ks.Gemm = simdGemm
//
// There is no mutable package-level state: whoever builds the model picks the
// Set. Default returns the best Set for the platform the binary was built for
// (platform_js.go / platform_other.go): under js/wasm the WebAssembly SIMD
// kernels (SIMD, "wasm-simd") when they are linked, else the Go kernels;
// natively the Go kernels with gonum's Sgemm under the convolutions and
// linear layers (Native, "go+gonum"), whose assembly inner loops double the
// Go GEMM's speed.
//
// # WebAssembly SIMD kernels
//
// Go's wasm backend emits scalar code, so under js/wasm GEMM, the patch copies
// of the convolutions (im2col/col2im), stride-1 depthwise convolution, 2×2/2
// max pooling, training batch norm and the element-wise kernels have
// hand-written f32x4 versions (wasmsimd/kernels.wat). They are a separate WebAssembly module that shares
// this program's memory; simd_js.go imports each of them with
// //go:wasmimport nasbook_simd <name> and passes slices as byte offsets, with
// no copies. A js/wasm program that links this package therefore needs the
// nasbook_simd imports at instantiation: assets/js/simd.js supplies them (the
// page's workers, assets/bench.html, and assets/js/run-node.mjs for node,
// which also serves as go test -exec; Go's own go_js_wasm_exec lacks them).
// Where the engine has no SIMD the imports report unavailable and SIMD
// returns nil.
//
// Every fast kernel has a plain reference implementation beside it (the *Ref
// functions, gathered by Reference) that follows the defining formula with
// float64 accumulation; kernel_test.go holds the two equal on random ragged
// shapes.
//
// # Conventions
//
// All arrays are dense, row-major float32 slices. Images are NCHW, convolution
// weights are [K, C/Groups, R, S] as in PyTorch. Forward kernels overwrite their
// output; backward kernels accumulate (+=) into the gradients they are given, so
// a tensor used twice collects both contributions, and a nil gradient slice
// means "not needed" and is skipped.
//
// A Set returned by Go or Native owns scratch memory (im2col columns, GEMM packing
// buffers) and must not be used by two goroutines at once; build one per
// goroutine or worker. Reference sets are stateless.
//
// Shape mistakes panic with a "kernel:" prefix.
package compute
