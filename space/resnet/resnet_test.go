package resnet

import (
	"math"
	"strings"
	"testing"

	"nasbook/engine/cost"
	"nasbook/space/spec"
)

// ResNet-18, -34 and -50 (He et al., CVPR 2016, Table 1: 1.8, 3.6 and 3.8
// GFLOPs, multiply-adds) as torchvision builds them: their parameter counts
// equal torchvision's exactly (11,689,512; 21,797,672; 25,557,032, its
// model docs), and their multiply-adds, of every convolution and linear
// layer at 224×224, are within 1% of torchvision's GFLOPS (1.81, 3.66,
// 4.09, which count the same layers). The paper's ResNet-50 strides its
// first 1×1 convolution instead of the 3×3: 3.8 GFLOPs for 4.09 here.
func TestPublishedResNets(t *testing.T) {
	for _, c := range []struct {
		net    Net
		params int64
		macs   float64
	}{
		{ResNet18(), 11689512, 1.81e9},
		{ResNet34(), 21797672, 3.66e9},
		{ResNet50(), 25557032, 4.09e9},
	} {
		s, err := c.net.Spec()
		if err != nil {
			t.Fatal(err)
		}
		r, err := spec.Cost(s, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d params, %d MACs (%+.2f%%)", c.net.Name, r.Params, r.MACs, 100*(float64(r.MACs)/c.macs-1))
		if r.Params != c.params {
			t.Errorf("%s: %d parameters, want %d", c.net.Name, r.Params, c.params)
		}
		if math.Abs(float64(r.MACs)/c.macs-1) > 0.01 {
			t.Errorf("%s: %d multiply-adds, want %g within 1%%", c.net.Name, r.MACs, c.macs)
		}
	}
}

// A stage's first block projects its shortcut (a 1×1 convolution with
// stride 2 and a batch norm, torchvision's downsample); the others add the
// identity. ResNet-18 has three projections, ResNet-50 four (its first
// stage widens 64 to 256).
func TestShortcuts(t *testing.T) {
	for _, c := range []struct {
		net  Net
		want int
	}{{ResNet18(), 3}, {ResNet50(), 4}} {
		s, err := c.net.Spec()
		if err != nil {
			t.Fatal(err)
		}
		n, err := spec.Lower(s)
		if err != nil {
			t.Fatal(err)
		}
		proj := 0
		for _, l := range n.Layers {
			if l.Kind == cost.Conv && strings.HasSuffix(l.Name, ".branches.1.0") { // the empty branch's convolution
				if l.KH != 1 || l.SH != 2 && l.In[0] != 64 {
					t.Errorf("%s: shortcut %s: %dx%d/%d", c.net.Name, l.Name, l.KH, l.KW, l.SH)
				}
				proj++
			}
		}
		if proj != c.want {
			t.Errorf("%s: %d projected shortcuts, want %d", c.net.Name, proj, c.want)
		}
	}
	if _, err := (Net{Name: "empty"}).Spec(); err == nil {
		t.Errorf("a ResNet without stages")
	}
}
