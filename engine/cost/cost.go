package cost

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a layer computes.
type Kind uint8

// The layer kinds. Shapes exclude the batch dimension.
const (
	Conv       Kind = iota // [C,H,W] -> [Width,OH,OW]; KH×KW kernel, Groups, Dilation
	Linear                 // [..., F] -> [..., Width] on the last dimension
	BatchNorm              // per channel; 2C parameters when Affine
	LayerNorm              // over the last dimension; 2D parameters when Affine
	Act                    // elementwise activation Act
	MaxPool                // KH×KW window, stride SH×SW, padding PH×PW
	AvgPool                // as MaxPool
	GlobalPool             // mean over space [C,H,W] -> [C], or over tokens [T,D] -> [D]
	Add                    // elementwise sum of Inputs tensors of shape In
	Concat                 // Inputs tensors joined on dimension 0 into Width channels
	Scale                  // x[C,H,W] times a per-channel s[C] (squeeze-excitation)
	Attention              // softmax(QKᵀ/√d)V with Heads heads: [T,3D] -> [T,D]
	Zero                   // the "none" op: zeros [Width, ⌈H/SH⌉, ⌈W/SW⌉]
	Rearrange              // data movement with a caller-given Out of the same size (patches, shifts)
	PosEmbed               // adds a learned [T,D] position embedding, or a Fixed (sinusoidal) one
	Dropout                // elementwise mask in training
	Lookup                 // token ids [T,1] -> [T,Width], rows of a [Vocab,Width] table
	NumKinds
)

var kindNames = [NumKinds]string{"conv", "linear", "batchnorm", "layernorm", "act", "maxpool", "avgpool",
	"globalpool", "add", "concat", "scale", "attention", "zero", "rearrange", "posembed", "dropout", "lookup"}

func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return "cost.Kind(" + strconv.Itoa(int(k)) + ")"
}

// Activation is the function of an Act layer.
type Activation uint8

// The activations.
const (
	ReLU     Activation = iota
	ReLU6               // min(max(x, 0), 6)
	HSwish              // x·ReLU6(x+3)/6 (MobileNetV3)
	HSigmoid            // ReLU6(x+3)/6
	GELU
	Sigmoid
	Swish // x·σ(x), also called SiLU (EfficientNet)
	NumActivations
)

var actNames = [NumActivations]string{"relu", "relu6", "hswish", "hsigmoid", "gelu", "sigmoid", "swish"}

func (a Activation) String() string {
	if a < NumActivations {
		return actNames[a]
	}
	return "cost.Activation(" + strconv.Itoa(int(a)) + ")"
}

