package build

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/tensor"
	"nasbook/space/spec"
)

// checkBuild builds s, runs a training forward and backward pass on a batch
// of two and checks the logits' shape and that the cost model counts the
// parameters that the network has.
func checkBuild(t *testing.T, name string, s *spec.Spec) *Network {
	t.Helper()
	net, err := Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := net.Cost.Count(1)
	if got := int64(net.Params.Len()); got != r.Params+r.AuxParams {
		t.Errorf("%s: built %d parameters, cost model counts %d + %d aux", name, got, r.Params, r.AuxParams)
	}
	tp := ag.NewTape(nil)
	tp.Train = true
	x := ag.Const(tensor.New(append([]int{2}, s.Input...)...).Uniform(rand.New(rand.NewSource(2)), -1, 1))
	y := net.Forward(tp, x)
	if fmt.Sprint(y.Shape()) != fmt.Sprint([]int{2, s.Classes}) {
		t.Fatalf("%s: logits of shape %v", name, y.Shape())
	}
	loss := tp.SoftmaxCrossEntropy(y, []int{0, 1})
	tp.Backward(loss)
	return net
}

func nb201Cell() spec.Cell {
	return spec.Cell{Inputs: 1, Concat: []int{3}, Nodes: [][]spec.Edge{
		{{From: 0, Op: "nor_conv_3x3"}},
		{{From: 0, Op: "nor_conv_1x1"}, {From: 1, Op: "avg_pool_3x3"}},
		{{From: 0, Op: "skip_connect"}, {From: 1, Op: "none"}, {From: 2, Op: "nor_conv_3x3"}},
	}}
}

func TestBuildCellAndSequential(t *testing.T) {
	checkBuild(t, "nb201", &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 5,
		Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1, Normal: nb201Cell()}})
	checkBuild(t, "sequential", &spec.Spec{Kind: spec.KindSequential, Input: []int{3, 8, 8}, Classes: 4, Layers: []spec.Layer{
		{Op: spec.Conv, Out: 8, Kernel: 3, Stride: 2, Same: true}, {Op: spec.BatchNorm}, {Op: spec.HSwish},
		{Op: spec.MBConv, Out: 8, Kernel: 5, Expand: 3, SE: true, Act: "hswish"},
		{Op: spec.MBConv, Out: 12, Kernel: 3, Stride: 2, Hidden: 16, Act: "relu6"},
		{Op: spec.MaxPool, Kernel: 2}, {Op: spec.GlobalPool}, {Op: spec.Dropout, P: 0.2}, {Op: spec.Linear, Out: 4, Bias: true},
	}})
	checkBuild(t, "custom op", &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 3,
		Ops: map[string][]spec.Layer{"conv_bn_relu": {{Op: spec.Conv, Kernel: 3, Same: true}, {Op: spec.BatchNorm}, {Op: spec.ReLU}}},
		Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1, Normal: spec.Cell{Inputs: 1, Concat: []int{1},
			Nodes: [][]spec.Edge{{{From: 0, Op: "conv_bn_relu"}}}}}})
}

