package oneshot

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/export"
	"nasbook/engine/tensor"
	"nasbook/space/custom"
	"nasbook/space/spec"
)

func anyNonZero(xs []float32) bool {
	for _, x := range xs {
		if x != 0 {
			return true
		}
	}
	return false
}

// An operation is one entry of the op vocabulary. dil_conv_7x7 has no
// other mention in the code than its entry in spec's table, yet the cost
// model counts it, the builder builds it and a gradient reaches its
// weights, a supernet takes it as a candidate beside a notebook's own
// operation, a custom cell space accepts it, and the PyTorch export
// writes it (the canvas draws it in its colour: viz/layout's
// TestVocabularyColors).
func TestOneEntryOp(t *testing.T) {
	edge := func(op string) *spec.Spec {
		return &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1,
			Normal: spec.Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]spec.Edge{{{From: 0, Op: op}}}}}}
	}
	// Cost: over dil_conv_5x5, each depthwise kernel has 49 − 25 more
	// weights, per channel of the three stages (4, 8, 16 channels on 8×8,
	// 4×4, 2×2 maps), and as many more MACs per output pixel.
	c5, err := spec.Cost(edge("dil_conv_5x5"), 1)
	if err != nil {
		t.Fatal(err)
	}
	c7, err := spec.Cost(edge("dil_conv_7x7"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := c7.Params - c5.Params; d != 24*(4+8+16) {
		t.Errorf("dil_conv_7x7 has %d parameters more than dil_conv_5x5, want %d", d, 24*(4+8+16))
	}
	if d := c7.MACs - c5.MACs; d != 24*(64*4+16*8+4*16) {
		t.Errorf("dil_conv_7x7 has %d MACs more than dil_conv_5x5, want %d", d, 24*(64*4+16*8+4*16))
	}
	n, err := spec.Lower(edge("dil_conv_7x7"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range n.Layers {
		if strings.HasSuffix(l.Name, "edges.0-1.0.op.1") {
			found = l.KH == 7 && l.KW == 7 && l.Dilation == 2 && l.PH == 6 && l.Groups == l.In[0]
		}
	}
	if !found {
		t.Errorf("no depthwise 7x7 layer with dilation 2 and padding 6 in %+v", n.Layers)
	}

	// Build: it trains.
	net, err := build.Build(edge("dil_conv_7x7"), rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	tp := ag.NewTape(nil)
	tp.Train = true
	x := ag.Const(tensor.New(2, 3, 8, 8).Uniform(rand.New(rand.NewSource(2)), -1, 1))
	tp.Backward(tp.SoftmaxCrossEntropy(net.Forward(tp, x), []int{0, 1}))
	w, ok := net.Params.Lookup("cells.0.edges.0-1.0.op.1.weight")
	if !ok || len(w.Value.Shape) != 4 || w.Value.Shape[2] != 7 || !anyNonZero(w.Grad.Data) {
		t.Errorf("the built op's depthwise weight: found %v, no gradient", ok)
	}
	py, err := export.ToPyTorch(net, "dil_conv_7x7")
	if err != nil || !strings.Contains(string(py.Source), ", 7, padding=6, dilation=2, groups=4") || py.Params != net.Params.Len() {
		t.Errorf("the PyTorch export: %v", err)
	}

	// The supernet: a candidate of a DARTS-style op set with a notebook's
	// own operation.
	sk := Skeleton{Macro: spec.MacroDARTS, C: 4, Layers: 3, Input: []int{3, 16, 16}, Classes: 10,
		Ops:    []string{"none", "skip_connect", "dil_conv_7x7", "conv_bn"},
		Custom: map[string][]spec.Layer{"conv_bn": {{Op: spec.ReLU}, {Op: spec.Conv, Kernel: 3, Same: true}, {Op: spec.BatchNorm}}}}
	sn, err := NewSupernet(sk, rand.New(rand.NewSource(3)))
	if err != nil {
		t.Fatal(err)
	}
	tp = ag.NewTape(nil)
	tp.Train = true
	x = ag.Const(tensor.New(2, 3, 16, 16).Uniform(rand.New(rand.NewSource(2)), -1, 1))
	tp.Backward(tp.SoftmaxCrossEntropy(sn.ForwardPath(tp, x, sn.SoftmaxPath(tp)), []int{0, 1}))
	w, ok = sn.Weights.Lookup("cells.0.edges.0-2.dil_conv_7x7.op.1.weight")
	if !ok || !anyNonZero(w.Grad.Data) {
		t.Errorf("the supernet's dil_conv_7x7 candidate: found %v, no gradient", ok)
	}
	if !anyNonZero(sn.Alpha(0, 0).Grad.Data) {
		t.Errorf("no gradient reaches the architecture weights")
	}

	// A notebook's cell space accepts it.
	if _, err := custom.NewCellSpace(&custom.CellSpace{SpaceName: "dilated", Ops: []string{"skip_connect", "dil_conv_7x7"}, Nodes: 2,
		Network: spec.Cells{Macro: spec.MacroNB201, C: 4, N: 1}, Input: []int{3, 8, 8}, Classes: 10}); err != nil {
		t.Errorf("a cell space of dil_conv_7x7: %v", err)
	}
}
