package data

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
)

// ShapeKind is a shape that Shapes can draw.
type ShapeKind int

// The shape kinds, in the order Shapes assigns them to classes.
const (
	Circle        ShapeKind = iota // filled disc
	Square                         // filled axis-aligned square
	Triangle                       // filled triangle, apex up
	Plus                           // upright cross of two bars
	Cross                          // diagonal cross, an X
	Diamond                        // square turned 45°
	Ring                           // annulus
	NumShapeKinds int       = iota // number of kinds
)

// String returns the kind's lower-case name, used as its class name.
func (k ShapeKind) String() string {
	switch k {
	case Circle:
		return "circle"
	case Square:
		return "square"
	case Triangle:
		return "triangle"
	case Plus:
		return "plus"
	case Cross:
		return "cross"
	case Diamond:
		return "diamond"
	case Ring:
		return "ring"
	}
	return "ShapeKind(" + strconv.Itoa(int(k)) + ")"
}

// inside reports whether (u, v), in units of the shape's radius around its
// centre with v pointing down, is inside a shape of kind k.
func (k ShapeKind) inside(u, v float64) bool {
	au, av := math.Abs(u), math.Abs(v)
	switch k {
	case Circle:
		return u*u+v*v <= 1
	case Square:
		return au <= 0.8 && av <= 0.8
	case Triangle:
		// Apex (0, -1), base from (-1, 0.8) to (1, 0.8).
		return v <= 0.8 && au <= (v+1)/1.8
	case Plus:
		return (au <= 0.3 && av <= 1) || (av <= 0.3 && au <= 1)
	case Cross:
		a, b := math.Abs(u+v)/math.Sqrt2, math.Abs(u-v)/math.Sqrt2
		return (a <= 0.22 && b <= 1) || (b <= 0.22 && a <= 1)
	case Diamond:
		return au+av <= 1
	case Ring:
		r2 := u*u + v*v
		return r2 <= 1 && r2 >= 0.55*0.55
	}
	panic("data: unknown " + k.String())
}

// Shapes is a procedurally drawn image set: each image is one grey shape
// on a black background, at a random position and scale, and its class is
// the shape's kind. Images have one channel, values in [0, 1].
//
// A shape has radius r uniform in [0.25, 0.45]·Size (at least 1.5 pixels),
// lies wholly inside the image, and has brightness uniform in [0.7, 1].
// Pixels are antialiased by 4×4 supersampling. Noise adds Gaussian noise of
// that standard deviation to every pixel, then clamps to [0, 1].
type Shapes struct {
	N       int         // number of images; 0 means 1000
	Size    int         // image height and width in pixels, at least 4; 0 means 16
	Classes int         // use the first Classes shape kinds; 0 means all of them
	Kinds   []ShapeKind // the kinds to draw, class i being Kinds[i]; overrides Classes
	Noise   float64     // std of per-pixel noise; 0 means none
	Seed    int64
}

// Generate draws the images.
func (c Shapes) Generate() *Dataset {
	n, size := orDefault(c.N, 1000), orDefault(c.Size, 16)
	kinds := c.Kinds
	if kinds == nil {
		k := orDefault(c.Classes, NumShapeKinds)
		if k < 1 || k > NumShapeKinds {
			panic(fmt.Sprintf("data: Shapes.Classes = %d, want 1 to %d (the number of shape kinds)", k, NumShapeKinds))
		}
		kinds = make([]ShapeKind, k)
		for i := range kinds {
			kinds[i] = ShapeKind(i)
		}
	}
	for i, k := range kinds {
		if k < 0 || int(k) >= NumShapeKinds {
			panic(fmt.Sprintf("data: Shapes.Kinds holds %v", k))
		}
		if slices.Contains(kinds[:i], k) {
			panic(fmt.Sprintf("data: Shapes.Kinds lists %v twice", k))
		}
	}
	checkImageConfig("Shapes", n, size, len(kinds), c.Noise)
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.String()
	}
	d := imageSet("shapes", n, size, names)
	rng := NewRand(c.Seed)
	const ss = 4 // supersampling per axis
	for i := range d.Y {
		class := i % len(kinds)
		d.Y[i] = class
		kind := kinds[class]
		r := max(float64(size)*(0.25+0.2*rng.Float64()), 1.5)
		cx := r + (float64(size)-2*r)*rng.Float64()
		cy := r + (float64(size)-2*r)*rng.Float64()
		bright := 0.7 + 0.3*rng.Float64()
		img := d.Example(i)
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				hits := 0
				for sy := 0; sy < ss; sy++ {
					for sx := 0; sx < ss; sx++ {
						u := (float64(x) + (float64(sx)+0.5)/ss - cx) / r
						v := (float64(y) + (float64(sy)+0.5)/ss - cy) / r
						if kind.inside(u, v) {
							hits++
						}
					}
				}
				img[y*size+x] = float32(bright * float64(hits) / (ss * ss))
			}
		}
		addNoise(img, c.Noise, rng)
	}
	d.Shuffle(rng)
	return d
}

