// Package notebook runs notebooks: it reads and writes Jupyter's nbformat 4
// (.ipynb), and its Kernel runs Go cells one after another through the yaegi
// interpreter, with state carried from cell to cell as in Jupyter.
//
// A cell mixes imports, declarations and statements as Go programmers write
// them. yaegi's Eval does not take such a mix in one go, so the Kernel splits a
// cell at its top-level boundaries into runs of imports, declarations and
// statements, and evaluates them in source order, each padded so that the
// interpreter's line numbers are the cell's own.
//
// Cells see only the packages of nasbook/notebook/symbols: a curated standard
// library and the project's script-facing packages. The same Kernel serves the
// browser's kernel worker and the native `nasbook run`.
//
// The Kernel guards itself against its cells (instrument.go, guard.go): it
// adds cheap checks to every function body, loop and go statement of a cell
// before the interpreter sees it, which bound nested calls, goroutines and
// memory (Limits), end a stopped cell and its goroutines, and make a panic in
// a goroutine its cell's error. A cell's goroutines end when the cell does;
// outputs reach emit one at a time and never after their cell ended. The
// interpreter is never asked to cancel an evaluation itself (yaegi.go says
// why).
package notebook
