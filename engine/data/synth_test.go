package data

import (
	"math"
	"slices"
	"testing"
)

func TestGeneratorsShapesBalanceAndSeeds(t *testing.T) {
	for _, tc := range []struct {
		gen     func(seed int64) Generator
		classes int
		shape   [4]int
	}{
		{func(s int64) Generator { return Spirals{Classes: 3, Noise: 0.05, Seed: s} }, 3, [4]int{600, 2, 1, 1}},
		{func(s int64) Generator { return Moons{N: 101, Noise: 0.1, Seed: s} }, 2, [4]int{101, 2, 1, 1}},
		{func(s int64) Generator { return Circles{Classes: 4, Seed: s} }, 4, [4]int{600, 2, 1, 1}},
		{func(s int64) Generator { return XOR{Margin: 0.1, Noise: 0.05, Seed: s} }, 2, [4]int{600, 2, 1, 1}},
		{func(s int64) Generator { return Blobs{N: 50, Classes: 5, Seed: s} }, 5, [4]int{50, 2, 1, 1}},
		{func(s int64) Generator { return Shapes{N: 70, Size: 12, Noise: 0.1, Seed: s} }, NumShapeKinds, [4]int{70, 1, 12, 12}},
		{func(s int64) Generator { return Shapes{N: 30, Kinds: []ShapeKind{Ring, Cross}, Seed: s} }, 2, [4]int{30, 1, 16, 16}},
		{func(s int64) Generator { return Stripes{N: 40, Size: 8, Classes: 8, Noise: 0.2, Seed: s} }, 8, [4]int{40, 1, 8, 8}},
	} {
		a, b, c := tc.gen(1).Generate(), tc.gen(1).Generate(), tc.gen(2).Generate()
		if err := a.Validate(); err != nil {
			t.Error(err)
		}
		if a.Shape() != tc.shape || a.Classes != tc.classes || len(a.ClassNames) != tc.classes {
			t.Errorf("%v: shape %v, %d classes, want %v, %d", a.Name, a.Shape(), a.Classes, tc.shape, tc.classes)
		}
		h := a.Histogram()
		if slices.Max(h)-slices.Min(h) > 1 {
			t.Errorf("%s: unbalanced classes %v", a.Name, h)
		}
		if !slices.Equal(a.X, b.X) || !slices.Equal(a.Y, b.Y) {
			t.Errorf("%s: same seed, different data", a.Name)
		}
		if slices.Equal(a.X, c.X) {
			t.Errorf("%s: different seeds, same data", a.Name)
		}
		for _, v := range a.X {
			if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 2 {
				t.Fatalf("%s: value %v", a.Name, v)
			}
		}
		if a.C == 1 && (slices.Min(a.X) < 0 || slices.Max(a.X) > 1) {
			t.Errorf("%s: pixels outside [0, 1]", a.Name)
		}
		// Generated sets come shuffled, not grouped by class.
		if slices.IsSorted(a.Y) {
			t.Errorf("%s: labels in sorted order", a.Name)
		}
	}
}

func TestNoiselessGeometry(t *testing.T) {
	// Circles: ring k of K has radius (k+1)/K exactly.
	d := Circles{Classes: 3}.Generate()
	for i, y := range d.Y {
		x := d.Example(i)
		r := math.Hypot(float64(x[0]), float64(x[1]))
		if math.Abs(r-float64(y+1)/3) > 1e-6 {
			t.Fatalf("circles: class %d at radius %g", y, r)
		}
	}
	// XOR: the label is the sign of x·y, and the margin holds.
	d = XOR{Margin: 0.2}.Generate()
	for i, y := range d.Y {
		x := d.Example(i)
		if (x[0]*x[1] < 0) != (y == 1) || math.Abs(float64(x[0])) < 0.2 || math.Abs(float64(x[1])) < 0.2 {
			t.Fatalf("xor: (%g, %g) labelled %d", x[0], x[1], y)
		}
	}
	// Blobs with a tiny spread sit on their centres.
	d = Blobs{Classes: 4, Spread: 1e-9}.Generate()
	for i, y := range d.Y {
		x := d.Example(i)
		a := math.Pi / 2 * float64(y)
		if math.Abs(float64(x[0])-0.7*math.Cos(a)) > 1e-6 || math.Abs(float64(x[1])-0.7*math.Sin(a)) > 1e-6 {
			t.Fatalf("blobs: class %d at (%g, %g)", y, x[0], x[1])
		}
	}
	// Spirals lie within the unit disc and reach its edge.
	d = Spirals{}.Generate()
	var rmax float64
	for i := range d.Y {
		x := d.Example(i)
		rmax = max(rmax, math.Hypot(float64(x[0]), float64(x[1])))
	}
	if rmax > 1 || rmax < 0.99 {
		t.Errorf("spirals reach radius %g, want just under 1", rmax)
	}
}

func TestShapeMasks(t *testing.T) {
	// Each kind against a point it must cover and one it must not, in units
	// of the radius: the centre is covered by every filled shape, not the ring.
	for _, tc := range []struct {
		k          ShapeKind
		in, out    [2]float64
		centreFull bool
	}{
		{Circle, [2]float64{0.6, 0.6}, [2]float64{0.75, 0.75}, true},
		{Square, [2]float64{0.75, 0.75}, [2]float64{0.85, 0}, true},
		{Triangle, [2]float64{0, -0.9}, [2]float64{-0.5, -0.5}, true},
		{Plus, [2]float64{0, 0.95}, [2]float64{0.5, 0.5}, true},
		{Cross, [2]float64{0.6, 0.6}, [2]float64{0, 0.6}, true},
		{Diamond, [2]float64{0, 0.95}, [2]float64{0.6, 0.6}, true},
		{Ring, [2]float64{0, 0.8}, [2]float64{0.2, 0.2}, false},
	} {
		if tc.k.inside(0, 0) != tc.centreFull {
			t.Errorf("%v: centre inside = %v", tc.k, !tc.centreFull)
		}
		if !tc.k.inside(tc.in[0], tc.in[1]) || tc.k.inside(tc.out[0], tc.out[1]) {
			t.Errorf("%v: wrong mask at %v or %v", tc.k, tc.in, tc.out)
		}
	}
}

func TestStripesOrientation(t *testing.T) {
	// Class 0 (0°) stripes are horizontal: constant along each row.
	// Class 2 of 4 (90°) stripes are vertical: constant along each column.
	d := Stripes{N: 8, Size: 8}.Generate()
	for i, y := range d.Y {
		img := d.Example(i)
		for r := 0; r < 8; r++ {
			for c := 1; c < 8; c++ {
				switch y {
				case 0:
					if img[r*8+c] != img[r*8] {
						t.Fatalf("0° image varies along row %d", r)
					}
				case 2:
					if img[c*8+r] != img[r] {
						t.Fatalf("90° image varies along column %d", r)
					}
				}
			}
		}
	}
}
