package mobilenet

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/spacetest"
	"nasbook/space/spec"
)

func count(t *testing.T, n Net) (params, macs int64) {
	t.Helper()
	s, err := n.Spec()
	if err != nil {
		t.Fatal(err)
	}
	r, err := spec.Cost(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r.Params, r.MACs
}

// MobileNetV2 (Sandler et al., CVPR 2018), Table 4: 3.4M parameters, 300M
// multiply-adds at 224×224. MobileNetV3 (Howard et al., ICCV 2019), Table 3:
// MobileNetV3-Large 1.0, 5.4M parameters, 219M multiply-adds.
//
// The networks are built as torchvision builds them, and their parameter
// counts equal torchvision's mobilenet_v2 and mobilenet_v3_large exactly
// (3,504,872 and 5,483,032, torchvision's model docs), which is what we
// check. MobileNetV2's 3.4M is not a rounding of that count (3.50M): the
// paper's table gives 0.1M less than the network it describes, so the
// paper's figures are only checked within 0.15M. Multiply-adds count every
// convolution and linear layer (squeeze-excitation included): 300.8M and
// 216.6M (torchvision documents 0.30 and 0.22 GFLOPS for these builds).
// They must agree with the papers within 1.5%: the papers round to 1M, and
// MobileNetV3's 219M, measured on the authors' TensorFlow model, is 1.1%
// above the convolution and linear count, from operations that count
// leaves out (the excitation products alone are 0.6M).
func TestPublishedMobileNets(t *testing.T) {
	for _, c := range []struct {
		net                    Net
		exact                  int64
		paperParams, paperMACs float64
	}{
		{MobileNetV2(), 3504872, 3.4e6, 300e6},
		{MobileNetV3Large(), 5483032, 5.4e6, 219e6},
	} {
		p, m := count(t, c.net)
		t.Logf("%s: %d params, %d MACs", c.net.Name, p, m)
		if p != c.exact || math.Abs(float64(p)-c.paperParams) > 0.15e6 {
			t.Errorf("%s: %d parameters, want %d (%.1fM published)", c.net.Name, p, c.exact, c.paperParams/1e6)
		}
		if math.Abs(float64(m)-c.paperMACs)/c.paperMACs > 0.015 {
			t.Errorf("%s: %d multiply-adds, want %.0fM within 1.5%%", c.net.Name, m, c.paperMACs/1e6)
		}
	}
}

// MobileNetV3-Small (Howard et al., ICCV 2019, Table 4: 2.5M parameters,
// 56M multiply-adds) and EfficientNet-B0 to B3 (Tan and Le, ICML 2019,
// Table 2: 5.3M and 0.39B, 7.8M and 0.70B, 9.2M and 1.0B, 12M and 1.8B),
// against torchvision's builds of the same networks: their parameter
// counts (torchvision's model docs: 2,542,856; 5,288,548; 7,794,184;
// 9,109,994; 12,233,232) exactly, and the multiply-adds of their
// convolutions and linear layers within 1% of the published figure or
// within its rounding (half a unit of its last digit), whichever is looser:
// "0.39" stands for anything from 0.385 to 0.395, and B0's count, 385.8M, is
// 1.07% under it. The figures are torchvision's GFLOPS (which count
// multiply-adds of the same layers) where they are at the paper's
// resolution, else the paper's. torchvision gives B2 1.09 at its evaluation
// size, 288, where this count is 1.0875G (checked too); at the paper's 260
// it is 0.994G against the paper's 1.0B. The paper's B1 figure, 0.70B, is
// 1.9% above this count and torchvision's (0.69): like MobileNetV3's, it was
// measured on TensorFlow and counts operations besides convolutions and
// linear layers.
func TestPublishedSmallNets(t *testing.T) {
	b := func(i int) Net {
		n, err := EfficientNetB(i)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	b2at288 := EfficientNet("EfficientNet-B2 at 288", 1.1, 1.2, 288, 0.3)
	for _, c := range []struct {
		net        Net
		params     int64
		macs, unit float64 // the published figure and its last digit's unit
	}{
		{MobileNetV3Small(), 2542856, 56e6, 1e6},
		{b(0), 5288548, 0.39e9, 0.01e9},
		{b(1), 7794184, 0.69e9, 0.01e9},
		{b(2), 9109994, 1.0e9, 0.1e9},
		{b2at288, 9109994, 1.09e9, 0.01e9},
		{b(3), 12233232, 1.83e9, 0.01e9},
	} {
		p, m := count(t, c.net)
		t.Logf("%s: %d params, %d MACs (%+.2f%%)", c.net.Name, p, m, 100*(float64(m)/c.macs-1))
		if p != c.params {
			t.Errorf("%s: %d parameters, want %d", c.net.Name, p, c.params)
		}
		if d := math.Abs(float64(m) - c.macs); d > 0.01*c.macs && d > c.unit/2 {
			t.Errorf("%s: %d multiply-adds, want %g within 1%% or %g", c.net.Name, m, c.macs, c.unit/2)
		}
	}
}

// EfficientNet's squeeze-excitation squeezes a quarter of the block's input
// channels (torchvision: max(1, input_channels // 4)), MobileNetV3's a
// quarter of the expanded ones rounded to 8 (_make_divisible(expanded //
// 4, 8)): B0's second block (16 -> 96 expanded) squeezes to 4, V3-Large's
// fourth (24 -> 72) to 24.
func TestSqueezeWidths(t *testing.T) {
	for _, c := range []struct {
		net   Net
		block int
		want  int
	}{{EfficientNet("B0", 1, 1, 224, 0.2), 1, 4}, {EfficientNet("B0", 1, 1, 224, 0.2), 0, 8}, {MobileNetV3Large(), 3, 24}} {
		s, err := c.net.Spec()
		if err != nil {
			t.Fatal(err)
		}
		n, err := spec.Lower(s)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("layers.%d.se.fc1", 3+c.block)
		found := false
		for _, l := range n.Layers {
			if l.Name == name {
				found = true
				if l.Width != c.want {
					t.Errorf("%s block %d: squeeze to %d channels, want %d", c.net.Name, c.block, l.Width, c.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no layer %s", c.net.Name, name)
		}
	}
}

func TestSpace(t *testing.T) {
	s := Space{Classes: 10, Size: 32}
	if space.Size(s) != int64(math.Pow(3*3*3*3*2*2, 5)) {
		t.Errorf("Size = %d", space.Size(s))
	}
	r := rand.New(rand.NewSource(1))
	a, _ := space.Sample(s, r)
	if back, err := s.Parse(s.Format(a)); err != nil || back.Key() != a.Key() {
		t.Fatalf("Parse(Format) = %v, %v", back, err)
	}
	if _, err := s.Parse("k5-e6-d4-w1.0-se-swish|" + s.Format(a)); err == nil {
		t.Errorf("bad stage parsed")
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(2)))
	if err != nil {
		t.Fatal(err)
	}
	if rp := net.Cost.Count(1); int64(net.Params.Len()) != rp.Params {
		t.Errorf("built %d parameters, cost model %d", net.Params.Len(), rp.Params)
	}
	tp := ag.NewTape(nil)
	y := net.Forward(tp, ag.Const(tensor.New(1, 3, 32, 32)))
	if fmt.Sprint(y.Shape()) != "[1 10]" {
		t.Errorf("logits %v", y.Shape())
	}
}

func FuzzParse(f *testing.F) {
	s := Space{}
	f.Add(s.Format(make(space.Arch, len(s.Dims()))), 0)
	f.Add("k5-e6-d4-w1.0-se-hswish|k3-e3-d2-w0.75-nose-relu|k7-e4-d3-w1.25-se-relu|k5-e6-d4-w1.0-se-hswish|k3-e3-d2-w1.0-nose-relu", 0)
	f.Add("k3-e3-d2-w1.0-se-relu", 1)
	f.Add("k3-e3-d2-w1.0-se-relu|||--", 2)
	f.Fuzz(func(t *testing.T, text string, stages int) {
		s := Space{}
		if stages > 0 {
			s.Stages = ofaStages[:1+stages%len(ofaStages)]
		}
		spacetest.CheckParse(t, s, text)
	})
}