// ParseActivation returns the activation named s.
func ParseActivation(s string) (Activation, error) {
	for i, n := range actNames {
		if n == s {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("cost: unknown activation %q (want one of %s)", s, strings.Join(actNames[:], ", "))
}

// Layer is one layer of a Net. The caller fills the settings and In; Infer
// fills Out, Params and MACs. Zero SH, SW, Dilation and Groups mean 1.
type Layer struct {
	Kind Kind
	Act  Activation // Kind Act
	Name string     // e.g. "cells.3.edges.0.op.1"
	Aux  bool       // part of a training-only auxiliary head

	In     []int // input shape, batch excluded
	Inputs int   // operands of Add and Concat
	Width  int   // output channels (Conv, Concat, Zero) or features (Linear)
	KH, KW int
	SH, SW int
	PH, PW int

	Dilation, Groups int
	Heads            int // Attention
	Vocab            int // Lookup: the table's rows
	Bias, Affine     bool
	Fixed            bool // PosEmbed: a fixed encoding, which has no parameters

	// Experts, when above 1, makes a Linear or Act layer one of a mixture
	// of experts' expert layers: it holds Experts copies of its weights, and
	// each token takes TopK of them. In then holds the routed rows, TopK a
	// token ([TopK·T, F] for T tokens), each row through one copy, so MACs
	// count what runs (the active compute) and Params every copy.
	Experts, TopK int

	Out    []int // output shape, batch excluded (given by the caller for Rearrange)
	Params int64
	MACs   int64
}

func numel(s []int) int64 {
	n := int64(1)
	for _, d := range s {
		n *= int64(d)
	}
	return n
}

func one(v int) int { return max(v, 1) }

// Infer computes l.Out, l.Params and l.MACs from the settings and l.In. It
// returns an error naming the layer when the settings do not fit the input
// (a channel count that the groups do not divide, an output of size zero).
func (l *Layer) Infer() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("cost: %s %s on input %v: %s", l.Kind, l.Name, l.In, fmt.Sprintf(format, args...))
	}
	for _, d := range l.In {
		if d <= 0 {
			return fail("empty input")
		}
	}
	if err := l.checkSettings(); err != nil {
		return fail("%v", err)
	}
	if _, ok := mul(sizes(l.In)...); !ok {
		return fail("more than %d input elements", int64(MaxCount))
	}
	rank := len(l.In)
	l.Params, l.MACs = 0, 0
	spatial := func() (int, int, error) {
		if rank != 3 {
			return 0, 0, fail("want a [C,H,W] input")
		}
		d := one(l.Dilation)
		oh := (l.In[1]+2*l.PH-d*(l.KH-1)-1)/one(l.SH) + 1
		ow := (l.In[2]+2*l.PW-d*(l.KW-1)-1)/one(l.SW) + 1
		if l.KH <= 0 || l.KW <= 0 || oh <= 0 || ow <= 0 || l.In[1]+2*l.PH < d*(l.KH-1)+1 || l.In[2]+2*l.PW < d*(l.KW-1)+1 {
			return 0, 0, fail("a %dx%d window leaves no output", l.KH, l.KW)
		}
		return oh, ow, nil
	}
	switch l.Kind {
	case Conv:
		oh, ow, err := spatial()
		if err != nil {
			return err
		}
		g, c := one(l.Groups), l.In[0]
		if l.Width <= 0 || c%g != 0 || l.Width%g != 0 {
			return fail("%d groups do not divide %d input and %d output channels", g, c, l.Width)
		}
		per, ok1 := mul(int64(c/g), int64(l.KH), int64(l.KW))
		l.Out = []int{l.Width, oh, ow}
		params, ok2 := mul(int64(l.Width), per)
		macs, ok3 := mul(int64(oh), int64(ow), int64(l.Width), per)
		if !ok1 || !ok2 || !ok3 {
			return fail("more than %d parameters or multiply-accumulates", int64(MaxCount))
		}
		l.Params, l.MACs = params, macs
		if l.Bias {
			l.Params += int64(l.Width)
		}
	case Linear:
		if rank == 0 || l.Width <= 0 {
			return fail("want a non-empty input and output")
		}
		f := int64(l.In[rank-1])
		l.Out = append(append([]int(nil), l.In[:rank-1]...), l.Width)
		params, ok1 := mul(f, int64(l.Width))
		macs, ok2 := mul(append(sizes(l.In), int64(l.Width))...)
		if !ok1 || !ok2 {
			return fail("more than %d parameters or multiply-accumulates", int64(MaxCount))
		}
		l.Params, l.MACs = params, macs
		if l.Bias {
			l.Params += int64(l.Width)
		}
		if l.Experts > 1 {
			if l.Params, ok1 = mul(l.Params, int64(l.Experts)); !ok1 {
				return fail("more than %d parameters", int64(MaxCount))
			}
		}
	case BatchNorm, LayerNorm:
		if rank == 0 {
			return fail("empty input")
		}
		l.Out = l.In
		if l.Affine {
			c := l.In[0]
			if l.Kind == LayerNorm {
				c = l.In[rank-1]
			}
			l.Params = 2 * int64(c)
		}
	case Act, Add, Scale, Dropout:
		l.Out = l.In
	case PosEmbed:
		if rank != 2 {
			return fail("want a [T,D] input")
		}
		l.Out = l.In
		if !l.Fixed {
			l.Params = numel(l.In)
		}
	case Lookup:
		if rank != 2 || l.In[1] != 1 || l.Width <= 0 || l.Vocab <= 0 {
			return fail("want token ids [T,1], a vocabulary and a width")
		}
		l.Out = []int{l.In[0], l.Width}
		params, ok := mul(int64(l.Vocab), int64(l.Width))
		if !ok {
			return fail("more than %d parameters", int64(MaxCount))
		}
		l.Params = params
	case MaxPool, AvgPool:
		oh, ow, err := spatial()
		if err != nil {
			return err
		}
		l.Out = []int{l.In[0], oh, ow}
		if _, ok := mul(int64(l.KH), int64(l.KW), int64(l.In[0]), int64(oh), int64(ow)); !ok {
			return fail("more than %d window elements", int64(MaxCount))
		}
	case GlobalPool:
		switch rank {
		case 3:
			l.Out = []int{l.In[0]}
		case 2:
			l.Out = []int{l.In[1]}
		default:
			return fail("want a [C,H,W] or [T,D] input")
		}
	case Concat:
		if rank == 0 || l.Width <= 0 {
			return fail("no channels")
		}
		l.Out = append([]int{l.Width}, l.In[1:]...)
	case Attention:
		if rank != 2 || l.In[1]%3 != 0 || l.Heads <= 0 || (l.In[1]/3)%l.Heads != 0 {
			return fail("want [T,3D] with %d heads dividing D", l.Heads)
		}
		t, d := int64(l.In[0]), int64(l.In[1]/3)
		l.Out = []int{l.In[0], l.In[1] / 3}
		macs, ok := mul(2, t, t, d)
		if !ok {
			return fail("more than %d multiply-accumulates", int64(MaxCount))
		}
		l.MACs = macs
	case Zero:
		if rank != 3 || l.Width <= 0 {
			return fail("want a [C,H,W] input and channels")
		}
		sh, sw := one(l.SH), one(l.SW)
		l.Out = []int{l.Width, (l.In[1] + sh - 1) / sh, (l.In[2] + sw - 1) / sw}
	case Rearrange:
		if len(l.Out) > 8 || slices.ContainsFunc(l.Out, func(d int) bool { return d <= 0 || d > MaxSetting }) || numel(l.Out) != numel(l.In) {
			return fail("output %v has a different size", l.Out)
		}
	default:
		return fail("unknown kind")
	}
	if _, ok := mul(4, numel(l.Out)); !ok || len(l.Out) > 8 {
		return fail("an output %v of more than %d bytes", l.Out, int64(MaxCount))
	}
	return nil
}

