package data

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
)

// Dataset is N labelled examples, each a C×H×W block of float32 features.
//
// Example i, channel c, row y, column x is
//
//	X[i*C*H*W + c*H*W + y*W + x]
//
// so X read as a whole is an N×C×H×W tensor in NCHW order. A set of points
// in the plane has C=2, H=W=1 (shape [N,2,1,1]); a table of F columns has
// C=F, H=W=1. Y[i] is the class of example i, in [0, Classes).
// ClassNames, when set, has one name per class.
//
// A set of sequences of T tokens of F features each has C=1, H=T, W=F. A
// set of sequences of token ids (W=1) has Vocab > 0: each value of X is a
// whole number in [0, Vocab).
//
// Datasets returned by Slice share storage with their parent; every other
// method that returns a *Dataset copies.
type Dataset struct {
	Name       string
	X          []float32 // len N*C*H*W, NCHW
	Y          []int     // len N, each in [0, Classes)
	C, H, W    int
	Classes    int
	ClassNames []string // len Classes, or nil
	Vocab      int      // token ids in [0, Vocab), or 0 when X is not ids
}

// MaxClasses bounds the class count of a dataset read from a file, so that
// a stray label in a file cannot ask for millions of classes.
const MaxClasses = 10000

// Len returns the number of examples N.
func (d *Dataset) Len() int { return len(d.Y) }

// Features returns C*H*W, the number of float32 values per example.
func (d *Dataset) Features() int { return d.C * d.H * d.W }

// Shape returns the shape of the whole set, [N, C, H, W].
func (d *Dataset) Shape() [4]int { return [4]int{d.Len(), d.C, d.H, d.W} }

// Example returns the features of example i. The slice shares storage with d.X.
func (d *Dataset) Example(i int) []float32 {
	f := d.Features()
	return d.X[i*f : (i+1)*f : (i+1)*f]
}

// ClassName returns the name of class k, or its number when d has no names.
func (d *Dataset) ClassName(k int) string {
	if k >= 0 && k < len(d.ClassNames) {
		return d.ClassNames[k]
	}
	return strconv.Itoa(k)
}

// String summarises d, for example "spirals: 600 × [2 1 1], 3 classes".
func (d *Dataset) String() string {
	return fmt.Sprintf("%s: %d × [%d %d %d], %d classes", d.Name, d.Len(), d.C, d.H, d.W, d.Classes)
}

// Validate reports the first broken invariant of d, or nil.
// Readers and generators in this package always return valid datasets;
// Validate is for datasets built by hand.
func (d *Dataset) Validate() error {
	if d.C <= 0 || d.H <= 0 || d.W <= 0 {
		return fmt.Errorf("data: %s: example shape [%d %d %d] has a dimension < 1", d.Name, d.C, d.H, d.W)
	}
	if len(d.X) != len(d.Y)*d.Features() {
		return fmt.Errorf("data: %s: %d features for %d examples of %d values", d.Name, len(d.X), len(d.Y), d.Features())
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.Classes {
		return fmt.Errorf("data: %s: %d class names for %d classes", d.Name, len(d.ClassNames), d.Classes)
	}
	for i, y := range d.Y {
		if y < 0 || y >= d.Classes {
			return fmt.Errorf("data: %s: example %d has label %d, want [0, %d)", d.Name, i, y, d.Classes)
		}
	}
	if d.Vocab > 0 {
		if d.C != 1 || d.W != 1 {
			return fmt.Errorf("data: %s: token ids in examples of shape [%d %d %d], want [1 T 1]", d.Name, d.C, d.H, d.W)
		}
		for i, v := range d.X {
			if v != float32(int(v)) || v < 0 || int(v) >= d.Vocab {
				return fmt.Errorf("data: %s: example %d, token %d is %g, want an id in [0, %d)", d.Name, i/d.H, i%d.H, v, d.Vocab)
			}
		}
	}
	return nil
}

// Histogram returns the number of examples of each class.
func (d *Dataset) Histogram() []int {
	h := make([]int, d.Classes)
	for _, y := range d.Y {
		h[y]++
	}
	return h
}

// like returns an empty dataset with d's metadata and room for n examples.
func (d *Dataset) like(n int) *Dataset {
	return &Dataset{
		Name: d.Name, C: d.C, H: d.H, W: d.W, Classes: d.Classes, ClassNames: d.ClassNames, Vocab: d.Vocab,
		X: make([]float32, n*d.Features()), Y: make([]int, n),
	}
}

// Slice returns examples [lo, hi) as a dataset that shares storage with d.
func (d *Dataset) Slice(lo, hi int) *Dataset {
	if lo < 0 || hi > d.Len() || lo > hi {
		panic(fmt.Sprintf("data: Slice(%d, %d) of %d examples", lo, hi, d.Len()))
	}
	f := d.Features()
	s := *d
	s.X = d.X[lo*f : hi*f : hi*f]
	s.Y = d.Y[lo:hi:hi]
	return &s
}

// Subset returns a copy of the examples idx, in that order.
func (d *Dataset) Subset(idx []int) *Dataset {
	s := d.like(len(idx))
	f := d.Features()
	for j, i := range idx {
		copy(s.X[j*f:(j+1)*f], d.Example(i))
		s.Y[j] = d.Y[i]
	}
	return s
}

// Clone returns a deep copy of d (class names are shared; they are never written).
func (d *Dataset) Clone() *Dataset {
	s := *d
	s.X = append([]float32(nil), d.X...)
	s.Y = append([]int(nil), d.Y...)
	return &s
}

// Shuffle permutes the examples of d in place.
func (d *Dataset) Shuffle(rng *rand.Rand) {
	f := d.Features()
	tmp := make([]float32, f)
	rng.Shuffle(d.Len(), func(i, j int) {
		a, b := d.X[i*f:(i+1)*f], d.X[j*f:(j+1)*f]
		copy(tmp, a)
		copy(a, b)
		copy(b, tmp)
		d.Y[i], d.Y[j] = d.Y[j], d.Y[i]
	})
}

// Splits holds disjoint parts of one dataset.
type Splits struct {
	Name               string // the dataset's
	Train, Valid, Test *Dataset
}

// Split divides d into train, validation and test parts holding about the
// given fractions of each class (a stratified split); train gets the rest.
// Within each class the examples are shuffled by rng, and every part is in a
// random order. The parts are copies. A fraction of 0 gives an empty part.
// Splitting the same dataset with generators seeded alike gives the same parts.
func (d *Dataset) Split(valid, test float64, rng *rand.Rand) Splits {
	if !(valid >= 0 && test >= 0 && valid+test <= 1) {
		panic(fmt.Sprintf("data: Split(%g, %g): fractions must be ≥ 0 with a sum ≤ 1", valid, test))
	}
	byClass := make([][]int, d.Classes)
	for i, y := range d.Y {
		byClass[y] = append(byClass[y], i)
	}
	var tr, va, te []int
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := float64(len(idx))
		nt := int(math.Round(n * test))
		nv := int(math.Round(n * valid))
		if nt+nv > len(idx) {
			nv = len(idx) - nt
		}
		te = append(te, idx[:nt]...)
		va = append(va, idx[nt:nt+nv]...)
		tr = append(tr, idx[nt+nv:]...)
	}
	part := func(idx []int, suffix string) *Dataset {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		s := d.Subset(idx)
		s.Name = d.Name + "/" + suffix
		return s
	}
	return Splits{Name: d.Name, Train: part(tr, "train"), Valid: part(va, "valid"), Test: part(te, "test")}
}

