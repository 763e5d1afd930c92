// Package kernel holds the engine's compute kernels behind one small API.
//
// A Set is a struct of function values, one per kernel: GEMM, 2-D convolution
// (forward, backward-data, backward-filter), depthwise convolution, max and
// average pooling and batch normalisation. Layers call kernels only through a
// Set, so a platform can replace any one kernel (say, GEMM with a WebAssembly
// SIMD version reached through //go:wasmimport) by copying a Set and assigning
// one field:
//
//	ks := kernel.Go()
//	ks.Gemm = simdGemm
//
// There is no mutable package-level state: whoever builds the model picks the
// Set. Default returns the best Set for the platform the binary was built for
// (platform_js.go / platform_other.go).
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
// A Set returned by Go owns scratch memory (im2col columns, GEMM packing
// buffers) and must not be used by two goroutines at once; build one per
// goroutine or worker. Reference sets are stateless.
//
// Shape mistakes panic with a "kernel:" prefix.
package kernel
