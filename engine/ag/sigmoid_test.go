package ag

import (
	"math"
	"math/rand"

	"nasbook/engine/tensor"
	"testing"
)

func TestGradSigmoidSwish(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	y := leaf(r, 3, 7)
	check(t, "sigmoid", GradCheck{}, func(tp *Tape) *Var { return tp.Sigmoid(y) }, y)
	check(t, "swish", GradCheck{}, func(tp *Tape) *Var { return tp.Swish(y) }, y)
}

// Values from the definitions, including where exp overflows float32.
func TestSigmoidSwishValues(t *testing.T) {
	x := Const(tensor.FromData([]float32{-100, -1, 0, 2, 100}, 5))
	tp := NewTape(nil)
	s, w := tp.Sigmoid(x).Value.Data, tp.Swish(x).Value.Data
	for i, v := range []float64{-100, -1, 0, 2, 100} {
		want := 1 / (1 + math.Exp(-v))
		if math.Abs(float64(s[i])-want) > 1e-6 || math.Abs(float64(w[i])-v*want) > 1e-5*math.Max(1, math.Abs(v)) {
			t.Errorf("σ(%g) = %g, swish %g; want %g, %g", v, s[i], w[i], want, v*want)
		}
	}
}
