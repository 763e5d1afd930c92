package ag

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/tensor"
)

// route returns the routing of probs [N, E] to the top k, computed on a
// tape of its own (the indices stay valid after it).
func route(probs *Var, k int) *Routing {
	_, r := NewTape(nil).TopKGates(Const(probs.Value), k)
	return r
}

func TestTopKGates(t *testing.T) {
	// Two tokens, three experts. Token 0: 0.5, 0.2, 0.3 -> experts 0, 2 with
	// gates 0.5/0.8 and 0.3/0.8. Token 1: a tie 0.4, 0.4, 0.2 goes to the lower
	// index first. With k = 1 the gate is the probability itself.
	p := Const(tensor.FromData([]float32{0.5, 0.2, 0.3, 0.4, 0.4, 0.2}, 2, 3))
	tp := NewTape(nil)
	g, r := tp.TopKGates(p, 2)
	want := []float32{0.625, 0, 0.375, 0.5, 0.5, 0}
	for i, v := range g.Value.Data {
		if math.Abs(float64(v-want[i])) > 1e-6 {
			t.Fatalf("k=2 gates %v, want %v", g.Value.Data, want)
		}
	}
	if fmt.Sprint(r.Choice, r.Rows, r.Load()) != "[0 2 0 1] [[0 1] [1] [0]] [0.5 0.25 0.25]" {
		t.Errorf("k=2 routing %v %v, load %v", r.Choice, r.Rows, r.Load())
	}
	g, r = tp.TopKGates(p, 1)
	if fmt.Sprint(g.Value.Data, r.Rows) != "[0.5 0 0 0.4 0 0] [[0 1] [] []]" {
		t.Errorf("k=1 gates %v, rows %v", g.Value.Data, r.Rows)
	}
}

func TestGradMoEOps(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	// Logits at least 0.02 apart: no step of h = 1e-3 changes a token's choice.
	logits := spread(r, 6, 4)
	for _, k := range []int{1, 2} {
		check(t, fmt.Sprintf("top-%d gates", k), GradCheck{H: 1e-3, Atol: 1e-3}, func(tp *Tape) *Var {
			g, _ := tp.TopKGates(tp.Softmax(logits), k)
			return g
		}, logits)
	}
	x := leaf(r, 5, 3)
	check(t, "gather rows", GradCheck{}, func(tp *Tape) *Var { return tp.GatherRows(x, []int32{4, 0, 4, 2}) }, x)

	probs := Leaf(tensor.New(6, 4).Uniform(r, 0, 1))
	for _, k := range []int{1, 2} {
		rt := route(probs, k)
		gates := leaf(r, 6, 4)
		parts := make([]*Var, 4)
		vars := []*Var{gates}
		for e, rows := range rt.Rows {
			if len(rows) > 0 {
				parts[e] = leaf(r, len(rows), 3)
				vars = append(vars, parts[e])
			}
		}
		check(t, fmt.Sprintf("combine top-%d", k), GradCheck{}, func(tp *Tape) *Var { return tp.Combine(parts, gates, rt) }, vars...)
		check(t, fmt.Sprintf("load balance top-%d", k), GradCheck{}, func(tp *Tape) *Var { return tp.LoadBalance(probs, rt) }, probs)
	}
}

func TestLoadBalance(t *testing.T) {
	// Even routing of uniform probabilities gives 1: E · Σ (1/E)(1/E).
	// All four tokens on expert 0 with probability 0.7 there gives
	// 2 · (1·0.7 + 0·0.3) = 1.4.
	tp := NewTape(nil)
	even := Const(tensor.FromData([]float32{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 4, 2))
	rt := &Routing{Experts: 2, K: 1, Choice: []int32{0, 1, 0, 1}, Rows: [][]int32{{0, 2}, {1, 3}}}
	if v := tp.LoadBalance(even, rt).Value.Data[0]; math.Abs(float64(v)-1) > 1e-6 {
		t.Errorf("balanced: %v, want 1", v)
	}
	skew := Const(tensor.FromData([]float32{0.7, 0.3, 0.7, 0.3, 0.7, 0.3, 0.7, 0.3}, 4, 2))
	if v := tp.LoadBalance(skew, route(skew, 1)).Value.Data[0]; math.Abs(float64(v)-1.4) > 1e-6 {
		t.Errorf("all on one expert: %v, want 1.4", v)
	}
}

func TestBackwardAddsAuxiliaryLosses(t *testing.T) {
	// loss = a·b, auxiliary 3·a: dL/da = b + 3, dL/db = a.
	a, b := Leaf(tensor.FromData([]float32{2}, 1)), Leaf(tensor.FromData([]float32{5}, 1))
	tp := NewTape(nil)
	tp.AddLoss(tp.Scale(a, 3))
	loss := tp.WeightedSum([]*Var{b}, a)
	if tp.AuxLoss() != 6 {
		t.Errorf("AuxLoss = %v, want 6", tp.AuxLoss())
	}
	tp.Backward(tp.Reshape(loss, -1))
	if a.Grad.Data[0] != 8 || b.Grad.Data[0] != 2 {
		t.Errorf("gradients %v, %v; want 8, 2", a.Grad.Data[0], b.Grad.Data[0])
	}
	// With a loss that takes no gradient, the auxiliary one still flows.
	a.Grad.Data[0] = 0
	tp.Reset()
	tp.AddLoss(tp.Scale(a, 3))
	tp.Backward(Const(tensor.New(1)))
	if a.Grad.Data[0] != 3 {
		t.Errorf("auxiliary alone: %v, want 3", a.Grad.Data[0])
	}
	tp.Reset()
	if tp.AuxLoss() != 0 {
		t.Errorf("AuxLoss after Reset = %v", tp.AuxLoss())
	}
	// SkipAuxLoss leaves it out.
	a.Grad.Data[0] = 0
	tp.SkipAuxLoss = true
	tp.AddLoss(tp.Scale(a, 3))
	tp.Backward(Const(tensor.New(1)))
	if a.Grad.Data[0] != 0 || tp.AuxLoss() != 0 {
		t.Errorf("with SkipAuxLoss: gradient %v, AuxLoss %v; want 0, 0", a.Grad.Data[0], tp.AuxLoss())
	}
}
