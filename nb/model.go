package nb

import (
	"fmt"
	"math/rand"
	"strings"

	"nasbook/engine/ag"
	"nasbook/engine/nn"
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
	}
	return fmt.Sprintf("layer(%d)", int(k))
}

// Layer is one layer of a Model; make it with Conv, Dense, ReLU, ... Input
// sizes are inferred when the model is built for a dataset.
type Layer struct {
	kind   layerKind
	out    int     // Conv channels, Dense units
	kernel int     // Conv and pooling window
	p      float64 // Dropout probability
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

// build makes the network for inputs of shape c x h x w and classes outputs,
// checking every size on the way, so that a layer that does not fit names
// itself.
func (m Model) build(c, h, w, classes int, r *rand.Rand) (nn.Module, *ag.Params, error) {
	ps := &ag.Params{}
	var seq nn.Sequential
	flat := false // the activation is [N, c]
	for i, l := range m.Layers {
		name := fmt.Sprintf("%d.%s", i, strings.ToLower(l.kind.String()))
		where := func(format string, args ...any) error {
			return fmt.Errorf("layer %d, %s: %s", i+1, l, fmt.Sprintf(format, args...))
		}
		switch l.kind {
		case convLayer:
			if flat {
				return nil, nil, where("needs images, but the layers before it made vectors")
			}
			if l.out < 1 || l.kernel < 1 || l.kernel%2 == 0 {
				return nil, nil, where("want at least one channel and an odd kernel size")
			}
			seq = append(seq, nn.NewConv2D(ps, name, r, nn.Conv2DConfig{In: c, Out: l.out, Kernel: l.kernel, Padding: l.kernel / 2, Bias: true}))
			c = l.out
		case denseLayer:
			if l.out < 1 {
				return nil, nil, where("want at least one unit")
			}
			if !flat {
				seq = append(seq, nn.Flatten{})
				c, h, w, flat = c*h*w, 1, 1, true
			}
			seq = append(seq, nn.NewLinear(ps, name, r, c, l.out, true))
			c = l.out
		case reluLayer:
			seq = append(seq, nn.ReLU{})
		case geluLayer:
			seq = append(seq, nn.GELU{})
		case maxPoolLayer, avgPoolLayer:
			if flat {
				return nil, nil, where("needs images, but the layers before it made vectors")
			}
			if l.kernel < 1 || h/l.kernel < 1 || w/l.kernel < 1 {
				return nil, nil, where("a %dx%d window does not fit the %dx%d image it gets", l.kernel, l.kernel, h, w)
			}
			if l.kind == maxPoolLayer {
				seq = append(seq, nn.MaxPool{Kernel: l.kernel})
			} else {
				seq = append(seq, nn.AvgPool{Kernel: l.kernel})
			}
			h, w = h/l.kernel, w/l.kernel
		case globalPoolLayer:
			if flat {
				return nil, nil, where("needs images, but the layers before it made vectors")
			}
			seq = append(seq, nn.GlobalAvgPool{})
			h, w, flat = 1, 1, true
		case batchNormLayer:
			if flat {
				return nil, nil, where("works on images here; put it before Flatten or Dense")
			}
			seq = append(seq, nn.NewBatchNorm(ps, name, c, true, true))
		case dropoutLayer:
			if l.p < 0 || l.p >= 1 {
				return nil, nil, where("probability %g, want 0 <= p < 1", l.p)
			}
			seq = append(seq, nn.Dropout{P: float32(l.p), Rand: rand.New(rand.NewSource(r.Int63()))})
		case flattenLayer:
			if !flat {
				seq = append(seq, nn.Flatten{})
				c, h, w, flat = c*h*w, 1, 1, true
			}
		default:
			return nil, nil, where("unknown layer")
		}
	}
	if !flat || c != classes {
		if !flat {
			seq = append(seq, nn.Flatten{})
			c = c * h * w
		}
		seq = append(seq, nn.NewLinear(ps, fmt.Sprintf("%d.classifier", len(m.Layers)), r, c, classes, true))
	}
	return seq, ps, nil
}
