// Package nb is the short API that notebook cells use: Show an architecture on
// the canvas, plot figures, describe numbers — and, as the engine grows, train
// and search.
//
// It is ordinary Go: a notebook's cells compile with the Go toolchain too. Each
// package-level function is a method of a Session (the package-level ones use
// Default, which writes to standard output). A notebook host (the browser
// kernel, or `nasbook run`) makes its own Session and binds the package-level
// names to it, so rich outputs of a cell reach that notebook and nothing else.
//
// A mistake a user can make in a call (an architecture string that does not
// parse, an empty series to plot) panics with an *Error naming the mistake;
// the notebook turns it into an error on the cell, at the line of the call.
package nb
