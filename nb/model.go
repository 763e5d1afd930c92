package nb

import (
	"fmt"
	"math/rand"
	"strings"

	"nasbook/engine/build"
	"nasbook/space/spec"
)

// layerKind is the type of a Layer.
type layerKind int

const (
	convLayer layerKind = iota + 1
	denseLayer
	reluLayer
	geluLayer
	maxPoolLayer
	avgPoolLayer
	globalPoolLayer
	batchNormLayer
	dropoutLayer
	flattenLayer
	patchesLayer
	embedLayer
	transformerLayer
	layerNormLayer
	mbconvLayer
)

func (k layerKind) String() string {
	switch k {
	case convLayer:
		return "Conv"
	case denseLayer:
		return "Dense"
	case reluLayer:
		return "ReLU"
	case geluLayer:
		return "GELU"
	case maxPoolLayer:
		return "MaxPool"
	case avgPoolLayer:
		return "AvgPool"
	case globalPoolLayer:
		return "GlobalAvgPool"
	case batchNormLayer:
		return "BatchNorm"
	case dropoutLayer:
		return "Dropout"
	case flattenLayer:
		return "Flatten"
	case patchesLayer:
		return "Patches"
	case embedLayer:
		return "Embed"
	case transformerLayer:
		return "Transformer"
	case layerNormLayer:
		return "LayerNorm"
	case mbconvLayer:
		return "MBConv"
	}
	return fmt.Sprintf("layer(%d)", int(k))
}

// Layer is one layer of a Model; make it with Conv, Dense, ReLU, ... Input
// sizes are inferred when the model is built for a dataset.
type Layer struct {
	kind   layerKind
	out    int     // Conv channels, Dense units, Embed width, Transformer heads
	kernel int     // Conv and pooling window, patch size, Transformer MLP ratio
	p      float64 // Dropout probability, MBConv expansion
	stride int     // MBConv
	se     bool    // MBConv squeeze-excitation
	act    string  // MBConv activation
}

func (l Layer) String() string {
	switch l.kind {
	case convLayer:
		return fmt.Sprintf("Conv(%d, %d)", l.out, l.kernel)
	case denseLayer:
		return fmt.Sprintf("Dense(%d)", l.out)
	case maxPoolLayer, avgPoolLayer:
		return fmt.Sprintf("%s(%d)", l.kind, l.kernel)
	case dropoutLayer:
		return fmt.Sprintf("Dropout(%g)", l.p)
	case patchesLayer:
		return fmt.Sprintf("Patches(%d)", l.kernel)
	case embedLayer:
		return fmt.Sprintf("Embed(%d)", l.out)
	case transformerLayer:
		return fmt.Sprintf("Transformer(%d, %d)", l.out, l.kernel)
	case mbconvLayer:
		return fmt.Sprintf("MBConv(%d, %d, %g, %d, %v, %q)", l.out, l.kernel, l.p, l.stride, l.se, l.act)
	}
	return l.kind.String() + "()"
}

// Conv is a kernel x kernel convolution to out channels, stride 1, padded to
// keep the size, with a bias.
func Conv(out, kernel int) Layer { return Layer{kind: convLayer, out: out, kernel: kernel} }

// Dense is a fully connected layer to out units; it flattens its input.
func Dense(out int) Layer { return Layer{kind: denseLayer, out: out} }

// ReLU is max(0, x).
func ReLU() Layer { return Layer{kind: reluLayer} }

// GELU is the Gaussian error linear unit.
func GELU() Layer { return Layer{kind: geluLayer} }

// MaxPool takes the maximum of each k x k block (stride k).
func MaxPool(k int) Layer { return Layer{kind: maxPoolLayer, kernel: k} }

// AvgPool averages each k x k block (stride k).
func AvgPool(k int) Layer { return Layer{kind: avgPoolLayer, kernel: k} }

// GlobalAvgPool averages each channel over the whole image.
func GlobalAvgPool() Layer { return Layer{kind: globalPoolLayer} }

// BatchNorm normalises each channel (or unit) over the batch.
func BatchNorm() Layer { return Layer{kind: batchNormLayer} }

