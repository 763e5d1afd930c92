// Package site builds the playground's browser assets and serves them.
//
// Build compiles the js/wasm programs (kernel, canvas, figure, pool) into
// assets/build/, copies Go's wasm_exec.js beside them, copies the MNIST
// subset that native programs embed (engine/data.MNISTSubset) to
// assets/build/data, writes the example scripts as lesson notebooks and the
// editor's completion data (package catalog) as assets/build/catalog.json. It
// relinks the programs only when their sources changed since the last
// build (a hash of the files of the module's packages they import, go.mod,
// go.sum and the toolchain version, kept with the brotli quality in
// assets/build/stamp).
//
// Precompress, which Build runs last, writes a brotli and a gzip copy of
// every text and wasm file the server sends: beside the built files
// (assets/build/kernel.wasm.br), and under assets/build/precompressed for
// index.html and the sources of assets/. A copy carries the modification
// time of the file it was made from, so that a file edited since is never
// answered with an old copy; Build brings stale copies up to date.
//
// Handler serves index.html and assets/ from the project root, choosing the
// fresh copy that the browser accepts, with a strict Content-Security-Policy;
// Server gives it timeouts.
package site
