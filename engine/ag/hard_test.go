package ag

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/tensor"
)

// The hard activations' definitions in float64, where every float32 input,
// its sum with 3 and the middle pieces' products are exact, and their
// derivatives with PyTorch's slopes at the kinks (hardtanh_backward: 0 at 0
// and 6; hardsigmoid_backward: 0 at ±3; hardswish_backward: (x/3 + 1/2) on
// [−3, 3]).
var hardRefs = []struct {
	name  string
	op    func(tp *Tape, x *Var) *Var
	f, df func(v float64) float64
}{
	{"ReLU6", (*Tape).ReLU6, relu6Ref, slopeRef(func(v float64) float64 { return b2f(v > 0 && v < 6) })},
	{"HardSigmoid", (*Tape).HardSigmoid, func(v float64) float64 { return relu6Ref(v+3) / 6 },
		slopeRef(func(v float64) float64 { return b2f(v > -3 && v < 3) / 6 })},
	{"HardSwish", (*Tape).HardSwish, func(v float64) float64 {
		if math.IsInf(v, -1) {
			return 0 // −Inf·0: the limit
		}
		return v * relu6Ref(v+3) / 6
	}, func(v float64) float64 {
		switch {
		case v < -3:
			return 0
		case v <= 3:
			return (2*v + 3) / 6
		case v > 3:
			return 1
		}
		return math.NaN()
	}},
}

func relu6Ref(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Min(math.Max(v, 0), 6)
}

