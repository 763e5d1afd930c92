package spec

import (
	"strconv"
)

// OpKind is the family of a built-in cell operation.
type OpKind uint8

// The built-in cell operation families, as NAS-Bench-201's
// cell_operations.py and DARTS's operations.py define them (affine batch
// norms, convolutions without bias).
const (
	OpNone    OpKind = iota // zeros; with stride, of the reduced size
	OpSkip                  // identity; FactorizedReduce with stride 2 (DARTS)
	OpConv                  // ReLU, Conv k×k, BN (NB201 nor_conv_k×k)
	OpSepConv               // two of ReLU, depthwise k×k, pointwise 1×1, BN (the first strided)
	OpDilConv               // ReLU, depthwise k×k dilation 2, pointwise 1×1, BN
	OpMaxPool               // k×k max pool, padding k/2
	OpAvgPool               // k×k average pool, padding k/2, padding not counted
	OpConv7x1               // ReLU, Conv 1×7, Conv 7×1, BN (DARTS conv_7x1_1x7, AmoebaNet)
	NumOpKinds
)

var opKindNames = [NumOpKinds]string{"none", "skip", "conv", "sep_conv", "dil_conv", "max_pool", "avg_pool", "conv_7x1_1x7"}

func (k OpKind) String() string {
	if k < NumOpKinds {
		return opKindNames[k]
	}
	return "spec.OpKind(" + strconv.Itoa(int(k)) + ")"
}

// CellOp is a built-in cell operation: a family and its kernel size.
//
// An operation defined in a spec's Ops is a sequence of layers instead. On
// an edge it must map the edge's input [C,H,W] to [C,H/s,W/s] for the
// cell's channel count C and the edge's stride s: convolutions and blocks
// with Out zero take C, and the first convolution or pool without an
// explicit Stride takes s.
type CellOp struct {
	Kind   OpKind
	Kernel int
}

// builtinOps are the NAS-Bench-201 and DARTS operations by their names.
var builtinOps = map[string]CellOp{
	"none":         {OpNone, 0},
	"skip_connect": {OpSkip, 0},
	"nor_conv_1x1": {OpConv, 1},
	"nor_conv_3x3": {OpConv, 3},
	"avg_pool_3x3": {OpAvgPool, 3},
	"max_pool_3x3": {OpMaxPool, 3},
	"sep_conv_3x3": {OpSepConv, 3},
	"sep_conv_5x5": {OpSepConv, 5},
	"sep_conv_7x7": {OpSepConv, 7},
	"dil_conv_3x3": {OpDilConv, 3},
	"dil_conv_5x5": {OpDilConv, 5},
	"conv_7x1_1x7": {OpConv7x1, 7},
}

// BuiltinOp returns the built-in operation called name.
func BuiltinOp(name string) (CellOp, bool) {
	op, ok := builtinOps[name]
	return op, ok
}
