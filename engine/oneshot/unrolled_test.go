package oneshot

import (
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/data"
	"nasbook/engine/optim"
)

// Second-order DARTS's architecture gradient (Liu et al. 2019, eq. 7, with
// eq. 8's finite-difference Hessian-vector product) against the derivative
// of what it approximates: the unrolled validation loss
//
//	F(α) = Lval(w − ξ(∇w Ltrain(w, α) + λw), α)
//
// taken by central differences in each α, with every ReLU held as the
// unperturbed passes set it (ag.Gates), so that F is smooth and its
// difference quotients converge. ξ is large enough that the second-order
// term moves the gradient well beyond the tolerance: the first-order part
// alone fails the comparison.
func TestUnrolledGradientIsTheUnrolledLossDerivative(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	n, err := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: 3}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range n.Arch.List() {
		p.Var.Value.Normal(r, 0, 0.5)
	}
	sp := data.Shapes{N: 64, Size: 8, Classes: 3, Noise: 0.1, Seed: 1}.Generate().Split(0.5, 0, data.NewRand(1))
	train, valid := sp.Train, sp.Valid
	cfg := Config{Method: DARTS2, Batch: 16, Xi: 0.5, WeightDecay: 3e-4}.withDefaults()
	s := &searcher{n: n, cfg: cfg, rng: rand.New(rand.NewSource(1)), tp: ag.NewTape(nil),
		aopt: &optim.SGD{}, sched: optim.Constant(0.025)}
	s.tp.Train = true
	data.NewBatcher(train, cfg.Batch, nil).Next(&s.bt)
	data.NewBatcher(valid, cfg.Batch, nil).Next(&s.bv)
	W, A := n.Weights, n.Arch
	w0, a0 := append([]float32(nil), W.Data...), append([]float32(nil), A.Data...)

	// The implementation's gradient; its α step is undone.
	if _, err := s.unrolledArchStep(); err != nil {
		t.Fatal(err)
	}
	got := append([]float64(nil), f64(s.dalpha)...)
	copy(A.Data, a0)

	// F with the ReLUs of the unperturbed training and validation passes.
	gTrain, gValid := &ag.Gates{}, &ag.Gates{}
	var firstOrder []float64
	unrolled := func() float64 {
		s.tp.Gates = gTrain
		gTrain.Rewind()
		s.zero()
		if _, _, err := s.pass(&s.bt); err != nil {
			t.Fatal(err)
		}
		for i, g := range W.Grad {
			W.Data[i] = w0[i] - float32(cfg.Xi)*(g+float32(cfg.WeightDecay)*w0[i])
		}
		s.tp.Gates = gValid
		gValid.Rewind()
		s.zero()
		loss, _, err := s.pass(&s.bv)
		if err != nil {
			t.Fatal(err)
		}
		if firstOrder == nil {
			firstOrder = f64(A.Grad) // ∇α Lval(w', α) at the unperturbed α
		}
		copy(W.Data, w0)
		s.tp.Gates = nil
		return loss
	}
	unrolled() // records the gates
	gTrain.Replay, gValid.Replay = true, true
	const h = 1e-2
	worst, worstFirst := 0.0, 0.0
	for i := range A.Data {
		A.Data[i] = a0[i] + h
		fp := unrolled()
		A.Data[i] = a0[i] - h
		fm := unrolled()
		A.Data[i] = a0[i]
		want := (fp - fm) / (2 * h)
		tol := 2e-4 + 0.05*math.Abs(want)
		worst = max(worst, math.Abs(got[i]-want)/tol)
		worstFirst = max(worstFirst, math.Abs(firstOrder[i]-want)/tol)
		if math.Abs(got[i]-want) > tol {
			t.Errorf("α[%d]: second-order DARTS gives %.6g, dF/dα = %.6g", i, got[i], want)
		}
	}
	t.Logf("%d α: worst error %.2f of the tolerance; the first-order gradient alone %.2f", len(A.Data), worst, worstFirst)
	if worstFirst <= 1 {
		t.Errorf("the first-order gradient alone is within the tolerance (%.2f): the test cannot see the second-order term", worstFirst)
	}
}

func f64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
