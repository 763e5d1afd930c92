// Package tables ships published benchmark results that lessons and cells
// open by name, so that no student has to find and upload them: NAS-Bench-201's
// accuracies after 200 and 12 epochs, its latencies on a few devices, and
// NASLib's zero-cost proxy scores.
//
// The copies live in this folder (nb201/*.csv, with each source and licence
// in nb201/NOTICE.md) and are the published numbers unchanged; some files keep
// only the columns shipped. A native program reads them from the binary
// (go:embed, in a file the js/wasm build leaves out); the page's build writes
// them gzip-compressed beside the other data (assets/build/data/nb201/*.csv.gz),
// and the browser's kernel fetches one the first time a cell opens it.
//
// Open finds a table's file in a file system under its name with ".gz" or
// without, so the same call reads either form.
package tables