// sizes returns s as int64s.
func sizes(s []int) []int64 {
	out := make([]int64, len(s))
	for i, d := range s {
		out[i] = int64(d)
	}
	return out
}

// Key names the layer's configuration: two layers with the same Key cost the
// same and take the same time. The name is not part of it.
func (l *Layer) Key() string {
	var b strings.Builder
	b.WriteString(l.Kind.String())
	if l.Kind == Act {
		b.WriteString(":" + l.Act.String())
	}
	fmt.Fprintf(&b, " in=%v", l.In)
	if l.Width != 0 {
		fmt.Fprintf(&b, " w=%d", l.Width)
	}
	if l.KH != 0 || l.KW != 0 {
		fmt.Fprintf(&b, " k=%dx%d s=%dx%d p=%dx%d", l.KH, l.KW, one(l.SH), one(l.SW), l.PH, l.PW)
	}
	if l.Dilation > 1 {
		fmt.Fprintf(&b, " d=%d", l.Dilation)
	}
	if l.Groups > 1 {
		fmt.Fprintf(&b, " g=%d", l.Groups)
	}
	if l.Inputs > 1 {
		fmt.Fprintf(&b, " n=%d", l.Inputs)
	}
	if l.Heads > 0 {
		fmt.Fprintf(&b, " h=%d", l.Heads)
	}
	if l.Experts > 1 {
		fmt.Fprintf(&b, " experts=%d top=%d", l.Experts, l.TopK)
	}
	if l.Vocab > 0 {
		fmt.Fprintf(&b, " v=%d", l.Vocab)
	}
	if l.Fixed {
		b.WriteString(" fixed")
	}
	if l.Bias {
		b.WriteString(" bias")
	}
	if l.Affine {
		b.WriteString(" affine")
	}
	return b.String()
}

