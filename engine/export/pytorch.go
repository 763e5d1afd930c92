package export

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/nn"
)

//go:embed prelude.py.txt
var prelude string

// PyTorch is a network as PyTorch takes it: Source is one self-contained
// Python file defining class Net (an nn.Module that builds the same layers
// in the same order, with the same padding, bias flags and batch norm eps
// and momentum) and load_weights; Weights is the state dict that
// load_weights loads into Net, as safetensors.
type PyTorch struct {
	Source  []byte
	Weights []byte
	// Params is the number of trainable parameters, as nasbook counts them
	// and as Net's parameters() sum.
	Params int
}

// ToPyTorch writes net as a PyTorch module with its current weights and
// batch norm statistics. title heads the file's docstring (the
// architecture, say).
func ToPyTorch(net *build.Network, title string) (*PyTorch, error) {
	e := &pyEmitter{}
	body, err := e.module(net.Body(), "body", 2)
	if err != nil {
		return nil, err
	}
	if got, want := e.params, net.Params.Len(); got != want {
		return nil, fmt.Errorf("export: %d parameters written, the network has %d", got, want)
	}
	s := net.Spec
	var b strings.Builder
	b.WriteString(docstring(title, s.Input, s.Classes, s.Vocab()) + "\n")
	b.WriteString(prelude)
	fmt.Fprintf(&b, `

class Net(nn.Module):
    """%s: input [N, %s], %d classes; %d parameters."""

    input_shape = (%s)
    classes = %d

    def __init__(self):
        super().__init__()
        self.body = %s

    def forward(self, x):
        return self.body(x)


if __name__ == "__main__":
    import sys

    net = Net()
    if len(sys.argv) > 1:
        load_weights(net, sys.argv[1])
    print(net)
    print(sum(p.numel() for p in net.parameters()), "parameters")
`, title, ints(s.Input), s.Classes, e.params, ints(s.Input)+",", s.Classes, body)
	meta := map[string]string{"format": "pt", "producer": "nasbook", "architecture": title}
	return &PyTorch{Source: []byte(b.String()), Weights: safetensors(e.tensors, meta), Params: e.params}, nil
}

