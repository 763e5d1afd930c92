package oneshot

import (
	"fmt"
	"math/rand"
	"slices"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/nn"
	"nasbook/engine/tensor"
	"nasbook/space/darts"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// Skeleton is the network around the searched cells and the candidate
// operations of every edge. Zero fields take the defaults in their comments.
type Skeleton struct {
	Macro   spec.Macro // spec.MacroNB201 (default) or spec.MacroDARTS
	C       int        // channels of the first stage's cells; zero means 8
	N       int        // nb201: cells per stage; zero means 1
	Layers  int        // darts: cells in all; zero means 5 (reductions at 1 and 3)
	Nodes   int        // intermediate nodes per cell; zero means 3 (nb201) or 4 (darts)
	Input   []int      // one example's shape [C,H,W]
	Classes int
	// Ops are the candidate operations of every edge: built-in names
	// (spec.BuiltinOp) or names defined in Custom. Nil means the space's own
	// list, in its order: NB201Ops or DARTSOps.
	Ops    []string
	Custom map[string][]spec.Layer
	// Affine gives the batch norms inside the candidate operations a learnable
	// scale and shift. DARTS searches without (false), so that a convolution
	// cannot grow its output to win against a parameter-free edge.
	Affine bool
}

// NB201Ops are NAS-Bench-201's operations, in its order.
var NB201Ops = nb201.OpNames()

// DARTSOps are DARTS's PRIMITIVES, in its order.
var DARTSOps = darts.Primitives()

func (sk Skeleton) withDefaults() Skeleton {
	if sk.Macro == "" {
		sk.Macro = spec.MacroNB201
	}
	if sk.C == 0 {
		sk.C = 8
	}
	if sk.N == 0 {
		sk.N = 1
	}
	if sk.Layers == 0 {
		sk.Layers = 5
	}
	darts := sk.Macro == spec.MacroDARTS
	if sk.Nodes == 0 {
		sk.Nodes = 3
		if darts {
			sk.Nodes = 4
		}
	}
	if sk.Ops == nil {
		sk.Ops = NB201Ops
		if darts {
			sk.Ops = DARTSOps
		}
	}
	return sk
}

// inputs is the number of inputs of a cell.
func (sk Skeleton) inputs() int {
	if sk.Macro == spec.MacroDARTS {
		return 2
	}
	return 1
}

// Edge is one edge of a cell: node From feeds node To. Nodes are numbered as
// in spec.Cell: the inputs first, then the intermediate nodes.
type Edge struct{ From, To int }

// cellEdges lists the edges of a cell, grouped by target node in order and,
// within a node, by source: for NB201 (0,1) (0,2) (1,2) (0,3) (1,3) (2,3),
// the order of its string form.
func cellEdges(inputs, nodes int) []Edge {
	var es []Edge
	for to := inputs; to < inputs+nodes; to++ {
		for from := 0; from < to; from++ {
			es = append(es, Edge{from, to})
		}
	}
	return es
}

// Supernet is the continuous relaxation of a cell space: every edge of the
// cell skeleton carries all candidate operations at once (a mixed
// operation), and each kind of cell (normal; reduce in the DARTS macro) has
// one vector of architecture weights α per edge.
//
// The network weights live in Weights and the architecture weights in Arch,
// two separate flat buffers: the bilevel optimisation updates them with
// different optimisers on different data. Arch holds, for each cell kind k
// and edge e in order, the vector α[k][e] of len(Ops) logits, so
// Arch.Data[(k·len(Edges)+e)·len(Ops)+o] is the logit of op o.
//
// How an edge mixes its operations is chosen per forward pass (a Path):
// the softmax of α (DARTS), a straight-through one-hot sample (GDAS), or one
// fixed operation (SPOS, and scoring an architecture with shared weights).
type Supernet struct {
	Skeleton Skeleton // with its defaults filled in
	Weights  *ag.Params
	Arch     *ag.Params
	Kinds    []string // cell kinds: "normal", and "reduce" in the DARTS macro
	Edges    []Edge   // the edges of one cell

	alpha [][]*ag.Var // [kind][edge] -> [len(Ops)]
	body  func(t *ag.Tape, x *ag.Var, p *Path) *ag.Var
	cells []*cellNet   // in network order
	style spec.OpStyle // of the candidate ops
	cur   *Path
}

// Path says how every edge computes in one forward pass. For cell kind k and
// edge e, when Sel[k][e] is an op index only that op runs (Absent: the edge
// contributes nothing), scaled by W[k][e][Sel] when W is set (GDAS's
// straight-through weight); when Sel[k][e] is Mixed, the edge is the
// weighted sum of all its ops with weights W[k][e]. Beta adds Beta·x on every
// stride-1 edge (DARTS-'s auxiliary skip).
type Path struct {
	W    [][]*ag.Var
	Sel  [][]int
	Beta float32
}

// Sel values besides op indices.
const (
	Mixed  = -1 // all ops, weighted by W
	Absent = -2 // no op: the edge is not in the architecture
)

// NewSupernet builds the supernet of sk, initialising the weights from r and
// the architecture logits as DARTS does, 0.001·N(0, 1).
func NewSupernet(sk Skeleton, r *rand.Rand) (*Supernet, error) {
	sk = sk.withDefaults()
	if len(sk.Input) != 3 || sk.Classes <= 0 {
		return nil, fmt.Errorf("oneshot: input %v and %d classes, want [C,H,W] images and classes > 0", sk.Input, sk.Classes)
	}
	if sk.C <= 0 || len(sk.Ops) == 0 {
		return nil, fmt.Errorf("oneshot: C = %d, %d candidate ops", sk.C, len(sk.Ops))
	}
	for i, o := range sk.Ops {
		if slices.Contains(sk.Ops[:i], o) {
			return nil, fmt.Errorf("oneshot: op %q listed twice", o)
		}
	}
	n := &Supernet{Skeleton: sk, Weights: &ag.Params{}, Arch: &ag.Params{}, Kinds: []string{"normal"}}
	n.Edges = cellEdges(sk.inputs(), sk.Nodes)
	b := &netBuilder{sk: sk, ps: n.Weights, r: r, spec: &spec.Spec{Ops: sk.Custom}}
	var err error
	switch sk.Macro {
	case spec.MacroNB201:
		n.body, err = b.nb201()
	case spec.MacroDARTS:
		n.Kinds = append(n.Kinds, "reduce")
		n.body, err = b.darts()
	default:
		err = fmt.Errorf("oneshot: macro %q, want %q or %q", sk.Macro, spec.MacroNB201, spec.MacroDARTS)
	}
	if err != nil {
		return nil, err
	}
	n.cells, n.style = b.cells, b.style()
	for _, kind := range n.Kinds {
		var row []*ag.Var
		for _, e := range n.Edges {
			a := n.Arch.Add(fmt.Sprintf("%s.%d-%d", kind, e.From, e.To), len(sk.Ops))
			a.Value.Normal(r, 0, 1e-3)
			row = append(row, a)
		}
		n.alpha = append(n.alpha, row)
	}
	return n, nil
}

// Alpha returns the architecture logits of edge e of cell kind k, a view
// into Arch.
func (n *Supernet) Alpha(k, e int) *ag.Var { return n.alpha[k][e] }

// Forward implements nn.Module with the path set by SetPath.
func (n *Supernet) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if n.cur == nil {
		panic("oneshot: Supernet.Forward before SetPath")
	}
	return n.body(t, x, n.cur)
}

