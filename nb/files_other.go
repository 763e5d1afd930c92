//go:build !js

package nb

import (
	"errors"
	"io/fs"

	"nasbook/engine/data"
	"nasbook/tables"
)

// NativeFiles returns the built-in data files for a native program, all
// built into the binary: the shipped benchmark tables (package tables) and
// the MNIST subset (engine/data.MNISTSubset), the same bytes the browser
// fetches, so native and browser runs train on the same images and read the
// same tables.
func NativeFiles() fs.FS { return union{tables.Files(), data.MNISTSubset()} }

// union opens a name in the first of its file systems that has it.
type union []fs.FS

func (u union) Open(name string) (fs.File, error) {
	for _, f := range u[:len(u)-1] {
		if file, err := f.Open(name); !errors.Is(err, fs.ErrNotExist) {
			return file, err
		}
	}
	return u[len(u)-1].Open(name)
}