// ChannelStats returns the mean and standard deviation of each channel over
// all examples and positions, summed in float64.
func (d *Dataset) ChannelStats() (mean, std []float32) {
	mean, std = make([]float32, d.C), make([]float32, d.C)
	hw := d.H * d.W
	for c := 0; c < d.C; c++ {
		var s, s2 float64
		for i := 0; i < d.Len(); i++ {
			for _, v := range d.X[(i*d.C+c)*hw : (i*d.C+c+1)*hw] {
				s += float64(v)
				s2 += float64(v) * float64(v)
			}
		}
		n := float64(d.Len() * hw)
		if n == 0 {
			continue
		}
		m := s / n
		mean[c] = float32(m)
		std[c] = float32(math.Sqrt(math.Max(s2/n-m*m, 0)))
	}
	return mean, std
}

// Standardize maps every value v of channel c to (v-mean[c])/std[c] in place.
// Compute mean and std on the training part (ChannelStats) and apply them to
// every part. A std of 0 is treated as 1.
func (d *Dataset) Standardize(mean, std []float32) {
	if len(mean) != d.C || len(std) != d.C {
		panic(fmt.Sprintf("data: Standardize: %d means and %d stds for %d channels", len(mean), len(std), d.C))
	}
	hw := d.H * d.W
	for i := 0; i < d.Len(); i++ {
		for c := 0; c < d.C; c++ {
			s := std[c]
			if s == 0 {
				s = 1
			}
			inv := 1 / s
			row := d.X[(i*d.C+c)*hw : (i*d.C+c+1)*hw]
			for j, v := range row {
				row[j] = (v - mean[c]) * inv
			}
		}
	}
}

// Pool returns a copy of d downsampled by k×k average pooling: output pixel
// (y, x) is the mean of input pixels (k*y+dy, k*x+dx) for dy, dx in [0, k).
// H and W must be multiples of k.
func (d *Dataset) Pool(k int) *Dataset {
	if k < 1 || d.H%k != 0 || d.W%k != 0 {
		panic(fmt.Sprintf("data: Pool(%d) of %d×%d images: size must be a multiple of k", k, d.H, d.W))
	}
	s := &Dataset{Name: d.Name, C: d.C, H: d.H / k, W: d.W / k, Classes: d.Classes, ClassNames: d.ClassNames,
		Y: append([]int(nil), d.Y...)}
	s.X = make([]float32, d.Len()*s.Features())
	inv := 1 / float32(k*k)
	planes := d.Len() * d.C
	for p := 0; p < planes; p++ {
		src := d.X[p*d.H*d.W : (p+1)*d.H*d.W]
		dst := s.X[p*s.H*s.W : (p+1)*s.H*s.W]
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				var sum float32
				for dy := 0; dy < k; dy++ {
					row := src[(k*y+dy)*d.W+k*x:]
					for dx := 0; dx < k; dx++ {
						sum += row[dx]
					}
				}
				dst[y*s.W+x] = sum * inv
			}
		}
	}
	return s
}

// NewRand returns a generator seeded with seed, the source of randomness that
// every function in this package takes.
func NewRand(seed int64) *rand.Rand { return rand.New(rand.NewSource(seed)) }

// digitNames returns "0", "1", ... as class names.
func digitNames(k int) []string {
	n := make([]string, k)
	for i := range n {
		n[i] = strconv.Itoa(i)
	}
	return n
}
