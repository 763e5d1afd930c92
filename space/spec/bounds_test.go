package spec

import (
	"bytes"
	"strings"
	"testing"

	"nasbook/engine/cost"
)

// dartsCells is DARTS's network of a one-node cell, at channels c and
// layers cells.
func dartsCells(c, layers int) *Spec {
	cell := Cell{Inputs: 2, Nodes: [][]Edge{{{0, "skip_connect"}, {1, "sep_conv_3x3"}}}, Concat: []int{2}}
	red := Cell{Inputs: 2, Nodes: [][]Edge{{{0, "max_pool_3x3"}, {1, "max_pool_3x3"}}}, Concat: []int{2}}
	return &Spec{Kind: KindCell, Input: []int{3, 32, 32}, Classes: 10,
		Cells: &Cells{Macro: MacroDARTS, C: c, Layers: layers, Normal: cell, Reduce: &red}}
}

// Networks too large to count are errors that name the field or the layer,
// never figures that wrap around (nasbook cost -layers 100000000 once ran
// without end, -C 100000000 printed negative parameters).
func TestHugeNetworksAreErrors(t *testing.T) {
	seq := func(in []int, ls ...Layer) *Spec {
		return &Spec{Kind: KindSequential, Input: in, Classes: 10, Layers: ls}
	}
	for _, c := range []struct {
		name string
		s    *Spec
		want string
	}{
		{"a hundred million cells", dartsCells(16, 100000000), "spec: cells.layers = 100000000, want 0 to 1000"},
		{"a hundred million channels", dartsCells(100000000, 20), "spec: cells.C = 100000000, want 1 to 16777216"},
		{"a million channels", dartsCells(1<<20, 20), "cost: conv cells.0.preprocess0.op.1 on input [3145728 32 32]: more than 70368744177664 parameters or multiply-accumulates"},
		{"ten thousand channels, a thousand cells", dartsCells(10000, 1000), "the network passes 70368744177664 parameters, multiply-accumulates, activation bytes or pooled elements"},
		{"a wide linear layer", seq([]int{1 << 24}, Layer{Op: Linear, Out: 1 << 24}),
			"spec: layers 0 (linear): cost: linear layers.0 on input [16777216]: more than 70368744177664 parameters or multiply-accumulates"},
		{"an image of 2^48 pixels", seq([]int{1, 1 << 24, 1 << 24}, Layer{Op: GlobalPool}, Layer{Op: Linear, Out: 10}),
			"more than 70368744177664 input elements"},
		{"padding", seq([]int{3, 8, 8}, Layer{Op: Conv, Out: 4, Kernel: 3, Padding: 1 << 30}), "spec: layers.0.padding = 1073741824, want 0 to 16777216"},
		{"branches nested 17 deep", seq([]int{3, 8, 8}, func() Layer {
			l := Layer{Op: ReLU}
			for range MaxNesting + 1 {
				l = Layer{Op: Branch, Branches: [][]Layer{nil, {l}}}
			}
			return l
		}()), "spec: layers.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches.1.0.branches: branch blocks nested more than 16 deep"},
		{"65 branches", seq([]int{3, 8, 8}, Layer{Op: Branch, Branches: make([][]Layer, 65)}), "spec: layers.0.branches: 65, want at most 64"},
		{"a squeeze ratio of 2", seq([]int{3, 8, 8}, Layer{Op: MBConv, Kernel: 3, SE: true, SERatio: 2}), "spec: layers.0.se_ratio = 2, want 0 to 1"},
		{"negative out", seq([]int{3, 8, 8}, Layer{Op: Conv, Out: -4, Kernel: 3}), "spec: layers.0.out = -4, want 0 to 16777216"},
		{"classes", seq([]int{3, 8, 8}, Layer{Op: GlobalPool}, Layer{Op: Linear, Out: 1 << 25}), "spec: classes = 10"},
	} {
		if c.name == "classes" {
			c.s.Classes = 1 << 25
			c.want = "spec: classes = 33554432, want"
		}
		_, err := Lower(c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Counted, but too large to build for training.
	big := seq([]int{1 << 14}, Layer{Op: Linear, Out: 1 << 14}, Layer{Op: Linear, Out: 10})
	if r, err := Cost(big, 1); err != nil || r.Params != 1<<28+10<<14 {
		t.Errorf("Cost: %+v, %v", r, err)
	}
	if _, err := Parse(bytes.Repeat([]byte(" "), MaxBytes+1)); err == nil || err.Error() != "spec: 16777217 bytes of JSON, more than 16 MiB" {
		t.Errorf("Parse: %v", err)
	}
	// The largest network within the bounds counts without overflow.
	r, err := Cost(dartsCells(1<<16, MaxCells), cost.MaxBatch)
	if err == nil {
		if r.Params < 0 || r.MACs < 0 || r.PeakTrainBytes < 0 {
			t.Errorf("negative figures: %+v", r)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []*Spec{dartsCells(4, 3),
		{Kind: KindSequential, Input: []int{3, 8, 8}, Classes: 10, Layers: []Layer{{Op: Conv, Out: 4, Kernel: 3, Same: true}, {Op: BatchNorm}, {Op: MBConv, Kernel: 3, Expand: 2, SE: true, Act: "hswish"}, {Op: GlobalPool}, {Op: Dropout, P: 0.2}, {Op: Linear, Out: 10, Bias: true}}},
		{Kind: KindSequential, Input: []int{3, 8, 8}, Classes: 4, Layers: []Layer{{Op: Patches, Kernel: 4}, {Op: Embed, Out: 8, Positions: true}, {Op: Transformer, Heads: 2, MLPRatio: 2}, {Op: LayerNorm}, {Op: GlobalPool}, {Op: Linear, Out: 4}}},
		{Kind: KindSequential, Input: []int{3, 8, 8}, Classes: 4, Layers: []Layer{{Op: Conv, Out: 4, Kernel: 3, Same: true}, {Op: Branch, Branches: [][]Layer{{{Op: Conv, Out: 6, Kernel: 3, Stride: 2, Same: true}, {Op: BatchNorm}}, nil}}, {Op: Swish},
			{Op: Branch, Concat: true, Branches: [][]Layer{nil, {{Op: MBConv, Kernel: 3, Expand: 2, SE: true, SEInput: true, Act: "swish"}}}}, {Op: GlobalPool}, {Op: Linear, Out: 4}}},
		{Kind: KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &Cells{Macro: MacroNB201, C: 4, N: 1, Normal: Cell{Inputs: 1, Concat: []int{2}, Nodes: [][]Edge{{{0, "wide"}}, {{0, "nor_conv_3x3"}, {1, "avg_pool_3x3"}}}}},
			Ops: map[string][]Layer{"wide": {{Op: ReLU}, {Op: Conv, Kernel: 5, Same: true}, {Op: BatchNorm}}}},
	} {
		f.Add(s.JSON())
	}
	f.Add([]byte(`{"kind":"cell","input":[3,32,32],"classes":10,"cells":{"macro":"darts","C":100000000,"layers":20,"normal":{"inputs":2,"nodes":[[{"from":0,"op":"skip_connect"}]],"concat":[2]},"reduce":{"inputs":2,"nodes":[[{"from":1,"op":"none"}]],"concat":[2]}}}`))
	f.Add([]byte(`{"kind":"sequential","input":[16777216],"classes":10,"layers":[{"op":"linear","out":16777216},{"op":"flatten"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		// What JSON writes parses back to the same spec.
		s2, err := Parse(s.JSON())
		if err != nil || !bytes.Equal(s2.JSON(), s.JSON()) {
			t.Fatalf("round trip: %v\n%s\n%s", err, s.JSON(), s2.JSON())
		}
		n, err := Lower(s)
		if err != nil {
			return
		}
		r := n.Count(cost.MaxBatch)
		if r.Params < 0 || r.MACs < 0 || r.ActivationBytes < 0 || r.PeakTrainBytes < 0 || n.NASLibFLOPs() < 0 {
			t.Fatalf("negative figures %+v of\n%s", r, s.JSON())
		}
	})
}
