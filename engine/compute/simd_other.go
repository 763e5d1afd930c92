//go:build !(js && wasm)

package compute

// SIMD returns nil: the WebAssembly SIMD kernels exist only under js/wasm.
func SIMD() *Set { return nil }
