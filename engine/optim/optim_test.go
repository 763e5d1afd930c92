package optim

import (
	"fmt"
	"math"
	"testing"
)

func near(t *testing.T, name string, got []float32, want []float64) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6*(1+math.Abs(want[i])) {
			t.Fatalf("%s: got %v, want %v", name, got, want)
		}
	}
}

func TestSGD(t *testing.T) {
	// Plain: p = 1 − 0.1·(2 + 0.5·1) = 0.75.
	p := []float32{1}
	(&SGD{WeightDecay: 0.5}).Step(p, []float32{2}, 0.1)
	near(t, "plain", p, []float64{0.75})

	// Momentum 0.9, grads 1 then 1: b1 = 1, p = 1 − 0.1 = 0.9;
	// b2 = 0.9 + 1 = 1.9, p = 0.9 − 0.19 = 0.71.
	p = []float32{1}
	o := &SGD{Momentum: 0.9}
	o.Step(p, []float32{1}, 0.1)
	o.Step(p, []float32{1}, 0.1)
	near(t, "momentum", p, []float64{0.71})

	// Nesterov: step 1 uses g + μ·b = 1.9 → 0.81; step 2 b = 1.9,
	// g + μ·b = 1 + 1.71 = 2.71 → 0.81 − 0.271 = 0.539.
	p = []float32{1}
	o = &SGD{Momentum: 0.9, Nesterov: true}
	o.Step(p, []float32{1}, 0.1)
	o.Step(p, []float32{1}, 0.1)
	near(t, "nesterov", p, []float64{0.539})
}

func TestAdam(t *testing.T) {
	// First Adam step moves each parameter by lr·sign(g) (up to ε): with
	// m̂ = g and v̂ = g², the step is lr·g/(|g|+ε).
	p := []float32{1, 1}
	(&Adam{}).Step(p, []float32{0.3, -2}, 0.01)
	near(t, "adam step 1", p, []float64{0.99, 1.01})

	// Second step with g = 1 after g = 0.3, by hand:
	// m = 0.9·0.03 + 0.1 = 0.127, v = 0.999·0.00009 + 0.001 = 0.00108991
	// m̂ = 0.127/0.19 = 0.668421, v̂ = 0.00108991/0.001999 = 0.545228,
	// step = 0.01·0.668421/0.738396 = 0.00905234 → 0.99 − 0.00905234.
	p = []float32{1}
	o := &Adam{}
	o.Step(p, []float32{0.3}, 0.01)
	o.Step(p, []float32{1}, 0.01)
	near(t, "adam step 2", p, []float64{0.99 - 0.00905234})

	// AdamW decays first: 1·(1 − 0.01·0.5) = 0.995, then − 0.01.
	p = []float32{1}
	(&Adam{WeightDecay: 0.5, Decoupled: true}).Step(p, []float32{4}, 0.01)
	near(t, "adamw", p, []float64{0.985})

	// L2 Adam: g = 4 + 0.5 = 4.5, still a unit step on the first update.
	p = []float32{1}
	(&Adam{WeightDecay: 0.5}).Step(p, []float32{4}, 0.01)
	near(t, "adam l2", p, []float64{0.99})
}

func TestClipGradNorm(t *testing.T) {
	g := []float32{3, 4} // norm 5
	if n := ClipGradNorm(g, 1); n != 5 {
		t.Fatalf("norm %v", n)
	}
	near(t, "clipped", g, []float64{0.6 / (1 + 2e-7), 0.8 / (1 + 2e-7)})
	g = []float32{0.3, 0.4}
	ClipGradNorm(g, 1)
	near(t, "unclipped", g, []float64{0.3, 0.4})
}

func TestSchedules(t *testing.T) {
	c := Cosine{Base: 0.025, Min: 0.001, Steps: 50} // DARTS search schedule
	near(t, "cosine", []float32{c.LR(0), c.LR(25), c.LR(50), c.LR(60)}, []float64{0.025, 0.013, 0.001, 0.001})
	s := StepDecay{Base: 0.1, Every: 30}
	near(t, "step", []float32{s.LR(29), s.LR(30), s.LR(65)}, []float64{0.1, 0.01, 0.001})
}

func ExampleSGD() {
	params, grads := []float32{1, 2}, []float32{0.5, -1}
	opt := &SGD{}
	opt.Step(params, grads, 0.1)
	fmt.Println(params)
	// Output: [0.95 2.1]
}

// An optimizer restored from another's state takes the steps that one
// takes, bit for bit.
func TestStateCarriesOver(t *testing.T) {
	for _, mk := range []func() Optimizer{
		func() Optimizer { return &SGD{Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4} },
		func() Optimizer { return &Adam{} },
	} {
		a, b := mk(), mk()
		p, g := []float32{1, -2, 3}, []float32{0.5, 0.25, -1}
		a.Step(p, g, 0.1)
		st, err := a.(interface{ MarshalBinary() ([]byte, error) }).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := b.(interface{ UnmarshalBinary([]byte) error }).UnmarshalBinary(st); err != nil {
			t.Fatal(err)
		}
		q := append([]float32(nil), p...)
		a.Step(p, g, 0.1)
		b.Step(q, g, 0.1)
		if fmt.Sprint(p) != fmt.Sprint(q) {
			t.Errorf("%T: %v after the state carried over, want %v", a, q, p)
		}
	}
}

// FuzzState: restoring any bytes as a state is an error or a state that
// encodes back to them, never a panic.
func FuzzState(f *testing.F) {
	s, a := &SGD{Momentum: 0.9}, &Adam{}
	s.Step([]float32{1, 2}, []float32{1, 1}, 0.1)
	a.Step([]float32{1, 2}, []float32{1, 1}, 0.1)
	for _, o := range []interface{ MarshalBinary() ([]byte, error) }{s, a, &SGD{}, &Adam{}} {
		b, _ := o.MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, o := range []interface {
			MarshalBinary() ([]byte, error)
			UnmarshalBinary([]byte) error
		}{&SGD{}, &Adam{}} {
			if o.UnmarshalBinary(b) != nil {
				continue
			}
			if c, _ := o.MarshalBinary(); string(c) != string(b) {
				t.Fatalf("%T: %x read back as %x", o, b, c)
			}
		}
	})
}
