package nb

import (
	"fmt"

	"nasbook/engine/data"
)

// Data is a dataset split into training, validation and test parts.
type Data struct {
	Name               string
	Train, Valid, Test *data.Dataset
}

func (d *Data) String() string {
	t := d.Train
	return fmt.Sprintf("%s: %d train / %d valid / %d test, %dx%dx%d, %d classes",
		d.Name, t.Len(), d.Valid.Len(), d.Test.Len(), t.C, t.H, t.W, t.Classes)
}

// MNIST returns the handwritten digits at size 28, 14 or 7 pixels (14 and 7
// average 2x2 and 4x4 blocks): the 10,000 training images of the built-in
// subset, of which 1,000 are held out for validation, and its 2,000 test
// images. In the browser the files are fetched on first use.
func MNIST(size int) *Data { return Default.MNIST(size) }

// MNIST loads the digits; see the package-level MNIST.
func (s *Session) MNIST(size int) *Data {
	if s.Files == nil {
		failf("MNIST", "this notebook host has no data files")
	}
	sp, err := data.MNISTSubsetSplits(s.Files, size)
	if err != nil {
		fail("MNIST", err)
	}
	return &Data{Name: sp.Name, Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}

// Spirals returns n points of 2-D spirals with one arm per class, split
// 70/15/15; noise jitters the points.
func Spirals(n, classes int, noise float64, seed int64) *Data {
	return Default.Spirals(n, classes, noise, seed)
}

// Spirals generates spirals; see the package-level Spirals.
func (*Session) Spirals(n, classes int, noise float64, seed int64) *Data {
	return splitGenerated("Spirals", data.Spirals{N: n, Classes: classes, Noise: noise, Seed: seed}, seed)
}

// Shapes returns n images of size x size pixels, one shape kind (circle,
// square, triangle, ...) per class, split 70/15/15.
func Shapes(n, size, classes int, seed int64) *Data { return Default.Shapes(n, size, classes, seed) }

// Shapes generates shape images; see the package-level Shapes.
func (*Session) Shapes(n, size, classes int, seed int64) *Data {
	return splitGenerated("Shapes", data.Shapes{N: n, Size: size, Classes: classes, Noise: 0.1, Seed: seed}, seed)
}

// Lookup returns n sequences of the key–value lookup task, split 70/15/15:
// four tokens each pairing a key (8 kinds) with a value (8 kinds), keys
// distinct, then a query naming one of the keys; the class is the query's
// value. Tokens are ids (pair of key k and value v: 8k+v; query of key k:
// 64+k), read by a space made for the data (nb.Space("transformer").For(d)).
// A transformer learns it in a few hundred steps when it is deep and wide
// enough to match the query against the keys.
func Lookup(n int, seed int64) *Data { return Default.Lookup(n, seed) }

// Lookup generates the lookup task; see the package-level Lookup.
func (*Session) Lookup(n int, seed int64) *Data {
	g := data.Lookup{N: n, Seed: seed}
	if err := g.Check(); err != nil {
		fail("Lookup", err)
	}
	return splitGenerated("Lookup", g, seed)
}

func splitGenerated(fn string, g data.Generator, seed int64) (d *Data) {
	defer func() {
		// The generators panic on a bad configuration, naming the field.
		if r := recover(); r != nil {
			failf(fn, "%v", r)
		}
	}()
	all := g.Generate()
	sp := all.Split(0.15, 0.15, data.NewRand(seed))
	return &Data{Name: all.Name, Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}
