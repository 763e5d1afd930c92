package nb

import (
	"math"
	"strings"
	"testing"
)

// A model with residual blocks trains in a cell, its training loss falling
// over two epochs: one block keeps the channels (the identity shortcut),
// one widens them (a projection), and the cost counts the projection's 1x1
// convolution and batch norm.
func TestResidualModelTrains(t *testing.T) {
	s, _ := quiet()
	m := Sequential(Conv(8, 3), BatchNorm(), Swish(),
		Residual(Conv(8, 3), BatchNorm(), ReLU(), Conv(8, 3), BatchNorm()), ReLU(), MaxPool(2),
		Residual(Conv(16, 3), BatchNorm()), ReLU(), GlobalAvgPool())
	if got := m.String(); !strings.Contains(got, "Residual(Conv(16, 3), BatchNorm())") || !strings.Contains(got, "Swish()") {
		t.Errorf("model written as %s", got)
	}
	r := s.Train(m, s.Shapes(60, 8, 2, 1), TrainConfig{Quiet: true, Epochs: 2})
	if e := r.Epochs; len(e) != 2 || math.IsNaN(e[1].TrainLoss) || e[1].TrainLoss >= e[0].TrainLoss {
		t.Errorf("epochs %+v: want two, the training loss falling", e)
	}
	sp, err := m.Spec(1, 8, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Sequential(Conv(8, 3), BatchNorm(), Swish(), Conv(8, 3), BatchNorm(), ReLU(), Conv(8, 3), BatchNorm(), ReLU(),
		MaxPool(2), Conv(16, 3), BatchNorm(), ReLU(), GlobalAvgPool()).Spec(1, 8, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Cost(sp).Params, s.Cost(plain).Params+8*16+2*16; got != want || int64(r.Params) != got {
		t.Errorf("%d parameters (trained %d), want the plain stack's and a projection's, %d", got, r.Params, want)
	}
	func() {
		defer func() {
			if r, ok := recover().(*Error); !ok || !strings.Contains(r.Error(), "layer 1, Residual(): a residual block of no layers") {
				t.Errorf("an empty block: %v", r)
			}
		}()
		s.Train(Sequential(Residual()), s.Shapes(60, 8, 2, 1), TrainConfig{Quiet: true})
	}()
}
