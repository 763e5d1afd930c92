package nn

import (
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/kernel"
	"nasbook/engine/tensor"
)

func TestDbg(t *testing.T) {
	for _, h := range []float64{1e-2, 3e-3, 1e-3, 3e-4} {
		for _, st := range []int{1, 2} {
			r := rand.New(rand.NewSource(1))
			var ps ag.Params
			c := OpConfig{In: 4, Out: 6, Kernel: 3, Padding: 1, Affine: true, Untracked: true, Stride: st}
			m := NewSepConv(&ps, "op", r, c)
			x := ag.Leaf(tensor.New(3, 4, 6, 6).Uniform(rand.New(rand.NewSource(42)), -1, 1))
			vars := []*ag.Var{x}
			for _, p := range ps.List() {
				vars = append(vars, p.Var)
			}
			gc := ag.GradCheck{Kernels: kernel.Reference(), Train: true, H: h, Atol: 5e-3, Rtol: 2e-2, Samples: 36}
			err := gc.Check(func(tp *ag.Tape) *ag.Var { return m.Forward(tp, x) }, vars...)
			t.Log(h, st, err)
		}
	}
}