// Dropout zeroes each value with probability p while training.
func Dropout(p float64) Layer { return Layer{kind: dropoutLayer, p: p} }

// Flatten turns images into vectors.
func Flatten() Layer { return Layer{kind: flattenLayer} }

// Patches cuts an image into k x k patches, one token each (as a vision
// transformer does); it must be the first layer.
func Patches(k int) Layer { return Layer{kind: patchesLayer, kernel: k} }

// Embed maps each token to width features and adds a learned position
// embedding; it comes right after Patches (or first, on sequences).
func Embed(width int) Layer { return Layer{kind: embedLayer, out: width} }

// Transformer is a pre-norm transformer block on tokens: multi-head
// self-attention with heads heads, then an MLP mlpRatio times as wide.
func Transformer(heads, mlpRatio int) Layer {
	return Layer{kind: transformerLayer, out: heads, kernel: mlpRatio}
}

// MBConv is MobileNetV2's inverted residual block: a 1x1 convolution that
// expands the channels expand times, a kernel x kernel depthwise convolution
// with stride, an optional squeeze-excitation, and a 1x1 projection to out
// channels, with batch norms, activation act ("relu", "relu6" or "hswish")
// and a residual connection when the shape allows it.
func MBConv(out, kernel int, expand float64, stride int, se bool, act string) Layer {
	return Layer{kind: mbconvLayer, out: out, kernel: kernel, p: expand, stride: stride, se: se, act: act}
}

// LayerNorm normalises each token (or vector) over its features.
func LayerNorm() Layer { return Layer{kind: layerNormLayer} }

// Model is a stack of layers, built for a dataset's input shape and class
// count when it is trained; a final Dense to the class count is added when
// the last layer does not produce one value per class.
type Model struct {
	Layers []Layer
}

// Sequential makes a model of layers applied in order.
func Sequential(layers ...Layer) Model { return Model{Layers: layers} }

// MLP is a multi-layer perceptron with ReLU between hidden layers of the
// given widths.
func MLP(hidden ...int) Model {
	var ls []Layer
	for _, h := range hidden {
		ls = append(ls, Dense(h), ReLU())
	}
	return Model{Layers: ls}
}

func (m Model) String() string {
	parts := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		parts[i] = l.String()
	}
	return "Sequential(" + strings.Join(parts, ", ") + ")"
}

