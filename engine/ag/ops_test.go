package ag

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/compute"
	"nasbook/engine/tensor"
)

// leaf returns a Leaf with values uniform in [-1, 1).
func leaf(r *rand.Rand, shape ...int) *Var {
	return Leaf(tensor.New(shape...).Uniform(r, -1, 1))
}

// spread returns a Leaf whose values are distinct and at least 0.02 apart and
// at least 0.005 from zero, so that no ReLU kink or max-pool tie lies within a
// central-difference step (h = 1e-3) of an input.
func spread(r *rand.Rand, shape ...int) *Var {
	x := tensor.New(shape...)
	for i, p := range r.Perm(len(x.Data)) {
		x.Data[i] = (float32(p) - float32(len(x.Data))/2 + 0.25) * 0.02
	}
	return Leaf(x)
}

// checkSets are the kernel sets every gradient is checked with: the
// reference, the Go kernels and the platform's own (natively Go with gonum's
// GEMM; under js/wasm with the kernels linked, the WebAssembly SIMD ones:
// GOOS=js GOARCH=wasm go test -exec "node $PWD/assets/js/run-node.mjs").
func checkSets() []*compute.Set {
	sets := []*compute.Set{compute.Reference(), compute.Go()}
	if d := compute.Default(); d.Name != "go" {
		sets = append(sets, d)
	}
	return sets
}

func check(t *testing.T, name string, gc GradCheck, build func(tp *Tape) *Var, vars ...*Var) {
	t.Helper()
	for _, ks := range checkSets() {
		gc.Kernels = ks
		if err := gc.Check(build, vars...); err != nil {
			t.Errorf("%s (%s kernels): %v", name, ks.Name, err)
		}
	}
}

func TestGradLinear(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	x, w, b := leaf(r, 2, 3, 5), leaf(r, 4, 5), leaf(r, 4)
	check(t, "linear", GradCheck{}, func(tp *Tape) *Var { return tp.Linear(x, w, b) }, x, w, b)
	check(t, "linear no bias", GradCheck{}, func(tp *Tape) *Var { return tp.Linear(x, w, nil) }, x, w)
}

func TestGradConv2D(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	cases := []struct {
		c, k, cg int
		o        ConvOpts
		bias     bool
	}{
		{3, 4, 3, ConvOpts{Padding: 1}, true},
		{4, 6, 2, ConvOpts{Stride: 2, Padding: 1, Dilation: 2, Groups: 2}, true},
		{4, 4, 1, ConvOpts{Stride: 2, Padding: 2, Dilation: 2, Groups: 4}, false}, // depthwise, DilConv-like
		{3, 5, 3, ConvOpts{}, false},                                              // pointwise
	}
	for _, c := range cases {
		x := leaf(r, 2, c.c, 7, 6)
		w := leaf(r, c.k, c.cg, 3, 3)
		if c.o == (ConvOpts{}) {
			w = leaf(r, c.k, c.cg, 1, 1)
		}
		var b *Var
		vars := []*Var{x, w}
		if c.bias {
			b = leaf(r, c.k)
			vars = append(vars, b)
		}
		check(t, "conv", GradCheck{}, func(tp *Tape) *Var { return tp.Conv2D(x, w, b, c.o) }, vars...)
	}
	// With the ReLU fused (kinks skipped, as for ReLU alone), with and
	// without a bias.
	x0, w0, b0 := leaf(r, 2, 3, 7, 6), leaf(r, 4, 3, 3, 3), leaf(r, 4)
	gc := GradCheck{H: 1e-3, SkipKinks: true}
	check(t, "conv+relu", gc, func(tp *Tape) *Var { return tp.Conv2D(x0, w0, b0, ConvOpts{Padding: 1, ReLU: true}) }, x0, w0, b0)
	check(t, "conv+relu no bias", gc, func(tp *Tape) *Var { return tp.Conv2D(x0, w0, nil, ConvOpts{Stride: 2, ReLU: true}) }, x0, w0)
	// conv_7x1_1x7's two halves: 1×7 strided across, 7×1 strided down,
	// each padded on its long axis only.
	x := leaf(r, 2, 3, 9, 10)
	row, col := leaf(r, 4, 3, 1, 7), leaf(r, 4, 4, 7, 1)
	build := func(tp *Tape) *Var {
		y := tp.Conv2D(x, row, nil, ConvOpts{Stride: 1, Rect: true, StrideW: 2, PaddingW: 3})
		return tp.Conv2D(y, col, nil, ConvOpts{Stride: 2, Padding: 3, Rect: true, StrideW: 1})
	}
	if got := build(NewTape(nil)).Shape(); fmt.Sprint(got) != "[2 4 5 5]" {
		t.Errorf("1×7 then 7×1 at stride 2 of 9×10: %v, want [2 4 5 5]", got)
	}
	check(t, "conv 1x7 then 7x1", GradCheck{}, build, x, row, col)
}

