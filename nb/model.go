package nb

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"

	"nasbook/engine/build"
	"nasbook/space/spec"
)

// Layer is one layer of a Model; make it with Conv, Dense, ReLU, ... It is
// a layer of the engine's one layer vocabulary (a spec.Layer), whose shape
// checks apply; input sizes are inferred when the model is built for a
// dataset.
type Layer struct {
	s spec.Layer
}

// layerNames are the names of the layers as this package's functions
// make them.
var layerNames = map[spec.LayerOp]string{spec.Conv: "Conv", spec.Linear: "Dense", spec.ReLU: "ReLU", spec.GELU: "GELU",
	spec.MaxPool: "MaxPool", spec.AvgPool: "AvgPool", spec.GlobalPool: "GlobalAvgPool", spec.BatchNorm: "BatchNorm",
	spec.Dropout: "Dropout", spec.Flatten: "Flatten", spec.Patches: "Patches", spec.Embed: "Embed",
	spec.Transformer: "Transformer", spec.LayerNorm: "LayerNorm", spec.MBConv: "MBConv", spec.Swish: "Swish",
	spec.Branch: "Residual"}

func (l Layer) String() string {
	s := l.s
	switch s.Op {
	case spec.Conv:
		return fmt.Sprintf("Conv(%d, %d)", s.Out, s.Kernel)
	case spec.Linear:
		return fmt.Sprintf("Dense(%d)", s.Out)
	case spec.MaxPool, spec.AvgPool:
		return fmt.Sprintf("%s(%d)", layerNames[s.Op], s.Kernel)
	case spec.Dropout:
		return fmt.Sprintf("Dropout(%g)", s.P)
	case spec.Patches:
		return fmt.Sprintf("Patches(%d)", s.Kernel)
	case spec.Embed:
		return fmt.Sprintf("Embed(%d)", s.Out)
	case spec.Transformer:
		if s.Experts > 1 {
			return fmt.Sprintf("MoETransformer(%d, %d, %d, %d)", s.Heads, s.MLPRatio, s.Experts, s.TopK)
		}
		return fmt.Sprintf("Transformer(%d, %d)", s.Heads, s.MLPRatio)
	case spec.MBConv:
		return fmt.Sprintf("MBConv(%d, %d, %g, %d, %v, %q)", s.Out, s.Kernel, s.Expand, s.Stride, s.SE, s.Act)
	case spec.Branch:
		var in []string
		for _, b := range s.Branches {
			for _, m := range b {
				in = append(in, Layer{m}.String())
			}
		}
		return "Residual(" + strings.Join(in, ", ") + ")"
	}
	if n, ok := layerNames[s.Op]; ok {
		return n + "()"
	}
	return s.Op.String() + "()"
}

// check reports arguments outside what this package's functions promise
// (a Conv keeps the size, so its kernel is odd); shapes are checked by the
// spec's lowering.
func (l Layer) check() string {
	s := l.s
	switch s.Op {
	case spec.Conv:
		if s.Out < 1 || s.Kernel < 1 || s.Kernel%2 == 0 {
			return "want at least one channel and an odd kernel size"
		}
	case spec.Linear:
		if s.Out < 1 {
			return "want at least one unit"
		}
	case spec.MaxPool, spec.AvgPool, spec.Patches:
		if s.Kernel < 1 {
			return fmt.Sprintf("a window of %d pixels", s.Kernel)
		}
	case spec.Dropout:
		if s.P < 0 || s.P >= 1 {
			return fmt.Sprintf("probability %g, want 0 <= p < 1", s.P)
		}
	case spec.Embed:
		if s.Out < 1 {
			return "want a width of at least 1"
		}
	case spec.Transformer:
		if s.Heads < 1 || s.MLPRatio < 1 {
			return fmt.Sprintf("%d heads and an MLP ratio of %d, want at least 1 of each", s.Heads, s.MLPRatio)
		}
		if s.Experts > 1 && (s.TopK < 1 || s.TopK > s.Experts) {
			return fmt.Sprintf("top-%d routing to %d experts, want 1 to %d", s.TopK, s.Experts, s.Experts)
		}
	case spec.Branch:
		body := residualBody(s)
		if len(body) == 0 {
			return "a residual block of no layers"
		}
		for i, m := range body {
			if msg := (Layer{m}).check(); msg != "" {
				return fmt.Sprintf("its layer %d, %s: %s", i+1, Layer{m}, msg)
			}
		}
	case spec.MBConv:
		if s.Out < 1 || s.Kernel < 1 || s.Kernel%2 == 0 || s.Expand <= 0 || (s.Stride != 1 && s.Stride != 2) {
			return "want channels, an odd kernel, an expansion above 0 and stride 1 or 2"
		}
		switch s.Act {
		case "", "relu", "relu6", "hswish", "swish":
		default:
			return fmt.Sprintf("activation %q, want relu, relu6, hswish or swish", s.Act)
		}
	}
	return ""
}

// residualBody returns the layers of a block that Residual made.
func residualBody(s spec.Layer) []spec.Layer {
	for _, b := range s.Branches {
		if len(b) > 0 {
			return b
		}
	}
	return nil
}

// Residual is a residual block, as ResNet's: the layers applied to the
// input and added to it, or, where they change its channels, to the input
// through a 1x1 convolution and a batch norm (the projection shortcut).
//
//	nb.Residual(nb.Conv(32, 3), nb.BatchNorm(), nb.ReLU(), nb.Conv(32, 3), nb.BatchNorm()), nb.ReLU()
func Residual(layers ...Layer) Layer {
	body := make([]spec.Layer, len(layers))
	for i, l := range layers {
		body[i] = l.s
	}
	return Layer{spec.Layer{Op: spec.Branch, Branches: [][]spec.Layer{body, nil}}}
}

