//go:build !(js && wasm)

package kernel

// SIMD returns nil: the WebAssembly SIMD kernels exist only under js/wasm.
func SIMD() *Set { return nil }
