package transformer

import (
	"fmt"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/spacetest"
	"nasbook/space/spec"
)

func TestSpace(t *testing.T) {
	for _, s := range []Space{{}, {Input: []int{12, 5}, Classes: 3}} {
		a, err := s.Parse("L2-H2-D32-R2")
		if err != nil {
			t.Fatal(err)
		}
		if s.Format(a) != "L2-H2-D32-R2" {
			t.Errorf("Format = %s", s.Format(a))
		}
		sp, err := space.ToSpec(s, a)
		if err != nil {
			t.Fatal(err)
		}
		net, err := build.Build(sp, rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatal(err)
		}
		// Per block: 2·(2D) LN + (3D²+3D) + (D²+D) + (2D²+2D) + (2D²+D) = 8D² + 11D; D = 32.
		tokens, feats := 64, 3*4*4
		if len(sp.Input) == 2 {
			tokens, feats = sp.Input[0], sp.Input[1]
		}
		want := (feats+1+tokens)*32 + 2*(8*32*32+11*32) + 2*32 + 32*sp.Classes + sp.Classes
		r := net.Cost.Count(1)
		if net.Params.Len() != want || r.Params != int64(want) {
			t.Errorf("%v: %d parameters (cost model %d), want %d", sp.Input, net.Params.Len(), r.Params, want)
		}
		tp := ag.NewTape(nil)
		tp.Train = true
		y := net.Forward(tp, ag.Const(tensor.New(append([]int{2}, sp.Input...)...).Uniform(rand.New(rand.NewSource(2)), -1, 1)))
		if fmt.Sprint(y.Shape()) != fmt.Sprint([]int{2, sp.Classes}) {
			t.Fatalf("logits %v", y.Shape())
		}
		tp.Backward(tp.SoftmaxCrossEntropy(y, []int{0, 1}))
	}
	n := 0
	space.Enumerate(Space{}, func(space.Arch) bool { n++; return true })
	if n != 5*3*4*3*7 { // experts and top-k: 1 and top-1, or 2, 4, 8 with top-1 or top-2
		t.Errorf("%d architectures", n)
	}
}

