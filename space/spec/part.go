package spec

import (
	"strconv"

	"nasbook/engine/cost"
)

// Module is what a Maker makes of a Part: opaque to this package, which
// only hands it back to the Maker inside the Parts that contain it.
type Module any

// A Maker makes the modules of a network from its parts. The lowering walk
// (Lower, Walk) checks each layer's shape and records its cost, then hands
// the layer to the Maker as a Part, in the order the network's weights are
// to be drawn; a Part that contains others (a sequence, a cell, a network)
// comes after them. Package engine/build implements it with engine/nn.
type Maker interface {
	Make(p Part) Module
}

// PartKind is what a Part computes.
type PartKind uint8

// The parts. Shapes exclude the batch dimension.
const (
	PartConv             PartKind = iota // Conv
	PartBatchNorm                        // Out channels; Affine, Untracked
	PartLayerNorm                        // over the last dimension, In features
	PartAct                              // Act
	PartLinear                           // In → Out features on the last dimension; Bias
	PartGlobalPool                       // mean over space [C,H,W] → [C]
	PartMeanTokens                       // mean over tokens [T,D] → [D]
	PartMaxPool                          // Kernel, Stride, Padding
	PartAvgPool                          // as PartMaxPool; padding not counted
	PartZero                             // zeros of Out channels, Stride
	PartIdentity                         //
	PartFlatten                          //
	PartDropout                          // P
	PartPatches                          // Kernel-pixel patches
	PartEmbed                            // In features → Out on Tokens tokens; Positions; Vocab ids; Sinusoidal
	PartReLUConvBN                       // Op (nn.ReLUConvBN)
	PartDilConv                          // Op
	PartSepConv                          // Op
	PartConv7x1                          // Op
	PartFactorizedReduce                 // Op
	PartResBlock                         // Op: NAS-Bench-201's residual block
	PartMBConv                           // MB: an inverted residual block
	PartTransformer                      // In width, Heads, MLPRatio
	PartSequential                       // Parts in order
	PartCell                             // Cell
	PartDARTS                            // DARTS: the network around DARTS cells
	PartBranch                           // Parts on the same input, added or, with Concat, joined along channels
	NumPartKinds
)

var partKindNames = [NumPartKinds]string{"conv", "batchnorm", "layernorm", "act", "linear", "globalpool",
	"meantokens", "maxpool", "avgpool", "zero", "identity", "flatten", "dropout", "patches", "embed",
	"reluconvbn", "dilconv", "sepconv", "conv7x1", "factorizedreduce", "resblock", "mbconv", "transformer",
	"sequential", "cell", "darts", "branch"}

func (k PartKind) String() string {
	if k < NumPartKinds {
		return partKindNames[k]
	}
	return "spec.PartKind(" + strconv.Itoa(int(k)) + ")"
}

// Part is one module of a network as the lowering walk lays it out. Only
// the fields its Kind uses (listed at the kind) are set.
type Part struct {
	Kind PartKind
	Name string // the parameters' prefix, e.g. "cells.3.edges.0-1.0"

	Conv ConvConfig // PartConv
	Op   OpConfig   // the cell operations and the residual block
	MB   MBConfig   // PartMBConv
	Act  cost.Activation

	In, Out           int // features, channels or width
	Tokens            int // PartEmbed: tokens of the position embedding
	Kernel            int // pools, patches
	Stride, Padding   int // pools, PartZero (Stride)
	Heads, MLPRatio   int // PartTransformer
	Experts, TopK     int // PartTransformer: a mixture of Experts MLPs, TopK a token, when Experts > 1
	P                 float64
	Affine, Untracked bool // PartBatchNorm
	Bias              bool // PartLinear
	Positions         bool // PartEmbed: a learned position embedding
	Vocab             int  // PartEmbed: token ids in [0, Vocab) looked up, when positive
	Sinusoidal        bool // PartEmbed of token ids: the fixed position encoding
	Concat            bool // PartBranch

	Parts []Module      // PartSequential, PartBranch
	Cell  *CellModules  // PartCell
	DARTS *DARTSModules // PartDARTS
}

// ConvConfig configures a convolution (as nn.Conv2DConfig). Zero Stride,
// Dilation and Groups mean 1; KernelW, if positive, makes the kernel
// Kernel×KernelW with StrideW and PaddingW across.
type ConvConfig struct {
	In, Out  int
	Kernel   int
	Stride   int
	Padding  int
	Dilation int
	Groups   int
	Bias     bool

	KernelW, StrideW, PaddingW int
}

// OpConfig configures a cell operation (as nn.OpConfig).
type OpConfig struct {
	In, Out  int
	Kernel   int
	Stride   int
	Padding  int
	Dilation int
	// Affine gives the batch norms a learnable scale and shift; Untracked
	// ones normalise with the batch's statistics in evaluation too.
	Affine    bool
	Untracked bool
	// Bias adds a bias to the convolutions that NAS-Bench-201 gives
	// bias = not affine.
	Bias bool
}

// MBConfig configures an inverted residual block.
type MBConfig struct {
	In, Out int
	Hidden  int // expanded channels; In means no expansion
	Kernel  int
	Stride  int
	Squeeze int // squeeze-excitation channels; zero means none
	Act     cost.Activation
	// SEAct and SEGate are the squeeze-excitation's activation and gate
	// (MobileNetV3: ReLU, HSigmoid; EfficientNet: Swish, Sigmoid).
	SEAct, SEGate cost.Activation
}

// CellModules is a cell made: node Inputs+i sums the edges Nodes[i], and
// the output concatenates the Concat nodes along channels (one node: that
// node itself). Its module takes the cell's inputs in order.
type CellModules struct {
	Inputs int
	Nodes  [][]EdgeModule
	Concat []int
}

// EdgeModule is one made edge of a cell: Op applied to node From.
type EdgeModule struct {
	From int
	Op   Module
}

// DARTSModules is DARTS's network made: Stem (CIFAR: both first inputs are
// its output) or Stem and Stem1 (ImageNet: the inputs are Stem's output and
// Stem1's on it), the cells on their preprocessed inputs, and Head on the
// last cell's output. Aux, when not nil, is the auxiliary head on the
// output of cell AuxAt, run in training only.
type DARTSModules struct {
	Stem, Stem1 Module
	Cells       []DARTSCell
	Aux         Module
	AuxAt       int
	Head        Module
}

// DARTSCell is one made cell of DARTS's network with its preprocessing:
// Pre0 on the output of the cell before the previous one, Pre1 on the
// previous one's.
type DARTSCell struct {
	Pre0, Pre1, Cell Module
}
