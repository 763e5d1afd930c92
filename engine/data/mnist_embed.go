//go:build !js

package data

import (
	"embed"
	"io/fs"
)

// The subset lives in the binary of native programs only: the browser
// fetches the same files from assets/build/data, so the js/wasm programs
// stay 2 MB smaller.
//
//go:embed mnist/*.idx.gz
var mnistSubset embed.FS

// MNISTSubset returns the MNIST subset kept in the repository
// (engine/data/mnist): the four files MNISTSubsetFiles, as WriteMNISTSubset
// wrote them from the original files. It is built into native programs, so
// reading it needs no file, path or network.
func MNISTSubset() fs.FS {
	sub, err := fs.Sub(mnistSubset, "mnist")
	if err != nil {
		panic("data: MNISTSubset: " + err.Error())
	}
	return sub
}