// SetPath sets the path of the following forward passes.
func (n *Supernet) SetPath(p *Path) { n.cur = p }

// ForwardPath runs the network on x along p.
func (n *Supernet) ForwardPath(t *ag.Tape, x *ag.Var, p *Path) *ag.Var { return n.body(t, x, p) }

// SoftmaxPath returns the DARTS path: on every edge, the softmax of its
// logits, recorded on t so that gradients reach Arch.
func (n *Supernet) SoftmaxPath(t *ag.Tape) *Path {
	p := &Path{}
	for k := range n.Kinds {
		var w []*ag.Var
		var sel []int
		for e := range n.Edges {
			w = append(w, t.Softmax(n.alpha[k][e]))
			sel = append(sel, Mixed)
		}
		p.W, p.Sel = append(p.W, w), append(p.Sel, sel)
	}
	return p
}

// Probabilities returns softmax(α) per kind, edge and op, as float64.
func (n *Supernet) Probabilities() [][][]float64 {
	out := make([][][]float64, len(n.Kinds))
	for k := range n.Kinds {
		for e := range n.Edges {
			out[k] = append(out[k], softmax(n.alpha[k][e].Value.Data, 1))
		}
	}
	return out
}

// --- building ---

type netBuilder struct {
	sk    Skeleton
	ps    *ag.Params
	r     *rand.Rand
	spec  *spec.Spec
	cells []*cellNet // every cell built, in network order
}

