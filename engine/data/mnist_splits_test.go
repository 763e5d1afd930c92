//go:build !js

package data

import (
	"strings"
	"testing"
	"testing/fstest"
)

// The parts notebooks and the command line train on: the subset's 10,000
// training images less a tenth held out per class, and its 2,000 test images.
func TestMNISTSubsetSplits(t *testing.T) {
	sp, err := MNISTSubsetSplits(MNISTSubset(), 14)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Name != "mnist-14" || sp.Train.Len() != 9000 || sp.Valid.Len() != 1000 || sp.Test.Len() != 2000 || sp.Train.H != 14 {
		t.Fatalf("%s: %d train, %d valid, %d test, %dx%d", sp.Name, sp.Train.Len(), sp.Valid.Len(), sp.Test.Len(), sp.Train.H, sp.Train.W)
	}
	for k, n := range sp.Valid.Histogram() {
		if n != 100 {
			t.Errorf("class %d: %d validation images, want 100", k, n)
		}
	}
	// Seed 0 every time: the same parts for every caller.
	again, _ := MNISTSubsetSplits(MNISTSubset(), 14)
	if again.Valid.Y[0] != sp.Valid.Y[0] || again.Valid.X[17] != sp.Valid.X[17] {
		t.Error("two reads hold out different images")
	}
	for _, c := range []struct {
		size int
		fsys fstest.MapFS
		want string
	}{
		{5, nil, "data: mnist: size 5, want 28, 14 or 7"},
		{7, fstest.MapFS{}, "data: mnist: open mnist-train-images.idx.gz"},
		{7, fstest.MapFS{"mnist-train-images.idx.gz": {Data: []byte("no idx")}, "mnist-train-labels.idx.gz": {Data: []byte("x")}}, "data: "},
	} {
		if _, err := MNISTSubsetSplits(c.fsys, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("size %d: error %v, want %q", c.size, err, c.want)
		}
	}
}
