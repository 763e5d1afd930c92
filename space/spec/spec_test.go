package spec

import (
	"strings"
	"testing"
)

func nb201Cell() Cell {
	return Cell{Inputs: 1, Concat: []int{3}, Nodes: [][]Edge{
		{{0, "nor_conv_3x3"}},
		{{0, "nor_conv_1x1"}, {1, "avg_pool_3x3"}},
		{{0, "skip_connect"}, {1, "none"}, {2, "nor_conv_3x3"}},
	}}
}

func TestParseRoundTrip(t *testing.T) {
	s := &Spec{Space: "nb201", Kind: KindCell, Input: []int{3, 32, 32}, Classes: 10,
		Cells:  &Cells{Macro: MacroNB201, C: 16, N: 5, Normal: nb201Cell()},
		Layers: []Layer{{Op: Transformer, Heads: 2}}}
	b := s.JSON()
	if !strings.Contains(string(b), `"op": "transformer"`) {
		t.Errorf("layer ops are not written by name:\n%s", b)
	}
	c, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.JSON()) != string(b) {
		t.Errorf("round trip changed the spec:\n%s\n%s", b, c.JSON())
	}
}

// Mistakes a user can make are errors that name the place, never panics.
func TestUserErrors(t *testing.T) {
	cell := func(op string) *Spec {
		return &Spec{Kind: KindCell, Input: []int{3, 8, 8}, Classes: 10,
			Cells: &Cells{Macro: MacroNB201, C: 4, N: 1, Normal: Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]Edge{{{0, op}}}}}}
	}
	seq := func(in []int, ls ...Layer) *Spec {
		return &Spec{Kind: KindSequential, Input: in, Classes: 10, Layers: ls}
	}
	for _, c := range []struct {
		name string
		s    *Spec
		want string
	}{
		{"unknown op", cell("sep_conv_4x4"), `normal cell, node 1, edge 0 (sep_conv_4x4 from 0): unknown operation "sep_conv_4x4"`},
		{"bad source", &Spec{Kind: KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &Cells{Macro: MacroNB201, C: 4, N: 1,
			Normal: Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]Edge{{{1, "none"}}}}}}, "node 1 is not an earlier node"},
		{"empty input", seq([]int{3, 0, 8}), "empty dimension"},
		{"kernel too large", seq([]int{3, 4, 4}, Layer{Op: Conv, Out: 8, Kernel: 7}, Layer{Op: GlobalPool}, Layer{Op: Linear, Out: 10}),
			"layers 0 (conv): cost: conv layers.0 on input [3 4 4]: a 7x7 window leaves no output"},
		{"no classifier", seq([]int{3, 4, 4}, Layer{Op: Conv, Out: 8, Kernel: 3}), "end in shape [8 2 2], want [10]"},
		{"groups", seq([]int{3, 4, 4}, Layer{Op: Conv, Out: 8, Kernel: 1, Groups: 2}), "2 groups do not divide 3 input"},
		{"heads", seq([]int{4, 6}, Layer{Op: Embed, Out: 6}, Layer{Op: Transformer, Heads: 4}), "4 heads do not divide the token width 6"},
		{"bn on tokens", seq([]int{4, 6}, Layer{Op: BatchNorm}), "use LayerNorm on tokens and vectors (ln)"},
		{"unknown kind", &Spec{Kind: "graph", Input: []int{1}, Classes: 1}, `unknown kind "graph"`},
		{"unknown act", seq([]int{3, 4, 4}, Layer{Op: MBConv, Kernel: 3, Act: "silu"}), `unknown activation "silu"`},
		{"custom op shape", func() *Spec {
			s := cell("wide")
			s.Ops = map[string][]Layer{"wide": {{Op: Conv, Out: 9, Kernel: 1}}}
			return s
		}(), "wide: gives shape [9 8 8] where the cell needs [4 8 8]"},
		{"patches late", seq([]int{3, 8, 8}, Layer{Op: ReLU}, Layer{Op: Patches, Kernel: 4}), "patches must be the first layer"},
	} {
		if _, err := Lower(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := Parse([]byte(`{"kind":"sequential","layers":[{"op":"conv2d"}]}`)); err == nil || !strings.Contains(err.Error(), `unknown layer op "conv2d"`) {
		t.Errorf("Parse of an unknown layer op: %v", err)
	}
}

func TestMakeDivisible(t *testing.T) {
	// torchvision's _make_divisible: SE widths of MobileNetV3-Large.
	for _, c := range [][2]int{{72 / 4, 24}, {120 / 4, 32}, {480 / 4, 120}, {672 / 4, 168}, {960 / 4, 240}, {3, 8}} {
		if got := MakeDivisible(float64(c[0]), 8); got != c[1] {
			t.Errorf("MakeDivisible(%d, 8) = %d, want %d", c[0], got, c[1])
		}
	}
}
