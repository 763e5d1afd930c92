package ag

import (
	"fmt"
	"math"
	"math/rand"

	"nasbook/engine/compute"
)

// GradCheck compares the gradients that backward computes with central
// differences. build must construct the same computation on the tape it is
// given each time it is called (re-seed any randomness inside it). The output
// y of build is reduced to the scalar L = Σ y·R with a fixed random R, and for
// a sample of the elements x of each var, the analytic ∂L/∂x is compared with
//
//	(L(x+h) − L(x−h)) / 2h,  L summed in float64 from the float32 forward.
//
// An element passes when |analytic − numeric| ≤ Atol + Rtol·max(|analytic|,
// |numeric|). Check returns an error describing the first failure.
//
// Networks with ReLU or max pooling are not differentiable everywhere. With
// SkipKinks set, an element whose forward difference (L(x+h)−L(x))/h and backward difference
// (L(x)−L(x−h))/h disagree by more than the same tolerance sits within h of a
// kink and is skipped; if more than half of the sampled elements of a var
// are skipped, Check fails, so kinks cannot hide a wrong gradient wholesale.
type GradCheck struct {
	Kernels *compute.Set // nil means compute.Reference()
	Train   bool         // tape mode during the check
	H       float64      // step; zero means 1e-2
	Atol    float64      // zero means 2e-3
	Rtol    float64      // zero means 1e-2
	Samples int          // elements checked per var; zero means 30
	Seed    int64
	// SkipKinks skips elements within h of a kink (see above). Use it with a
	// small H, since curvature also separates one-sided differences.
	SkipKinks bool
}

// Check runs the check on the given vars (Leaf vars whose gradients build's
// output depends on).
func (c GradCheck) Check(build func(t *Tape) *Var, vars ...*Var) error {
	if c.Kernels == nil {
		c.Kernels = compute.Reference()
	}
	if c.H == 0 {
		c.H = 1e-2
	}
	if c.Atol == 0 {
		c.Atol = 2e-3
	}
	if c.Rtol == 0 {
		c.Rtol = 1e-2
	}
	if c.Samples == 0 {
		c.Samples = 30
	}
	rng := rand.New(rand.NewSource(c.Seed))
	tp := NewTape(c.Kernels)
	tp.Train = c.Train
	for _, v := range vars {
		clear(v.Grad.Data)
	}
	y := build(tp)
	proj := make([]float32, y.Value.Len())
	for i := range proj {
		proj[i] = 2*rng.Float32() - 1
	}
	if y.Grad == nil {
		return fmt.Errorf("ag: GradCheck: output takes no gradient")
	}
	copy(y.Grad.Data, proj)
	for i := len(tp.backward) - 1; i >= 0; i-- {
		tp.backward[i]()
	}
	loss := func() float64 {
		tp.Reset()
		y := build(tp)
		var s float64
		for i, v := range y.Value.Values() {
			s += float64(v) * float64(proj[i])
		}
		return s
	}
	l0 := loss()
	bad := func(a, b float64) bool {
		return !(math.Abs(a-b) <= c.Atol+c.Rtol*math.Max(math.Abs(a), math.Abs(b)))
	}
	for vi, v := range vars {
		n := v.Value.Len()
		skipped := 0
		idx := rng.Perm(n)
		if len(idx) > c.Samples {
			idx = idx[:c.Samples]
		}
		for _, i := range idx {
			old := v.Value.Data[i]
			v.Value.Data[i] = old + float32(c.H)
			lp := loss()
			v.Value.Data[i] = old - float32(c.H)
			lm := loss()
			v.Value.Data[i] = old
			num := (lp - lm) / (2 * c.H)
			ana := float64(v.Grad.Data[i])
			if c.SkipKinks && bad((lp-l0)/c.H, (l0-lm)/c.H) {
				skipped++
				continue
			}
			if bad(ana, num) {
				return fmt.Errorf("ag: GradCheck: var %d %v element %d: backward %.6g, central difference %.6g", vi, v.Shape(), i, ana, num)
			}
		}
		if 2*skipped > len(idx) {
			return fmt.Errorf("ag: GradCheck: var %d %v: %d of %d elements are at kinks", vi, v.Shape(), skipped, len(idx))
		}
	}
	return nil
}
