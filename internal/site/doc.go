// Package site builds the playground's browser assets and serves them.
//
// Build compiles the js/wasm programs (kernel, canvas, figure) into
// assets/build/, copies Go's wasm_exec.js beside them, and writes brotli and
// gzip copies of every wasm file so that a server can send them
// pre-compressed. It rebuilds only when the Go sources changed since the last
// build (a hash of the module's sources and the toolchain version, kept in
// assets/build/stamp).
//
// Handler serves index.html and assets/ from the project root, choosing the
// pre-compressed copy that the browser accepts.
package site