func docstring(title string, in []int, classes, vocab int) string {
	ids := ""
	if vocab > 0 {
		ids = fmt.Sprintf(" of token ids in [0, %d), whole numbers\nstored as floats as nasbook takes them", vocab)
	}
	return fmt.Sprintf(`"""%s, exported by nasbook.

Net() builds the network; load_weights(Net(), "weights.safetensors") gives it
the weights and batch norm statistics nasbook exported with it. Inputs are
float32 [N, %s]%s, outputs the logits of %d classes. Needs only torch.
"""`, title, ints(in), ids, classes)
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// pyEmitter writes modules as Python expressions and collects their
// weights under the keys PyTorch's state_dict gives them.
type pyEmitter struct {
	tensors []named
	params  int
}

func (e *pyEmitter) param(key string, v *ag.Var) {
	e.tensors = append(e.tensors, named{key, v.Shape(), v.Value.Values()})
	e.params += v.Value.Len()
}

func (e *pyEmitter) state(key string, data []float32) {
	e.tensors = append(e.tensors, named{key, []int{len(data)}, data})
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// call writes name(args...) with one argument a line, indented.
func call(name string, indent int, args ...string) string {
	pad := strings.Repeat("    ", indent)
	var b strings.Builder
	b.WriteString(name + "(\n")
	for _, a := range args {
		b.WriteString(pad + "    " + a + ",\n")
	}
	b.WriteString(pad + ")")
	return b.String()
}

// list writes a Python list of xs, one a line.
func list(indent int, xs []string) string {
	pad := strings.Repeat("    ", indent)
	return "[\n" + pad + "    " + strings.Join(xs, ",\n"+pad+"    ") + ",\n" + pad + "]"
}

// children writes ms as the modules key.0, key.1, ….
func (e *pyEmitter) children(ms []nn.Module, key string, indent int) ([]string, error) {
	out := make([]string, len(ms))
	for i, m := range ms {
		s, err := e.module(m, key+"."+strconv.Itoa(i), indent)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// seq writes ms as an nn.Sequential at key.
func (e *pyEmitter) seq(key string, indent int, ms ...nn.Module) (string, error) {
	args, err := e.children(ms, key, indent+1)
	if err != nil {
		return "", err
	}
	return call("nn.Sequential", indent, args...), nil
}

// module writes m, whose state_dict keys start with key, as a Python
// expression at the given indentation. Its one switch is over the module
// types package build makes.
func (e *pyEmitter) module(m nn.Module, key string, indent int) (string, error) {
	switch m := m.(type) {
	case nn.Sequential:
		return e.seq(key, indent, m...)
	case *nn.Conv2D:
		return e.conv(m, key), nil
	case *nn.BatchNorm:
		return e.batchNorm(m, key), nil
	case *nn.LayerNorm:
		if m.Gamma == nil {
			return "", fmt.Errorf("export: %s: a layer norm without affine", key)
		}
		e.param(key+".weight", m.Gamma)
		e.param(key+".bias", m.Beta)
		return fmt.Sprintf("nn.LayerNorm(%d, eps=%s)", m.Gamma.Value.Len(), pyFloat(eps(m.Eps))), nil
	case *nn.Linear:
		return e.linear(m, key), nil
	case nn.ReLU:
		return "nn.ReLU()", nil
	case nn.ReLU6:
		return "nn.ReLU6()", nil
	case nn.HSwish:
		return "nn.Hardswish()", nil
	case nn.HSigmoid:
		return "nn.Hardsigmoid()", nil
	case nn.GELU:
		return "nn.GELU()", nil
	case nn.Swish:
		return "nn.SiLU()", nil
	case nn.Sigmoid:
		return "nn.Sigmoid()", nil
	case *nn.Branch:
		bs, err := e.children(m.Branches, key+".branches", indent+2)
		if err != nil {
			return "", err
		}
		return call("Branch", indent, list(indent+1, bs), "concat="+pyBool(m.Concat)), nil
	case nn.MaxPool:
		return fmt.Sprintf("nn.MaxPool2d(%d, stride=%d, padding=%d)", m.Kernel, poolStride(m.Kernel, m.Stride), m.Padding), nil
	case nn.AvgPool:
		return fmt.Sprintf("nn.AvgPool2d(%d, stride=%d, padding=%d, count_include_pad=False)", m.Kernel, poolStride(m.Kernel, m.Stride), m.Padding), nil
	case nn.GlobalAvgPool:
		return "GlobalAvgPool()", nil
	case nn.MeanTokens:
		return "MeanTokens()", nil
	case nn.Zero:
		return fmt.Sprintf("Zero(out=%d, stride=%d)", m.Out, max(m.Stride, 1)), nil
	case nn.Identity:
		return "nn.Identity()", nil
	case nn.Flatten:
		return "nn.Flatten()", nil
	case nn.Dropout:
		return fmt.Sprintf("nn.Dropout(%s)", pyFloat(m.P)), nil
	case nn.Patches:
		return fmt.Sprintf("Patches(%d)", m.P), nil
	case *nn.TokenEmbed:
		return e.tokenEmbed(m, key), nil
	case *nn.Embed:
		tokens := 0
		if m.Positions {
			tokens = m.Tokens
		}
		return fmt.Sprintf("Embed(%s, tokens=%d)", e.linear(m.Linear, key+".proj"), tokens), nil
	case *nn.ReLUConvBN:
		return e.seq(key, indent, nn.ReLU{}, m.Conv, m.BN)
	case *nn.DilConv:
		return e.seq(key, indent, nn.ReLU{}, m.Depthwise, m.Pointwise, m.BN)
	case *nn.SepConv:
		return e.seq(key, indent, nn.ReLU{}, m.First.Depthwise, m.First.Pointwise, m.First.BN,
			nn.ReLU{}, m.Second.Depthwise, m.Second.Pointwise, m.Second.BN)
	case *nn.Conv7x1:
		return e.seq(key, indent, nn.ReLU{}, m.Row, m.Col, m.BN)
	case *nn.FactorizedReduce:
		return call("FactorizedReduce", indent, e.conv(m.Conv1, key+".convs.0"), e.conv(m.Conv2, key+".convs.1"),
			e.batchNorm(m.BN, key+".bn")), nil
	case *nn.ResNetBasicBlock:
		return e.resBlock(m, key, indent)
	case *nn.InvertedResidual:
		return e.mbconv(m, key, indent)
	case *nn.SqueezeExcite:
		act, gate := m.Fns()
		a, err := e.module(act, key+".act", indent)
		if err != nil {
			return "", err
		}
		g, err := e.module(gate, key+".gate", indent)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("SqueezeExcite(%s, %s, act=%s, gate=%s)", e.conv(m.FC1, key+".fc1"), e.conv(m.FC2, key+".fc2"), a, g), nil
	case *nn.TransformerBlock:
		if m.Attn.Causal {
			return "", fmt.Errorf("export: %s: causal attention", key) // build makes none
		}
		attn := fmt.Sprintf("Attention(%s, %s, heads=%d)", e.linear(m.Attn.QKV, key+".attn.qkv"), e.linear(m.Attn.Proj, key+".attn.proj"), m.Attn.Heads)
		var mlp string
		if m.MoE != nil {
			router := e.linear(m.MoE.Router, key+".mlp.router")
			experts := make([]string, len(m.MoE.Experts))
			for i, x := range m.MoE.Experts {
				s, err := e.seq(fmt.Sprintf("%s.mlp.experts.%d", key, i), indent+3, x.Up, nn.GELU{}, x.Down)
				if err != nil {
					return "", err
				}
				experts[i] = s
			}
			mlp = call("MoE", indent+1, router, list(indent+2, experts), fmt.Sprintf("k=%d", m.MoE.K), "balance="+pyFloat(m.MoE.Balance))
		} else {
			var err error
			if mlp, err = e.seq(key+".mlp", indent+1, m.MLP.Up, nn.GELU{}, m.MLP.Down); err != nil {
				return "", err
			}
		}
		ln1, err := e.module(m.LN1, key+".norm1", indent+1)
		if err != nil {
			return "", err
		}
		ln2, err := e.module(m.LN2, key+".norm2", indent+1)
		if err != nil {
			return "", err
		}
		// The state_dict lists norm1, attn, norm2, mlp in that order; the
		// weights file's order does not matter.
		return call("TransformerBlock", indent, ln1, attn, ln2, mlp), nil
	case *build.Cell:
		return e.cell(m, key, indent)
	case *build.DARTS:
		return e.darts(m, key, indent)
	}
	return "", fmt.Errorf("export: %s: a %T cannot be exported", key, m)
}

func eps(e float32) float32 {
	if e == 0 {
		return 1e-5
	}
	return e
}

func pyFloat(f float32) string { return strconv.FormatFloat(float64(f), 'g', -1, 32) }

func poolStride(k, s int) int {
	if s == 0 {
		return k
	}
	return s
}

func (e *pyEmitter) conv(c *nn.Conv2D, key string) string {
	w := c.W.Shape()
	o := c.Opts
	g := max(o.Groups, 1)
	sh, sw, ph, pw := max(o.Stride, 1), max(o.Stride, 1), o.Padding, o.Padding
	if o.Rect {
		sw, pw = max(o.StrideW, 1), o.PaddingW
	}
	e.param(key+".weight", c.W)
	if c.B != nil {
		e.param(key+".bias", c.B)
	}
	pair := func(a, b int) string {
		if a == b {
			return strconv.Itoa(a)
		}
		return fmt.Sprintf("(%d, %d)", a, b)
	}
	s := fmt.Sprintf("nn.Conv2d(%d, %d, %s", w[1]*g, w[0], pair(w[2], w[3]))
	if sh != 1 || sw != 1 {
		s += ", stride=" + pair(sh, sw)
	}
	if ph != 0 || pw != 0 {
		s += ", padding=" + pair(ph, pw)
	}
	if d := max(o.Dilation, 1); d != 1 {
		s += fmt.Sprintf(", dilation=%d", d)
	}
	if g != 1 {
		s += fmt.Sprintf(", groups=%d", g)
	}
	return s + ", bias=" + pyBool(c.B != nil) + ")"
}

func (e *pyEmitter) batchNorm(b *nn.BatchNorm, key string) string {
	var c int
	switch {
	case b.Gamma != nil:
		c = b.Gamma.Value.Len()
		e.param(key+".weight", b.Gamma)
		e.param(key+".bias", b.Beta)
	case b.Running != nil:
		c = len(b.Running.Mean)
	}
	if b.Running != nil {
		e.state(key+".running_mean", b.Running.Mean)
		e.state(key+".running_var", b.Running.Var)
	}
	mom := float32(0.1)
	if b.Running != nil && b.Running.Momentum != 0 {
		mom = b.Running.Momentum
	}
	return fmt.Sprintf("BatchNorm(%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s)",
		c, pyFloat(eps(b.Eps)), pyFloat(mom), pyBool(b.Gamma != nil), pyBool(b.Running != nil))
}

func (e *pyEmitter) linear(l *nn.Linear, key string) string {
	w := l.W.Shape()
	e.param(key+".weight", l.W)
	if l.B != nil {
		e.param(key+".bias", l.B)
	}
	return fmt.Sprintf("nn.Linear(%d, %d, bias=%s)", w[1], w[0], pyBool(l.B != nil))
}

// tokenEmbed writes a lookup of token ids: an nn.Embedding, and the
// learned positions as a parameter or the sinusoidal ones as a constant
// the module computes (not a weight).
func (e *pyEmitter) tokenEmbed(m *nn.TokenEmbed, key string) string {
	s := m.Table.Shape()
	e.param(key+".tokens.weight", m.Table)
	pos := "None"
	switch {
	case m.Sinusoidal:
		pos = fmt.Sprintf(`"sinusoidal", length=%d`, m.Pos.Shape()[0])
	case m.Pos != nil:
		e.param(key+".pos", m.Pos)
		pos = fmt.Sprintf(`"learned", length=%d`, m.Pos.Shape()[0])
	}
	return fmt.Sprintf("TokenEmbed(nn.Embedding(%d, %d), %s)", s[0], s[1], pos)
}

func (e *pyEmitter) resBlock(m *nn.ResNetBasicBlock, key string, indent int) (string, error) {
	a, err := e.module(m.A, key+".conv_a", indent+1)
	if err != nil {
		return "", err
	}
	b, err := e.module(m.B, key+".conv_b", indent+1)
	if err != nil {
		return "", err
	}
	down := "None"
	switch {
	case m.DownConv != nil:
		down = fmt.Sprintf("nn.Sequential(nn.AvgPool2d(2, stride=2), %s)", e.conv(m.DownConv, key+".downsample.1"))
	case m.DownRCB != nil:
		if down, err = e.module(m.DownRCB, key+".downsample", indent+1); err != nil {
			return "", err
		}
	}
	return call("ResBlock", indent, a, b, down), nil
}

func (e *pyEmitter) mbconv(m *nn.InvertedResidual, key string, indent int) (string, error) {
	layers, err := e.seq(key+".layers", indent+1, m.Layers()...)
	if err != nil {
		return "", err
	}
	return call("MBConv", indent, layers, "residual="+pyBool(m.Residual)), nil
}

func (e *pyEmitter) cell(c *build.Cell, key string, indent int) (string, error) {
	var edges []string
	k := 0
	for i, node := range c.Nodes {
		for _, ed := range node {
			op, err := e.module(ed.Op, fmt.Sprintf("%s.ops.%d", key, k), indent+2)
			if err != nil {
				return "", err
			}
			edges = append(edges, fmt.Sprintf("(%d, %d, %s)", ed.From, c.Inputs+i, op))
			k++
		}
	}
	return call("Cell", indent, strconv.Itoa(c.Inputs), list(indent+1, edges), "concat=["+ints(c.Concat)+"]"), nil
}

func (e *pyEmitter) darts(d *build.DARTS, key string, indent int) (string, error) {
	stem, err := e.module(d.Stem, key+".stem", indent+1)
	if err != nil {
		return "", err
	}
	stem1 := "None"
	if d.Stem1 != nil {
		if stem1, err = e.module(d.Stem1, key+".stem1", indent+1); err != nil {
			return "", err
		}
	}
	var cells []string
	for i, c := range d.Cells {
		k := fmt.Sprintf("%s.cells.%d", key, i)
		p0, err := e.module(c.Pre0, k+".pre0", indent+3)
		if err != nil {
			return "", err
		}
		p1, err := e.module(c.Pre1, k+".pre1", indent+3)
		if err != nil {
			return "", err
		}
		cell, err := e.cell(c.Cell, k+".cell", indent+3)
		if err != nil {
			return "", err
		}
		cells = append(cells, call("DARTSCell", indent+2, p0, p1, cell))
	}
	aux := "None"
	if d.Aux != nil {
		if aux, err = e.module(d.Aux, key+".aux", indent+1); err != nil {
			return "", err
		}
	}
	head, err := e.module(d.Head, key+".head", indent+1)
	if err != nil {
		return "", err
	}
	return call("DARTSNetwork", indent, stem, stem1, list(indent+1, cells), aux, fmt.Sprintf("aux_at=%d", d.AuxAt), "head="+head), nil
}

// LoadWeights sets net's parameters and batch norm statistics from a
// safetensors file as ToPyTorch writes it (or as PyTorch's state_dict
// saves it for the exported Net, num_batches_tracked aside): every tensor
// of the network must be there with its shape.
func LoadWeights(net *build.Network, b []byte) error {
	if len(b) > MaxWeightsBytes {
		return fmt.Errorf("weights: %d bytes, more than %d", len(b), MaxWeightsBytes)
	}
	file, err := readSafetensors(b)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	e := &pyEmitter{}
	if _, err := e.module(net.Body(), "body", 2); err != nil {
		return err
	}
	for _, t := range e.tensors {
		f, ok := file[t.Key]
		if !ok {
			return fmt.Errorf("weights: no tensor %q: are these the weights of another network?", t.Key)
		}
		if !slices.Equal(f.Shape, t.Shape) {
			return fmt.Errorf("weights: tensor %q has shape %v, the network's is %v", t.Key, f.Shape, t.Shape)
		}
	}
	for _, t := range e.tensors {
		copy(t.Data, file[t.Key].Data)
	}
	return nil
}
