package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/tensor"
)

// Each hard activation is its float64 definition rounded to float32, past
// |x| ≈ 1.7e7 (where ReLU(x) − ReLU(x−6) rounded ReLU6's 6 to 0 or 8) and at
// the infinities too.
func TestHardActivationsValues(t *testing.T) {
	tp := ag.NewTape(nil)
	inf := float32(math.Inf(1))
	x := ag.Const(tensor.FromData([]float32{-4, -3, -1, 0, 1, 3, 5, 7, 1e7 + 1, -1e7 - 1, 3e7, -3e7, 1e8 + 8, 1e30, -1e30, inf, -inf}, 17))
	relu6 := func(v float64) float64 { return math.Min(math.Max(v, 0), 6) }
	for _, c := range []struct {
		name string
		m    Module
		f    func(v float64) float64
	}{
		{"ReLU6", ReLU6{}, relu6},
		{"HSigmoid", HSigmoid{}, func(v float64) float64 { return relu6(v+3) / 6 }},
		{"HSwish", HSwish{}, func(v float64) float64 {
			if math.IsInf(v, -1) {
				return 0 // the limit of −Inf·0
			}
			return v * relu6(v+3) / 6
		}},
	} {
		y := c.m.Forward(tp, x)
		for i, v := range x.Value.Data {
			if want := float32(c.f(float64(v))); y.Value.Data[i] != want {
				t.Errorf("%s(%g) = %g, want %g", c.name, v, y.Value.Data[i], want)
			}
		}
	}
}

func TestGradMobileLayers(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	// Inputs in [-1, 1] scaled to straddle the hard functions' kinks at ±3.
	var ps ag.Params
	gradCheckModule(t, "HSwish", &ps, Sequential{NewConv2D(&ps, "c", r, Conv2DConfig{In: 2, Out: 3, Kernel: 1, Bias: true}), HSwish{}}, 2, 2, 3, 3)
	var ps2 ag.Params
	gradCheckModule(t, "SqueezeExcite", &ps2, NewSqueezeExcite(&ps2, "se", r, 4, 2), 2, 4, 3, 3)
	var ps3 ag.Params
	gradCheckModule(t, "InvertedResidual hswish SE", &ps3, NewInvertedResidual(&ps3, "b", r,
		InvertedResidualConfig{In: 4, Out: 4, Hidden: 8, Kernel: 3, Squeeze: 8, Act: HSwish{}}), 2, 4, 5, 5)
	var ps4 ag.Params
	gradCheckModule(t, "InvertedResidual relu6 stride 2", &ps4, NewInvertedResidual(&ps4, "b", r,
		InvertedResidualConfig{In: 4, Out: 6, Hidden: 4, Kernel: 5, Stride: 2, Act: ReLU6{}}), 2, 4, 6, 6)
	var ps5 ag.Params
	gradCheckModule(t, "MeanTokens", &ps5, Sequential{NewLinear(&ps5, "l", r, 4, 3, true), MeanTokens{}}, 2, 5, 4)
}

// Embed and Patches read the network input, which takes no gradient, so
// only the parameters are checked.
func TestGradEmbedPatches(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	var ps ag.Params
	m := Sequential{Patches{P: 2}, NewEmbed(&ps, "e", r, 2*2*2, 6, 4, true), MeanTokens{}}
	x := ag.Const(tensor.New(2, 2, 4, 4).Uniform(r, -1, 1))
	var vars []*ag.Var
	for _, p := range ps.List() {
		vars = append(vars, p.Var)
	}
	gc := ag.GradCheck{Kernels: compute.Go(), H: 1e-3, Atol: 5e-3, Rtol: 2e-2, Samples: 12}
	if err := gc.Check(func(tp *ag.Tape) *ag.Var { return m.Forward(tp, x) }, vars...); err != nil {
		t.Error(err)
	}
	if ps.Len() != (8+4)*6+6 {
		t.Errorf("Embed params %d, want linear 8·6+6 plus positions 4·6", ps.Len())
	}
}

func TestPatchesLayout(t *testing.T) {
	x := tensor.New(1, 2, 2, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y := Patches{P: 2}.Forward(ag.NewTape(nil), ag.Const(x))
	// Patch 0 covers columns 0-1, patch 1 columns 2-3; each lists channel 0 then 1, row-major.
	want := "[0 1 4 5 8 9 12 13 2 3 6 7 10 11 14 15]"
	if got := fmt.Sprint(y.Value.Data); got != want || fmt.Sprint(y.Shape()) != "[1 2 8]" {
		t.Errorf("Patches = %v %v, want [1 2 8] %s", y.Shape(), got, want)
	}
}

func TestInvertedResidualParams(t *testing.T) {
	// MobileNetV3-Large's 5th block (torchvision): 40→40, expand 120, k5, SE 32:
	// 40·120 + 2·120 + 120·25 + 2·120 + (120·32+32 + 32·120+120) + 120·40 + 2·40 = 20,992.
	var ps ag.Params
	NewInvertedResidual(&ps, "b", rand.New(rand.NewSource(1)), InvertedResidualConfig{In: 40, Out: 40, Hidden: 120, Kernel: 5, Squeeze: 32, Act: ReLU{}})
	if ps.Len() != 20992 {
		t.Errorf("params %d, want 20992", ps.Len())
	}
}
