package spaces

import (
	"math"
	"math/rand"
	"os"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/data"
	"nasbook/engine/optim"
	"nasbook/engine/tensor"
)

// Every published network is found by its name and by the name folded
// ("resnet50"), and lowers at its paper's input size.
func TestNamedNets(t *testing.T) {
	for _, name := range NamedNets() {
		for _, text := range []string{name, fold(name)} {
			s, err := Spec(text, Settings{})
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			if s.Arch != name || s.Classes != 1000 {
				t.Errorf("%s: spec of %q with %d classes", text, s.Arch, s.Classes)
			}
		}
	}
	if s, err := Spec("MobileNetV3", Settings{}); err != nil || s.Arch != "MobileNetV3-Large" {
		t.Errorf("MobileNetV3: %v, %v", s, err)
	}
}

// The published networks with residual and branch blocks, swish and
// EfficientNet's squeeze-excitation build at a small input (shapes of
// 16×16, one channel, three classes) and train: the cost model counts the
// parameters each has, and three Adam steps on one batch of four give
// finite losses, the last below the first. ResNet-18 (3.5 s of CPU),
// EfficientNet-B0 (1.4 s) and MobileNetV3-Small (0.3 s) run by default;
// NASBOOK_FULL=1 adds ResNet-34, ResNet-50 (bottleneck blocks, 8 s) and
// EfficientNet-B1 to B3, whose blocks are those of the others; -short keeps
// the two cheapest. (Their full-size counts are checked against the papers
// in space/resnet and space/mobilenet.)
func TestNamedNetsTrain(t *testing.T) {
	d := data.Shapes{N: 4, Size: 16, Classes: 3, Noise: 0.1, Seed: 1}.Generate()
	x := tensor.FromData(d.X, d.Len(), d.C, d.H, d.W)
	nets := []string{"EfficientNet-B0", "MobileNetV3-Small", "ResNet-18"}
	switch {
	case os.Getenv("NASBOOK_FULL") != "":
		nets = append(nets, "ResNet-34", "ResNet-50", "EfficientNet-B1", "EfficientNet-B2", "EfficientNet-B3")
	case testing.Short():
		nets = nets[:2]
	}
	for _, name := range nets {
		s, err := Spec(name, Settings{})
		if err != nil {
			t.Fatal(err)
		}
		s.Input = []int{d.C, d.H, d.W}
		s.SetClasses(d.Classes)
		net, err := build.Build(s, rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := net.Cost.Count(1); int64(net.Params.Len()) != r.Params {
			t.Errorf("%s: built %d parameters, cost model %d", name, net.Params.Len(), r.Params)
		}
		opt := optim.NewAdamW()
		tp := ag.NewTape(nil)
		tp.Train = true
		var losses []float64
		for step := 0; step < 3; step++ {
			tp.Reset()
			net.Params.ZeroGrad()
			loss := tp.SoftmaxCrossEntropy(net.Forward(tp, ag.Const(x)), d.Y)
			tp.Backward(loss)
			opt.Step(net.Params.Data, net.Params.Grad, 1e-3)
			losses = append(losses, float64(loss.Value.Data[0]))
		}
		t.Logf("%s: losses %.4f", name, losses)
		for _, l := range losses {
			if math.IsNaN(l) || math.IsInf(l, 0) {
				t.Fatalf("%s: losses %v", name, losses)
			}
		}
		if losses[2] >= losses[0] {
			t.Errorf("%s: losses %v do not decrease", name, losses)
		}
	}
}
