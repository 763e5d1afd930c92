package transformer

import (
	"fmt"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/tensor"
	"nasbook/space"
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
	if n != 5*3*4*3 {
		t.Errorf("%d architectures", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("L4-H2-D64-R4")
	f.Add(" L1-H1-D32-R2\n")
	f.Add("L6-H4-D96-R3")
	f.Add("L4-H4-D-R4--")
	f.Fuzz(func(t *testing.T, text string) {
		s := Space{}
		a, err := s.Parse(text)
		if err != nil {
			if len(err.Error()) > 1000 { // two quotes of 60 bytes, each byte at most 4 when escaped
				t.Fatalf("an error of %d bytes: %.100s...", len(err.Error()), err)
			}
			return
		}
		if err := space.Valid(s, a); err != nil {
			t.Fatalf("Parse(%q) is not valid: %v", text, err)
		}
		b, err := s.Parse(s.Format(a))
		if err != nil || b.Key() != a.Key() {
			t.Fatalf("round trip of %q: %v, %v", text, b, err)
		}
		if _, err := s.Spec(a); err != nil {
			t.Fatalf("Spec(%q): %v", text, err)
		}
	})
}
