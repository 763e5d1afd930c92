//go:build !js

package data

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestMNISTSubsetChecksums(t *testing.T) {
	sub := MNISTSubset()
	for _, name := range subsetNames() {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != subsetSHA256[name] {
			t.Errorf("%s: sha256 %s, want %s", name, got, subsetSHA256[name])
		}
		// The embedded copy is the file in the repository.
		disk, err := os.ReadFile(filepath.Join("mnist", name))
		if err != nil || !bytes.Equal(disk, b) {
			t.Errorf("%s: embedded copy differs from mnist/%s (%v)", name, name, err)
		}
	}
	if entries, err := fs.ReadDir(sub, "."); err != nil || len(entries) != 4 {
		t.Errorf("MNISTSubset holds %d files (%v), want the 4 of MNISTSubsetFiles", len(entries), err)
	}
}