// Swish is x times sigmoid(x), EfficientNet's activation (PyTorch's SiLU).
func Swish() Layer { return Layer{spec.Layer{Op: spec.Swish}} }

// Conv is a kernel x kernel convolution to out channels, stride 1, padded to
// keep the size, with a bias.
func Conv(out, kernel int) Layer {
	return Layer{spec.Layer{Op: spec.Conv, Out: out, Kernel: kernel, Same: true, Bias: true}}
}

// Dense is a fully connected layer to out units; it flattens its input.
func Dense(out int) Layer { return Layer{spec.Layer{Op: spec.Linear, Out: out, Bias: true}} }

// ReLU is max(0, x).
func ReLU() Layer { return Layer{spec.Layer{Op: spec.ReLU}} }

// GELU is the Gaussian error linear unit.
func GELU() Layer { return Layer{spec.Layer{Op: spec.GELU}} }

// MaxPool takes the maximum of each k x k block (stride k).
func MaxPool(k int) Layer { return Layer{spec.Layer{Op: spec.MaxPool, Kernel: k}} }

// AvgPool averages each k x k block (stride k).
func AvgPool(k int) Layer { return Layer{spec.Layer{Op: spec.AvgPool, Kernel: k}} }

// GlobalAvgPool averages each channel over the whole image.
func GlobalAvgPool() Layer { return Layer{spec.Layer{Op: spec.GlobalPool}} }

// BatchNorm normalises each channel (or unit) over the batch.
func BatchNorm() Layer { return Layer{spec.Layer{Op: spec.BatchNorm}} }

// Dropout zeroes each value with probability p while training.
func Dropout(p float64) Layer { return Layer{spec.Layer{Op: spec.Dropout, P: p}} }

// Flatten turns images into vectors.
func Flatten() Layer { return Layer{spec.Layer{Op: spec.Flatten}} }

// Patches cuts an image into k x k patches, one token each (as a vision
// transformer does); it must be the first layer.
func Patches(k int) Layer { return Layer{spec.Layer{Op: spec.Patches, Kernel: k}} }

// Embed maps each token to width features and adds a learned position
// embedding; it comes right after Patches (or first, on sequences).
func Embed(width int) Layer { return Layer{spec.Layer{Op: spec.Embed, Out: width, Positions: true}} }

// Transformer is a pre-norm transformer block on tokens: multi-head
// self-attention with heads heads, then an MLP mlpRatio times as wide.
func Transformer(heads, mlpRatio int) Layer {
	return Layer{spec.Layer{Op: spec.Transformer, Heads: heads, MLPRatio: mlpRatio}}
}

// MoETransformer is a Transformer block whose MLP is a mixture of experts:
// experts MLPs, each mlpRatio times as wide as the tokens, and a learned
// router that sends each token to the k most probable of them (k = 1 or 2
// in the papers). Parameters grow with the experts, compute per token only
// with k. While training, a load-balancing loss keeps the router from
// sending most tokens to a few experts.
func MoETransformer(heads, mlpRatio, experts, k int) Layer {
	return Layer{spec.Layer{Op: spec.Transformer, Heads: heads, MLPRatio: mlpRatio, Experts: experts, TopK: k}}
}

// MBConv is MobileNetV2's inverted residual block: a 1x1 convolution that
// expands the channels expand times, a kernel x kernel depthwise convolution
// with stride, an optional squeeze-excitation, and a 1x1 projection to out
// channels, with batch norms, activation act ("relu", "relu6", "hswish" or
// "swish") and a residual connection when the shape allows it.
func MBConv(out, kernel int, expand float64, stride int, se bool, act string) Layer {
	return Layer{spec.Layer{Op: spec.MBConv, Out: out, Kernel: kernel, Expand: expand, Stride: stride, SE: se, Act: act}}
}

// LayerNorm normalises each token (or vector) over its features.
func LayerNorm() Layer { return Layer{spec.Layer{Op: spec.LayerNorm}} }

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
// or tokens and a final Dense to the class count when the layers do not end
// in one. Layers that cannot fit their input are errors naming them as
// written, with the spec's reason.
func (m Model) Spec(c, h, w, classes int) (*spec.Spec, error) {
	sp := &spec.Spec{Kind: spec.KindSequential, Input: []int{c, h, w}, Classes: classes}
	x := sp.Input // the activation's shape
	add := func(l spec.Layer) error {
		sp.Layers = append(sp.Layers, l)
		shapes, err := spec.Shapes(sp.Input, sp.Layers)
		if err != nil {
			return err
		}
		x = shapes[len(shapes)-1]
		return nil
	}
	flatten := func() error {
		if len(x) > 1 {
			return add(spec.Layer{Op: spec.Flatten})
		}
		return nil
	}
	for i, l := range m.Layers {
		where := func(format string, args ...any) error {
			return fmt.Errorf("layer %d, %s: %s", i+1, l, fmt.Sprintf(format, args...))
		}
		if msg := l.check(); msg != "" {
			return nil, where("%s", msg)
		}
		var err error
		switch l.s.Op {
		case spec.Flatten:
			err = flatten()
		case spec.Linear:
			if err = flatten(); err == nil {
				err = add(l.s)
			}
		default:
			err = add(l.s)
		}
		if le := (*spec.LayerError)(nil); errors.As(err, &le) {
			return nil, where("%v", le.Err)
		} else if err != nil {
			return nil, where("%v", err)
		}
	}
	if len(x) != 1 || x[0] != classes {
		if err := flatten(); err != nil {
			return nil, err
		}
		if err := add(spec.Layer{Op: spec.Linear, Out: classes, Bias: true}); err != nil {
			return nil, err
		}
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