func TestGradActivations(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	x := spread(r, 3, 7)
	check(t, "relu", GradCheck{H: 1e-3}, func(tp *Tape) *Var { return tp.ReLU(x) }, x)
	y := leaf(r, 3, 7)
	check(t, "gelu", GradCheck{}, func(tp *Tape) *Var { return tp.GELU(y) }, y)
	check(t, "scale", GradCheck{}, func(tp *Tape) *Var { return tp.Scale(y, -1.5) }, y)
	check(t, "softmax", GradCheck{}, func(tp *Tape) *Var { return tp.Softmax(y) }, y)
}

func TestGradPooling(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	x := spread(r, 2, 3, 7, 6)
	check(t, "maxpool 3x3 s2 p1", GradCheck{H: 1e-3}, func(tp *Tape) *Var { return tp.MaxPool2D(x, 3, 2, 1) }, x)
	check(t, "maxpool 2x2", GradCheck{H: 1e-3}, func(tp *Tape) *Var { return tp.MaxPool2D(x, 2, 0, 0) }, x)
	check(t, "avgpool 3x3 s1 p1", GradCheck{}, func(tp *Tape) *Var { return tp.AvgPool2D(x, 3, 1, 1) }, x)
	check(t, "avgpool 2x2 s2", GradCheck{}, func(tp *Tape) *Var { return tp.AvgPool2D(x, 2, 2, 0) }, x)
	check(t, "global avg pool", GradCheck{}, func(tp *Tape) *Var { return tp.GlobalAvgPool(x) }, x)
	check(t, "shift", GradCheck{}, func(tp *Tape) *Var { return tp.Shift(x) }, x)
}

func TestGradBatchNorm(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	x, g, b := leaf(r, 4, 3, 3, 2), leaf(r, 3), leaf(r, 3)
	check(t, "bn train affine", GradCheck{Train: true}, func(tp *Tape) *Var { return tp.BatchNorm(x, g, b, nil, 0) }, x, g, b)
	check(t, "bn train plain", GradCheck{Train: true}, func(tp *Tape) *Var { return tp.BatchNorm(x, nil, nil, nil, 0) }, x)
	run := NewRunningStats(3)
	for i := range run.Mean {
		run.Mean[i], run.Var[i] = 0.3*float32(i), 0.5+float32(i)
	}
	check(t, "bn eval", GradCheck{}, func(tp *Tape) *Var { return tp.BatchNorm(x, g, b, run, 0) }, x, g, b)
	x2 := leaf(r, 5, 4)
	check(t, "bn 1d", GradCheck{Train: true}, func(tp *Tape) *Var { return tp.BatchNorm(x2, nil, nil, nil, 0) }, x2)
}

func TestGradLayerNorm(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	x, g, b := leaf(r, 2, 3, 6), leaf(r, 6), leaf(r, 6)
	check(t, "layernorm", GradCheck{}, func(tp *Tape) *Var { return tp.LayerNorm(x, g, b, 0) }, x, g, b)
	check(t, "layernorm plain", GradCheck{}, func(tp *Tape) *Var { return tp.LayerNorm(x, nil, nil, 0) }, x)
}