// Mistakes a user can make are errors that name the place, never panics,
// and Build refuses exactly what spec.Lower refuses.
func TestUserErrors(t *testing.T) {
	cell := func(op string) *spec.Spec {
		return &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 10,
			Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1, Normal: spec.Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]spec.Edge{{{From: 0, Op: op}}}}}}
	}
	seq := func(in []int, ls ...spec.Layer) *spec.Spec {
		return &spec.Spec{Kind: spec.KindSequential, Input: in, Classes: 10, Layers: ls}
	}
	for _, c := range []struct {
		name string
		s    *spec.Spec
		want string
	}{
		{"unknown op", cell("sep_conv_4x4"), `normal cell, node 1, edge 0 (sep_conv_4x4 from 0): unknown operation "sep_conv_4x4"`},
		{"bad source", &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1,
			Normal: spec.Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]spec.Edge{{{From: 1, Op: "none"}}}}}}, "node 1 is not an earlier node"},
		{"empty input", seq([]int{3, 0, 8}), "empty dimension"},
		{"kernel too large", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Conv, Out: 8, Kernel: 7}, spec.Layer{Op: spec.GlobalPool}, spec.Layer{Op: spec.Linear, Out: 10}),
			"layers 0 (conv): cost: conv layers.0 on input [3 4 4]: a 7x7 window leaves no output"},
		{"no classifier", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Conv, Out: 8, Kernel: 3}), "end in shape [8 2 2], want [10]"},
		{"groups", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Conv, Out: 8, Kernel: 1, Groups: 2}), "2 groups do not divide 3 input"},
		{"heads", seq([]int{4, 6}, spec.Layer{Op: spec.Embed, Out: 6}, spec.Layer{Op: spec.Transformer, Heads: 4}), "4 heads do not divide the token width 6"},
		{"bn on tokens", seq([]int{4, 6}, spec.Layer{Op: spec.BatchNorm}), "use LayerNorm on tokens and vectors (ln)"},
		{"unknown kind", &spec.Spec{Kind: "graph", Input: []int{1}, Classes: 1}, `unknown kind "graph"`},
		{"unknown act", seq([]int{3, 4, 4}, spec.Layer{Op: spec.MBConv, Kernel: 3, Act: "silu"}), `unknown activation "silu"`},
		{"se ratio alone", seq([]int{3, 4, 4}, spec.Layer{Op: spec.MBConv, Kernel: 3, SERatio: 0.5}), "se_ratio or se_input without se"},
		{"no branches", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch}), "layers 0 (branch): a branch block without branches"},
		{"two shortcuts", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{nil, {{Op: spec.ReLU}}, nil}}),
			"branches 0 and 2 are both empty"},
		{"only a shortcut", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{nil}}), "only the shortcut"},
		{"branch layer", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{nil, {{Op: spec.ReLU}, {Op: spec.LayerNorm}}}}),
			"layers 0 (branch): branch 1, layer 1 (ln): works on tokens and vectors"},
		{"added shapes", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{{{Op: spec.Conv, Out: 4, Kernel: 1}}, {{Op: spec.Conv, Out: 5, Kernel: 1}}}}),
			"branch 0 makes [4 4 4] and branch 1 [5 4 4]: added branches must agree"},
		{"joined sizes", seq([]int{3, 4, 4}, spec.Layer{Op: spec.Branch, Concat: true, Branches: [][]spec.Layer{{{Op: spec.Conv, Kernel: 1}}, {{Op: spec.Conv, Kernel: 1, Stride: 2}}}}),
			"joined branches must agree in size"},
		{"token projection", seq([]int{4, 6}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{nil, {{Op: spec.Linear, Out: 8}}}}),
			"the shortcut cannot project [4 6] to [4 8]"},
		{"no stride fits", seq([]int{3, 4, 8}, spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{nil, {{Op: spec.MaxPool, Kernel: 3, Stride: 1}}}}),
			"the shortcut cannot stride 4x8 to 2x6"},
		{"custom op shape", func() *spec.Spec {
			s := cell("wide")
			s.Ops = map[string][]spec.Layer{"wide": {{Op: spec.Conv, Out: 9, Kernel: 1}}}
			return s
		}(), "wide: gives shape [9 8 8] where the cell needs [4 8 8]"},
		{"patches late", seq([]int{3, 8, 8}, spec.Layer{Op: spec.ReLU}, spec.Layer{Op: spec.Patches, Kernel: 4}), "patches must be the first layer"},
	} {
		_, err := Build(c.s, rand.New(rand.NewSource(1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		if _, err2 := spec.Lower(c.s); (err2 == nil) != (err == nil) {
			t.Errorf("%s: spec.Lower and Build disagree: %v / %v", c.name, err2, err)
		}
	}
}

// Counted, but too large to build for training.
func TestTooLargeToBuild(t *testing.T) {
	big := &spec.Spec{Kind: spec.KindSequential, Input: []int{1 << 14}, Classes: 10,
		Layers: []spec.Layer{{Op: spec.Linear, Out: 1 << 14}, {Op: spec.Linear, Out: 10}}}
	if r, err := spec.Cost(big, 1); err != nil || r.Params != 1<<28+10<<14 {
		t.Errorf("Cost: %+v, %v", r, err)
	}
	if _, err := Build(big, rand.New(rand.NewSource(1))); err == nil || !strings.Contains(err.Error(), "spec: 268599296 parameters, more than the 134217728") {
		t.Errorf("Build: %v", err)
	}
}

// What lowers builds and runs: the walk checks every shape before the Maker
// makes a module, so a spec that Lower accepts builds, and its training
// forward and backward pass on one example (zeros: valid token ids too)
// fits every kernel it reaches.
func FuzzBuild(f *testing.F) {
	for _, s := range []*spec.Spec{
		{Kind: spec.KindCell, Input: []int{3, 16, 16}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroDARTS, C: 4, Layers: 3,
			Normal: spec.Cell{Inputs: 2, Nodes: [][]spec.Edge{{{From: 0, Op: "skip_connect"}, {From: 1, Op: "sep_conv_3x3"}}}, Concat: []int{2}},
			Reduce: &spec.Cell{Inputs: 2, Nodes: [][]spec.Edge{{{From: 0, Op: "max_pool_3x3"}, {From: 1, Op: "dil_conv_5x5"}}}, Concat: []int{2}}}},
		{Kind: spec.KindSequential, Input: []int{3, 8, 8}, Classes: 10, Layers: []spec.Layer{{Op: spec.Conv, Out: 4, Kernel: 3, Same: true}, {Op: spec.BatchNorm}, {Op: spec.MBConv, Kernel: 3, Expand: 2, SE: true, Act: "hswish"}, {Op: spec.GlobalPool}, {Op: spec.Dropout, P: 0.2}, {Op: spec.Linear, Out: 10, Bias: true}}},
		{Kind: spec.KindSequential, Input: []int{3, 8, 8}, Classes: 4, Layers: []spec.Layer{{Op: spec.Patches, Kernel: 4}, {Op: spec.Embed, Out: 8, Positions: true}, {Op: spec.Transformer, Heads: 2, MLPRatio: 2}, {Op: spec.LayerNorm}, {Op: spec.GlobalPool}, {Op: spec.Linear, Out: 4}}},
		{Kind: spec.KindSequential, Input: []int{5, 1}, Classes: 4, Layers: []spec.Layer{{Op: spec.Embed, Out: 8, Vocab: 12, Sinusoidal: true}, {Op: spec.Transformer, Heads: 2, MLPRatio: 2}, {Op: spec.LayerNorm}, {Op: spec.GlobalPool}, {Op: spec.Linear, Out: 4}}},
		{Kind: spec.KindSequential, Input: []int{3, 8, 8}, Classes: 4, Layers: []spec.Layer{{Op: spec.Conv, Out: 4, Kernel: 3, Same: true}, {Op: spec.Branch, Branches: [][]spec.Layer{{{Op: spec.Conv, Out: 6, Kernel: 3, Stride: 2, Same: true}, {Op: spec.BatchNorm}}, nil}}, {Op: spec.Swish},
			{Op: spec.Branch, Concat: true, Branches: [][]spec.Layer{nil, {{Op: spec.MBConv, Kernel: 3, Expand: 2, SE: true, SEInput: true, Act: "swish"}}}}, {Op: spec.GlobalPool}, {Op: spec.Linear, Out: 4}}},
		{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1, Normal: spec.Cell{Inputs: 1, Concat: []int{2}, Nodes: [][]spec.Edge{{{From: 0, Op: "wide"}}, {{From: 0, Op: "nor_conv_3x3"}, {From: 1, Op: "avg_pool_3x3"}}}}},
			Ops: map[string][]spec.Layer{"wide": {{Op: spec.ReLU}, {Op: spec.Conv, Kernel: 5, Same: true}, {Op: spec.BatchNorm}}}},
		// conv_7x1_1x7 at stride 2 on 2×2, then at stride 1 on 1×1.
		{Kind: spec.KindCell, Input: []int{3, 4, 4}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroDARTS, C: 4, Layers: 3,
			Normal: spec.Cell{Inputs: 2, Nodes: [][]spec.Edge{{{From: 0, Op: "conv_7x1_1x7"}, {From: 1, Op: "conv_7x1_1x7"}}}, Concat: []int{2}},
			Reduce: &spec.Cell{Inputs: 2, Nodes: [][]spec.Edge{{{From: 0, Op: "conv_7x1_1x7"}, {From: 1, Op: "max_pool_3x3"}}}, Concat: []int{2}}}},
		{Kind: spec.KindSequential, Input: []int{2, 1, 3}, Classes: 3, Layers: []spec.Layer{{Op: spec.MBConv, Out: 4, Kernel: 5, Expand: 2, Stride: 2, SE: true, Act: "relu6"}, {Op: spec.MaxPool, Kernel: 1}, {Op: spec.Linear, Out: 3}}},
	} {
		f.Add(s.JSON())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := spec.Parse(b)
		if err != nil {
			return
		}
		n, err := spec.Lower(s)
		if err != nil {
			return
		}
		if r := n.Count(1); r.Params+r.AuxParams < 20000 && r.ActivationBytes < 1<<20 {
			net, err := Build(s, rand.New(rand.NewSource(1)))
			if err != nil {
				t.Fatalf("Lower accepts but Build refuses: %v\n%s", err, s.JSON())
			}
			tp := ag.NewTape(nil)
			tp.Train = true
			y := net.Forward(tp, ag.Const(tensor.New(append([]int{1}, s.Input...)...)))
			tp.Backward(tp.SoftmaxCrossEntropy(y, []int{0}))
		}
	})
}

// A spec written as JSON, costed and built (the example of package
// space/spec, built).
func Example() {
	s, err := spec.Parse([]byte(`{"kind": "sequential", "input": [3, 32, 32], "classes": 10,
	  "layers": [{"op": "conv", "out": 16, "kernel": 3, "same": true}, {"op": "bn"}, {"op": "relu"},
	             {"op": "mbconv", "out": 24, "kernel": 5, "stride": 2, "expand": 4, "se": true, "act": "hswish"},
	             {"op": "gap"}, {"op": "linear", "out": 10, "bias": true}]}`))
	if err != nil {
		panic(err)
	}
	net, err := Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		panic(err)
	}
	fmt.Println(net.Cost.Count(1).Params, "params counted,", net.Params.Len(), "built")
	// Output:
	// 7306 params counted, 7306 built
}
