// Package resnet is the ResNet family (He et al., "Deep Residual Learning
// for Image Recognition", CVPR 2016, Table 1) as torchvision builds it, in
// the layer-list notation of package spec: residual blocks are branch
// layers whose empty branch is the shortcut (the identity, or a 1×1
// convolution and batch norm where the block changes the shape, the
// paper's option B).
//
// A Net is a stem (Conv7×7/2 64, BN, ReLU, MaxPool 3×3/2), four stages of
// blocks of widths Width, 2·Width, 4·Width, 8·Width, the first block of
// every stage but the first with stride 2, global average pooling and a
// linear classifier. A basic block is Conv3×3, BN, ReLU, Conv3×3, BN; a
// bottleneck block Conv1×1, BN, ReLU, Conv3×3, BN, ReLU, Conv1×1 to four
// times the width, BN, with its stride on the 3×3 convolution (torchvision's
// "ResNet v1.5"; the paper strides the first 1×1, which changes the
// multiply-adds, not the parameters). Each block is followed by a ReLU.
package resnet

import (
	"fmt"

	"nasbook/space/spec"
)

// Net is a ResNet.
type Net struct {
	Name       string
	Depths     []int // blocks per stage
	Bottleneck bool  // bottleneck blocks (ResNet-50 and deeper) instead of basic ones
	Width      int   // the first stage's width; zero means 64
	Classes    int   // zero means 1000
	Size       int   // input height and width; zero means 224
	Channels   int   // input channels; zero means 3
}

// ResNet18 is ResNet-18: basic blocks, 2, 2, 2, 2 per stage.
func ResNet18() Net { return Net{Name: "ResNet-18", Depths: []int{2, 2, 2, 2}} }

// ResNet34 is ResNet-34: basic blocks, 3, 4, 6, 3 per stage.
func ResNet34() Net { return Net{Name: "ResNet-34", Depths: []int{3, 4, 6, 3}} }

// ResNet50 is ResNet-50: bottleneck blocks, 3, 4, 6, 3 per stage.
func ResNet50() Net { return Net{Name: "ResNet-50", Depths: []int{3, 4, 6, 3}, Bottleneck: true} }

func conv(out, k, stride int) spec.Layer {
	return spec.Layer{Op: spec.Conv, Out: out, Kernel: k, Stride: stride, Same: true}
}

var (
	bn   = spec.Layer{Op: spec.BatchNorm}
	relu = spec.Layer{Op: spec.ReLU}
)

// Block returns one residual block of width w (a bottleneck's output is
// 4w) and the given stride, with the ReLU after it.
func Block(w, stride int, bottleneck bool) []spec.Layer {
	body := []spec.Layer{conv(w, 3, stride), bn, relu, conv(w, 3, 1), bn}
	if bottleneck {
		body = []spec.Layer{conv(w, 1, 1), bn, relu, conv(w, 3, stride), bn, relu, conv(4*w, 1, 1), bn}
	}
	return []spec.Layer{{Op: spec.Branch, Branches: [][]spec.Layer{body, nil}}, relu}
}

// Spec returns the network as a sequential spec.
func (n Net) Spec() (*spec.Spec, error) {
	w, classes, size, ch := n.Width, n.Classes, n.Size, n.Channels
	if w == 0 {
		w = 64
	}
	if classes == 0 {
		classes = 1000
	}
	if size == 0 {
		size = 224
	}
	if ch == 0 {
		ch = 3
	}
	if len(n.Depths) == 0 {
		return nil, fmt.Errorf("resnet: %s: no stages", n.Name)
	}
	ls := []spec.Layer{conv(w, 7, 2), bn, relu, {Op: spec.MaxPool, Kernel: 3, Stride: 2, Padding: 1}}
	for i, d := range n.Depths {
		if d < 1 {
			return nil, fmt.Errorf("resnet: %s: stage %d has %d blocks, want at least 1", n.Name, i+1, d)
		}
		for j := 0; j < d; j++ {
			stride := 1
			if j == 0 && i > 0 {
				stride = 2
			}
			ls = append(ls, Block(w<<i, stride, n.Bottleneck)...)
		}
	}
	ls = append(ls, spec.Layer{Op: spec.GlobalPool}, spec.Layer{Op: spec.Linear, Out: classes, Bias: true})
	return &spec.Spec{Space: "resnet", Arch: n.Name, Kind: spec.KindSequential, Input: []int{ch, size, size}, Classes: classes, Layers: ls}, nil
}
