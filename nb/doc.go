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
//
// # Searches
//
// Search runs a strategy over seeds against one way of scoring: a benchmark
// table, a Score function of the cell, a zero-cost Proxy, or training on a
// dataset (Train). Hyperband and BOHB (Strategy "hyperband", "bohb") score
// most architectures after fewer epochs of training: on a table of such
// results (LowTable, e.g. OpenTable("nb201/accuracy-12ep") beside
// OpenTable("nb201/accuracy-200ep")) or by training for fewer epochs
// (TrainEpochs), and count the epochs of every evaluation against
// EpochBudget, which the other strategies spend at the full budget.
//
// A search with a Checkpoint name saves itself in the Session as it goes; the
// host keeps the states (OnSearchSaved, KeepSearch) when Stop restarts the
// kernel, and Resume, or the same Search again, continues from there to
// exactly the result of an uninterrupted run.
package nb