// slopeRef is df, and NaN at NaN (the hard activations pass a NaN on to the
// gradient as to the output).
func slopeRef(df func(float64) float64) func(float64) float64 {
	return func(v float64) float64 {
		if math.IsNaN(v) {
			return v
		}
		return df(v)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// hardInputs are the kinks and their float32 neighbours, the middle, and
// magnitudes from 1e6 to the largest float32 (where ReLU(z) − ReLU(z−6)
// rounded 6 away), the infinities and NaN.
func hardInputs() []float32 {
	xs := []float32{0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 1, -1, 2.5, -2.5, 4.75, -4.75,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32}
	for _, k := range []float32{-3, 0, 3, 6} {
		xs = append(xs, k, math.Nextafter32(k, -10), math.Nextafter32(k, 10))
	}
	for _, m := range []float32{1e6, 1e7, 1.6777216e7, 1.7e7, 3e7, 1e8, 1e12, 1e20, 1e38} {
		for _, d := range []float32{-6, -3, 0, 1, 3, 6} {
			xs = append(xs, m+d, -m+d)
		}
	}
	r := rand.New(rand.NewSource(3))
	for range 200 {
		xs = append(xs, float32(r.NormFloat64()*math.Pow(10, float64(r.Intn(40)))))
	}
	return xs
}

// Every output is the float64 definition rounded to float32, and every
// gradient the float64 derivative times dy, at every magnitude.
func TestHardActivationsExact(t *testing.T) {
	xs := hardInputs()
	same := func(a, b float32) bool { return a == b || (a != a && b != b) }
	for _, c := range hardRefs {
		x := Leaf(tensor.FromData(append([]float32(nil), xs...), len(xs)))
		tp := NewTape(nil)
		y := c.op(tp, x)
		dy := float32(0.75)
		for i := range y.Grad.Data {
			y.Grad.Data[i] = dy
		}
		for i := len(tp.backward) - 1; i >= 0; i-- { // Backward takes a scalar
			tp.backward[i]()
		}
		for i, v := range xs {
			if want := float32(c.f(float64(v))); !same(y.Value.Data[i], want) {
				t.Errorf("%s(%g) = %g, want %g", c.name, v, y.Value.Data[i], want)
			}
			if want := dy * float32(c.df(float64(v))); !same(x.Grad.Data[i], want) {
				t.Errorf("%s'(%g)·%g = %g, want %g", c.name, v, dy, x.Grad.Data[i], want)
			}
		}
	}
}

// Central differences away from the kinks, with every kernel set.
func TestGradHardActivations(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	x := Leaf(tensor.New(4, 9))
	for i := range x.Value.Data {
		// Uniform over [−8, 8] but 0.05 clear of every kink.
		v := r.Float32()*16 - 8
		for _, k := range []float32{-3, 0, 3, 6} {
			if d := v - k; d > -0.05 && d < 0.05 {
				v = k + 0.1
			}
		}
		x.Value.Data[i] = v
	}
	for _, c := range hardRefs {
		check(t, c.name, GradCheck{Samples: 36}, func(tp *Tape) *Var { return c.op(tp, x) }, x)
	}
}

// Replayed gates apply the recorded piece's formula to whatever the input
// now holds: moved across the kinks, each output follows the polynomial of
// the piece it was recorded on, whose gradient checks with a step as wide
// as a piece.
func TestGatesReplayHardPieces(t *testing.T) {
	rec := []float32{-7, -4, -3, -1, 0, 1, 2.5, 3, 5, 6, 8}
	for _, c := range []struct {
		name   string
		op     func(tp *Tape, x *Var) *Var
		piece  func(v float32) int // 0 below, 1 middle, 2 above, PyTorch's kinks
		pieces [3]func(v float64) float64
	}{
		{"ReLU6", (*Tape).ReLU6, func(v float32) int { return int(b2f(v > 0) + b2f(v >= 6)) },
			[3]func(float64) float64{zero, func(v float64) float64 { return v }, func(float64) float64 { return 6 }}},
		{"HardSigmoid", (*Tape).HardSigmoid, func(v float32) int { return int(b2f(v > -3) + b2f(v >= 3)) },
			[3]func(float64) float64{zero, func(v float64) float64 { return (v + 3) / 6 }, func(float64) float64 { return 1 }}},
		{"HardSwish", (*Tape).HardSwish, func(v float32) int { return int(b2f(v >= -3) + b2f(v > 3)) },
			[3]func(float64) float64{zero, func(v float64) float64 { return v * (v + 3) / 6 }, func(v float64) float64 { return v }}},
	} {
		x := Leaf(tensor.FromData(make([]float32, len(rec)), len(rec)))
		build := gated(rec, x, c.op)
		for i, v := range rec {
			x.Value.Data[i] = v + 2.5
		}
		y := build(NewTape(nil)).Value.Data
		for i, v := range rec {
			if want := float32(c.pieces[c.piece(v)](float64(v) + 2.5)); y[i] != want {
				t.Errorf("%s recorded at %g, replayed at %g: %g, want %g", c.name, v, v+2.5, y[i], want)
			}
		}
		copy(x.Value.Data, rec)
		check(t, c.name+" replayed", GradCheck{H: 0.5}, build, x)
	}
}

func zero(float64) float64 { return 0 }

// An Observer sees each hard activation as the two ReLUs it is made of:
// the input shifted to its lower kink and to its upper one.
func TestHardActivationsObserved(t *testing.T) {
	x := Const(tensor.FromData([]float32{-5, -1, 2, 4, 7}, 5))
	for _, c := range []struct {
		name string
		op   func(tp *Tape, x *Var) *Var
		want string
	}{
		{"ReLU6", (*Tape).ReLU6, "[[-5 -1 2 4 7] [-11 -7 -4 -2 1]]"},
		{"HardSigmoid", (*Tape).HardSigmoid, "[[-2 2 5 7 10] [-8 -4 -1 1 4]]"},
		{"HardSwish", (*Tape).HardSwish, "[[-2 2 5 7 10] [-8 -4 -1 1 4]]"},
	} {
		var o reluInputs
		tp := NewTape(nil)
		tp.Observer = &o
		c.op(tp, x)
		if fmt.Sprint(o) != c.want {
			t.Errorf("%s: an Observer saw ReLUs of %v, want %s", c.name, o, c.want)
		}
	}
}

// reluInputs records the inputs of the ReLUs it observes.
type reluInputs [][]float32

func (o *reluInputs) Observe(op Op, y *Var, in ...*Var) {
	if op == OpReLU {
		*o = append(*o, append([]float32(nil), in[0].Value.Data...))
	}
}