func (b *netBuilder) opConfig(in, out, k, stride, pad, dil int) nn.OpConfig {
	return nn.OpConfig{In: in, Out: out, Kernel: k, Stride: stride, Padding: pad, Dilation: dil, Affine: b.sk.Affine, Untracked: true}
}

// style is how the supernet makes its candidate operations. Batch norms
// keep no running statistics: a supernet normalises with the statistics of
// the batch in evaluation too, since the statistics of the mixed or sampled
// network change with every step (SPOS recomputes them for this reason).
// NAS-Bench-201's convolutions have bias = not affine; DARTS's MixedOp
// follows a pool with a batch norm without affine.
func (b *netBuilder) style() spec.OpStyle {
	darts := b.sk.Macro == spec.MacroDARTS
	return spec.OpStyle{NoAffine: !b.sk.Affine, Untracked: true, ConvBias: !darts && !b.sk.Affine, PoolBN: darts}
}

// mixedEdge is one edge with all candidate ops.
type mixedEdge struct {
	ops      []nn.Module
	identity bool // stride 1: the auxiliary skip applies
}

func (m *mixedEdge) forward(t *ag.Tape, x *ag.Var, w *ag.Var, sel int, beta float32) *ag.Var {
	var y *ag.Var
	switch {
	case sel == Absent:
		return nil
	case sel == Mixed:
		outs := make([]*ag.Var, len(m.ops))
		for i, op := range m.ops {
			outs[i] = op.Forward(t, x)
		}
		y = t.WeightedSum(outs, w)
	default:
		y = m.ops[sel].Forward(t, x)
		if w != nil {
			y = t.WeightedSum([]*ag.Var{y}, pick(t, w, sel))
		}
	}
	if beta != 0 && m.identity {
		y = t.Add(y, t.Scale(x, beta))
	}
	return y
}

// pick returns element i of the vector w as a one-element vector, with its
// gradient flowing back to w (a 1×K linear map with a one-hot row).
func pick(t *ag.Tape, w *ag.Var, i int) *ag.Var {
	k := w.Value.Len()
	oh := tensor.New(1, k)
	oh.Data[i] = 1
	return t.Reshape(t.Linear(t.Reshape(w, 1, k), ag.Const(oh), nil), 1)
}

// cellNet is one cell of the supernet.
type cellNet struct {
	kind   int
	pre    []nn.Module // per input; nil is the identity
	edges  []*mixedEdge
	places []edgePlace // per edge: where its ops run
	inputs int
	nodes  int
	concat []int
}