// Stripes is a procedurally drawn image set of sinusoidal stripes whose
// class is their orientation: class k runs at angle 180°·k/Classes,
// counter-clockwise from horizontal (class 0 is horizontal stripes). Each
// image has a random period uniform in [3, 6] pixels (capped at Size/2) and a
// random phase. Images have one channel, values in [0, 1]; Noise adds
// Gaussian noise of that standard deviation, then clamps to [0, 1].
type Stripes struct {
	N       int     // number of images; 0 means 1000
	Size    int     // image height and width in pixels, at least 4; 0 means 16
	Classes int     // number of orientations; 0 means 4
	Noise   float64 // std of per-pixel noise; 0 means none
	Seed    int64
}

// Generate draws the images.
func (c Stripes) Generate() *Dataset {
	n, size, k := orDefault(c.N, 1000), orDefault(c.Size, 16), orDefault(c.Classes, 4)
	checkImageConfig("Stripes", n, size, k, c.Noise)
	names := make([]string, k)
	for i := range names {
		names[i] = strconv.FormatFloat(180*float64(i)/float64(k), 'g', 4, 64) + "°"
	}
	d := imageSet("stripes", n, size, names)
	rng := NewRand(c.Seed)
	for i := range d.Y {
		class := i % k
		d.Y[i] = class
		theta := math.Pi * float64(class) / float64(k)
		period := min(3+3*rng.Float64(), float64(size)/2)
		phase := 2 * math.Pi * rng.Float64()
		// Stripes run along (cos θ, -sin θ) in image coordinates (rows grow
		// downward), so the wave travels along the normal (sin θ, cos θ).
		nx, ny := math.Sin(theta), math.Cos(theta)
		img := d.Example(i)
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				t := (float64(x)*nx + float64(y)*ny) / period
				img[y*size+x] = float32(0.5 + 0.5*math.Sin(2*math.Pi*t+phase))
			}
		}
		addNoise(img, c.Noise, rng)
	}
	d.Shuffle(rng)
	return d
}

func checkImageConfig(name string, n, size, classes int, noise float64) {
	if n < 0 {
		panic(fmt.Sprintf("data: %s.N = %d < 0", name, n))
	}
	if size < 4 {
		panic(fmt.Sprintf("data: %s.Size = %d < 4", name, size))
	}
	if classes < 1 {
		panic(fmt.Sprintf("data: %s.Classes = %d < 1", name, classes))
	}
	if noise < 0 || math.IsNaN(noise) {
		panic(fmt.Sprintf("data: %s.Noise = %g < 0", name, noise))
	}
}

func imageSet(name string, n, size int, names []string) *Dataset {
	return &Dataset{Name: name, X: make([]float32, n*size*size), Y: make([]int, n),
		C: 1, H: size, W: size, Classes: len(names), ClassNames: names}
}

func addNoise(img []float32, std float64, rng *rand.Rand) {
	if std == 0 {
		return
	}
	for j, v := range img {
		img[j] = float32(math.Min(1, math.Max(0, float64(v)+std*rng.NormFloat64())))
	}
}