// Spec returns the architecture spec of m for inputs of shape c x h x w and
// classes outputs: m's layers, with Flatten where a Dense layer meets images
// and a final Dense to the class count when the layers do not end in one.
// Layers that cannot fit their input are errors naming them as written.
func (m Model) Spec(c, h, w, classes int) (*spec.Spec, error) {
	sp := &spec.Spec{Kind: spec.KindSequential, Input: []int{c, h, w}, Classes: classes}
	add := func(l spec.Layer) { sp.Layers = append(sp.Layers, l) }
	// The activation is [c, h, w] (images), [h, c] tokens of width c
	// (tokens), or [c] (flat).
	flat, tokens := false, false
	flatten := func() {
		if !flat {
			add(spec.Layer{Op: spec.Flatten})
			c, h, w, flat, tokens = c*h*w, 1, 1, true, false
		}
	}
	for i, l := range m.Layers {
		where := func(format string, args ...any) error {
			return fmt.Errorf("layer %d, %s: %s", i+1, l, fmt.Sprintf(format, args...))
		}
		needImages := func() error {
			switch {
			case flat:
				return where("needs images, but the layers before it made vectors")
			case tokens:
				return where("needs images, but the layers before it made tokens")
			}
			return nil
		}
		needTokens := func() error {
			if !tokens {
				return where("needs tokens: put Patches and Embed before it")
			}
			return nil
		}
		switch l.kind {
		case convLayer:
			if err := needImages(); err != nil {
				return nil, err
			}
			if l.out < 1 || l.kernel < 1 || l.kernel%2 == 0 {
				return nil, where("want at least one channel and an odd kernel size")
			}
			add(spec.Layer{Op: spec.Conv, Out: l.out, Kernel: l.kernel, Same: true, Bias: true})
			c = l.out
		case denseLayer:
			if l.out < 1 {
				return nil, where("want at least one unit")
			}
			flatten()
			add(spec.Layer{Op: spec.Linear, Out: l.out, Bias: true})
			c = l.out
		case reluLayer:
			add(spec.Layer{Op: spec.ReLU})
		case geluLayer:
			add(spec.Layer{Op: spec.GELU})
		case maxPoolLayer, avgPoolLayer:
			if err := needImages(); err != nil {
				return nil, err
			}
			if l.kernel < 1 || h/l.kernel < 1 || w/l.kernel < 1 {
				return nil, where("a %dx%d window does not fit the %dx%d image it gets", l.kernel, l.kernel, h, w)
			}
			op := spec.MaxPool
			if l.kind == avgPoolLayer {
				op = spec.AvgPool
			}
			add(spec.Layer{Op: op, Kernel: l.kernel})
			h, w = h/l.kernel, w/l.kernel
		case globalPoolLayer:
			if flat {
				return nil, where("needs images or tokens, but the layers before it made vectors")
			}
			add(spec.Layer{Op: spec.GlobalPool})
			h, w, flat, tokens = 1, 1, true, false
		case patchesLayer:
			if err := needImages(); err != nil {
				return nil, err
			}
			if i != 0 || l.kernel < 1 || h%l.kernel != 0 || w%l.kernel != 0 {
				return nil, where("must be the first layer and tile the %dx%d image", h, w)
			}
			add(spec.Layer{Op: spec.Patches, Kernel: l.kernel})
			c, h, w, tokens = c*l.kernel*l.kernel, (h/l.kernel)*(w/l.kernel), 1, true
		case embedLayer:
			if err := needTokens(); err != nil {
				return nil, err
			}
			if l.out < 1 {
				return nil, where("want a width of at least 1")
			}
			add(spec.Layer{Op: spec.Embed, Out: l.out, Positions: true})
			c = l.out
		case mbconvLayer:
			if err := needImages(); err != nil {
				return nil, err
			}
			if l.out < 1 || l.kernel < 1 || l.kernel%2 == 0 || l.p <= 0 || (l.stride != 1 && l.stride != 2) {
				return nil, where("want channels, an odd kernel, an expansion above 0 and stride 1 or 2")
			}
			switch l.act {
			case "", "relu", "relu6", "hswish":
			default:
				return nil, where("activation %q, want relu, relu6 or hswish", l.act)
			}
			add(spec.Layer{Op: spec.MBConv, Out: l.out, Kernel: l.kernel, Stride: l.stride, Expand: l.p, SE: l.se, Act: l.act})
			c, h, w = l.out, (h+l.stride-1)/l.stride, (w+l.stride-1)/l.stride
		case transformerLayer:
			if err := needTokens(); err != nil {
				return nil, err
			}
			if l.out < 1 || c%l.out != 0 || l.kernel < 1 {
				return nil, where("%d heads do not divide the token width %d", l.out, c)
			}
			add(spec.Layer{Op: spec.Transformer, Heads: l.out, MLPRatio: l.kernel})
		case layerNormLayer:
			if !flat && !tokens {
				return nil, where("works on tokens or vectors; use BatchNorm on images")
			}
			add(spec.Layer{Op: spec.LayerNorm})
		case batchNormLayer:
			if flat || tokens {
				return nil, where("works on images; use LayerNorm on tokens and vectors")
			}
			add(spec.Layer{Op: spec.BatchNorm})
		case dropoutLayer:
			if l.p < 0 || l.p >= 1 {
				return nil, where("probability %g, want 0 <= p < 1", l.p)
			}
			add(spec.Layer{Op: spec.Dropout, P: l.p})
		case flattenLayer:
			flatten()
		default:
			return nil, where("unknown layer")
		}
	}
	if !flat || c != classes {
		flatten()
		add(spec.Layer{Op: spec.Linear, Out: classes, Bias: true})
	}
	return sp, nil
}

// build makes the network of m for a dataset of c x h x w examples.
func (m Model) build(c, h, w, classes int, r *rand.Rand) (*build.Network, error) {
	sp, err := m.Spec(c, h, w, classes)
	if err != nil {
		return nil, err
	}
	return build.Build(sp, r)
}
