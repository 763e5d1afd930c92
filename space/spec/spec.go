package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"nasbook/internal/limit"
)

// Kind is the form of a spec.
type Kind string

// The spec kinds.
const (
	KindCell       Kind = "cell"       // Cells is set
	KindSequential Kind = "sequential" // Layers is set
)

// Spec is an architecture as data.
type Spec struct {
	Space   string `json:"space,omitempty"` // the space it belongs to, e.g. "nb201"
	Arch    string `json:"arch,omitempty"`  // the architecture in that space's notation
	Kind    Kind   `json:"kind"`
	Input   []int  `json:"input"`   // one example's shape: [C, H, W] images, [T, F] sequences
	Classes int    `json:"classes"` // outputs of the classifier

	Cells  *Cells  `json:"cells,omitempty"`
	Layers []Layer `json:"layers,omitempty"`
	// Ops defines cell operations by name as sequences of layers (see
	// CellOp for how a sequence takes the edge's channels and stride).
	Ops map[string][]Layer `json:"ops,omitempty"`
}

// Macro is the skeleton around the cells of a KindCell spec.
type Macro string

// The macro skeletons.
const (
	// MacroNB201 is NAS-Bench-201's network: Conv3×3 C + BN; N cells at C;
	// a ResNet basic block to 2C, stride 2; N cells at 2C; a block to 4C;
	// N cells at 4C; BN, ReLU, global average pooling, linear classifier.
	// Cells have one input and keep their channels.
	MacroNB201 Macro = "nb201"
	// MacroDARTS is DARTS's NetworkCIFAR: Conv3×3 3C + BN; Layers cells
	// whose inputs are the two previous outputs, preprocessed to C by
	// ReLUConvBN 1×1 (FactorizedReduce after a reduction); the cells at
	// Layers/3 and 2·Layers/3 double C and halve the resolution (the
	// Reduce cell, its input edges with stride 2); each cell concatenates
	// its Concat nodes; global average pooling, linear classifier; with
	// Auxiliary, AuxiliaryHeadCIFAR on the output of cell 2·Layers/3.
	MacroDARTS Macro = "darts"
	// MacroDARTSImageNet is DARTS's NetworkImageNet: the same cells after
	// two stems that reduce the resolution 8 times (Conv3×3/2 C/2, BN,
	// ReLU, Conv3×3/2 C, BN; ReLU, Conv3×3/2 C, BN).
	MacroDARTSImageNet Macro = "darts-imagenet"
)

// Cells is the cell-based part of a KindCell spec.
type Cells struct {
	Macro     Macro `json:"macro"`
	C         int   `json:"C"`                // channels of the first stage's cells
	N         int   `json:"N,omitempty"`      // nb201: cells per stage
	Layers    int   `json:"layers,omitempty"` // darts: cells in all
	Normal    Cell  `json:"normal"`
	Reduce    *Cell `json:"reduce,omitempty"` // darts: the reduction cell
	Auxiliary bool  `json:"auxiliary,omitempty"`
}

// Cell is a DAG. Nodes 0..Inputs-1 are the cell's inputs; node Inputs+i is
// Nodes[i], the sum of its edges, each an operation applied to an earlier
// node. The cell's output is the concatenation of the Concat nodes along
// channels (one node: that node itself).
type Cell struct {
	Inputs int      `json:"inputs"`
	Nodes  [][]Edge `json:"nodes"`
	Concat []int    `json:"concat"`
}

// Edge is one operation of a cell, applied to node From.
type Edge struct {
	From int    `json:"from"`
	Op   string `json:"op"`
}

// LayerOp is what a generic Layer computes.
type LayerOp uint8

