package export

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/space/spaces"
)

// The exported weights load back into a network of the same architecture
// built from another seed, which then predicts what the exported one does.
func TestLoadWeightsRoundTrip(t *testing.T) {
	s := specOf(t, archs[0].text, archs[0].set, archs[0].input)
	src := trained(t, s)
	pt, err := ToPyTorch(src, "nb201")
	if err != nil {
		t.Fatal(err)
	}
	dst, err := build.Build(s, rand.New(rand.NewSource(9)))
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadWeights(dst, pt.Weights); err != nil {
		t.Fatal(err)
	}
	x, _ := batch(rand.New(rand.NewSource(4)), s)
	tp := ag.NewTape(nil)
	want := append([]float32(nil), src.Forward(tp, ag.Const(x)).Value.Values()...)
	got := dst.Forward(tp, ag.Const(x)).Value.Values()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("output %d: %g after loading, %g exported", i, got[i], want[i])
		}
	}

	other, err := spaces.Spec("DARTS_V2", spaces.Settings{C: 4, Layers: 3})
	if err != nil {
		t.Fatal(err)
	}
	dn, err := build.Build(other, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadWeights(dn, pt.Weights); err == nil || !strings.Contains(err.Error(), "another network") {
		t.Fatalf("loading an NB201 network's weights into DARTS: %v", err)
	}
}

// FuzzLoadWeights reads arbitrary bytes as a weights file: an error, never
// a panic.
func FuzzLoadWeights(f *testing.F) {
	s, err := spaces.Spec("|nor_conv_1x1~0|+|skip_connect~0|none~1|+|none~0|avg_pool_3x3~1|skip_connect~2|", spaces.Settings{C: 2, Layers: 1})
	if err != nil {
		f.Fatal(err)
	}
	net, err := build.Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		f.Fatal(err)
	}
	pt, err := ToPyTorch(net, "seed")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pt.Weights)
	f.Add(pt.Weights[:100])
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		LoadWeights(net, b)
	})
}
