// Package mobilenet is a MobileNet-style macro search space (ProxylessNAS,
// Once-for-All) and the networks MobileNetV2, MobileNetV3-Large and -Small,
// and EfficientNet-B0 to B7.
//
// A Net is a stem convolution, a list of inverted residual blocks (MBConv:
// expansion 1×1, depthwise k×k, optional squeeze-excitation, projection
// 1×1, residual when shapes allow) and a head (1×1 convolution, global
// pooling, optional hidden linear layer, classifier). It is the macro
// format every network of this package is written in, the published ones
// included, and it converts to an architecture spec.
//
// The search space (Space) chooses, per stage of a base network (by
// default Once-for-All's MobileNetV3 base: stages of widths 24, 40, 80,
// 112, 160), the depthwise kernel (3, 5, 7), the expansion ratio (3, 4, 6),
// the depth (2, 3, 4), a width multiplier (0.75, 1, 1.25), squeeze-
// excitation (off, on) and the activation (relu, hswish). Once-for-All
// chooses kernel and expansion per block; choosing them per stage keeps
// the space small enough to enumerate by stage.
package mobilenet

import (
	"fmt"
	"math"

	"nasbook/space/spec"
)

// Block is one inverted residual block.
type Block struct {
	Out, Hidden, Kernel, Stride int
	// SE is squeeze-excitation, MobileNetV3's (to MakeDivisible(Hidden/4,
	// 8) channels, ReLU, hard sigmoid) or with SEInput EfficientNet's (to
	// a quarter of the block's input channels, swish, sigmoid).
	SE, SEInput bool
	Act         string // relu, relu6, hswish or swish
}

// Net is a MobileNet-style network.
type Net struct {
	Name       string
	StemOut    int    // Conv3×3 stride 2, BN, StemAct
	StemAct    string // relu, relu6, hswish or swish
	Blocks     []Block
	HeadConv   int    // 1×1 conv after the blocks, BN, HeadAct
	HeadAct    string //
	HeadLinear int    // a hidden linear layer with HeadAct after pooling (MobileNetV3); zero for none
	Dropout    float64
	Classes    int // zero means 1000
	Size       int // input height and width; zero means 224
}

var actOps = map[string]spec.LayerOp{"relu": spec.ReLU, "relu6": spec.ReLU6, "hswish": spec.HSwish, "swish": spec.Swish}

func act(name string) (spec.Layer, error) {
	op, ok := actOps[name]
	if !ok {
		return spec.Layer{}, fmt.Errorf("mobilenet: unknown activation %q (want relu, relu6, hswish or swish)", name)
	}
	return spec.Layer{Op: op}, nil
}

// Spec returns the network as a sequential spec.
func (n Net) Spec() (*spec.Spec, error) {
	classes, size := n.Classes, n.Size
	if classes == 0 {
		classes = 1000
	}
	if size == 0 {
		size = 224
	}
	stemAct, err := act(n.StemAct)
	if err != nil {
		return nil, err
	}
	headAct, err := act(n.HeadAct)
	if err != nil {
		return nil, err
	}
	ls := []spec.Layer{{Op: spec.Conv, Out: n.StemOut, Kernel: 3, Stride: 2, Same: true}, {Op: spec.BatchNorm}, stemAct}
	for i, b := range n.Blocks {
		if _, ok := actOps[b.Act]; !ok {
			return nil, fmt.Errorf("mobilenet: block %d: unknown activation %q", i, b.Act)
		}
		ls = append(ls, spec.Layer{Op: spec.MBConv, Out: b.Out, Hidden: b.Hidden, Kernel: b.Kernel, Stride: b.Stride, SE: b.SE, SEInput: b.SE && b.SEInput, Act: b.Act})
	}
	ls = append(ls, spec.Layer{Op: spec.Conv, Out: n.HeadConv, Kernel: 1}, spec.Layer{Op: spec.BatchNorm}, headAct, spec.Layer{Op: spec.GlobalPool})
	if n.HeadLinear > 0 {
		ls = append(ls, spec.Layer{Op: spec.Linear, Out: n.HeadLinear, Bias: true}, headAct)
	}
	if n.Dropout > 0 {
		ls = append(ls, spec.Layer{Op: spec.Dropout, P: n.Dropout})
	}
	ls = append(ls, spec.Layer{Op: spec.Linear, Out: classes, Bias: true})
	return &spec.Spec{Space: "mobilenet", Arch: n.Name, Kind: spec.KindSequential, Input: []int{3, size, size}, Classes: classes, Layers: ls}, nil
}

// MobileNetV2 is MobileNetV2 1.0 (Sandler et al., CVPR 2018, Table 2) as
// torchvision builds it: bottlenecks (t, c, n, s) = (1,16,1,1), (6,24,2,2),
// (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1), ReLU6,
// a 1280-channel head and dropout 0.2.
func MobileNetV2() Net {
	n := Net{Name: "MobileNetV2", StemOut: 32, StemAct: "relu6", HeadConv: 1280, HeadAct: "relu6", Dropout: 0.2}
	in := 32
	for _, s := range [][4]int{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}} {
		for i := 0; i < s[2]; i++ {
			st := 1
			if i == 0 {
				st = s[3]
			}
			n.Blocks = append(n.Blocks, Block{Out: s[1], Hidden: in * s[0], Kernel: 3, Stride: st, Act: "relu6"})
			in = s[1]
		}
	}
	return n
}