func TestGradCombinators(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	a, b, c := leaf(r, 2, 3, 2, 2), leaf(r, 2, 3, 2, 2), leaf(r, 2, 1, 2, 2)
	check(t, "add", GradCheck{}, func(tp *Tape) *Var { return tp.Add(a, a) }, a)
	check(t, "sum", GradCheck{}, func(tp *Tape) *Var { return tp.Sum(a, b, a) }, a, b)
	check(t, "concat", GradCheck{}, func(tp *Tape) *Var { return tp.Concat(a, c, b) }, a, b, c)
	w := leaf(r, 2)
	check(t, "weighted sum", GradCheck{}, func(tp *Tape) *Var { return tp.WeightedSum([]*Var{a, b}, w) }, a, b, w)
	check(t, "reshape", GradCheck{}, func(tp *Tape) *Var { return tp.Scale(tp.Flatten(a), 2) }, a)
	dr := leaf(r, 4, 5)
	check(t, "dropout", GradCheck{Train: true}, func(tp *Tape) *Var {
		return tp.Dropout(dr, 0.3, rand.New(rand.NewSource(9)))
	}, dr)
}

func TestGradSoftmaxCrossEntropy(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	x := leaf(r, 5, 4)
	labels := []int{0, 3, 1, 1, 2}
	check(t, "softmax cross-entropy", GradCheck{}, func(tp *Tape) *Var { return tp.SoftmaxCrossEntropy(x, labels) }, x)
}

func TestGradAttention(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	qkv := leaf(r, 2, 5, 3*6)
	check(t, "attention", GradCheck{}, func(tp *Tape) *Var { return tp.Attention(qkv, 2, false) }, qkv)
	check(t, "causal attention", GradCheck{}, func(tp *Tape) *Var { return tp.Attention(qkv, 3, true) }, qkv)
}

// TestGradCheckCatchesWrongGradient makes sure the checker can fail: an op
// whose backward is off by 10% must be reported.
func TestGradCheckCatchesWrongGradient(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	x := leaf(r, 3, 4)
	wrong := func(tp *Tape) *Var {
		y := tp.out(x.Shape(), x)
		copy(y.Value.Data, x.Value.Data)
		tp.record(y, func() {
			for i, g := range y.Grad.Data {
				x.Grad.Data[i] += 1.1 * g
			}
		})
		return y
	}
	if err := (GradCheck{}).Check(wrong, x); err == nil {
		t.Fatal("a backward off by 10% passed the gradient check")
	}
}

func TestGradEmbedding(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	table := leaf(r, 5, 4)
	ids := []int{0, 3, 3, 1, 4, 0} // 2 sequences of 3 tokens, ids repeated
	check(t, "embedding", GradCheck{}, func(tp *Tape) *Var { return tp.Embedding(table, ids, 2, 3) }, table)
	y := NewTape(nil).Embedding(table, ids, 2, 3)
	if got, want := y.Value.Data[3*4:4*4], table.Value.Data[1*4:2*4]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("token 3 (id 1) embeds as %v, want row 1 %v", got, want)
	}
}

func TestGradPositions(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	x, pos := leaf(r, 3, 5, 4), leaf(r, 5, 4)
	check(t, "learned positions", GradCheck{}, func(tp *Tape) *Var { return tp.AddPositions(x, pos) }, x, pos)
	sin := Const(Sinusoidal(5, 4))
	check(t, "sinusoidal positions", GradCheck{}, func(tp *Tape) *Var { return tp.GELU(tp.AddPositions(x, sin)) }, x)
}

// TestSinusoidal holds the table to the formula of "Attention is all you
// need", section 3.5, at a few entries worked by hand.
func TestSinusoidal(t *testing.T) {
	pe := Sinusoidal(3, 4)
	want := map[[2]int]float64{
		{0, 0}: 0, {0, 1}: 1, {1, 0}: math.Sin(1), {1, 1}: math.Cos(1),
		{2, 2}: math.Sin(2 / 100.0), {2, 3}: math.Cos(2 / 100.0),
	}
	for at, w := range want {
		if got := float64(pe.Data[at[0]*4+at[1]]); math.Abs(got-w) > 1e-6 {
			t.Errorf("PE%v = %v, want %v", at, got, w)
		}
	}
}
