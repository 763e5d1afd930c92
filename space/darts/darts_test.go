package darts

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/spec"
)

// The string the DARTS search code prints for DARTS_V2 (concats as ranges).
const dartsV2 = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))"

func TestGenotypeStrings(t *testing.T) {
	g, err := ParseGenotype(dartsV2)
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != dartsV2 {
		t.Errorf("round trip:\n%s\n%s", g.String(), dartsV2)
	}
	v2, _ := Named("DARTS_V2")
	if v2.String() != dartsV2 {
		t.Errorf("DARTS_V2 (lists [2, 3, 4, 5]) writes as\n%s", v2.String())
	}
	enas, _ := Named("ENAS")
	if s := enas.String(); !strings.Contains(s, "reduce_concat=[2, 3, 6])") || !strings.Contains(s, "normal_concat=range(2, 7)") {
		t.Errorf("ENAS concats: %s", s)
	}
	// Positional form, double quotes, tuples, list(range()), a trailing comma, line breaks.
	alt := "Genotype(\n  [(\"sep_conv_3x3\", 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2),],\n  (2, 3, 4, 5),\n  reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)],\n  reduce_concat=list(range(2, 6)),\n)"
	if g2, err := ParseGenotype(alt); err != nil || g2.String() != dartsV2 {
		t.Errorf("alternative spelling: %v\n%s", err, g2)
	}
	for _, c := range []struct{ in, want string }{
		{"Genotype(normal=[('sep_conv_4x4', 0)])", `unknown operation "sep_conv_4x4"`},
		{"Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2], reduce=[('skip_connect', 0), ('skip_connect', 1)], reduce_concat=[2])", "node 2 takes inputs from nodes 0 to 1"},
		{"Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], normal_concat=[2])", "no reduce"},
		{"Genotype(normal=[('sep_conv_3x3' 0)]", "want ','"},
		{"DARTS_V3", `no published genotype "DARTS_V3"`},
		{"Genotype(normal=[('skip_connect', 0), ('skip_connect', 1)], normal_concat=range(0, 1000), reduce=[], reduce_concat=[])", "darts: range(0, 1000) at offset 74 has more than 66 nodes (in normal_concat)"},
		{"Genotype(normal=[('skip_connect', 99999999999999999999999)])", `darts: number "99999999999999999999999" at offset 34 is out of range (in normal)`},
		{"Genotype(normal=[" + strings.Repeat("('skip_connect', 0), ", 129) + "])", "darts: more than 128 pairs at offset 2705 (64 nodes of two) (in normal)"},
		{"Genotype(normal_concat=[" + strings.Repeat("2, ", 67) + "])", "darts: more than 66 nodes concatenated at offset 222 (in normal_concat)"},
		{"Genotype(" + strings.Repeat(" ", 1<<20) + ")", "darts: an architecture of 1048586 bytes, more than 1 MiB"},
	} {
		_, err := Lookup(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Lookup(%q): %v, want %q", c.in, err, c.want)
		}
	}
}

// DARTS (Liu et al., ICLR 2019), Table 1: DARTS (second order) on CIFAR-10,
// 3.3M parameters, for DARTS_V2 at C=36, 20 layers, trained with the
// auxiliary head. The DARTS code counts parameters without the auxiliary
// head (utils.count_parameters_in_MB skips "auxiliary"), and its training
// logs print 3.349342 MB for this network; we count exactly that. With the
// head the count would be 3.8M, so the table excludes it. Table 2 (ImageNet
// mobile setting, C=48, 14 layers, 224×224): 4.7M parameters and 574M
// multiply-adds. Published figures are rounded to 0.1M, so parameters must
// agree within 0.05M. The multiply-adds cannot be reproduced: counting every
// convolution and linear layer gives 530M (the NAS-Bench-201 authors report
// 523M, quark0/darts issue #46, and the authors never published their
// counter); the test holds our count within 8% of the table and exactly to
// its own value.
func TestPublishedDARTS(t *testing.T) {
	g, _ := Named("DARTS_V2")
	cifar, err := spec.Lower(g.Spec(Macro{Auxiliary: true}))
	if err != nil {
		t.Fatal(err)
	}
	r := cifar.Count(1)
	if r.Params != 3349342 || math.Abs(float64(r.Params)-3.3e6) > 0.05e6 {
		t.Errorf("DARTS_V2 CIFAR-10: %d parameters, want 3,349,342 (3.3M)", r.Params)
	}
	if r.AuxParams == 0 {
		t.Errorf("the auxiliary head has no parameters")
	}
	in, err := spec.Lower(g.Spec(Macro{ImageNet: true, Auxiliary: true}))
	if err != nil {
		t.Fatal(err)
	}
	r = in.Count(1)
	if math.Abs(float64(r.Params)-4.7e6) > 0.05e6 {
		t.Errorf("DARTS_V2 ImageNet: %d parameters, want 4.7M", r.Params)
	}
	if math.Abs(float64(r.MACs)-574e6)/574e6 > 0.08 || r.MACs != 529911552 {
		t.Errorf("DARTS_V2 ImageNet: %d multiply-adds, want 529,911,552 (574M published)", r.MACs)
	}
}