func (c *cellNet) forward(t *ag.Tape, p *Path, ins ...*ag.Var) *ag.Var {
	states := make([]*ag.Var, 0, len(ins)+c.nodes)
	for i, x := range ins {
		if c.pre[i] != nil {
			x = c.pre[i].Forward(t, x)
		}
		states = append(states, x)
	}
	e := 0
	for to := c.inputs; to < c.inputs+c.nodes; to++ {
		var terms []*ag.Var
		for from := 0; from < to; from++ {
			var w *ag.Var
			if p.W != nil {
				w = p.W[c.kind][e]
			}
			if y := c.edges[e].forward(t, states[from], w, p.Sel[c.kind][e], p.Beta); y != nil {
				terms = append(terms, y)
			}
			e++
		}
		switch len(terms) {
		case 0:
			panic(fmt.Sprintf("oneshot: node %d of a cell has no edge on this path", to))
		case 1:
			states = append(states, terms[0])
		default:
			states = append(states, t.Sum(terms...))
		}
	}
	if len(c.concat) == 1 {
		return states[c.concat[0]]
	}
	xs := make([]*ag.Var, len(c.concat))
	for i, k := range c.concat {
		xs[i] = states[k]
	}
	return t.Concat(xs...)
}

// cell builds a supernet cell on preprocessed inputs of shape [c,h,w];
// edges from the inputs have stride 2 when reduce.
func (b *netBuilder) cell(name string, kind int, in []int, c int, reduce bool) (*cellNet, error) {
	inputs := b.sk.inputs()
	cn := &cellNet{kind: kind, pre: make([]nn.Module, inputs), inputs: inputs, nodes: b.sk.Nodes}
	b.cells = append(b.cells, cn)
	shapes := make([][]int, inputs)
	for i := range shapes {
		shapes[i] = in
	}
	for to := inputs; to < inputs+b.sk.Nodes; to++ {
		var out []int
		for from := 0; from < to; from++ {
			stride := 1
			if reduce && from < inputs {
				stride = 2
			}
			x := shapes[from]
			o := []int{c, (x[1] + stride - 1) / stride, (x[2] + stride - 1) / stride}
			if out != nil && !slices.Equal(out, o) {
				return nil, fmt.Errorf("oneshot: %s: edge %d-%d gives %v, other edges %v", name, from, to, o, out)
			}
			out = o
			ops, err := build.MixedOp(b.spec, b.ps, b.r, b.style(), fmt.Sprintf("%s.edges.%d-%d", name, from, to), b.sk.Ops, x, c, stride)
			if err != nil {
				return nil, fmt.Errorf("oneshot: %s, edge %d-%d: %w", name, from, to, err)
			}
			cn.edges = append(cn.edges, &mixedEdge{ops: ops, identity: stride == 1})
			cn.places = append(cn.places, edgePlace{in: x, c: c, stride: stride})
		}
		shapes = append(shapes, out)
	}
	if b.sk.Macro == spec.MacroNB201 {
		cn.concat = []int{inputs + b.sk.Nodes - 1}
	} else {
		for k := inputs; k < inputs+b.sk.Nodes; k++ {
			cn.concat = append(cn.concat, k)
		}
	}
	return cn, nil
}

