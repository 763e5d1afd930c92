// Package wasmsimd holds the source of the engine's WebAssembly SIMD kernels
// (kernels.wat) and the small assembler that turns it into the module the page
// loads beside a Go program.
//
// # How the kernels are reached
//
// The module imports its memory as env.memory: the loader (assets/js/simd.js)
// instantiates it with the Go instance's own WebAssembly.Memory, so the kernels
// read and write Go slices in place and see the memory after it grows. The Go
// side (engine/compute, simd_js.go) declares every export with
//
//	//go:wasmimport nasbook_simd <name>
//
// and passes byte offsets of slices (unsafe.Pointer) and element counts. The
// loader supplies the nasbook_simd import object; its functions forward to the
// SIMD instance, or, where the browser lacks SIMD, report unavailable.
//
// # The text format
//
// Assemble reads the subset of the WebAssembly text format that kernels.wat
// uses: one (import "m" "n" (memory 0)), functions with named params, locals,
// an optional (export "name") and (result t); bodies of flat or folded
// instructions, named labels on block, loop and if, and the integer, float,
// memory and f32x4 instructions listed in asm.go. Anything else is an error,
// so the file stays readable by standard tools (wat2wasm) as well.
package wasmsimd
