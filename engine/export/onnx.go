package export

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"

	"nasbook/engine/build"
	"nasbook/engine/nn"
)

// The ONNX model is encoded field by field with protowire, the wire-format
// layer of Go's protobuf library, after onnx.proto (MIT): the handful of
// messages a model of plain tensors and nodes needs (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto)
// without generated code or a protoc step. Field numbers are onnx.proto's.

// onnxOpset is the ONNX operator set the models use; onnxIR its IR version.
const (
	onnxOpset = 13
	onnxIR    = 7
)

// ONNX element and attribute types (onnx.proto's enums).
const (
	onnxFloat = 1
	onnxInt64 = 7

	attrFloat = 1
	attrInt   = 2
	attrInts  = 7
)

// ToONNX writes net in evaluation mode (batch norms with their running
// statistics, no dropout, no auxiliary head) as an ONNX model of opset 13
// with its weights inside: input "input" [N, Input...], output "logits"
// [N, Classes]. A network of token ids takes them as nasbook does, whole
// numbers stored as floats.
func ToONNX(net *build.Network, title string) ([]byte, error) {
	g := &graph{input: net.Spec.Input}
	y, err := g.module(net.Body(), "input", "body")
	if err != nil {
		return nil, err
	}
	g.node("Identity", []string{y}, []string{"logits"})
	var gb []byte
	for _, n := range g.nodes {
		gb = protowire.AppendTag(gb, 1, protowire.BytesType)
		gb = protowire.AppendBytes(gb, n)
	}
	gb = appendString(gb, 2, "nasbook")
	for _, t := range g.inits {
		gb = protowire.AppendTag(gb, 5, protowire.BytesType)
		gb = protowire.AppendBytes(gb, t)
	}
	in := append([]int{-1}, net.Spec.Input...)
	gb = appendMsg(gb, 11, valueInfo("input", in))
	gb = appendMsg(gb, 12, valueInfo("logits", []int{-1, net.Spec.Classes}))

	var m []byte
	m = protowire.AppendTag(m, 1, protowire.VarintType)
	m = protowire.AppendVarint(m, onnxIR)
	m = appendString(m, 2, "nasbook")
	m = appendString(m, 6, title)
	m = appendMsg(m, 7, gb)
	var opset []byte
	opset = appendString(opset, 1, "")
	opset = protowire.AppendTag(opset, 2, protowire.VarintType)
	opset = protowire.AppendVarint(opset, onnxOpset)
	m = appendMsg(m, 8, opset)
	return m, nil
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMsg(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func appendInt(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// valueInfo is a float tensor's name and shape; -1 is the batch, "N".
func valueInfo(name string, shape []int) []byte {
	var sh []byte
	for _, d := range shape {
		var dim []byte
		if d < 0 {
			dim = appendString(dim, 2, "N")
		} else {
			dim = appendInt(dim, 1, int64(d))
		}
		sh = appendMsg(sh, 1, dim)
	}
	var tt []byte
	tt = appendInt(tt, 1, onnxFloat)
	tt = appendMsg(tt, 2, sh)
	var typ []byte
	typ = appendMsg(typ, 1, tt)
	var v []byte
	v = appendString(v, 1, name)
	return appendMsg(v, 2, typ)
}

// attr is one node attribute: an int, a float or a list of ints.
type attr struct {
	name string
	i    *int64
	f    *float32
	ints []int64
}

func aInt(name string, v int) attr { x := int64(v); return attr{name: name, i: &x} }

func aFloat(name string, v float32) attr { return attr{name: name, f: &v} }

func aInts(name string, vs ...int) attr {
	xs := make([]int64, len(vs))
	for i, v := range vs {
		xs[i] = int64(v)
	}
	return attr{name: name, ints: xs}
}

// graph collects the nodes and initialisers of a model.
type graph struct {
	input []int // the network's input shape, without the batch
	nodes [][]byte
	inits [][]byte
	n     int
}

// name returns a fresh value name.
func (g *graph) name(hint string) string {
	g.n++
	return hint + "_" + strconv.Itoa(g.n)
}

// node adds a node and returns its first output.
func (g *graph) node(op string, in, out []string, attrs ...attr) string {
	var b []byte
	for _, s := range in {
		b = appendString(b, 1, s)
	}
	for _, s := range out {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, out[0])
	b = appendString(b, 4, op)
	for _, a := range attrs {
		var ab []byte
		ab = appendString(ab, 1, a.name)
		switch {
		case a.f != nil:
			ab = protowire.AppendTag(ab, 2, protowire.Fixed32Type)
			ab = protowire.AppendFixed32(ab, math.Float32bits(*a.f))
			ab = appendInt(ab, 20, attrFloat)
		case a.i != nil:
			ab = appendInt(ab, 3, *a.i)
			ab = appendInt(ab, 20, attrInt)
		default:
			for _, v := range a.ints {
				ab = appendInt(ab, 8, v)
			}
			ab = appendInt(ab, 20, attrInts)
		}
		b = appendMsg(b, 5, ab)
	}
	g.nodes = append(g.nodes, b)
	return out[0]
}

// op adds a node of one output named after op.
func (g *graph) op(op string, in []string, attrs ...attr) string {
	return g.node(op, in, []string{g.name(op)}, attrs...)
}

// floats adds a float initialiser and returns its name.
func (g *graph) floats(name string, shape []int, data []float32) string {
	var t []byte
	for _, d := range shape {
		t = appendInt(t, 1, int64(d))
	}
	t = appendInt(t, 2, onnxFloat)
	t = appendString(t, 8, name)
	raw := make([]byte, 0, 4*len(data))
	for _, v := range data {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
	}
	t = protowire.AppendTag(t, 9, protowire.BytesType)
	t = protowire.AppendBytes(t, raw)
	g.inits = append(g.inits, t)
	return name
}

// int64s adds an int64 initialiser (shapes, axes) and returns its name.
func (g *graph) int64s(vs ...int) string {
	name := g.name("const")
	var t []byte
	t = appendInt(t, 1, int64(len(vs)))
	t = appendInt(t, 2, onnxInt64)
	t = appendString(t, 8, name)
	raw := make([]byte, 0, 8*len(vs))
	for _, v := range vs {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(int64(v)))
	}
	t = protowire.AppendTag(t, 9, protowire.BytesType)
	t = protowire.AppendBytes(t, raw)
	g.inits = append(g.inits, t)
	return name
}

// scalar adds a float scalar initialiser.
func (g *graph) scalar(v float32) string {
	name := g.name("const")
	var t []byte
	t = appendInt(t, 2, onnxFloat)
	t = appendString(t, 8, name)
	t = protowire.AppendTag(t, 9, protowire.BytesType)
	t = protowire.AppendBytes(t, binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
	g.inits = append(g.inits, t)
	return name
}

// module adds m applied to x; key names its weights as in the PyTorch
// state dict. Its one switch is over the module types package build makes,
// as the PyTorch exporter's.
func (g *graph) module(m nn.Module, x, key string) (string, error) {
	switch m := m.(type) {
	case nn.Sequential:
		var err error
		for i, c := range m {
			if x, err = g.module(c, x, key+"."+strconv.Itoa(i)); err != nil {
				return "", err
			}
		}
		return x, nil
	case *nn.Conv2D:
		return g.conv(m, x, key), nil
	case *nn.BatchNorm:
		return g.batchNorm(m, x, key), nil
	case *nn.LayerNorm:
		return g.layerNorm(m, x, key), nil
	case *nn.Linear:
		return g.linear(m, x, key), nil
	case nn.ReLU:
		return g.op("Relu", []string{x}), nil
	case nn.ReLU6:
		return g.op("Clip", []string{x, g.scalar(0), g.scalar(6)}), nil
	case nn.HSigmoid:
		return g.op("HardSigmoid", []string{x}, aFloat("alpha", 1.0/6), aFloat("beta", 0.5)), nil
	case nn.HSwish:
		return g.op("Mul", []string{x, g.op("HardSigmoid", []string{x}, aFloat("alpha", 1.0/6), aFloat("beta", 0.5))}), nil
	case nn.Sigmoid:
		return g.op("Sigmoid", []string{x}), nil
	case nn.Swish:
		return g.op("Mul", []string{x, g.op("Sigmoid", []string{x})}), nil
	case *nn.Branch:
		ys := make([]string, len(m.Branches))
		for i, b := range m.Branches {
			y, err := g.module(b, x, fmt.Sprintf("%s.branches.%d", key, i))
			if err != nil {
				return "", err
			}
			ys[i] = y
		}
		switch {
		case len(ys) == 1:
			return ys[0], nil
		case m.Concat:
			return g.op("Concat", ys, aInt("axis", 1)), nil
		}
		return g.op("Sum", ys), nil
	case nn.GELU:
		e := g.op("Erf", []string{g.op("Mul", []string{x, g.scalar(float32(1 / math.Sqrt2))})})
		h := g.op("Mul", []string{g.op("Add", []string{e, g.scalar(1)}), g.scalar(0.5)})
		return g.op("Mul", []string{x, h}), nil
	case nn.MaxPool:
		s, p := poolStride(m.Kernel, m.Stride), m.Padding
		return g.op("MaxPool", []string{x}, aInts("kernel_shape", m.Kernel, m.Kernel), aInts("strides", s, s), aInts("pads", p, p, p, p)), nil
	case nn.AvgPool:
		return g.avgPool(x, m.Kernel, poolStride(m.Kernel, m.Stride), m.Padding), nil
	case nn.GlobalAvgPool:
		return g.op("Flatten", []string{g.op("GlobalAveragePool", []string{x})}, aInt("axis", 1)), nil
	case nn.MeanTokens:
		return g.op("ReduceMean", []string{x}, aInts("axes", 1), aInt("keepdims", 0)), nil
	case nn.Zero:
		s := max(m.Stride, 1)
		end := math.MaxInt32
		if m.Out > 0 {
			end = m.Out
		}
		y := g.op("Slice", []string{x, g.int64s(0, 0, 0), g.int64s(end, math.MaxInt32, math.MaxInt32), g.int64s(1, 2, 3), g.int64s(1, s, s)})
		return g.op("Mul", []string{y, g.scalar(0)}), nil
	case nn.Identity, nn.Dropout:
		return x, nil
	case nn.Flatten:
		return g.op("Flatten", []string{x}, aInt("axis", 1)), nil
	case nn.Patches:
		if len(g.input) != 3 {
			return "", fmt.Errorf("export: %s: patches of an input of shape %v", key, g.input)
		}
		c, h, w, p := g.input[0], g.input[1], g.input[2], m.P
		y := g.op("Reshape", []string{x, g.int64s(-1, c, h/p, p, w/p, p)})
		y = g.op("Transpose", []string{y}, aInts("perm", 0, 2, 4, 1, 3, 5))
		return g.op("Reshape", []string{y, g.int64s(-1, (h/p)*(w/p), c*p*p)}), nil
	case *nn.TokenEmbed:
		return g.tokenEmbed(m, x, key), nil
	case *nn.Embed:
		return g.embed(m, x, key+".proj"), nil
	case *nn.ReLUConvBN:
		return g.module(nn.Sequential{nn.ReLU{}, m.Conv, m.BN}, x, key)
	case *nn.DilConv:
		return g.module(nn.Sequential{nn.ReLU{}, m.Depthwise, m.Pointwise, m.BN}, x, key)
	case *nn.SepConv:
		return g.module(nn.Sequential{nn.ReLU{}, m.First.Depthwise, m.First.Pointwise, m.First.BN,
			nn.ReLU{}, m.Second.Depthwise, m.Second.Pointwise, m.Second.BN}, x, key)
	case *nn.Conv7x1:
		return g.module(nn.Sequential{nn.ReLU{}, m.Row, m.Col, m.BN}, x, key)
	case *nn.FactorizedReduce:
		r := g.op("Relu", []string{x})
		a := g.conv(m.Conv1, r, key+".convs.0")
		sh := g.op("Slice", []string{r, g.int64s(1, 1), g.int64s(math.MaxInt32, math.MaxInt32), g.int64s(2, 3)})
		sh = g.op("Pad", []string{sh, g.int64s(0, 0, 0, 0, 0, 0, 1, 1)})
		b := g.conv(m.Conv2, sh, key+".convs.1")
		return g.batchNorm(m.BN, g.op("Concat", []string{a, b}, aInt("axis", 1)), key+".bn"), nil
	case *nn.ResNetBasicBlock:
		a, err := g.module(m.A, x, key+".conv_a")
		if err != nil {
			return "", err
		}
		y, err := g.module(m.B, a, key+".conv_b")
		if err != nil {
			return "", err
		}
		res := x
		switch {
		case m.DownConv != nil:
			res = g.conv(m.DownConv, g.avgPool(x, 2, 2, 0), key+".downsample.1")
		case m.DownRCB != nil:
			if res, err = g.module(m.DownRCB, x, key+".downsample"); err != nil {
				return "", err
			}
		}
		return g.op("Add", []string{res, y}), nil
	case *nn.InvertedResidual:
		y, err := g.module(nn.Sequential(m.Layers()), x, key+".layers")
		if err != nil || !m.Residual {
			return y, err
		}
		return g.op("Add", []string{x, y}), nil
	case *nn.SqueezeExcite:
		s := g.op("GlobalAveragePool", []string{x})
		act, gate := m.Fns()
		s, err := g.module(act, g.conv(m.FC1, s, key+".fc1"), key+".act")
		if err != nil {
			return "", err
		}
		if s, err = g.module(gate, g.conv(m.FC2, s, key+".fc2"), key+".gate"); err != nil {
			return "", err
		}
		return g.op("Mul", []string{x, s}), nil
	case *nn.TransformerBlock:
		if m.Attn.Causal {
			return "", fmt.Errorf("export: %s: causal attention", key)
		}
		a := g.attention(m.Attn, g.layerNorm(m.LN1, x, key+".norm1"), key+".attn")
		x = g.op("Add", []string{x, a})
		h := g.layerNorm(m.LN2, x, key+".norm2")
		if m.MoE != nil {
			return g.op("Add", []string{x, g.moe(m.MoE, h, key+".mlp")}), nil
		}
		return g.op("Add", []string{x, g.mlp(m.MLP, h, key+".mlp")}), nil
	case *build.Cell:
		return g.cell(m, []string{x}, key)
	case *build.DARTS:
		return g.darts(m, x, key)
	}
	return "", fmt.Errorf("export: %s: a %T cannot be exported", key, m)
}

func (g *graph) conv(c *nn.Conv2D, x, key string) string {
	w := c.W.Shape()
	o := c.Opts
	sh, sw, ph, pw := max(o.Stride, 1), max(o.Stride, 1), o.Padding, o.Padding
	if o.Rect {
		sw, pw = max(o.StrideW, 1), o.PaddingW
	}
	d := max(o.Dilation, 1)
	in := []string{x, g.floats(key+".weight", w, c.W.Value.Values())}
	if c.B != nil {
		in = append(in, g.floats(key+".bias", c.B.Shape(), c.B.Value.Values()))
	}
	return g.op("Conv", in, aInts("kernel_shape", w[2], w[3]), aInts("strides", sh, sw), aInts("pads", ph, pw, ph, pw),
		aInts("dilations", d, d), aInt("group", max(o.Groups, 1)))
}

func (g *graph) avgPool(x string, k, s, p int) string {
	return g.op("AveragePool", []string{x}, aInts("kernel_shape", k, k), aInts("strides", s, s), aInts("pads", p, p, p, p), aInt("count_include_pad", 0))
}

// batchNorm is BatchNormalization with the running statistics; a batch
// norm without them normalises with the batch's, in evaluation too.
func (g *graph) batchNorm(b *nn.BatchNorm, x, key string) string {
	var c int
	var gamma, beta []float32
	if b.Gamma != nil {
		c = b.Gamma.Value.Len()
		gamma, beta = b.Gamma.Value.Values(), b.Beta.Value.Values()
	} else {
		c = len(b.Running.Mean)
	}
	if b.Running == nil {
		// (x − mean) / sqrt(var + eps) over all but the channels.
		axes := []int{0}
		for i := 2; i < len(g.input)+1; i++ {
			axes = append(axes, i)
		}
		mean := g.op("ReduceMean", []string{x}, aInts("axes", axes...))
		d := g.op("Sub", []string{x, mean})
		v := g.op("ReduceMean", []string{g.op("Mul", []string{d, d})}, aInts("axes", axes...))
		y := g.op("Div", []string{d, g.op("Sqrt", []string{g.op("Add", []string{v, g.scalar(eps(b.Eps))})})})
		if gamma == nil {
			return y
		}
		shape := []int{c, 1, 1}
		y = g.op("Mul", []string{y, g.floats(key+".weight", shape, gamma)})
		return g.op("Add", []string{y, g.floats(key+".bias", shape, beta)})
	}
	if gamma == nil {
		gamma, beta = make([]float32, c), make([]float32, c)
		for i := range gamma {
			gamma[i] = 1
		}
	}
	return g.op("BatchNormalization", []string{x, g.floats(key+".weight", []int{c}, gamma), g.floats(key+".bias", []int{c}, beta),
		g.floats(key+".running_mean", []int{c}, b.Running.Mean), g.floats(key+".running_var", []int{c}, b.Running.Var)},
		aFloat("epsilon", eps(b.Eps)))
}

func (g *graph) layerNorm(l *nn.LayerNorm, x, key string) string {
	mean := g.op("ReduceMean", []string{x}, aInts("axes", -1))
	d := g.op("Sub", []string{x, mean})
	v := g.op("ReduceMean", []string{g.op("Mul", []string{d, d})}, aInts("axes", -1))
	y := g.op("Div", []string{d, g.op("Sqrt", []string{g.op("Add", []string{v, g.scalar(eps(l.Eps))})})})
	y = g.op("Mul", []string{y, g.floats(key+".weight", l.Gamma.Shape(), l.Gamma.Value.Values())})
	return g.op("Add", []string{y, g.floats(key+".bias", l.Beta.Shape(), l.Beta.Value.Values())})
}

// transposed returns w [out, in] as [in, out].
func transposed(w []float32, out, in int) []float32 {
	t := make([]float32, len(w))
	for o := 0; o < out; o++ {
		for i := 0; i < in; i++ {
			t[i*out+o] = w[o*in+i]
		}
	}
	return t
}

func (g *graph) linear(l *nn.Linear, x, key string) string {
	w := l.W.Shape()
	y := g.op("MatMul", []string{x, g.floats(key+".weight", []int{w[1], w[0]}, transposed(l.W.Value.Values(), w[0], w[1]))})
	if l.B == nil {
		return y
	}
	return g.op("Add", []string{y, g.floats(key+".bias", l.B.Shape(), l.B.Value.Values())})
}

// embed is the embedding's linear map; its position columns become the
// [T, D] table they add (the same function).
func (g *graph) embed(e *nn.Embed, x, key string) string {
	if !e.Positions {
		return g.linear(e.Linear, x, key)
	}
	w := e.Linear.W.Shape()
	d, in := w[0], w[1]
	f, T := in-e.Tokens, e.Tokens
	wv := e.Linear.W.Value.Values()
	feat := make([]float32, f*d)
	pos := make([]float32, T*d)
	for o := 0; o < d; o++ {
		for i := 0; i < f; i++ {
			feat[i*d+o] = wv[o*in+i]
		}
		for t := 0; t < T; t++ {
			pos[t*d+o] = wv[o*in+f+t]
			if e.Linear.B != nil {
				pos[t*d+o] += e.Linear.B.Value.Values()[o]
			}
		}
	}
	y := g.op("MatMul", []string{x, g.floats(key+".weight", []int{f, d}, feat)})
	return g.op("Add", []string{y, g.floats(key+".positions", []int{T, d}, pos)})
}

// tokenEmbed looks the ids up: the float input [N, T, 1] (or [N, T]) as
// int64 [N, T], a Gather of the table's rows, and the position encoding
// (learned or sinusoidal, a [T, D] constant either way) added. An id out
// of the table is an error of the runtime's Gather.
func (g *graph) tokenEmbed(m *nn.TokenEmbed, x, key string) string {
	ids := g.op("Cast", []string{g.op("Reshape", []string{x, g.int64s(0, -1)})}, aInt("to", onnxInt64))
	y := g.op("Gather", []string{g.floats(key+".tokens.weight", m.Table.Shape(), m.Table.Value.Values()), ids}, aInt("axis", 0))
	if m.Pos == nil {
		return y
	}
	return g.op("Add", []string{y, g.floats(key+".pos", m.Pos.Shape(), m.Pos.Value.Values())})
}

// mlp is a transformer block's MLP: Linear, GELU, Linear.
func (g *graph) mlp(m *nn.MLP, x, key string) string {
	h, _ := g.module(nn.GELU{}, g.linear(m.Up, x, key+".0"), "")
	return g.linear(m.Down, h, key+".2")
}

// moe is a mixture of experts, routed as nasbook routes and computed
// densely: the router's probabilities p = Softmax(x·Wᵀ) [N, T, E]; TopK
// picks each token's k experts (ties to the lower index, as nasbook's);
// their probabilities, renormalised to sum to 1 when k > 1, are scattered
// into gates that are zero elsewhere (ScatterElements); and the output is
// Σ_e gates[..., e] · expert_e(x), every expert on every token. That is
// nasbook's function (it runs only the chosen experts) at E/k times the
// expert compute.
func (g *graph) moe(m *nn.MoE, x, key string) string {
	p := g.op("Softmax", []string{g.linear(m.Router, x, key+".router")}, aInt("axis", -1))
	top, idx := g.name("topk_values"), g.name("topk_indices")
	g.node("TopK", []string{p, g.int64s(m.K)}, []string{top, idx}, aInt("axis", -1), aInt("largest", 1), aInt("sorted", 1))
	if m.K > 1 {
		top = g.op("Div", []string{top, g.op("ReduceSum", []string{top, g.int64s(-1)}, aInt("keepdims", 1))})
	}
	gates := g.op("ScatterElements", []string{g.op("Mul", []string{p, g.scalar(0)}), idx, top}, aInt("axis", -1))
	terms := make([]string, len(m.Experts))
	for e, ex := range m.Experts {
		gate := g.op("Slice", []string{gates, g.int64s(e), g.int64s(e + 1), g.int64s(-1)})
		terms[e] = g.op("Mul", []string{gate, g.mlp(ex, x, fmt.Sprintf("%s.experts.%d", key, e))})
	}
	return g.op("Sum", terms)
}

func (g *graph) attention(m *nn.MHSA, x, key string) string {
	d := m.Proj.W.Shape()[0]
	h := m.Heads
	qkv := g.linear(m.QKV, x, key+".qkv")
	names := []string{g.name("q"), g.name("k"), g.name("v")}
	g.node("Split", []string{qkv}, names, aInt("axis", -1))
	heads := func(z string, perm ...int) string {
		return g.op("Transpose", []string{g.op("Reshape", []string{z, g.int64s(0, 0, h, d/h)})}, aInts("perm", perm...))
	}
	q, k, v := heads(names[0], 0, 2, 1, 3), heads(names[1], 0, 2, 3, 1), heads(names[2], 0, 2, 1, 3)
	a := g.op("Mul", []string{g.op("MatMul", []string{q, k}), g.scalar(float32(1 / math.Sqrt(float64(d/h))))})
	y := g.op("MatMul", []string{g.op("Softmax", []string{a}, aInt("axis", -1)), v})
	y = g.op("Reshape", []string{g.op("Transpose", []string{y}, aInts("perm", 0, 2, 1, 3)), g.int64s(0, 0, d)})
	return g.linear(m.Proj, y, key+".proj")
}

func (g *graph) cell(c *build.Cell, ins []string, key string) (string, error) {
	nodes := append([]string(nil), ins...)
	k := 0
	for _, node := range c.Nodes {
		var terms []string
		for _, e := range node {
			y, err := g.module(e.Op, nodes[e.From], fmt.Sprintf("%s.ops.%d", key, k))
			if err != nil {
				return "", err
			}
			terms = append(terms, y)
			k++
		}
		s := terms[0]
		if len(terms) > 1 {
			s = g.op("Sum", terms)
		}
		nodes = append(nodes, s)
	}
	if len(c.Concat) == 1 {
		return nodes[c.Concat[0]], nil
	}
	xs := make([]string, len(c.Concat))
	for i, n := range c.Concat {
		xs[i] = nodes[n]
	}
	return g.op("Concat", xs, aInt("axis", 1)), nil
}

func (g *graph) darts(d *build.DARTS, x, key string) (string, error) {
	s0, err := g.module(d.Stem, x, key+".stem")
	if err != nil {
		return "", err
	}
	s1 := s0
	if d.Stem1 != nil {
		if s1, err = g.module(d.Stem1, s0, key+".stem1"); err != nil {
			return "", err
		}
	}
	for i, c := range d.Cells {
		k := fmt.Sprintf("%s.cells.%d", key, i)
		p0, err := g.module(c.Pre0, s0, k+".pre0")
		if err != nil {
			return "", err
		}
		p1, err := g.module(c.Pre1, s1, k+".pre1")
		if err != nil {
			return "", err
		}
		y, err := g.cell(c.Cell, []string{p0, p1}, k+".cell")
		if err != nil {
			return "", err
		}
		s0, s1 = s1, y
	}
	return g.module(d.Head, s1, key+".head")
}
