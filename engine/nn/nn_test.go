package nn

import (
	"fmt"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/tensor"
)

// gradCheckModule checks the gradients of m with respect to its input and
// every parameter in ps by central differences. It runs in evaluation mode:
// batch norm with training statistics couples every value of a channel, which
// puts some value within h of a ReLU kink for most perturbations of a small
// batch; in evaluation each op is piecewise smooth with few kinks. The
// training-mode batch-norm backward is checked on its own in package ag, and
// the wiring checked here is the same in both modes.
func gradCheckModule(t *testing.T, name string, ps *ag.Params, m Module, shape ...int) {
	t.Helper()
	r := rand.New(rand.NewSource(42))
	x := ag.Leaf(tensor.New(shape...).Uniform(r, -1, 1))
	vars := []*ag.Var{x}
	for _, p := range ps.List() {
		vars = append(vars, p.Var)
	}
	// h = 1e-3 keeps central differences from straddling ReLU kinks; float32
	// forward noise then needs atol 5e-3.
	gc := ag.GradCheck{Kernels: compute.Go(), H: 1e-3, Atol: 5e-3, Rtol: 2e-2, Samples: 12, SkipKinks: true}
	if err := gc.Check(func(tp *ag.Tape) *ag.Var { return m.Forward(tp, x) }, vars...); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

func TestGradCellOps(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	base := OpConfig{In: 4, Out: 6, Kernel: 3, Padding: 1, Affine: true}
	cases := []struct {
		name string
		mk   func(ps *ag.Params) Module
	}{
		{"ReLUConvBN", func(ps *ag.Params) Module { return NewReLUConvBN(ps, "op", r, base) }},
		{"ReLUConvBN nb201 bias", func(ps *ag.Params) Module {
			c := base
			c.Affine, c.Bias, c.Stride = false, true, 2
			return NewReLUConvBN(ps, "op", r, c)
		}},
		{"SepConv stride 2", func(ps *ag.Params) Module {
			c := base
			c.Stride = 2
			return NewSepConv(ps, "op", r, c)
		}},
		{"DilConv", func(ps *ag.Params) Module {
			c := base
			c.Padding, c.Dilation = 2, 2
			return NewDilConv(ps, "op", r, c)
		}},
		{"FactorizedReduce", func(ps *ag.Params) Module { return NewFactorizedReduce(ps, "op", r, base) }},
		{"ResNetBasicBlock stride 2", func(ps *ag.Params) Module {
			c := base
			c.Stride = 2
			return NewResNetBasicBlock(ps, "blk", r, c)
		}},
		{"ResNetBasicBlock channels", func(ps *ag.Params) Module { return NewResNetBasicBlock(ps, "blk", r, base) }},
		{"ResNetBasicBlock identity", func(ps *ag.Params) Module {
			c := base
			c.Out = 4
			return NewResNetBasicBlock(ps, "blk", r, c)
		}},
	}
	for _, c := range cases {
		var ps ag.Params
		m := c.mk(&ps)
		gradCheckModule(t, c.name, &ps, m, 3, 4, 6, 6)
	}
}

// conv_7x1_1x7 on the small planes a reduction leaves: its 1×7 and 7×1
// halves are wider than the input, padded by 3 on their long axis. PyTorch's
// DARTS op (Conv2d (1,7) stride (1,s) padding (0,3), then (7,1) stride (s,1)
// padding (3,0)) takes 2×2 to 1×1 at stride 2 and keeps 1×1 and 2×2 at
// stride 1; gradients by central differences.
func TestGradConv7x1SmallPlanes(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, c := range []struct{ stride, size, out int }{{2, 2, 1}, {1, 2, 2}, {1, 1, 1}, {2, 1, 1}} {
		var ps ag.Params
		m := NewConv7x1(&ps, "op", r, OpConfig{In: 3, Out: 4, Stride: c.stride, Affine: true})
		y := m.Forward(ag.NewTape(compute.Go()), ag.Const(tensor.New(2, 3, c.size, c.size)))
		if want := fmt.Sprint([]int{2, 4, c.out, c.out}); fmt.Sprint(y.Shape()) != want {
			t.Errorf("stride %d on %d×%d: output %v, want %s", c.stride, c.size, c.size, y.Shape(), want)
		}
		gradCheckModule(t, fmt.Sprintf("Conv7x1 stride %d on %d×%d", c.stride, c.size, c.size), &ps, m, 2, 3, c.size, c.size)
	}
}

func TestGradTransformer(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	var ps ag.Params
	gradCheckModule(t, "MHSA", &ps, NewMHSA(&ps, "attn", r, 8, 2), 2, 3, 8)
	var ps2 ag.Params
	gradCheckModule(t, "MLP", &ps2, NewMLP(&ps2, "mlp", r, 8, 12), 2, 3, 8)
	var ps3 ag.Params
	gradCheckModule(t, "TransformerBlock", &ps3, NewTransformerBlock(&ps3, "blk", r, 8, 2, 2), 2, 3, 8)
	var ps4 ag.Params
	moe := NewMoETransformerBlock(&ps4, "blk", r, 8, 2, 2, 4, 2)
	moe.MoE.Router.W.Value.HeUniform(r, 8)
	moe.MoE.Balance = 0 // its gradient is checked by TestGradLoadBalancingLoss
	gradCheckModule(t, "TransformerBlock with 4 experts, top 2", &ps4, moe, 2, 3, 8)
}

func TestGradSmallCNN(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var ps ag.Params
	m := Sequential{
		NewConv2D(&ps, "c1", r, Conv2DConfig{In: 2, Out: 3, Kernel: 3, Padding: 1, Bias: true}),
		ReLU{}, MaxPool{Kernel: 2},
		NewBatchNorm(&ps, "bn", 3, true, false),
		AvgPool{Kernel: 3, Stride: 1, Padding: 1}, GELU{},
		Flatten{}, NewLinear(&ps, "fc", r, 3*3*3, 4, true),
	}
	gradCheckModule(t, "small CNN", &ps, m, 2, 2, 6, 6)
}

func TestShapesAndParamCounts(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	tp := ag.NewTape(nil)
	tp.Train = true
	x := ag.Const(tensor.New(2, 16, 10, 10).Uniform(r, -1, 1))
	cases := []struct {
		name   string
		build  func(ps *ag.Params) Module
		params int
		shape  string
	}{
		// DARTS sep_conv_3x3, C=16, affine: 2·(16·9 + 16·16 + 2·16) = 864.
		{"sep_conv_3x3", func(ps *ag.Params) Module {
			return NewSepConv(ps, "s", r, OpConfig{In: 16, Out: 16, Kernel: 3, Padding: 1, Affine: true})
		}, 864, "[2 16 10 10]"},
		// DARTS dil_conv_5x5 stride 2, affine=False: 16·25 + 16·16 = 656.
		{"dil_conv_5x5 reduce", func(ps *ag.Params) Module {
			return NewDilConv(ps, "d", r, OpConfig{In: 16, Out: 16, Kernel: 5, Stride: 2, Padding: 4, Dilation: 2})
		}, 656, "[2 16 5 5]"},
		// FactorizedReduce 16→32: 2·16·16 + 2·32 = 576.
		{"factorized_reduce", func(ps *ag.Params) Module {
			return NewFactorizedReduce(ps, "f", r, OpConfig{In: 16, Out: 32, Affine: true})
		}, 576, "[2 32 5 5]"},
		{"none stride 2", func(ps *ag.Params) Module { return Zero{Stride: 2} }, 0, "[2 16 5 5]"},
		// NB201 ResNet block 16→32 stride 2: 16·32·9 + 32·32·9 + 16·32 + 4·32 = 14464.
		{"resnet block", func(ps *ag.Params) Module {
			return NewResNetBasicBlock(ps, "r", r, OpConfig{In: 16, Out: 32, Stride: 2, Affine: true})
		}, 14464, "[2 32 5 5]"},
	}
	for _, c := range cases {
		var ps ag.Params
		y := c.build(&ps).Forward(tp, x)
		if c.name == "factorized_reduce" { // odd sizes work too (NAS-Bench-201 padding): 9 → 5
			odd := ag.Const(tensor.New(2, 16, 9, 9))
			if s := c.build(&ag.Params{}).Forward(tp, odd).Shape(); fmt.Sprint(s) != "[2 32 5 5]" {
				t.Errorf("factorized_reduce of 9×9: shape %v", s)
			}
		}
		if ps.Len() != c.params || fmt.Sprint(y.Shape()) != c.shape {
			t.Errorf("%s: %d params, shape %v; want %d, %s", c.name, ps.Len(), y.Shape(), c.params, c.shape)
		}
	}
}

// Example builds a small CNN, runs one SGD step and prints the parameter count.
func Example() {
	r := rand.New(rand.NewSource(1))
	var ps ag.Params
	model := Sequential{
		NewConv2D(&ps, "conv", r, Conv2DConfig{In: 1, Out: 4, Kernel: 3, Padding: 1, Bias: true}),
		ReLU{}, MaxPool{Kernel: 2}, Flatten{},
		NewLinear(&ps, "fc", r, 4*4*4, 10, true),
	}
	tp := ag.NewTape(compute.Default())
	tp.Train = true
	x := ag.Const(tensor.New(2, 1, 8, 8).Uniform(r, 0, 1))
	loss := tp.SoftmaxCrossEntropy(model.Forward(tp, x), []int{3, 7})
	ps.ZeroGrad()
	tp.Backward(loss)
	for i, g := range ps.Grad { // the whole optimizer step is one loop
		ps.Data[i] -= 0.01 * g
	}
	fmt.Println(ps.Len(), "parameters")
	// Output: 690 parameters
}

// A batch norm's running statistics are part of the model's state: named
// as PyTorch names them, updated by training, copied with the parameters,
// and not counted among them.
func TestBatchNormStatisticsAreState(t *testing.T) {
	var ps ag.Params
	bn := NewBatchNorm(&ps, "bn", 3, true, true)
	NewBatchNorm(&ps, "free", 3, false, false)
	if ps.Len() != 6 {
		t.Fatalf("%d parameters, want 6 (γ, β)", ps.Len())
	}
	var names []string
	for _, s := range ps.States() {
		names = append(names, fmt.Sprint(s.Name, s.Shape))
	}
	if got := fmt.Sprint(names); got != "[bn.running_mean[3] bn.running_var[3]]" {
		t.Fatalf("states %s", got)
	}
	tp := ag.NewTape(nil)
	tp.Train = true
	x := ag.Const(tensor.New(4, 3, 2, 2).Uniform(rand.New(rand.NewSource(1)), 1, 3))
	bn.Forward(tp, x)
	mean, _ := ps.LookupState("bn.running_mean")
	if mean.Data[0] == 0 || &mean.Data[0] != &bn.Running.Mean[0] {
		t.Fatalf("running mean %v is not the batch norm's updated statistics", mean.Data)
	}
	var cp ag.Params
	NewBatchNorm(&cp, "bn", 3, true, true)
	NewBatchNorm(&cp, "free", 3, false, false)
	cp.CopyFrom(&ps)
	if got, _ := cp.LookupState("bn.running_mean"); fmt.Sprint(got.Data) != fmt.Sprint(mean.Data) {
		t.Fatalf("CopyFrom gave running mean %v, want %v", got.Data, mean.Data)
	}
}

// TestGradTokenEmbed checks the lookup and both position encodings in a
// transformer block, by the parameters (token ids take no gradient).
func TestGradTokenEmbed(t *testing.T) {
	ids := ag.Const(tensor.FromData([]float32{0, 4, 4, 2, 1, 3, 0, 2}, 2, 4, 1))
	for _, sinusoidal := range []bool{false, true} {
		ps := &ag.Params{}
		r := rand.New(rand.NewSource(3))
		m := Sequential{NewTokenEmbed(ps, "embed", r, 5, 8, 4, !sinusoidal, sinusoidal), NewTransformerBlock(ps, "block", r, 8, 2, 2), MeanTokens{}}
		var vars []*ag.Var
		for _, p := range ps.List() {
			vars = append(vars, p.Var)
		}
		gc := ag.GradCheck{Kernels: compute.Go(), H: 1e-3, Atol: 5e-3, Rtol: 2e-2, Samples: 12}
		if err := gc.Check(func(tp *ag.Tape) *ag.Var { return m.Forward(tp, ids) }, vars...); err != nil {
			t.Errorf("sinusoidal %v: %v", sinusoidal, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an id outside the vocabulary did not panic")
		}
	}()
	NewTokenEmbed(&ag.Params{}, "e", rand.New(rand.NewSource(1)), 3, 4, 2, true, false).Forward(ag.NewTape(nil), ag.Const(tensor.FromData([]float32{0, 3}, 1, 2, 1)))
}

// TestSequentialFusesConvReLU: a Conv2D followed by a ReLU runs as one op,
// with the same values and gradients, bit for bit, as the two ops apart
// (an Observer on the tape keeps them apart), on every kernel set.
func TestSequentialFusesConvReLU(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	var ps ag.Params
	m := Sequential{NewConv2D(&ps, "c", r, Conv2DConfig{In: 3, Out: 5, Kernel: 3, Padding: 1, Bias: true}), ReLU{}, MaxPool{Kernel: 2}}
	x := ag.Leaf(tensor.New(2, 3, 9, 8).Uniform(r, -1, 1))
	sets := []*compute.Set{compute.Reference(), compute.Go()}
	if d := compute.Default(); d.Name != "go" {
		sets = append(sets, d)
	}
	for _, ks := range sets {
		var runs [2][]float32
		for k, observe := range []bool{false, true} {
			tp := ag.NewTape(ks)
			if observe {
				tp.Observer = countOps{}
			}
			ps.ZeroGrad()
			x.Grad.Fill(0)
			y := m.Forward(tp, x)
			if n := tp.Len(); n != map[bool]int{false: 2, true: 3}[observe] {
				t.Fatalf("%s, observed %v: %d backward steps", ks.Name, observe, n)
			}
			tp.Backward(tp.SoftmaxCrossEntropy(tp.Flatten(y), []int{1, 3}))
			runs[k] = append(append(append([]float32(nil), y.Value.Data...), ps.Grad...), x.Grad.Data...)
		}
		for i := range runs[0] {
			if runs[0][i] != runs[1][i] {
				t.Fatalf("%s: value %d is %v fused, %v apart", ks.Name, i, runs[0][i], runs[1][i])
			}
		}
	}
}

type countOps struct{}

func (countOps) Observe(ag.Op, *ag.Var, ...*ag.Var) {}