// The generic layers. Shapes exclude the batch dimension.
const (
	Conv        LayerOp = iota // [C,H,W] -> [Out,OH,OW]; Kernel, Stride, Padding or Same, Dilation, Groups or Depthwise, Bias
	BatchNorm                  // affine, tracked; on [C,H,W]
	LayerNorm                  // affine; over the last dimension
	ReLU                       //
	ReLU6                      //
	HSwish                     //
	HSigmoid                   //
	GELU                       //
	MaxPool                    // Kernel, Stride (zero: Kernel), Padding or Same
	AvgPool                    // as MaxPool; padding excluded from the average
	GlobalPool                 // mean over space [C,H,W] -> [C] or over tokens [T,D] -> [D]
	Flatten                    // -> one dimension
	Linear                     // on the last dimension -> Out; Bias
	Dropout                    // P
	MBConv                     // inverted residual: Out, Kernel, Stride, Hidden or Expand, SE, Act
	Patches                    // [C,H,W] -> [(H/Kernel)(W/Kernel), C·Kernel²]; first layer only
	Embed                      // [T,F] -> [T,Out], with a position embedding when Positions; on the input or Patches; token ids [T,1] of Vocab ids looked up when Vocab, Sinusoidal for a fixed encoding
	Transformer                // pre-norm block on [T,D]: Heads, MLPRatio (zero: 4); Experts MLPs, TopK (zero: 1) a token, when Experts > 1
	Swish                      // x·σ(x), also called SiLU (EfficientNet)
	Sigmoid                    //
	Branch                     // Branches on the same input, added (or with Concat joined along channels); an empty branch is the shortcut
	NumLayerOps
)

var layerOpNames = [NumLayerOps]string{"conv", "bn", "ln", "relu", "relu6", "hswish", "hsigmoid", "gelu",
	"maxpool", "avgpool", "gap", "flatten", "linear", "dropout", "mbconv", "patches", "embed", "transformer",
	"swish", "sigmoid", "branch"}

func (o LayerOp) String() string {
	if o < NumLayerOps {
		return layerOpNames[o]
	}
	return "spec.LayerOp(" + strconv.Itoa(int(o)) + ")"
}

// ParseLayerOp returns the layer op named s.
func ParseLayerOp(s string) (LayerOp, error) {
	for i, n := range layerOpNames {
		if n == s {
			return LayerOp(i), nil
		}
	}
	return 0, fmt.Errorf("spec: unknown layer op %q (want one of %s)", s, strings.Join(layerOpNames[:], ", "))
}

// MarshalText writes the op's name.
func (o LayerOp) MarshalText() ([]byte, error) {
	if o >= NumLayerOps {
		return nil, fmt.Errorf("spec: unknown layer op %d", o)
	}
	return []byte(o.String()), nil
}

// UnmarshalText reads an op's name.
func (o *LayerOp) UnmarshalText(b []byte) error {
	v, err := ParseLayerOp(string(b))
	*o = v
	return err
}

// Layer is one generic layer. Only the fields its Op uses (listed at the op)
// are read; zero values are the defaults written there.
type Layer struct {
	Op        LayerOp `json:"op"`
	Out       int     `json:"out,omitempty"` // output channels or features; zero keeps the input's (conv, mbconv)
	Kernel    int     `json:"kernel,omitempty"`
	Stride    int     `json:"stride,omitempty"` // zero means 1 (pools: Kernel)
	Padding   int     `json:"padding,omitempty"`
	Same      bool    `json:"same,omitempty"` // padding Dilation·(Kernel−1)/2 instead of Padding
	Dilation  int     `json:"dilation,omitempty"`
	Groups    int     `json:"groups,omitempty"`
	Depthwise bool    `json:"depthwise,omitempty"` // Groups = input channels
	Bias      bool    `json:"bias,omitempty"`
	Hidden    int     `json:"hidden,omitempty"` // mbconv expanded channels
	Expand    float64 `json:"expand,omitempty"` // mbconv: Hidden = round(Expand·input channels) when Hidden is zero
	// SE gives an mbconv block squeeze-excitation. As MobileNetV3 (and
	// Once-for-All) build it, it squeezes the expanded width to
	// MakeDivisible(⌊SERatio·Hidden⌋, 8) channels, with ReLU and a hard
	// sigmoid gate; with SEInput, as EfficientNet builds it, it squeezes
	// to max(1, ⌊SERatio·input channels⌋), with swish and a sigmoid gate.
	// SERatio zero means 1/4, both papers' ratio.
	SE      bool    `json:"se,omitempty"`
	SERatio float64 `json:"se_ratio,omitempty"`
	SEInput bool    `json:"se_input,omitempty"`
	Act     string  `json:"act,omitempty"` // mbconv activation: relu (default), relu6, hswish, swish
	// Branches are the layer sequences of a branch block, each on the
	// block's input. Their outputs are added, or with Concat joined along
	// channels. An empty branch is the shortcut: the input itself, or, if
	// the other branches change its shape (adding: its channels or size;
	// joining: its size), a projection to theirs, a 1×1 convolution with
	// their stride and a batch norm (ResNet's downsample).
	Branches  [][]Layer `json:"branches,omitempty"`
	Concat    bool      `json:"concat,omitempty"`
	Heads     int       `json:"heads,omitempty"`
	MLPRatio  int       `json:"mlp_ratio,omitempty"`
	Experts   int       `json:"experts,omitempty"` // transformer: a mixture of experts MLPs when above 1
	TopK      int       `json:"top_k,omitempty"`   // transformer: experts per token; zero means 1
	P         float64   `json:"p,omitempty"`       // dropout probability
	Positions bool      `json:"positions,omitempty"`
	// Vocab, on an embed, makes its input token ids [T,1] in [0, Vocab),
	// each looked up in a learned [Vocab,Out] table.
	Vocab int `json:"vocab,omitempty"`
	// Sinusoidal, on an embed of token ids, adds the fixed sinusoidal
	// position encoding (instead of a learned one, Positions).
	Sinusoidal bool `json:"sinusoidal,omitempty"`
}