func (b *netBuilder) nb201() (func(*ag.Tape, *ag.Var, *Path) *ag.Var, error) {
	sk, ps, r := b.sk, b.ps, b.r
	in := sk.Input
	if in[1]%4 != 0 || in[2]%4 != 0 {
		// The residual blocks' shortcut pools 2×2 with floor, their
		// convolutions round up: odd sizes do not add up (as in the benchmark's code).
		return nil, fmt.Errorf("oneshot: nb201: %dx%d images, the two reductions need sides divisible by 4", in[1], in[2])
	}
	stem := nn.NewConv2D(ps, "stem.0", r, nn.Conv2DConfig{In: in[0], Out: sk.C, Kernel: 3, Padding: 1})
	stemBN := nn.NewBatchNorm(ps, "stem.1", sk.C, true, false)
	type step struct {
		block nn.Module
		cell  *cellNet
	}
	var steps []step
	c, h, w := sk.C, in[1], in[2]
	k := 0
	for stage := 0; stage < 3; stage++ {
		if stage > 0 {
			blk := nn.NewResNetBasicBlock(ps, fmt.Sprintf("cells.%d", k), r, nn.OpConfig{In: c, Out: 2 * c, Stride: 2, Affine: true, Untracked: true})
			c, h, w = 2*c, (h+1)/2, (w+1)/2
			steps = append(steps, step{block: blk})
			k++
		}
		for i := 0; i < sk.N; i++ {
			cn, err := b.cell(fmt.Sprintf("cells.%d", k), 0, []int{c, h, w}, c, false)
			if err != nil {
				return nil, err
			}
			steps = append(steps, step{cell: cn})
			k++
		}
	}
	lastBN := nn.NewBatchNorm(ps, "lastact.0", c, true, false)
	cls := nn.NewLinear(ps, "classifier", r, c, sk.Classes, true)
	return func(t *ag.Tape, x *ag.Var, p *Path) *ag.Var {
		x = stemBN.Forward(t, stem.Forward(t, x))
		for _, s := range steps {
			if s.block != nil {
				x = s.block.Forward(t, x)
			} else {
				x = s.cell.forward(t, p, x)
			}
		}
		x = t.GlobalAvgPool(t.ReLU(lastBN.Forward(t, x)))
		return cls.Forward(t, x)
	}, nil
}

func (b *netBuilder) darts() (func(*ag.Tape, *ag.Var, *Path) *ag.Var, error) {
	sk, ps, r := b.sk, b.ps, b.r
	if sk.Layers < 3 {
		return nil, fmt.Errorf("oneshot: darts: %d layers, want at least 3", sk.Layers)
	}
	in := sk.Input
	stem := nn.NewConv2D(ps, "stem.0", r, nn.Conv2DConfig{In: in[0], Out: 3 * sk.C, Kernel: 3, Padding: 1})
	stemBN := nn.NewBatchNorm(ps, "stem.1", 3*sk.C, true, false)
	type built struct {
		pre0, pre1 nn.Module
		cell       *cellNet
	}
	var cells []built
	cpp, cp, c := 3*sk.C, 3*sk.C, sk.C
	h, w := in[1], in[2]
	reducePrev := false
	for i := 0; i < sk.Layers; i++ {
		reduce := i == sk.Layers/3 || i == 2*sk.Layers/3
		kind := 0
		if reduce {
			c, kind = 2*c, 1
		}
		name := fmt.Sprintf("cells.%d", i)
		var bc built
		if reducePrev {
			bc.pre0 = nn.NewFactorizedReduce(ps, name+".preprocess0", r, b.opConfig(cpp, c, 1, 2, 0, 1))
		} else {
			bc.pre0 = nn.NewReLUConvBN(ps, name+".preprocess0", r, b.opConfig(cpp, c, 1, 1, 0, 1))
		}
		bc.pre1 = nn.NewReLUConvBN(ps, name+".preprocess1", r, b.opConfig(cp, c, 1, 1, 0, 1))
		cn, err := b.cell(name, kind, []int{c, h, w}, c, reduce)
		if err != nil {
			return nil, err
		}
		bc.cell = cn
		cells = append(cells, bc)
		if reduce {
			h, w = (h+1)/2, (w+1)/2
		}
		cpp, cp = cp, sk.Nodes*c
		reducePrev = reduce
	}
	cls := nn.NewLinear(ps, "classifier", r, cp, sk.Classes, true)
	return func(t *ag.Tape, x *ag.Var, p *Path) *ag.Var {
		s0 := stemBN.Forward(t, stem.Forward(t, x))
		s1 := s0
		for _, bc := range cells {
			s0, s1 = s1, bc.cell.forward(t, p, bc.pre0.Forward(t, s0), bc.pre1.Forward(t, s1))
		}
		return cls.Forward(t, t.GlobalAvgPool(s1))
	}, nil
}
