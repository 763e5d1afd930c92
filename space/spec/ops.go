package spec

import (
	"strconv"
)

// OpKind is the family of a built-in cell operation: how it is composed.
// Each family has one composition rule (in the lowering walk, which
// records its cost layers and hands its parts to a Maker); an operation is
// a family with parameters (CellOp).
type OpKind uint8

// The built-in cell operation families, as NAS-Bench-201's
// cell_operations.py and DARTS's operations.py define them (affine batch
// norms, convolutions without bias).
const (
	OpNone    OpKind = iota // zeros; with stride, of the reduced size
	OpSkip                  // identity; FactorizedReduce with stride 2 (DARTS)
	OpConv                  // ReLU, Conv k×k, BN (NB201 nor_conv_k×k)
	OpSepConv               // two of ReLU, depthwise k×k, pointwise 1×1, BN (the first strided)
	OpDilConv               // ReLU, depthwise k×k with Dilation, pointwise 1×1, BN
	OpMaxPool               // k×k max pool
	OpAvgPool               // k×k average pool, padding not counted
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

// CellOp is a built-in cell operation: one entry of the op vocabulary.
// Its convolutions and pools keep the size ("same" padding,
// Dilation·(Kernel−1)/2) unless the edge strides.
//
// An operation defined in a spec's Ops is a sequence of layers instead. On
// an edge it must map the edge's input [C,H,W] to [C,H/s,W/s] for the
// cell's channel count C and the edge's stride s: convolutions and blocks
// with Out zero take C, and the first convolution or pool without an
// explicit Stride takes s.
type CellOp struct {
	Name     string // as the spaces and genotypes spell it
	Kind     OpKind
	Kernel   int
	Dilation int // zero means 1
	// Color is the colour the canvas draws the operation in, 0xRRGGBB;
	// zero leaves it one of the canvas's spare colours (by its name).
	Color uint32
}

// ParamFree reports whether the operation has no weights (none, skip with
// stride 1, pools): the ones DARTS's derivation and its collapse studies
// set apart.
func (o CellOp) ParamFree() bool {
	switch o.Kind {
	case OpNone, OpSkip, OpMaxPool, OpAvgPool:
		return true
	}
	return false
}

// ops is the op vocabulary: every built-in cell operation, once. The
// spaces' op sets, the one-shot supernet's candidates, the cost model, the
// builder and the canvas all read it, so an operation of an existing family
// is added by one entry here. The colours are the Okabe–Ito palette's,
// which colour-blind viewers can tell apart, darkened where needed to stand
// out on the canvas's paper.
var ops = []CellOp{
	{Name: "none", Kind: OpNone, Color: 0x8a8f96},                       // grey
	{Name: "skip_connect", Kind: OpSkip, Color: 0xc78800},               // orange
	{Name: "nor_conv_1x1", Kind: OpConv, Kernel: 1, Color: 0x009e73},    // bluish green
	{Name: "nor_conv_3x3", Kind: OpConv, Kernel: 3, Color: 0x0072b2},    // blue
	{Name: "avg_pool_3x3", Kind: OpAvgPool, Kernel: 3, Color: 0xd55e00}, // vermillion
	{Name: "max_pool_3x3", Kind: OpMaxPool, Kernel: 3, Color: 0xb04a8c}, // reddish purple
	{Name: "sep_conv_3x3", Kind: OpSepConv, Kernel: 3, Color: 0x0072b2},
	{Name: "sep_conv_5x5", Kind: OpSepConv, Kernel: 5, Color: 0x3a9ad9}, // sky blue
	{Name: "sep_conv_7x7", Kind: OpSepConv, Kernel: 7},
	{Name: "dil_conv_3x3", Kind: OpDilConv, Kernel: 3, Dilation: 2, Color: 0x009e73},
	{Name: "dil_conv_5x5", Kind: OpDilConv, Kernel: 5, Dilation: 2, Color: 0x5c8a1e}, // olive green
	{Name: "dil_conv_7x7", Kind: OpDilConv, Kernel: 7, Dilation: 2, Color: 0x2e8b57}, // sea green
	{Name: "conv_7x1_1x7", Kind: OpConv7x1, Kernel: 7},
}

// BuiltinOp returns the built-in operation called name.
func BuiltinOp(name string) (CellOp, bool) {
	for _, o := range ops {
		if o.Name == name {
			return o, true
		}
	}
	return CellOp{}, false
}

// BuiltinOps returns the op vocabulary, in its order.
func BuiltinOps() []CellOp { return append([]CellOp(nil), ops...) }

// BuiltinOpNames returns the names of the built-in operations, in the
// vocabulary's order.
func BuiltinOpNames() []string {
	ns := make([]string, len(ops))
	for i, o := range ops {
		ns[i] = o.Name
	}
	return ns
}

func (o CellOp) dilation() int { return max(o.Dilation, 1) }

// padding keeps the size: Dilation·(Kernel−1)/2.
func (o CellOp) padding() int { return o.dilation() * max(o.Kernel-1, 0) / 2 }

// OpStyle is how a network makes its built-in cell operations. The zero
// value is a network's as the papers train it (affine batch norms that
// track running statistics, convolutions without bias); a one-shot
// supernet searches in its own style.
type OpStyle struct {
	// NoAffine leaves the batch norms without a learnable scale and shift
	// (DARTS searches so, so that a convolution cannot grow its output to
	// win against a parameter-free edge).
	NoAffine bool
	// Untracked batch norms keep no running statistics and normalise with
	// the batch's in evaluation too.
	Untracked bool
	// ConvBias gives the nor_conv convolutions a bias (NAS-Bench-201's
	// supernet: bias = not affine).
	ConvBias bool
	// PoolBN follows a pool with a batch norm without affine (DARTS's
	// MixedOp).
	PoolBN bool
}

func (st OpStyle) config(in []int, out, k, stride, pad, dil int) OpConfig {
	return OpConfig{In: in[0], Out: out, Kernel: k, Stride: stride, Padding: pad, Dilation: dil,
		Affine: !st.NoAffine, Untracked: st.Untracked}
}
