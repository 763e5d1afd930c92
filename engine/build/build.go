package build

import (
	"fmt"
	"math/rand"

	"nasbook/engine/ag"
	"nasbook/engine/cost"
	"nasbook/engine/nn"
	"nasbook/space/spec"
)

// Network is a built spec: a Module from an input batch [N, Input...] to
// logits [N, Classes], with its parameters and its cost layers.
type Network struct {
	Spec   *spec.Spec
	Params *ag.Params
	Cost   *cost.Net
	// AuxLogits is set by Forward in training mode when the spec has an
	// auxiliary head (DARTS): the head's logits [N, Classes], for a loss
	// term weighted as the caller chooses (DARTS uses 0.4). Nil otherwise.
	AuxLogits *ag.Var

	body  nn.Module
	aux   *auxTap
	rands []*counted // the dropouts' generators, in the order of the walk
}

// Draws returns how many values each of the network's own random
// generators (its dropouts', drawn from at each training step) has drawn,
// in a fixed order. With Skip it carries a network's randomness to another
// built from the same spec and seed.
func (n *Network) Draws() []uint64 {
	d := make([]uint64, len(n.rands))
	for i, r := range n.rands {
		d[i] = r.n
	}
	return d
}

// Skip advances the network's generators to the counts Draws returned for
// a network built from the same spec and seed, so that its next training
// steps draw what that network's would. It is an error if the counts are
// not one per generator or a generator has drawn more already.
func (n *Network) Skip(draws []uint64) error {
	if len(draws) != len(n.rands) {
		return fmt.Errorf("build: %d counts of draws for %d generators", len(draws), len(n.rands))
	}
	for i, r := range n.rands {
		if draws[i] < r.n {
			return fmt.Errorf("build: generator %d has drawn %d values, more than %d", i, r.n, draws[i])
		}
	}
	for i, r := range n.rands {
		for r.n < draws[i] {
			r.Uint64()
		}
	}
	return nil
}

// counted is a random source that counts its draws: every call of
// math/rand's source advances it by one value, so a copy made from the
// same seed and advanced as many times is the same generator.
type counted struct {
	src rand.Source64
	n   uint64
}

func (c *counted) Int63() int64    { c.n++; return c.src.Int63() }
func (c *counted) Uint64() uint64  { c.n++; return c.src.Uint64() }
func (c *counted) Seed(seed int64) { c.src.Seed(seed); c.n = 0 }

// Body returns the network's modules: an nn.Sequential, a *Cell or a
// *DARTS at the top, the engine/nn modules inside. Exporters walk it.
func (n *Network) Body() nn.Module { return n.body }

// auxTap carries the auxiliary logits out of a forward pass.
type auxTap struct {
	train  bool
	logits *ag.Var
}

// Forward implements nn.Module. x is [N, Input...] or, as a dataset's
// batch stores sequences, [N, 1, T, F] for an input [T, F].
func (n *Network) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if s := x.Shape(); len(s) != len(n.Spec.Input)+1 {
		x = t.Reshape(x, append([]int{s[0]}, n.Spec.Input...)...)
	}
	if n.aux != nil {
		n.aux.train, n.aux.logits = t.Train, nil
	}
	y := n.body.Forward(t, x)
	if n.aux != nil {
		n.AuxLogits = n.aux.logits
	}
	return y
}

// Build builds s into a trainable network, initialising its weights from r.
// A network of more than spec.MaxBuildParams parameters is an error.
func Build(s *spec.Spec, r *rand.Rand) (*Network, error) {
	n, err := spec.Lower(s)
	if err != nil {
		return nil, err
	}
	if r := n.Count(1); r.Params+r.AuxParams > spec.MaxBuildParams {
		return nil, fmt.Errorf("spec: %d parameters, more than the %d a network built for training may have (its cost can still be counted)", r.Params+r.AuxParams, spec.MaxBuildParams)
	}
	mk := &maker{ps: &ag.Params{}, r: r}
	body, net, err := spec.Walk(s, mk)
	if err != nil {
		return nil, err
	}
	return &Network{Spec: s, Params: mk.ps, Cost: net, body: body.(nn.Module), aux: mk.aux, rands: mk.rands}, nil
}

// EdgeOp builds the cell operation called op — a built-in one or one of
// s.Ops — for a single edge, as Build builds it inside a cell: from an
// input of shape in ([C,H,W]) to c channels with stride 1 or 2, its
// built-in operations in the given style, its parameters added to ps under
// name and initialised from r. It returns the module and its output shape.
func EdgeOp(s *spec.Spec, ps *ag.Params, r *rand.Rand, style spec.OpStyle, name, op string, in []int, c, stride int) (nn.Module, []int, error) {
	m, out, err := spec.WalkEdgeOp(s, &maker{ps: ps, r: r}, style, name, op, in, c, stride)
	if err != nil {
		return nil, nil, err
	}
	return m.(nn.Module), out, nil
}

