package data

// Bounds on what the readers of this package accept. Each is far beyond
// what a serious user reads into a notebook or the command line, and low
// enough that a malformed or hostile file (a header asking for 2^60 bytes,
// a gzip bomb, /dev/zero) fails with an error naming the bound before the
// reader allocates much, natively and in a browser tab, whose WebAssembly
// memory ends at 4 GiB.
const (
	// MaxValues bounds the float32 values of a dataset read from a file
	// (1 GiB of features). CIFAR-10's or CIFAR-100's 50,000 training
	// images are 153.6 million values, MNIST's 60,000 are 47 million.
	MaxValues = 1 << 28

	// MaxCSVBytes bounds a CSV file (2 GiB): the text of MaxValues values.
	// CIFAR-10's training set written as CSV is about 0.6 GiB.
	MaxCSVBytes = 2 << 30
	// MaxCSVLine bounds a line of a CSV file (1 MiB), so that a binary file
	// or an endless stream without newlines fails at its first megabyte.
	// A row of CIFAR's 3,073 columns is under 16 KiB.
	MaxCSVLine = 1 << 20
	// MaxCSVColumns bounds the columns of a CSV file.
	MaxCSVColumns = 1 << 16

	// MaxDecompressed bounds the bytes a gzip-compressed input expands to
	// (2 GiB): IDX's MaxIDXBytes and CIFAR's MaxValues both fit. A gzip
	// bomb (a few kilobytes that expand to terabytes) fails there.
	MaxDecompressed = 2 << 30
)