// MobileNetV3Large is MobileNetV3-Large 1.0 (Howard et al., ICCV 2019,
// Table 1) as torchvision builds it.
func MobileNetV3Large() Net {
	n := Net{Name: "MobileNetV3-Large", StemOut: 16, StemAct: "hswish", HeadConv: 960, HeadAct: "hswish", HeadLinear: 1280, Dropout: 0.2}
	// kernel, expanded, out, SE, hswish, stride
	for _, r := range [][6]int{
		{3, 16, 16, 0, 0, 1}, {3, 64, 24, 0, 0, 2}, {3, 72, 24, 0, 0, 1},
		{5, 72, 40, 1, 0, 2}, {5, 120, 40, 1, 0, 1}, {5, 120, 40, 1, 0, 1},
		{3, 240, 80, 0, 1, 2}, {3, 200, 80, 0, 1, 1}, {3, 184, 80, 0, 1, 1}, {3, 184, 80, 0, 1, 1},
		{3, 480, 112, 1, 1, 1}, {3, 672, 112, 1, 1, 1},
		{5, 672, 160, 1, 1, 2}, {5, 960, 160, 1, 1, 1}, {5, 960, 160, 1, 1, 1},
	} {
		a := "relu"
		if r[4] == 1 {
			a = "hswish"
		}
		n.Blocks = append(n.Blocks, Block{Out: r[2], Hidden: r[1], Kernel: r[0], Stride: r[5], SE: r[3] == 1, Act: a})
	}
	return n
}

// MobileNetV3Small is MobileNetV3-Small 1.0 (Howard et al., ICCV 2019,
// Table 2) as torchvision builds it.
func MobileNetV3Small() Net {
	n := Net{Name: "MobileNetV3-Small", StemOut: 16, StemAct: "hswish", HeadConv: 576, HeadAct: "hswish", HeadLinear: 1024, Dropout: 0.2}
	// kernel, expanded, out, SE, hswish, stride
	for _, r := range [][6]int{
		{3, 16, 16, 1, 0, 2},
		{3, 72, 24, 0, 0, 2}, {3, 88, 24, 0, 0, 1},
		{5, 96, 40, 1, 1, 2}, {5, 240, 40, 1, 1, 1}, {5, 240, 40, 1, 1, 1},
		{5, 120, 48, 1, 1, 1}, {5, 144, 48, 1, 1, 1},
		{5, 288, 96, 1, 1, 2}, {5, 576, 96, 1, 1, 1}, {5, 576, 96, 1, 1, 1},
	} {
		a := "relu"
		if r[4] == 1 {
			a = "hswish"
		}
		n.Blocks = append(n.Blocks, Block{Out: r[2], Hidden: r[1], Kernel: r[0], Stride: r[5], SE: r[3] == 1, Act: a})
	}
	return n
}

// EfficientNet is EfficientNet-B0 (Tan and Le, ICML 2019, Table 1) scaled
// by the width and depth coefficients at the given input size, with the
// given dropout, as torchvision builds it: a Conv3×3/2 stem to 32·width
// channels, MBConv stages (expansion, kernel, stride, channels, blocks) =
// (1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
// (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1), each block's
// channels MakeDivisible(width·c, 8) and each stage's blocks ⌈depth·n⌉,
// swish throughout, squeeze-excitation to a quarter of each block's input
// channels, and a 1×1 head to four times the last stage's channels.
func EfficientNet(name string, width, depth float64, size int, dropout float64) Net {
	ch := func(c int) int { return spec.MakeDivisible(float64(c)*width, 8) }
	n := Net{Name: name, StemOut: ch(32), StemAct: "swish", HeadAct: "swish", Dropout: dropout, Size: size}
	in := n.StemOut
	for _, st := range [][5]int{{1, 3, 1, 16, 1}, {6, 3, 2, 24, 2}, {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3}, {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1}} {
		out := ch(st[3])
		blocks := int(math.Ceil(float64(st[4]) * depth))
		for i := 0; i < blocks; i++ {
			stride := 1
			if i == 0 {
				stride = st[2]
			}
			n.Blocks = append(n.Blocks, Block{Out: out, Hidden: spec.MakeDivisible(float64(in*st[0]), 8), Kernel: st[1], Stride: stride, SE: true, SEInput: true, Act: "swish"})
			in = out
		}
	}
	n.HeadConv = 4 * in
	return n
}

// EfficientNetB returns EfficientNet-B0 to B7 (i = 0 to 7) with the
// paper's coefficients (width, depth, resolution, dropout): B0 (1.0, 1.0,
// 224, 0.2), B1 (1.0, 1.1, 240, 0.2), B2 (1.1, 1.2, 260, 0.3), B3 (1.2,
// 1.4, 300, 0.3), B4 (1.4, 1.8, 380, 0.4), B5 (1.6, 2.2, 456, 0.4), B6
// (1.8, 2.6, 528, 0.5), B7 (2.0, 3.1, 600, 0.5).
func EfficientNetB(i int) (Net, error) {
	if i < 0 || i >= len(efficientNets) {
		return Net{}, fmt.Errorf("mobilenet: EfficientNet-B%d: want B0 to B%d", i, len(efficientNets)-1)
	}
	c := efficientNets[i]
	return EfficientNet(fmt.Sprintf("EfficientNet-B%d", i), c.width, c.depth, c.size, c.dropout), nil
}

var efficientNets = []struct {
	width, depth float64
	size         int
	dropout      float64
}{{1.0, 1.0, 224, 0.2}, {1.0, 1.1, 240, 0.2}, {1.1, 1.2, 260, 0.3}, {1.2, 1.4, 300, 0.3},
	{1.4, 1.8, 380, 0.4}, {1.6, 2.2, 456, 0.4}, {1.8, 2.6, 528, 0.5}, {2.0, 3.1, 600, 0.5}}
