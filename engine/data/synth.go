package data

import (
	"fmt"
	"math"
	"math/rand"
)

// The generators below make labelled points in the plane, a dataset of
// shape [N, 2, 1, 1] with coordinates roughly within [-1, 1]. Each is a
// config struct whose zero value is a usable default: call Generate on it.
// Noise is the standard deviation of Gaussian jitter added to each
// coordinate after the label is fixed; 0 means none. Classes are balanced
// (they differ in size by at most one) and the examples come shuffled.
// The same config, Seed included, always gives the same dataset.

// DefaultPoints is the number of points a 2-D generator makes when N is 0.
const DefaultPoints = 600

// Spirals is K interleaved spiral arms, one class per arm.
type Spirals struct {
	N       int     // number of points; 0 means DefaultPoints
	Classes int     // number of arms; 0 means 2
	Turns   float64 // turns each arm makes from the centre out; 0 means 1
	Noise   float64 // std of coordinate jitter; 0 means none
	Seed    int64
}

// Generate returns the points. Point j of arm k lies at radius r = 0.05 +
// 0.95 j/n and angle 2π(Turns·r + k/K).
func (c Spirals) Generate() *Dataset {
	n, k := orDefault(c.N, DefaultPoints), orDefault(c.Classes, 2)
	turns := c.Turns
	if turns == 0 {
		turns = 1
	}
	return points("spirals", n, k, c.Noise, c.Seed, func(rng *rand.Rand, class, j, nk int) (float64, float64) {
		r := 0.05 + 0.95*float64(j)/float64(nk)
		a := 2 * math.Pi * (turns*r + float64(class)/float64(k))
		return r * math.Cos(a), r * math.Sin(a)
	})
}

// Moons is two interleaved half circles, as in scikit-learn's make_moons,
// centred on the origin and scaled by 2/3 so x spans [-1, 1].
type Moons struct {
	N     int     // number of points; 0 means DefaultPoints
	Noise float64 // std of coordinate jitter; 0 means none
	Seed  int64
}

// Generate returns the points. Class 0 is the upper moon.
func (c Moons) Generate() *Dataset {
	n := orDefault(c.N, DefaultPoints)
	return points("moons", n, 2, c.Noise, c.Seed, func(rng *rand.Rand, class, j, nk int) (float64, float64) {
		t := math.Pi * float64(j) / float64(max(nk-1, 1))
		x, y := math.Cos(t), math.Sin(t)
		if class == 1 {
			x, y = 1-x, 0.5-y
		}
		return (x - 0.5) / 1.5, (y - 0.25) / 1.5
	})
}

// Circles is concentric rings, one class per ring: ring k has radius
// (k+1)/Classes, so class 0 is innermost and the outer ring has radius 1.
type Circles struct {
	N       int     // number of points; 0 means DefaultPoints
	Classes int     // number of rings; 0 means 2
	Noise   float64 // std of coordinate jitter; 0 means none
	Seed    int64
}

// Generate returns the points, at uniformly random angles.
func (c Circles) Generate() *Dataset {
	n, k := orDefault(c.N, DefaultPoints), orDefault(c.Classes, 2)
	return points("circles", n, k, c.Noise, c.Seed, func(rng *rand.Rand, class, j, nk int) (float64, float64) {
		r := float64(class+1) / float64(k)
		a := 2 * math.Pi * rng.Float64()
		return r * math.Cos(a), r * math.Sin(a)
	})
}

// XOR is points uniform in the square [-1, 1]², labelled 1 where x and y
// have opposite signs (the second and fourth quadrants) and 0 elsewhere.
type XOR struct {
	N      int     // number of points; 0 means DefaultPoints
	Margin float64 // keep |x| and |y| ≥ Margin, a gap along both axes; 0 means none
	Noise  float64 // std of coordinate jitter; 0 means none
	Seed   int64
}

// Generate returns the points.
func (c XOR) Generate() *Dataset {
	n := orDefault(c.N, DefaultPoints)
	if c.Margin < 0 || c.Margin >= 1 {
		panic(fmt.Sprintf("data: XOR.Margin = %g, want [0, 1)", c.Margin))
	}
	return points("xor", n, 2, c.Noise, c.Seed, func(rng *rand.Rand, class, j, nk int) (float64, float64) {
		x := c.Margin + (1-c.Margin)*rng.Float64()
		y := c.Margin + (1-c.Margin)*rng.Float64()
		// Pick one of the class's two quadrants.
		if rng.Intn(2) == 0 {
			x, y = -x, -y
		}
		if class == 1 {
			y = -y
		}
		return x, y
	})
}

// Blobs is one Gaussian cluster per class, centred at equal angles on the
// circle of radius 0.7, starting at angle 0.
type Blobs struct {
	N       int     // number of points; 0 means DefaultPoints
	Classes int     // number of blobs; 0 means 3
	Spread  float64 // std of each blob around its centre; 0 means 0.2
	Seed    int64
}

// Generate returns the points.
func (c Blobs) Generate() *Dataset {
	n, k := orDefault(c.N, DefaultPoints), orDefault(c.Classes, 3)
	s := c.Spread
	if s == 0 {
		s = 0.2
	}
	return points("blobs", n, k, s, c.Seed, func(rng *rand.Rand, class, j, nk int) (float64, float64) {
		a := 2 * math.Pi * float64(class) / float64(k)
		return 0.7 * math.Cos(a), 0.7 * math.Sin(a)
	})
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// points builds a [n,2,1,1] dataset: at(rng, class, j, nk) places point j of
// the nk points of class; noise is added to both coordinates; then the
// examples are shuffled.
func points(name string, n, classes int, noise float64, seed int64, at func(rng *rand.Rand, class, j, nk int) (float64, float64)) *Dataset {
	if n < 0 {
		panic(fmt.Sprintf("data: %s: N = %d < 0", name, n))
	}
	if classes < 1 {
		panic(fmt.Sprintf("data: %s: Classes = %d < 1", name, classes))
	}
	if noise < 0 || math.IsNaN(noise) {
		panic(fmt.Sprintf("data: %s: noise %g < 0", name, noise))
	}
	rng := NewRand(seed)
	d := &Dataset{Name: name, X: make([]float32, 0, 2*n), Y: make([]int, 0, n),
		C: 2, H: 1, W: 1, Classes: classes, ClassNames: digitNames(classes)}
	for class := 0; class < classes; class++ {
		nk := n / classes
		if class < n%classes {
			nk++
		}
		for j := 0; j < nk; j++ {
			x, y := at(rng, class, j, nk)
			if noise > 0 {
				x += noise * rng.NormFloat64()
				y += noise * rng.NormFloat64()
			}
			d.X = append(d.X, float32(x), float32(y))
			d.Y = append(d.Y, class)
		}
	}
	d.Shuffle(rng)
	return d
}

// Generator is a config that makes a dataset; every synthetic set in this
// package is one.
type Generator interface {
	Generate() *Dataset
}

var (
	_ Generator = Spirals{}
	_ Generator = Moons{}
	_ Generator = Circles{}
	_ Generator = XOR{}
	_ Generator = Blobs{}
	_ Generator = Shapes{}
	_ Generator = Stripes{}
	_ Generator = Lookup{}
)
