package nn

import (
	"fmt"

	"nasbook/engine/ag"
)

// Sigmoid is 1/(1+e^−x).
type Sigmoid struct{}

// Forward implements Module.
func (Sigmoid) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Sigmoid(x) }

// Swish is x·σ(x), PyTorch's SiLU (EfficientNet).
type Swish struct{}

// Forward implements Module.
func (Swish) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Swish(x) }

// Branch runs each of Branches on the same input and adds their outputs
// (same shapes), or with Concat joins them along channels (dimension 1 of
// [N,C,H,W], same N, H and W). A residual block is a Branch of the block's
// layers and a shortcut: Identity, or a projection (1×1 convolution and
// batch norm) where the block changes the shape.
type Branch struct {
	Branches []Module
	Concat   bool
}

// Forward implements Module.
func (b *Branch) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if len(b.Branches) == 0 {
		panic("nn: a Branch without branches")
	}
	ys := make([]*ag.Var, len(b.Branches))
	for i, m := range b.Branches {
		ys[i] = m.Forward(t, x)
	}
	if len(ys) == 1 {
		return ys[0]
	}
	if b.Concat {
		return t.Concat(ys...)
	}
	for _, y := range ys[1:] {
		if fmt.Sprint(y.Shape()) != fmt.Sprint(ys[0].Shape()) {
			panic(fmt.Sprintf("nn: Branch adds shapes %v and %v", ys[0].Shape(), y.Shape()))
		}
	}
	return t.Sum(ys...)
}