// MakeDivisible rounds v to the nearest multiple of d, not below d and not
// more than 10% below v (the rounding of MobileNetV2, V3 and Once-for-All).
func MakeDivisible(v float64, d int) int {
	n := max(d, int(v+float64(d)/2)/d*d)
	if float64(n) < 0.9*v {
		n += d
	}
	return n
}

// Parse reads a spec from JSON; unknown fields are errors, and so is a
// text over MaxBytes.
func Parse(data []byte) (*Spec, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("spec: %d bytes of JSON, more than %s", len(data), limit.Bytes(MaxBytes))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return &s, nil
}

// JSON writes s as indented JSON.
func (s *Spec) JSON() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("spec: " + err.Error()) // only an out-of-range LayerOp, a programming error
	}
	return b
}

// Clone returns a deep copy of s.
func (s *Spec) Clone() *Spec {
	c, err := Parse(s.JSON())
	if err != nil {
		panic("spec: Clone: " + err.Error())
	}
	return c
}

// SetClasses sets the number of classes, and in a sequential spec the
// width of the final linear layer (the classifier) with it.
func (s *Spec) SetClasses(n int) {
	s.Classes = n
	if k := len(s.Layers); s.Kind == KindSequential && k > 0 && s.Layers[k-1].Op == Linear {
		s.Layers[k-1].Out = n
	}
}

// FitData sets s's input to the shape of examples [c,h,w] as a dataset
// stores them: [c,h,w] for a network of images, [h,w] for a network of
// sequences ([T,F], stored with c = 1; token ids have F = 1).
func (s *Spec) FitData(c, h, w int) error {
	switch {
	case len(s.Input) == 3:
		s.Input = []int{c, h, w}
	case len(s.Input) == 2 && c == 1:
		s.Input = []int{h, w}
	case len(s.Input) == 2:
		return fmt.Errorf("spec: the network takes sequences [T,F], the data has %dx%dx%d examples", c, h, w)
	default:
		return fmt.Errorf("spec: an input %v takes no data", s.Input)
	}
	return nil
}

// TakesData reports whether examples [c,h,w] as a dataset stores them
// have s's input shape (see FitData).
func (s *Spec) TakesData(c, h, w int) bool {
	in := s.Input
	return (len(in) == 3 && in[0] == c && in[1] == h && in[2] == w) || (len(in) == 2 && c == 1 && in[0] == h && in[1] == w)
}

// Vocab returns the vocabulary of a sequential network whose input is
// token ids (its first layer an embed with Vocab), or 0.
func (s *Spec) Vocab() int {
	if s.Kind == KindSequential && len(s.Layers) > 0 && s.Layers[0].Op == Embed {
		return s.Layers[0].Vocab
	}
	return 0
}

// OpNames lists the built-in cell operations and the spec's own, sorted.
func (s *Spec) OpNames() []string {
	ns := BuiltinOpNames()
	for n := range s.Ops {
		if _, dup := BuiltinOp(n); !dup {
			ns = append(ns, n)
		}
	}
	sort.Strings(ns)
	return ns
}
