//go:build !js

package nb

import (
	"io/fs"

	"nasbook/engine/data"
)

// NativeFiles returns the built-in data files for a native program: the
// MNIST subset built into the binary (engine/data.MNISTSubset), the same
// bytes the browser fetches, so native and browser runs train on the same
// images.
func NativeFiles() fs.FS { return data.MNISTSubset() }
