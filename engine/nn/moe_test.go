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

func TestGradMoE(t *testing.T) {
	for _, k := range []int{1, 2} {
		r := rand.New(rand.NewSource(int64(k)))
		var ps ag.Params
		m := NewMoE(&ps, "moe", r, 6, 8, 3, k)
		// A router at full scale spreads the probabilities, so that few
		// steps of h change a token's choice (those are skipped as kinks).
		m.Router.W.Value.HeUniform(r, 6)
		m.Balance = 0
		gradCheckModule(t, fmt.Sprintf("MoE top-%d", k), &ps, m, 2, 5, 6)
		if m.Routed[0]+m.Routed[1]+m.Routed[2] != 10*k {
			t.Errorf("top-%d: %v tokens routed, want %d", k, m.Routed, 10*k)
		}
	}
}

// TestGradLoadBalancingLoss checks the gradient that the load-balancing loss
// sends into the router, by central differences of Tape.AuxLoss.
func TestGradLoadBalancingLoss(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var ps ag.Params
	m := NewMoE(&ps, "moe", r, 6, 8, 4, 2)
	m.Router.W.Value.HeUniform(r, 6)
	m.Balance = 0.5
	x := ag.Const(tensor.New(12, 6).Uniform(r, -1, 1))
	tp := ag.NewTape(compute.Go())
	tp.Train = true
	aux := func() float64 {
		tp.Reset()
		m.Forward(tp, x)
		return float64(tp.AuxLoss())
	}
	aux()
	ps.ZeroGrad()
	tp.Backward(ag.Const(tensor.New(1))) // the auxiliary loss alone
	w := m.Router.W
	const h = 1e-3
	checked := 0
	for i := range w.Value.Data {
		old := w.Value.Data[i]
		w.Value.Data[i] = old + h
		lp := aux()
		w.Value.Data[i] = old - h
		lm := aux()
		w.Value.Data[i] = old
		num, ana := (lp-lm)/(2*h), float64(w.Grad.Data[i])
		if math.Abs(num-ana) > 1e-3+1e-2*math.Abs(num) {
			t.Errorf("router weight %d: backward %.6g, central difference %.6g", i, ana, num)
		}
		if ana != 0 {
			checked++
		}
	}
	if checked == 0 {
		t.Error("the load-balancing loss sends no gradient to the router")
	}
	for _, e := range m.Experts {
		for _, v := range e.Up.W.Grad.Data {
			if v != 0 {
				t.Fatal("the load-balancing loss sends a gradient to an expert")
			}
		}
	}
}

func TestMoEComputesOnlyChosenExperts(t *testing.T) {
	// Each expert sees exactly the rows routed to it: the output equals a
	// dense loop over tokens that applies the chosen experts one by one.
	r := rand.New(rand.NewSource(5))
	var ps ag.Params
	m := NewMoE(&ps, "moe", r, 4, 6, 4, 2)
	m.Router.W.Value.HeUniform(r, 4)
	x := ag.Const(tensor.New(3, 5, 4).Uniform(r, -1, 1))
	tp := ag.NewTape(nil)
	y := m.Forward(tp, x)
	if fmt.Sprint(y.Shape()) != "[3 5 4]" {
		t.Fatalf("shape %v", y.Shape())
	}
	one := ag.NewTape(nil)
	for i := 0; i < 15; i++ {
		xi := ag.Const(tensor.FromData(x.Value.Data[i*4:(i+1)*4], 1, 4))
		p := one.Softmax(m.Router.Forward(one, xi)).Value.Data
		a, b := 0, 1 // the two most probable experts
		if p[b] > p[a] {
			a, b = b, a
		}
		for e := 2; e < 4; e++ {
			if p[e] > p[a] {
				a, b = e, a
			} else if p[e] > p[b] {
				b = e
			}
		}
		ya, yb := m.Experts[a].Forward(one, xi).Value.Data, m.Experts[b].Forward(one, xi).Value.Data
		for c := 0; c < 4; c++ {
			want := (p[a]*ya[c] + p[b]*yb[c]) / (p[a] + p[b])
			if got := y.Value.Data[i*4+c]; math.Abs(float64(got-want)) > 1e-5 {
				t.Fatalf("token %d feature %d: %v, want %v", i, c, got, want)
			}
		}
	}
	if tp.AuxLoss() != 0 {
		t.Errorf("an auxiliary loss in evaluation mode: %v", tp.AuxLoss())
	}
}
