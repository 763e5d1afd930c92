// Command mnistpack rewrites the MNIST subset that the repository keeps in
// engine/data/mnist from the four original MNIST files:
//
//	go run ./cmd/mnistpack -from DIR [-out engine/data/mnist]
//
// DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or
// not). The same originals give the same bytes (engine/data.WriteMNISTSubset).
package main

import (
	"flag"
	"fmt"
	"os"

	"nasbook/engine/data"
)

func main() {
	from := flag.String("from", "", "`directory` holding the original MNIST files (required)")
	out := flag.String("out", "engine/data/mnist", "`directory` to write the subset to")
	flag.Parse()
	if *from == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mnistpack -from DIR [-out DIR]")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if err := data.WriteMNISTSubset(*out, *from, data.MNISTSubsetConfig{}); err != nil {
		fmt.Fprintln(os.Stderr, "mnistpack:", err)
		os.Exit(1)
	}
}
