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
// loader supplies the nasbook_simd import object; where the browser lacks
// SIMD, its "available" reports 0.
//
// The Go program must be instantiated before the kernels (they need its
// memory), so its imports cannot be the kernels themselves. Module therefore
// appends a link module to the kernels, in the custom section LinkSection:
// for each exported kernel a function of the same name and type that calls
// slot i of an imported table, env.kernels. The loader instantiates the link
// module first, gives its exports to the Go program as imports, and fills the
// table once the kernels are instantiated. A kernel call then goes from
// WebAssembly to WebAssembly with one indirect call; a JavaScript function
// as the import would leave WebAssembly and come back on every call, at a
// cost that depends on how far the JavaScript engine has optimised it (W2
// makes about 400 kernel calls a step).
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