// Net is a network as a list of layers in execution order. Add keeps it
// within MaxLayers layers and MaxCount parameters, multiply-accumulates and
// activation bytes; Count requires that of a Net built otherwise.
type Net struct {
	Input  []int // input shape, batch excluded
	Layers []Layer

	params, macs, total, act, win int64 // running totals of the layers added (total: MACs with every expert; win: pooling windows)
}

// Add infers l, appends it and returns its output shape.
func (n *Net) Add(l Layer) ([]int, error) {
	if err := l.Infer(); err != nil {
		return nil, err
	}
	if len(n.Layers) >= MaxLayers {
		return nil, fmt.Errorf("cost: %s %s: more than %d layers", l.Kind, l.Name, MaxLayers)
	}
	params, macs, act := n.params+l.Params, n.macs+l.MACs, n.act+4*numel(l.Out)
	all, ok := l.MACs, true
	if l.Experts > 1 {
		all, ok = mul(l.MACs/int64(l.TopK), int64(l.Experts))
	}
	total := n.total + all
	win := n.win
	switch l.Kind {
	case MaxPool, AvgPool:
		w, _ := mul(int64(l.KH), int64(l.KW), numel(l.Out))
		win += w
	case GlobalPool:
		win += numel(l.In) * 4
	}
	if !ok || params > MaxCount || total > MaxCount || act > MaxCount || win > MaxCount {
		return nil, fmt.Errorf("cost: %s %s: the network passes %d parameters, multiply-accumulates, activation bytes or pooled elements", l.Kind, l.Name, int64(MaxCount))
	}
	n.params, n.macs, n.total, n.act, n.win = params, macs, total, act, win
	n.Layers = append(n.Layers, l)
	return l.Out, nil
}

// Report is what a network costs. JSON names are those of `nasbook cost`.
//
// In a network with a mixture of experts, Params counts every expert and
// ActiveParams the parameters one token uses (the router and TopK experts);
// MACs counts what runs, each token through TopK experts, and TotalMACs
// what would run if every token took every expert, the dense network of the
// same parameters. Without experts ActiveParams is Params and TotalMACs MACs.
//
// In a network on a sequence of tokens (a transformer's, text or image
// patches), Tokens is the sequence's length, as its first attention,
// position embedding or lookup sees it, and MACsPerToken is MACs over
// Tokens: what a token costs, attention's share at this length included.
type Report struct {
	Params          int64   `json:"params"`                   // inference network
	ActiveParams    int64   `json:"active_params"`            // used per token
	AuxParams       int64   `json:"aux_params,omitempty"`     // auxiliary heads, training only
	MACs            int64   `json:"macs"`                     // per example, inference network
	TotalMACs       int64   `json:"total_macs"`               // per example with every expert
	FLOPs           int64   `json:"flops"`                    // 2 x MACs
	ActivationBytes int64   `json:"activation_bytes"`         // per example, training
	PeakTrainBytes  int64   `json:"peak_train_bytes"`         // at the batch size given to Count
	LatencyMS       float64 `json:"latency_ms,omitempty"`     // batch 1, inference network
	Tokens          int     `json:"tokens,omitempty"`         // of a network on a sequence
	MACsPerToken    float64 `json:"macs_per_token,omitempty"` // MACs / Tokens
}