// TestMixtureOfExpertsCost holds a mixture-of-experts network's counts to
// figures worked out by hand, and the built network to them.
func TestMixtureOfExpertsCost(t *testing.T) {
	s := Space{Input: []int{5, 3}, Classes: 3} // T = 5 tokens of F = 3 features
	a, err := s.Parse("L1-H1-D32-R2-E4-K2")
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Config(a); c.Experts != 4 || c.TopK != 2 || s.Format(a) != "L1-H1-D32-R2-E4-K2" {
		t.Fatalf("config %+v, format %s", c, s.Format(a))
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	// D = 32, hidden H = 64, E = 4 experts, k = 2.
	// Parameters: embed (F+T)·D + D = 288; block: norms 2·2D = 128, qkv
	// 3D²+3D = 3168, proj D²+D = 1056, router D·E = 128 (no bias), each
	// expert (D·H+H) + (H·D+D) = 4192, so 4·4192 = 16768; final norm 64;
	// head 32·3+3 = 99. Total 288+128+3168+1056+128+16768+64+99 = 21699;
	// active (two experts of four) 21699 − 2·4192 = 13315.
	// MACs per example: embed T·F·D = 480, qkv T·D·3D = 15360, attention
	// 2·T²·D = 1600, proj T·D² = 5120, head 96; the mixture per token is the
	// router D·E = 128 and k experts 2·(D·H + H·D) = 8192, 8320 in all, so
	// 41600 for five tokens: 64256. With every expert the experts cost
	// 4·5·2·D·H = 81920 instead of 40960: 105216.
	r, err := spec.Cost(sp, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Params != 21699 || r.ActiveParams != 13315 || r.MACs != 64256 || r.TotalMACs != 105216 || r.FLOPs != 2*64256 {
		t.Errorf("params %d, active %d, MACs %d, with every expert %d, FLOPs %d; want 21699, 13315, 64256, 105216, 128512",
			r.Params, r.ActiveParams, r.MACs, r.TotalMACs, r.FLOPs)
	}
	// A token costs a fifth of the example: 12851.2 MACs.
	if r.Tokens != 5 || r.MACsPerToken != 12851.2 {
		t.Errorf("%d tokens, %v MACs a token; want 5 and 12851.2", r.Tokens, r.MACsPerToken)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if net.Params.Len() != 21699 {
		t.Errorf("built %d parameters, want 21699", net.Params.Len())
	}
	tp := ag.NewTape(nil)
	tp.Train = true
	y := net.Forward(tp, ag.Const(tensor.New(4, 5, 3).Uniform(rand.New(rand.NewSource(2)), -1, 1)))
	tp.Backward(tp.SoftmaxCrossEntropy(y, []int{0, 1, 2, 0}))
	if tp.AuxLoss() <= 0 {
		t.Errorf("the block added no load-balancing loss")
	}
	// A dense architecture costs the same active as total, and reads back
	// from its long form.
	d, err := s.Parse("L1-H1-D32-R2-E1-K1")
	if err != nil || s.Format(d) != "L1-H1-D32-R2" {
		t.Fatalf("dense long form: %v, %v", s.Format(d), err)
	}
	sp, _ = space.ToSpec(s, d)
	// Its token costs the mixture's, less the router's D·E = 128 and one of
	// the two experts, D·H + H·D = 4096: 12851.2 − 4224 = 8627.2.
	if r, _ := spec.Cost(sp, 1); r.ActiveParams != r.Params || r.TotalMACs != r.MACs || r.Tokens != 5 || r.MACsPerToken != 8627.2 {
		t.Errorf("dense: %+v", r)
	}
	for _, bad := range []string{"L1-H1-D32-R2-E1-K2", "L1-H1-D32-R2-E3-K1", "L1-H1-D32-R2-E4"} {
		if _, err := s.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("L4-H2-D64-R4")
	f.Add("L2-H2-D32-R2-E8-K2")
	f.Add("L2-H2-D32-R2-E1-K2")
	f.Add("L2-H2-D32-R2-E4-K1-")
	f.Add(" L1-H1-D32-R2\n")
	f.Add("L6-H4-D96-R3")
	f.Add("L4-H4-D-R4--")
	f.Fuzz(func(t *testing.T, text string) {
		s := Space{}
		a, ok := spacetest.CheckParse(t, s, text)
		if !ok {
			return
		}
		if _, err := s.Spec(a); err != nil {
			t.Fatalf("Spec(%q): %v", text, err)
		}
	})
}

// TestTokenSpace builds a network of token ids: a [V,D] table and a [T,D]
// position table, then the blocks, as TestSpace counts them.
func TestTokenSpace(t *testing.T) {
	s := Space{Input: []int{7, 1}, Classes: 8, Vocab: 72}
	a, err := s.Parse("L2-H4-D32-R2")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	want := 72*32 + 7*32 + 2*(8*32*32+11*32) + 2*32 + 32*8 + 8
	if r := net.Cost.Count(1); net.Params.Len() != want || r.Params != int64(want) {
		t.Errorf("%d parameters (cost model %d), want %d", net.Params.Len(), r.Params, want)
	}
	ids := tensor.New(3, 1, 7, 1) // as a dataset's batch stores them
	for i := range ids.Data {
		ids.Data[i] = float32(i * 5 % 72)
	}
	if y := net.Forward(ag.NewTape(nil), ag.Const(ids)); fmt.Sprint(y.Shape()) != "[3 8]" {
		t.Errorf("logits %v, want [3 8]", y.Shape())
	}
	for _, bad := range []Space{{Input: []int{7, 2}, Vocab: 72}, {Vocab: 72}} {
		if _, err := bad.Spec(a); err == nil {
			t.Errorf("token ids on input %v: no error", bad.Input)
		}
	}
}