func TestPublishedGenotypesCost(t *testing.T) {
	for _, n := range Names() {
		g, _ := Named(n)
		if _, err := spec.Lower(g.Spec(Macro{Auxiliary: true})); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestBuildSmall(t *testing.T) {
	g, _ := Named("DARTS_V2")
	s := g.Spec(Macro{C: 4, Layers: 3, Auxiliary: true})
	net, err := build.Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if r := net.Cost.Count(1); int64(net.Params.Len()) != r.Params+r.AuxParams {
		t.Errorf("built %d parameters, cost model %d + %d", net.Params.Len(), r.Params, r.AuxParams)
	}
	tp := ag.NewTape(nil)
	tp.Train = true
	y := net.Forward(tp, ag.Const(tensor.New(2, 3, 32, 32).Uniform(rand.New(rand.NewSource(2)), -1, 1)))
	if fmt.Sprint(y.Shape()) != "[2 10]" || net.AuxLogits == nil || fmt.Sprint(net.AuxLogits.Shape()) != "[2 10]" {
		t.Fatalf("logits %v, aux %v", y.Shape(), net.AuxLogits)
	}
	tp.Backward(tp.Sum(tp.SoftmaxCrossEntropy(y, []int{0, 1}), tp.Scale(tp.SoftmaxCrossEntropy(net.AuxLogits, []int{0, 1}), 0.4)))
	tp.Train = false
	net.Forward(tp, ag.Const(tensor.New(1, 3, 32, 32)))
	if net.AuxLogits != nil {
		t.Errorf("auxiliary logits in evaluation")
	}
}

// AmoebaNet's reduction cell has conv_7x1_1x7 (a 1×7 then a 7×1
// convolution, each strided along one axis): the network builds with
// exactly the parameters the cost model counts, and trains.
func TestBuildAmoebaNet(t *testing.T) {
	am, _ := Named("AmoebaNet")
	net, err := build.Build(am.Spec(Macro{C: 4, Layers: 3}), rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if r := net.Cost.Count(1); int64(net.Params.Len()) != r.Params+r.AuxParams {
		t.Errorf("built %d parameters, cost model %d + %d", net.Params.Len(), r.Params, r.AuxParams)
	}
	x := ag.Const(tensor.New(4, 3, 32, 32).Uniform(rand.New(rand.NewSource(2)), -1, 1))
	labels := []int{0, 1, 2, 3}
	tp := ag.NewTape(nil)
	tp.Train = true
	var first float32
	for step := range 5 {
		tp.Reset()
		loss := tp.SoftmaxCrossEntropy(net.Forward(tp, x), labels)
		if step == 0 {
			first = loss.Value.Data[0]
		}
		net.Params.ZeroGrad()
		tp.Backward(loss)
		for i, g := range net.Params.Grad {
			net.Params.Data[i] -= 0.05 * g
		}
		if step == 4 && loss.Value.Data[0] >= first {
			t.Errorf("five steps on one batch: loss %v then %v", first, loss.Value.Data[0])
		}
	}
}

// Every DARTS op fits the smallest planes, as in PyTorch, where the padding
// makes each window fit: a network of three cells on 1×1 to 3×3 images,
// whose reductions run conv_7x1_1x7 at stride 2 on 2×2 and 1×1 planes and
// the normal cell after them at stride 1, builds, trains a step and gives
// finite logits.
func TestSmallestImages(t *testing.T) {
	g, err := ParseGenotype("Genotype(normal=[('conv_7x1_1x7', 0), ('conv_7x1_1x7', 1), ('sep_conv_5x5', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 1), ('skip_connect', 0), ('none', 3), ('dil_conv_5x5', 4)], normal_concat=[2, 3, 4, 5], " +
		"reduce=[('conv_7x1_1x7', 0), ('conv_7x1_1x7', 1), ('dil_conv_3x3', 0), ('max_pool_3x3', 1), ('avg_pool_3x3', 2), ('sep_conv_3x3', 1), ('conv_7x1_1x7', 3), ('skip_connect', 4)], reduce_concat=[4, 5])")
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size <= 3; size++ {
		net, err := build.Build(g.Spec(Macro{C: 4, Layers: 3, Size: size}), rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatalf("%d×%d: %v", size, size, err)
		}
		tp := ag.NewTape(nil)
		tp.Train = true
		y := net.Forward(tp, ag.Const(tensor.New(2, 3, size, size).Uniform(rand.New(rand.NewSource(2)), -1, 1)))
		loss := tp.SoftmaxCrossEntropy(y, []int{0, 1})
		tp.Backward(loss)
		if l := float64(loss.Value.Data[0]); math.IsNaN(l) || math.IsInf(l, 0) || fmt.Sprint(y.Shape()) != "[2 10]" {
			t.Errorf("%d×%d: logits %v, loss %v", size, size, y.Shape(), l)
		}
	}
}

func TestSpace(t *testing.T) {
	s := Space{}
	a, err := s.Parse(dartsV2)
	if err != nil {
		t.Fatal(err)
	}
	if err := space.Valid(s, a); err != nil {
		t.Fatal(err)
	}
	if s.Format(a) != dartsV2 {
		t.Errorf("Format(Parse) = %s", s.Format(a))
	}
	if _, err := s.Parse("ENAS"); err == nil || !strings.Contains(err.Error(), "5 nodes") {
		t.Errorf("ENAS in the 4-node space: %v", err)
	}
	r := rand.New(rand.NewSource(3))
	for range 200 {
		b, err := space.Sample(s, r)
		if err != nil || space.Valid(s, b) != nil {
			t.Fatalf("Sample: %v %v", b, err)
		}
		c := space.Mutate(s, b, r)
		if space.Valid(s, c) != nil || c.Key() == b.Key() {
			t.Fatalf("Mutate(%v) = %v", b, c)
		}
		if back, err := s.Parse(s.Format(b)); err != nil || back.Key() != b.Key() {
			t.Fatalf("Parse(Format(%v)) = %v, %v", b, back, err)
		}
	}
	// Swapping a node's two pairs is the same network.
	b := a.Clone()
	b[0], b[1], b[2], b[3] = a[2], a[3], a[0], a[1]
	if space.Hash(s, a) != space.Hash(s, b) || a.Key() == b.Key() {
		t.Errorf("Canonical does not merge swapped pairs")
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := s.FromSpec(sp); err != nil || back.Key() != a.Key() {
		t.Errorf("FromSpec: %v %v", back, err)
	}
	bad := a.Clone()
	bad[2] = bad[0]
	if err := space.Valid(s, bad); err == nil || !strings.Contains(err.Error(), "normal node 2: both inputs are node 0") {
		t.Errorf("same inputs: %v", err)
	}
}

func FuzzParseGenotype(f *testing.F) {
	for _, n := range Names() {
		g, _ := Named(n)
		f.Add(g.String())
	}
	f.Add("Genotype(\n  [(\"sep_conv_3x3\", 0), ('sep_conv_3x3', 1)],\n  (2,),\n  reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)],\n  reduce_concat=list(range(2, 3)),\n)")
	f.Add("Genotype(normal=[('skip_connect', 0), ('skip_connect', 1)], normal_concat=range(0, 100000000000), reduce=[], reduce_concat=[])")
	f.Add("Genotype(normal=[('skip_connect', -0)], normal_concat=[2, 2], reduce=[('none', 1), ('none', 0)], reduce_concat=(2))")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGenotype(s)
		if err != nil {
			return
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("ParseGenotype accepted an invalid genotype: %v", err)
		}
		if len(g.Normal) > 2*MaxNodes || len(g.Reduce) > 2*MaxNodes || len(g.NormalConcat) > MaxNodes+2 || len(g.ReduceConcat) > MaxNodes+2 {
			t.Fatalf("over MaxNodes: %v", g)
		}
		// What String writes reads back the same.
		g2, err := ParseGenotype(g.String())
		if err != nil || g2.String() != g.String() {
			t.Fatalf("round trip of %s: %s, %v", g, g2, err)
		}
		sp := g.Spec(Macro{C: 4, Layers: 3})
		if sp == nil || sp.Cells == nil {
			t.Fatalf("no spec of %s", g)
		}
	})
}