// MixedOp builds every candidate operation of a relaxed edge, in the order
// of ops, each as EdgeOp builds it under name.op. A one-shot supernet
// weighs their outputs.
func MixedOp(s *spec.Spec, ps *ag.Params, r *rand.Rand, style spec.OpStyle, name string, ops []string, in []int, c, stride int) ([]nn.Module, error) {
	ms := make([]nn.Module, len(ops))
	for i, op := range ops {
		m, _, err := EdgeOp(s, ps, r, style, name+"."+op, op, in, c, stride)
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	return ms, nil
}

// maker makes engine/nn modules of a spec's parts, adding their
// parameters to ps and drawing their weights from r in the order the walk
// hands the parts over.
type maker struct {
	ps    *ag.Params
	r     *rand.Rand
	aux   *auxTap // set by a network with an auxiliary head
	rands []*counted
}

var _ spec.Maker = (*maker)(nil)

func mods(ms []spec.Module) []nn.Module {
	out := make([]nn.Module, len(ms))
	for i, m := range ms {
		out[i] = m.(nn.Module)
	}
	return out
}

func actModule(a cost.Activation) nn.Module {
	switch a {
	case cost.ReLU:
		return nn.ReLU{}
	case cost.ReLU6:
		return nn.ReLU6{}
	case cost.HSwish:
		return nn.HSwish{}
	case cost.HSigmoid:
		return nn.HSigmoid{}
	case cost.GELU:
		return nn.GELU{}
	case cost.Swish:
		return nn.Swish{}
	case cost.Sigmoid:
		return nn.Sigmoid{}
	}
	panic(fmt.Sprintf("build: activation %s has no module", a)) // the walk checks activations
}

// Make implements spec.Maker.
func (m *maker) Make(p spec.Part) spec.Module {
	switch p.Kind {
	case spec.PartConv:
		return nn.NewConv2D(m.ps, p.Name, m.r, nn.Conv2DConfig(p.Conv))
	case spec.PartBatchNorm:
		return nn.NewBatchNorm(m.ps, p.Name, p.Out, p.Affine, !p.Untracked)
	case spec.PartLayerNorm:
		return nn.NewLayerNorm(m.ps, p.Name, p.In)
	case spec.PartAct:
		return actModule(p.Act)
	case spec.PartLinear:
		return nn.NewLinear(m.ps, p.Name, m.r, p.In, p.Out, p.Bias)
	case spec.PartGlobalPool:
		return nn.GlobalAvgPool{}
	case spec.PartMeanTokens:
		return nn.MeanTokens{}
	case spec.PartMaxPool:
		return nn.MaxPool{Kernel: p.Kernel, Stride: p.Stride, Padding: p.Padding}
	case spec.PartAvgPool:
		return nn.AvgPool{Kernel: p.Kernel, Stride: p.Stride, Padding: p.Padding}
	case spec.PartZero:
		return nn.Zero{Out: p.Out, Stride: p.Stride}
	case spec.PartIdentity:
		return nn.Identity{}
	case spec.PartFlatten:
		return nn.Flatten{}
	case spec.PartDropout:
		c := &counted{src: rand.NewSource(m.r.Int63()).(rand.Source64)}
		m.rands = append(m.rands, c)
		return nn.Dropout{P: float32(p.P), Rand: rand.New(c)}
	case spec.PartPatches:
		return nn.Patches{P: p.Kernel}
	case spec.PartEmbed:
		if p.Vocab > 0 {
			return nn.NewTokenEmbed(m.ps, p.Name, m.r, p.Vocab, p.Out, p.Tokens, p.Positions, p.Sinusoidal)
		}
		return nn.NewEmbed(m.ps, p.Name, m.r, p.In, p.Out, p.Tokens, p.Positions)
	case spec.PartReLUConvBN:
		return nn.NewReLUConvBN(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartDilConv:
		return nn.NewDilConv(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartSepConv:
		return nn.NewSepConv(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartConv7x1:
		return nn.NewConv7x1(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartFactorizedReduce:
		return nn.NewFactorizedReduce(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartResBlock:
		return nn.NewResNetBasicBlock(m.ps, p.Name, m.r, nn.OpConfig(p.Op))
	case spec.PartMBConv:
		c := p.MB
		return nn.NewInvertedResidual(m.ps, p.Name, m.r, nn.InvertedResidualConfig{In: c.In, Out: c.Out, Hidden: c.Hidden,
			Kernel: c.Kernel, Stride: c.Stride, Squeeze: c.Squeeze, Act: actModule(c.Act), SEAct: actModule(c.SEAct), SEGate: actModule(c.SEGate)})
	case spec.PartTransformer:
		return nn.NewMoETransformerBlock(m.ps, p.Name, m.r, p.In, p.Heads, p.MLPRatio, p.Experts, p.TopK)
	case spec.PartSequential:
		return nn.Sequential(mods(p.Parts))
	case spec.PartBranch:
		return &nn.Branch{Branches: mods(p.Parts), Concat: p.Concat}
	case spec.PartCell:
		return newCell(p.Cell)
	case spec.PartDARTS:
		return m.darts(p.DARTS)
	}
	panic(fmt.Sprintf("build: part %s has no module", p.Kind))
}

// Cell is a built cell: node Inputs+i sums the edges Nodes[i], and the
// output concatenates the Concat nodes along channels (one node: that node
// itself), as spec.CellModules.
type Cell struct {
	Inputs int
	Nodes  [][]Edge
	Concat []int
}

// Edge is one built edge of a cell: Op applied to node From.
type Edge struct {
	From int
	Op   nn.Module
}

func newCell(cm *spec.CellModules) *Cell {
	c := &Cell{Inputs: cm.Inputs, Concat: cm.Concat}
	for _, node := range cm.Nodes {
		es := make([]Edge, len(node))
		for i, e := range node {
			es[i] = Edge{From: e.From, Op: e.Op.(nn.Module)}
		}
		c.Nodes = append(c.Nodes, es)
	}
	return c
}

// Forward implements nn.Module for a cell of one input.
func (c *Cell) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return c.forward(t, x) }

func (c *Cell) forward(t *ag.Tape, ins ...*ag.Var) *ag.Var {
	if len(ins) != c.Inputs {
		panic(fmt.Sprintf("build: a cell of %d inputs given %d", c.Inputs, len(ins)))
	}
	states := make([]*ag.Var, 0, len(ins)+len(c.Nodes))
	states = append(states, ins...)
	for _, node := range c.Nodes {
		terms := make([]*ag.Var, len(node))
		for i, e := range node {
			terms[i] = e.Op.Forward(t, states[e.From])
		}
		s := terms[0]
		if len(terms) > 1 {
			s = t.Sum(terms...)
		}
		states = append(states, s)
	}
	if len(c.Concat) == 1 {
		return states[c.Concat[0]]
	}
	xs := make([]*ag.Var, len(c.Concat))
	for i, k := range c.Concat {
		xs[i] = states[k]
	}
	return t.Concat(xs...)
}

// DARTS is DARTS's network built (spec.DARTSModules): Stem (CIFAR: both
// first inputs are its output) or Stem and Stem1 (ImageNet), the cells on
// their preprocessed inputs, and Head on the last cell's output; Aux, when
// not nil, is the auxiliary head on the output of cell AuxAt, run in
// training only.
type DARTS struct {
	Stem, Stem1 nn.Module // Stem1 nil on CIFAR
	Cells       []DARTSCell
	Aux         nn.Module
	AuxAt       int
	Head        nn.Module

	tap *auxTap
}

// DARTSCell is one built cell of DARTS's network with its preprocessing:
// Pre0 on the output of the cell before the previous one, Pre1 on the
// previous one's.
type DARTSCell struct {
	Pre0, Pre1 nn.Module
	Cell       *Cell
}

// darts builds DARTS's NetworkCIFAR or NetworkImageNet.
func (m *maker) darts(d *spec.DARTSModules) nn.Module {
	n := &DARTS{Stem: d.Stem.(nn.Module), AuxAt: d.AuxAt, Head: d.Head.(nn.Module), tap: &auxTap{}}
	if d.Stem1 != nil {
		n.Stem1 = d.Stem1.(nn.Module)
	}
	for _, c := range d.Cells {
		n.Cells = append(n.Cells, DARTSCell{c.Pre0.(nn.Module), c.Pre1.(nn.Module), c.Cell.(*Cell)})
	}
	if d.Aux != nil {
		n.Aux = d.Aux.(nn.Module)
		m.aux = n.tap
	}
	return n
}

// Forward implements nn.Module.
func (n *DARTS) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	a := n.Stem.Forward(t, x)
	bb := a
	if n.Stem1 != nil {
		bb = n.Stem1.Forward(t, a)
	}
	for i, c := range n.Cells {
		a, bb = bb, c.Cell.forward(t, c.Pre0.Forward(t, a), c.Pre1.Forward(t, bb))
		if i == n.AuxAt && n.Aux != nil && n.tap.train {
			n.tap.logits = n.Aux.Forward(t, bb)
		}
	}
	return n.Head.Forward(t, bb)
}