// Count adds up the costs of n; batch sets the batch size of PeakTrainBytes
// (zero means 1). It panics on a batch above MaxBatch or on a Net over the
// bounds that Add keeps, whose figures would not fit in int64.
func (n *Net) Count(batch int) Report {
	if batch < 0 || batch > MaxBatch || len(n.Layers) > MaxLayers {
		panic(fmt.Sprintf("cost: Count of %d layers at batch %d, over MaxLayers or MaxBatch", len(n.Layers), batch))
	}
	var r Report
	for i := range n.Layers {
		l := &n.Layers[i]
		switch {
		case l.Aux:
			r.AuxParams += l.Params
		case l.Experts > 1:
			r.Params += l.Params
			r.ActiveParams += l.Params / int64(l.Experts) * int64(l.TopK)
			r.MACs += l.MACs
			r.TotalMACs += l.MACs / int64(l.TopK) * int64(l.Experts)
		default:
			r.Params += l.Params
			r.ActiveParams += l.Params
			r.MACs += l.MACs
			r.TotalMACs += l.MACs
		}
		if l.Kind != Dropout {
			r.ActivationBytes += 4 * numel(l.Out)
		}
		if r.Tokens == 0 && !l.Aux && (l.Kind == Attention || l.Kind == PosEmbed || l.Kind == Lookup) && len(l.In) == 2 {
			r.Tokens = l.In[0]
		}
	}
	if r.Params+r.AuxParams > MaxCount || r.TotalMACs > MaxCount || r.ActivationBytes > MaxCount {
		panic("cost: Count of a Net over MaxCount; build Nets with Add")
	}
	r.FLOPs = 2 * r.MACs
	if r.Tokens > 0 {
		r.MACsPerToken = float64(r.MACs) / float64(r.Tokens)
	}
	r.PeakTrainBytes = 12*(r.Params+r.AuxParams) + int64(one(batch))*2*r.ActivationBytes
	return r
}

// NASLibFLOPs counts floating-point operations per example as NASLib's
// zero-cost benchmark counts them for its "flops" column (NAS-Bench-Suite-Zero,
// whose NAS-Bench-201 figures are the ones usually quoted): the forward-hook
// counter of tensorwatch's ModelStats (derived from torchstat,
// compute_flops.py), which counts, per example,
//
//   - convolutions: multiply-accumulates plus one addition per output with bias;
//   - linear layers: multiply-accumulates only, bias or not;
//   - batch norm: 2 per element (1 without affine parameters);
//   - ReLU-family activations (ReLU, ReLU6): 1 per element; others nothing;
//   - max and average pooling: KH·KW per output;
//   - a global average pool, which it sees as AdaptiveAvgPool2d(1): the
//     window of its adaptive-pool formula, (H+1)·(W+1) per output channel
//     (the counter adds one to each side of the window);
//
// and nothing for additions, concatenations or layers it does not know.
// This reproduces every NAS-Bench-201 row of the benchmark's table to its
// six significant digits (space/nb201's TestPublishedCosts). Auxiliary
// heads count nothing.
func (n *Net) NASLibFLOPs() int64 {
	var f int64
	for i := range n.Layers {
		l := &n.Layers[i]
		if l.Aux {
			continue
		}
		switch l.Kind {
		case Conv:
			f += l.MACs
			if l.Bias {
				f += numel(l.Out)
			}
		case Linear:
			f += l.MACs
		case MaxPool, AvgPool:
			f += int64(l.KH) * int64(l.KW) * numel(l.Out)
		case GlobalPool:
			if len(l.In) == 3 {
				f += int64(l.In[0]) * int64(l.In[1]+1) * int64(l.In[2]+1)
			}
		case BatchNorm:
			f += numel(l.Out)
			if l.Affine {
				f += numel(l.Out)
			}
		case Act:
			if l.Act == ReLU || l.Act == ReLU6 {
				f += numel(l.Out)
			}
		}
	}
	return f
}
