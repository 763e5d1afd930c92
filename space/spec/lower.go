package spec

import (
	"fmt"
	"math"
	"strings"

	"nasbook/engine/cost"
)

// Lower returns the layers of s for the cost model, without making
// modules. It accepts exactly the specs that a Maker can make.
func Lower(s *Spec) (*cost.Net, error) {
	_, n, err := Walk(s, nil)
	return n, err
}

// Walk lowers s and, when mk is not nil, hands each of its parts to mk
// (see Maker); it returns what mk made of the whole network.
func Walk(s *Spec, mk Maker) (Module, *cost.Net, error) {
	b := &builder{mk: mk, spec: s}
	m, err := b.network()
	if err != nil {
		return nil, nil, err
	}
	return m, &b.net, nil
}

// WalkEdgeOp lays out the cell operation called op — a built-in one or one
// of s.Ops — for a single edge, as Walk lays it out inside a cell: from an
// input of shape in ([C,H,W]) to c channels with stride 1 or 2, its
// built-in operations in the given style. It hands its parts to mk and
// returns what mk made and its output shape. A one-shot supernet builds
// its candidate operations with it.
func WalkEdgeOp(s *Spec, mk Maker, style OpStyle, name, op string, in []int, c, stride int) (Module, []int, error) {
	b := &builder{mk: mk, spec: s, style: style}
	return b.edgeOp(name, op, in, c, stride)
}

// LowerEdgeOp returns the cost layers of the cell operation called op on a
// single edge, laid out as WalkEdgeOp lays it out: what the operation costs
// at that place in a network, such as a one-shot supernet's edge.
func LowerEdgeOp(s *Spec, style OpStyle, op string, in []int, c, stride int) (*cost.Net, error) {
	b := &builder{spec: s, style: style}
	b.net.Input = append([]int(nil), in...)
	if _, _, err := b.edgeOp("op", op, in, c, stride); err != nil {
		return nil, err
	}
	return &b.net, nil
}

// Cost returns the cost report of s; batch sets the batch size of the peak
// training memory (zero means 1).
func Cost(s *Spec, batch int) (cost.Report, error) {
	n, err := Lower(s)
	if err != nil {
		return cost.Report{}, err
	}
	return n.Count(batch), nil
}

// builder walks a spec once; with mk nil it only records cost layers.
type builder struct {
	mk    Maker
	spec  *Spec
	style OpStyle
	net   cost.Net
	aux   bool // recording an auxiliary head
	quiet int  // inside a composite that is made whole: record only
}

// building reports whether modules are to be made now: with a Maker,
// outside a composite operation that is made as one part.
func (b *builder) building() bool { return b.mk != nil && b.quiet == 0 }

// make hands p to the Maker when building; it passes out and err through.
func (b *builder) make(p Part, out []int, err error) (Module, []int, error) {
	if err != nil || !b.building() {
		return nil, out, err
	}
	return b.mk.Make(p), out, nil
}

// record runs f with construction off, for a composite whose parts are
// recorded one by one and constructed by its nn constructor.
func (b *builder) record(f func() ([]int, error)) ([]int, error) {
	b.quiet++
	defer func() { b.quiet-- }()
	return f()
}

// add records a cost layer and returns its output shape.
func (b *builder) add(l cost.Layer) ([]int, error) {
	l.Aux = b.aux
	return b.net.Add(l)
}

func (b *builder) network() (Module, error) {
	s := b.spec
	if err := s.check(); err != nil {
		return nil, err
	}
	if len(s.Input) == 0 {
		return nil, fmt.Errorf("spec: no input shape")
	}
	for _, d := range s.Input {
		if d <= 0 {
			return nil, fmt.Errorf("spec: input shape %v has an empty dimension", s.Input)
		}
	}
	if s.Classes <= 0 {
		return nil, fmt.Errorf("spec: %d classes", s.Classes)
	}
	b.net.Input = append([]int(nil), s.Input...)
	switch s.Kind {
	case KindCell:
		if s.Cells == nil {
			return nil, fmt.Errorf("spec: kind %q without cells", s.Kind)
		}
		return b.cellNetwork(s.Cells)
	case KindSequential:
		m, out, err := b.sequence("layers", s.Layers, s.Input)
		if err != nil {
			return nil, err
		}
		if len(out) != 1 || out[0] != s.Classes {
			return nil, fmt.Errorf("spec: the layers end in shape %v, want [%d] (the classes); end with gap and linear", out, s.Classes)
		}
		return m, nil
	default:
		return nil, fmt.Errorf("spec: unknown kind %q (want %q or %q)", s.Kind, KindCell, KindSequential)
	}
}

// --- primitive layers: record, then make when building ---

func (b *builder) conv(name string, in []int, c ConvConfig) (Module, []int, error) {
	out, err := b.add(cost.Layer{Kind: cost.Conv, Name: name, In: in, Width: c.Out, KH: c.Kernel, KW: c.Kernel,
		SH: c.Stride, SW: c.Stride, PH: c.Padding, PW: c.Padding, Dilation: c.Dilation, Groups: c.Groups, Bias: c.Bias})
	if err == nil {
		c.In = in[0]
	}
	return b.make(Part{Kind: PartConv, Name: name, Conv: c}, out, err)
}

// bn is an affine batch norm tracking running statistics, as networks
// train them.
func (b *builder) bn(name string, in []int) (Module, []int, error) {
	return b.batchNorm(name, in, true, false)
}

func (b *builder) batchNorm(name string, in []int, affine, untracked bool) (Module, []int, error) {
	out, err := b.add(cost.Layer{Kind: cost.BatchNorm, Name: name, In: in, Affine: affine})
	if err != nil {
		return nil, nil, err
	}
	return b.make(Part{Kind: PartBatchNorm, Name: name, Out: in[0], Affine: affine, Untracked: untracked}, out, nil)
}

func (b *builder) act(name string, in []int, a cost.Activation) (Module, []int, error) {
	if err := checkAct(a); err != nil {
		return nil, nil, err
	}
	out, err := b.add(cost.Layer{Kind: cost.Act, Act: a, Name: name, In: in})
	return b.make(Part{Kind: PartAct, Name: name, Act: a}, out, err)
}

// checkAct reports an activation that networks cannot be made with.
func checkAct(a cost.Activation) error {
	switch a {
	case cost.ReLU, cost.ReLU6, cost.HSwish, cost.HSigmoid, cost.GELU, cost.Swish, cost.Sigmoid:
		return nil
	}
	return fmt.Errorf("activation %s cannot be built", a)
}

func (b *builder) linear(name string, in []int, out int, bias bool) (Module, []int, error) {
	o, err := b.add(cost.Layer{Kind: cost.Linear, Name: name, In: in, Width: out, Bias: bias})
	if err != nil {
		return nil, nil, err
	}
	return b.make(Part{Kind: PartLinear, Name: name, In: in[len(in)-1], Out: out, Bias: bias}, o, nil)
}

func (b *builder) gap(name string, in []int) (Module, []int, error) {
	out, err := b.add(cost.Layer{Kind: cost.GlobalPool, Name: name, In: in})
	kind := PartGlobalPool
	if len(in) == 2 {
		kind = PartMeanTokens
	}
	return b.make(Part{Kind: kind, Name: name}, out, err)
}

func (b *builder) pool(name string, in []int, max bool, k, stride, pad int) (Module, []int, error) {
	kind, part := cost.AvgPool, PartAvgPool
	if max {
		kind, part = cost.MaxPool, PartMaxPool
	}
	out, err := b.add(cost.Layer{Kind: kind, Name: name, In: in, KH: k, KW: k, SH: stride, SW: stride, PH: pad, PW: pad})
	if err != nil {
		return nil, nil, err
	}
	if 2*pad > k {
		return nil, nil, fmt.Errorf("spec: %s: padding %d exceeds half the %dx%d window", name, pad, k, k)
	}
	return b.make(Part{Kind: part, Name: name, Kernel: k, Stride: stride, Padding: pad}, out, nil)
}

// sequential makes the modules ms, in order, into one.
func (b *builder) sequential(name string, ms []Module) Module {
	if !b.building() {
		return nil
	}
	return b.mk.Make(Part{Kind: PartSequential, Name: name, Parts: ms})
}

// sum records the sum of n tensors of shape in.
func (b *builder) sum(name string, in []int, n int) error {
	if n < 2 {
		return nil
	}
	_, err := b.add(cost.Layer{Kind: cost.Add, Name: name, In: in, Inputs: n})
	return err
}

// --- composite operations of the reference code ---

func opConfig(in []int, out, k, stride, pad, dil int) OpConfig {
	return OpStyle{}.config(in, out, k, stride, pad, dil)
}

// reluConvBN is ReLU → Conv → BN, as nn.ReLUConvBN.
func (b *builder) reluConvBN(name string, in []int, c OpConfig) (Module, []int, error) {
	out, err := b.record(func() ([]int, error) {
		if _, _, err := b.act(name+".op.0", in, cost.ReLU); err != nil {
			return nil, err
		}
		_, mid, err := b.conv(name+".op.1", in, ConvConfig{Out: c.Out, Kernel: c.Kernel, Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Bias: c.Bias})
		if err != nil {
			return nil, err
		}
		_, out, err := b.batchNorm(name+".op.2", mid, c.Affine, c.Untracked)
		return out, err
	})
	return b.make(Part{Kind: PartReLUConvBN, Name: name, Op: c}, out, err)
}

// dilConvCost records ReLU → depthwise → pointwise → BN.
func (b *builder) dilConvCost(name string, in []int, c OpConfig, idx int) ([]int, error) {
	if _, _, err := b.act(fmt.Sprintf("%s.op.%d", name, idx), in, cost.ReLU); err != nil {
		return nil, err
	}
	_, mid, err := b.conv(fmt.Sprintf("%s.op.%d", name, idx+1), in, ConvConfig{Out: in[0], Kernel: c.Kernel, Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Groups: in[0]})
	if err != nil {
		return nil, err
	}
	_, mid, err = b.conv(fmt.Sprintf("%s.op.%d", name, idx+2), mid, ConvConfig{Out: c.Out, Kernel: 1})
	if err != nil {
		return nil, err
	}
	_, out, err := b.batchNorm(fmt.Sprintf("%s.op.%d", name, idx+3), mid, c.Affine, c.Untracked)
	return out, err
}

func (b *builder) dilConv(name string, in []int, c OpConfig) (Module, []int, error) {
	out, err := b.record(func() ([]int, error) { return b.dilConvCost(name, in, c, 0) })
	return b.make(Part{Kind: PartDilConv, Name: name, Op: c}, out, err)
}

func (b *builder) sepConv(name string, in []int, c OpConfig) (Module, []int, error) {
	out, err := b.record(func() ([]int, error) {
		first := c
		first.Out, first.Dilation = in[0], 1
		mid, err := b.dilConvCost(name, in, first, 0)
		if err != nil {
			return nil, err
		}
		second := c
		second.Stride, second.Dilation = 1, 1
		return b.dilConvCost(name, mid, second, 4)
	})
	return b.make(Part{Kind: PartSepConv, Name: name, Op: c}, out, err)
}

// conv7x1 is ReLU → Conv 1×7 → Conv 7×1 → BN, as nn.Conv7x1.
func (b *builder) conv7x1(name string, in []int, c OpConfig) (Module, []int, error) {
	out, err := b.record(func() ([]int, error) {
		if _, _, err := b.act(name+".op.0", in, cost.ReLU); err != nil {
			return nil, err
		}
		s := max(c.Stride, 1)
		mid, err := b.add(cost.Layer{Kind: cost.Conv, Name: name + ".op.1", In: in, Width: c.Out, KH: 1, KW: 7, SH: 1, SW: s, PW: 3})
		if err != nil {
			return nil, err
		}
		if mid, err = b.add(cost.Layer{Kind: cost.Conv, Name: name + ".op.2", In: mid, Width: c.Out, KH: 7, KW: 1, SH: s, SW: 1, PH: 3}); err != nil {
			return nil, err
		}
		_, out, err := b.batchNorm(name+".op.3", mid, c.Affine, c.Untracked)
		return out, err
	})
	return b.make(Part{Kind: PartConv7x1, Name: name, Op: c}, out, err)
}

// factorizedReduce halves the resolution to c.Out channels (c's kernel,
// stride and padding are not read).
func (b *builder) factorizedReduce(name string, in []int, c OpConfig) (Module, []int, error) {
	out := c.Out
	h := out / 2
	if h == 0 {
		return nil, nil, fmt.Errorf("spec: %s: FactorizedReduce to %d channels, want at least 2", name, out)
	}
	y, err := b.record(func() ([]int, error) {
		if _, _, err := b.act(name+".relu", in, cost.ReLU); err != nil {
			return nil, err
		}
		_, a, err := b.conv(name+".convs.0", in, ConvConfig{Out: h, Kernel: 1, Stride: 2, Bias: c.Bias})
		if err != nil {
			return nil, err
		}
		if _, err := b.add(cost.Layer{Kind: cost.Rearrange, Name: name + ".shift", In: in, Out: in}); err != nil {
			return nil, err
		}
		if _, _, err := b.conv(name+".convs.1", in, ConvConfig{Out: out - h, Kernel: 1, Stride: 2, Bias: c.Bias}); err != nil {
			return nil, err
		}
		cat, err := b.add(cost.Layer{Kind: cost.Concat, Name: name + ".cat", In: a, Inputs: 2, Width: out})
		if err != nil {
			return nil, err
		}
		_, y, err := b.batchNorm(name+".bn", cat, c.Affine, c.Untracked)
		return y, err
	})
	return b.make(Part{Kind: PartFactorizedReduce, Name: name, Op: c}, y, err)
}

func (b *builder) resBlock(name string, in []int, out, stride int) (Module, []int, error) {
	if stride != 1 && stride != 2 {
		return nil, nil, fmt.Errorf("spec: %s: residual block stride %d, want 1 or 2", name, stride)
	}
	y, err := b.record(func() ([]int, error) {
		_, mid, err := b.reluConvBN(name+".conv_a", in, opConfig(in, out, 3, stride, 1, 1))
		if err != nil {
			return nil, err
		}
		_, y, err := b.reluConvBN(name+".conv_b", mid, opConfig(mid, out, 3, 1, 1, 1))
		if err != nil {
			return nil, err
		}
		switch {
		case stride == 2:
			_, p, err := b.pool(name+".downsample.0", in, false, 2, 2, 0)
			if err != nil {
				return nil, err
			}
			// The shortcut pools without padding, the main path convolves
			// with padding: on an odd size they disagree (as in NB201's code).
			if len(p) == 3 && (p[1] != y[1] || p[2] != y[2]) {
				return nil, fmt.Errorf("the reduction's shortcut makes %dx%d maps and its convolutions %dx%d: the input %dx%d must have an even size (NB201's reductions halve it twice, so the network input must be a multiple of 4)", p[1], p[2], y[1], y[2], in[1], in[2])
			}
			if _, _, err := b.conv(name+".downsample.1", p, ConvConfig{Out: out, Kernel: 1}); err != nil {
				return nil, err
			}
		case in[0] != out:
			if _, _, err := b.reluConvBN(name+".downsample", in, opConfig(in, out, 1, 1, 0, 1)); err != nil {
				return nil, err
			}
		}
		return y, b.sum(name+".add", y, 2)
	})
	return b.make(Part{Kind: PartResBlock, Name: name, Op: OpConfig{In: in[0], Out: out, Stride: stride, Affine: true}}, y, err)
}

// --- cells ---

// edgeOp lays out the operation called op on an edge from a [C,H,W] input
// to C channels with stride 1 or 2: one of the spec's own, or a built-in
// one by the composition rule of its family.
func (b *builder) edgeOp(name, op string, in []int, c, stride int) (Module, []int, error) {
	if def, ok := b.spec.Ops[op]; ok {
		return b.customOp(name, op, def, in, c, stride)
	}
	o, ok := BuiltinOp(op)
	if !ok {
		return nil, nil, fmt.Errorf("unknown operation %q (known: %s)", op, strings.Join(b.spec.OpNames(), ", "))
	}
	st := b.style
	k := o.Kernel
	switch o.Kind {
	case OpNone:
		out, err := b.add(cost.Layer{Kind: cost.Zero, Name: name, In: in, Width: c, SH: stride, SW: stride})
		return b.make(Part{Kind: PartZero, Name: name, Out: c, Stride: stride}, out, err)
	case OpSkip:
		if stride == 1 {
			if in[0] != c {
				return nil, nil, fmt.Errorf("%s: identity from %d to %d channels", op, in[0], c)
			}
			return b.make(Part{Kind: PartIdentity, Name: name}, in, nil)
		}
		return b.factorizedReduce(name, in, st.config(in, c, 1, 2, 0, 1))
	case OpConv:
		cfg := st.config(in, c, k, stride, o.padding(), o.dilation())
		cfg.Bias = st.ConvBias
		return b.reluConvBN(name, in, cfg)
	case OpSepConv:
		return b.sepConv(name, in, st.config(in, c, k, stride, o.padding(), 1))
	case OpDilConv:
		return b.dilConv(name, in, st.config(in, c, k, stride, o.padding(), o.dilation()))
	case OpMaxPool, OpAvgPool:
		if in[0] != c {
			return nil, nil, fmt.Errorf("%s: pooling from %d to %d channels", op, in[0], c)
		}
		pool, out, err := b.pool(name, in, o.Kind == OpMaxPool, k, stride, o.padding())
		if err != nil || !st.PoolBN {
			return pool, out, err
		}
		bn, out, err := b.batchNorm(name+".bn", out, false, true)
		if err != nil {
			return nil, nil, err
		}
		return b.sequential(name, []Module{pool, bn}), out, nil
	case OpConv7x1:
		return b.conv7x1(name, in, st.config(in, c, 7, stride, 3, 1))
	default:
		return nil, nil, fmt.Errorf("%s: operation kind %s has no builder", op, o.Kind)
	}
}

func (b *builder) customOp(name, op string, def []Layer, in []int, c, stride int) (Module, []int, error) {
	ls := append([]Layer(nil), def...)
	strided := false
	for i := range ls {
		l := &ls[i]
		if (l.Op == Conv || l.Op == MBConv) && l.Out == 0 {
			l.Out = c
		}
		if (l.Op == Conv || l.Op == MBConv || l.Op == MaxPool || l.Op == AvgPool) && l.Stride == 0 {
			switch {
			case !strided:
				l.Stride, strided = stride, true
			case l.Op == MaxPool || l.Op == AvgPool:
				l.Stride = 1 // in a cell, a pool keeps the size unless it takes the edge's stride
			}
		}
	}
	if !strided && stride != 1 {
		return nil, nil, fmt.Errorf("%s: has no convolution or pool to take stride %d", op, stride)
	}
	m, out, err := b.sequence(name, ls, in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	want := []int{c, (in[1] + stride - 1) / stride, (in[2] + stride - 1) / stride}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		return nil, nil, fmt.Errorf("%s: gives shape %v where the cell needs %v", op, out, want)
	}
	return m, out, nil
}

// cell builds cell def on inputs of the given shapes (already preprocessed
// to c channels), with stride 2 on edges from the inputs when reduce.
func (b *builder) cell(name, what string, def *Cell, ins [][]int, c int, reduce bool) (Module, []int, error) {
	if def.Inputs != len(ins) {
		return nil, nil, fmt.Errorf("spec: %s cell: %d inputs, this network gives %d", what, def.Inputs, len(ins))
	}
	if len(def.Nodes) == 0 {
		return nil, nil, fmt.Errorf("spec: %s cell: no nodes", what)
	}
	m := &CellModules{Inputs: len(ins)}
	shapes := append([][]int(nil), ins...)
	for i, node := range def.Nodes {
		id := def.Inputs + i
		if len(node) == 0 {
			return nil, nil, fmt.Errorf("spec: %s cell, node %d: no edges", what, id)
		}
		var mods []EdgeModule
		var out []int
		for j, e := range node {
			where := fmt.Sprintf("spec: %s cell, node %d, edge %d (%s from %d)", what, id, j, e.Op, e.From)
			if e.From < 0 || e.From >= id {
				return nil, nil, fmt.Errorf("%s: node %d is not an earlier node", where, e.From)
			}
			stride := 1
			if reduce && e.From < def.Inputs {
				stride = 2
			}
			op, o, err := b.edgeOp(fmt.Sprintf("%s.edges.%d-%d.%d", name, e.From, id, j), e.Op, shapes[e.From], c, stride)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", where, err)
			}
			if out != nil && fmt.Sprint(out) != fmt.Sprint(o) {
				return nil, nil, fmt.Errorf("%s: gives shape %v, other edges of the node %v", where, o, out)
			}
			out = o
			mods = append(mods, EdgeModule{From: e.From, Op: op})
		}
		if err := b.sum(fmt.Sprintf("%s.node%d", name, id), out, len(node)); err != nil {
			return nil, nil, err
		}
		m.Nodes = append(m.Nodes, mods)
		shapes = append(shapes, out)
	}
	if len(def.Concat) == 0 {
		return nil, nil, fmt.Errorf("spec: %s cell: no output nodes (concat)", what)
	}
	total := 0
	for _, k := range def.Concat {
		if k < 0 || k >= len(shapes) {
			return nil, nil, fmt.Errorf("spec: %s cell: output node %d does not exist", what, k)
		}
		if fmt.Sprint(shapes[k][1:]) != fmt.Sprint(shapes[def.Concat[0]][1:]) {
			return nil, nil, fmt.Errorf("spec: %s cell: output nodes %d and %d differ in size (%v, %v)", what, def.Concat[0], k, shapes[def.Concat[0]], shapes[k])
		}
		total += shapes[k][0]
	}
	m.Concat = def.Concat
	out := shapes[def.Concat[0]]
	if len(def.Concat) > 1 {
		var err error
		out, err = b.add(cost.Layer{Kind: cost.Concat, Name: name + ".concat", In: shapes[def.Concat[0]], Inputs: len(def.Concat), Width: total})
		if err != nil {
			return nil, nil, err
		}
	}
	return b.make(Part{Kind: PartCell, Name: name, Cell: m}, out, nil)
}

func (b *builder) cellNetwork(cs *Cells) (Module, error) {
	in := b.spec.Input
	if len(in) != 3 {
		return nil, fmt.Errorf("spec: cell networks take [C,H,W] images, not input %v", in)
	}
	if cs.C <= 0 {
		return nil, fmt.Errorf("spec: cells: C = %d", cs.C)
	}
	switch cs.Macro {
	case MacroNB201:
		return b.nb201Network(cs)
	case MacroDARTS, MacroDARTSImageNet:
		return b.dartsNetwork(cs)
	default:
		return nil, fmt.Errorf("spec: unknown macro %q (want %q, %q or %q)", cs.Macro, MacroNB201, MacroDARTS, MacroDARTSImageNet)
	}
}

func (b *builder) nb201Network(cs *Cells) (Module, error) {
	if cs.N <= 0 {
		return nil, fmt.Errorf("spec: nb201: N = %d cells per stage", cs.N)
	}
	if cs.Reduce != nil {
		return nil, fmt.Errorf("spec: nb201: reductions are residual blocks, not a reduce cell")
	}
	var seq []Module
	push := func(m Module, out []int, err error) ([]int, error) {
		if err == nil && b.building() {
			seq = append(seq, m)
		}
		return out, err
	}
	x, err := push(b.conv("stem.0", b.spec.Input, ConvConfig{Out: cs.C, Kernel: 3, Padding: 1}))
	if err != nil {
		return nil, err
	}
	if x, err = push(b.bn("stem.1", x)); err != nil {
		return nil, err
	}
	c, k := cs.C, 0
	for stage := 0; stage < 3; stage++ {
		if stage > 0 {
			c *= 2
			if x, err = push(b.resBlock(fmt.Sprintf("cells.%d", k), x, c, 2)); err != nil {
				return nil, err
			}
			k++
		}
		for i := 0; i < cs.N; i++ {
			cm, out, err := b.cell(fmt.Sprintf("cells.%d", k), "normal", &cs.Normal, [][]int{x}, c, false)
			if err != nil {
				return nil, err
			}
			if fmt.Sprint(out) != fmt.Sprint(x) {
				return nil, fmt.Errorf("spec: nb201: the cell maps %v to %v; its output must keep the shape", x, out)
			}
			if b.building() {
				seq = append(seq, cm)
			}
			k++
		}
	}
	if x, err = push(b.bn("lastact.0", x)); err != nil {
		return nil, err
	}
	if x, err = push(b.act("lastact.1", x, cost.ReLU)); err != nil {
		return nil, err
	}
	if x, err = push(b.gap("global_pooling", x)); err != nil {
		return nil, err
	}
	if _, err = push(b.linear("classifier", x, b.spec.Classes, true)); err != nil {
		return nil, err
	}
	return b.sequential("", seq), nil
}

func (b *builder) dartsNetwork(cs *Cells) (Module, error) {
	if cs.Layers < 3 {
		return nil, fmt.Errorf("spec: darts: %d layers, want at least 3", cs.Layers)
	}
	if cs.Reduce == nil {
		return nil, fmt.Errorf("spec: darts: no reduce cell")
	}
	var stem []Module
	push := func(m Module, out []int, err error) ([]int, error) {
		if err == nil && b.building() {
			stem = append(stem, m)
		}
		return out, err
	}
	var s0, s1 []int
	var stem1 []Module
	var err error
	imagenet := cs.Macro == MacroDARTSImageNet
	if imagenet {
		x := b.spec.Input
		steps := []func() ([]int, error){
			func() ([]int, error) {
				return push(b.conv("stem0.0", x, ConvConfig{Out: cs.C / 2, Kernel: 3, Stride: 2, Padding: 1}))
			},
			func() ([]int, error) { return push(b.bn("stem0.1", x)) },
			func() ([]int, error) { return push(b.act("stem0.2", x, cost.ReLU)) },
			func() ([]int, error) {
				return push(b.conv("stem0.3", x, ConvConfig{Out: cs.C, Kernel: 3, Stride: 2, Padding: 1}))
			},
			func() ([]int, error) { return push(b.bn("stem0.4", x)) },
		}
		for _, f := range steps {
			if x, err = f(); err != nil {
				return nil, err
			}
		}
		s0 = x
		stem0 := stem
		stem = nil
		steps = []func() ([]int, error){
			func() ([]int, error) { return push(b.act("stem1.0", x, cost.ReLU)) },
			func() ([]int, error) {
				return push(b.conv("stem1.1", x, ConvConfig{Out: cs.C, Kernel: 3, Stride: 2, Padding: 1}))
			},
			func() ([]int, error) { return push(b.bn("stem1.2", x)) },
		}
		for _, f := range steps {
			if x, err = f(); err != nil {
				return nil, err
			}
		}
		s1, stem1, stem = x, stem, stem0
	} else {
		x, err := push(b.conv("stem.0", b.spec.Input, ConvConfig{Out: 3 * cs.C, Kernel: 3, Padding: 1}))
		if err != nil {
			return nil, err
		}
		if x, err = push(b.bn("stem.1", x)); err != nil {
			return nil, err
		}
		s0, s1 = x, x
	}
	var cells []DARTSCell
	c := cs.C
	reducePrev := imagenet
	auxAt := 2 * cs.Layers / 3
	var auxHead Module
	for i := 0; i < cs.Layers; i++ {
		reduce := i == cs.Layers/3 || i == 2*cs.Layers/3
		def, what := &cs.Normal, "normal"
		if reduce {
			c *= 2
			def, what = cs.Reduce, "reduce"
		}
		name := fmt.Sprintf("cells.%d", i)
		var bc DARTSCell
		var p0, p1 []int
		if reducePrev {
			bc.Pre0, p0, err = b.factorizedReduce(name+".preprocess0", s0, opConfig(s0, c, 1, 2, 0, 1))
		} else {
			bc.Pre0, p0, err = b.reluConvBN(name+".preprocess0", s0, opConfig(s0, c, 1, 1, 0, 1))
		}
		if err != nil {
			return nil, err
		}
		if bc.Pre1, p1, err = b.reluConvBN(name+".preprocess1", s1, opConfig(s1, c, 1, 1, 0, 1)); err != nil {
			return nil, err
		}
		if fmt.Sprint(p0) != fmt.Sprint(p1) {
			return nil, fmt.Errorf("spec: darts: cell %d: inputs of shapes %v and %v (odd image sizes do not halve evenly)", i, p0, p1)
		}
		cm, out, err := b.cell(name, what, def, [][]int{p0, p1}, c, reduce)
		if err != nil {
			return nil, fmt.Errorf("%w (cell %d)", err, i)
		}
		bc.Cell = cm
		cells = append(cells, bc)
		s0, s1 = s1, out
		reducePrev = reduce
		if i == auxAt && cs.Auxiliary {
			if auxHead, err = b.auxiliaryHead(s1, imagenet); err != nil {
				return nil, err
			}
		}
	}
	gap, x, err := b.gap("global_pooling", s1)
	if err != nil {
		return nil, err
	}
	lin, _, err := b.linear("classifier", x, b.spec.Classes, true)
	if err != nil {
		return nil, err
	}
	if !b.building() {
		return nil, nil
	}
	d := &DARTSModules{Stem: b.sequential("stem", stem), Cells: cells, Aux: auxHead, AuxAt: auxAt,
		Head: b.sequential("head", []Module{gap, lin})}
	if imagenet {
		d.Stem1 = b.sequential("stem1", stem1)
	}
	return b.mk.Make(Part{Kind: PartDARTS, DARTS: d}), nil
}

// auxiliaryHead is DARTS's AuxiliaryHeadCIFAR (or ImageNet, which has no
// batch norm after its second convolution, as in the code the paper used).
func (b *builder) auxiliaryHead(in []int, imagenet bool) (Module, error) {
	b.aux = true
	defer func() { b.aux = false }()
	var seq []Module
	x := in
	var err error
	add := func(m Module, out []int, e error) {
		if err != nil {
			return
		}
		if err = e; err == nil {
			x = out
			if b.building() {
				seq = append(seq, m)
			}
		}
	}
	stride := 3
	if imagenet {
		stride = 2
	}
	add(b.act("auxiliary_head.features.0", x, cost.ReLU))
	add(b.pool("auxiliary_head.features.1", x, false, 5, stride, 0))
	add(b.conv("auxiliary_head.features.2", x, ConvConfig{Out: 128, Kernel: 1}))
	add(b.bn("auxiliary_head.features.3", x))
	add(b.act("auxiliary_head.features.4", x, cost.ReLU))
	add(b.conv("auxiliary_head.features.5", x, ConvConfig{Out: 768, Kernel: 2}))
	if !imagenet {
		add(b.bn("auxiliary_head.features.6", x))
	}
	add(b.act("auxiliary_head.features.7", x, cost.ReLU))
	if err != nil {
		return nil, fmt.Errorf("spec: darts auxiliary head: %w", err)
	}
	if len(x) != 3 || x[1] != 1 || x[2] != 1 {
		return nil, fmt.Errorf("spec: darts auxiliary head: features of shape %v, want [768 1 1] (the head assumes 8x8 CIFAR or 7x7 ImageNet maps)", x)
	}
	add(b.make(Part{Kind: PartFlatten, Name: "auxiliary_head.flatten"}, []int{768}, nil))
	add(b.linear("auxiliary_head.classifier", x, b.spec.Classes, true))
	return b.sequential("auxiliary_head", seq), err
}

// --- generic layers ---

// needImages reports an input that is not [C,H,W].
func needImages(in []int) error {
	if len(in) != 3 {
		return fmt.Errorf("needs images [C,H,W], not %v", in)
	}
	return nil
}

// LayerError is the error of one layer of a sequence: of Spec.Layers
// (Seq "layers") or of a cell operation of Spec.Ops (Seq its name).
type LayerError struct {
	Seq   string
	Index int
	Op    LayerOp
	Err   error
}

func (e *LayerError) Error() string {
	return fmt.Sprintf("spec: %s %d (%s): %v", e.Seq, e.Index, e.Op, e.Err)
}

func (e *LayerError) Unwrap() error { return e.Err }

// Shapes returns the output shape of each of the layers ls on one example
// of shape in, as Lower infers them; a layer that does not fit is a
// *LayerError.
func Shapes(in []int, ls []Layer) ([][]int, error) {
	s := &Spec{Kind: KindSequential, Input: in, Classes: 1, Layers: ls}
	if err := s.check(); err != nil {
		return nil, err
	}
	b := &builder{spec: s}
	b.net.Input = append([]int(nil), in...)
	var out [][]int
	x := in
	for i, l := range ls {
		_, y, err := b.layer(fmt.Sprintf("layers.%d", i), l, x, i)
		if err != nil {
			return nil, &LayerError{Seq: "layers", Index: i, Op: l.Op, Err: err}
		}
		out = append(out, y)
		x = y
	}
	return out, nil
}

// sequence builds layers on input in.
func (b *builder) sequence(name string, ls []Layer, in []int) (Module, []int, error) {
	var seq []Module
	x := in
	for i, l := range ls {
		m, out, err := b.layer(fmt.Sprintf("%s.%d", name, i), l, x, i)
		if err != nil {
			return nil, nil, &LayerError{Seq: name, Index: i, Op: l.Op, Err: err}
		}
		if m != nil && b.building() {
			seq = append(seq, m)
		}
		x = out
	}
	return b.sequential(name, seq), x, nil
}

func (b *builder) layer(name string, l Layer, in []int, index int) (Module, []int, error) {
	pad := l.Padding
	if l.Same {
		pad = max(l.Dilation, 1) * (l.Kernel - 1) / 2
	}
	switch l.Op {
	case Conv:
		if err := needImages(in); err != nil {
			return nil, nil, err
		}
		out, g := l.Out, l.Groups
		if out == 0 {
			out = in[0]
		}
		if l.Depthwise {
			g = in[0]
		}
		return b.conv(name, in, ConvConfig{Out: out, Kernel: l.Kernel, Stride: l.Stride, Padding: pad, Dilation: l.Dilation, Groups: g, Bias: l.Bias})
	case BatchNorm:
		if len(in) != 3 {
			return nil, nil, fmt.Errorf("works on images [C,H,W], not %v: use LayerNorm on tokens and vectors (ln)", in)
		}
		return b.bn(name, in)
	case LayerNorm:
		if len(in) == 3 {
			return nil, nil, fmt.Errorf("works on tokens and vectors, not images %v: use BatchNorm on images (bn)", in)
		}
		out, err := b.add(cost.Layer{Kind: cost.LayerNorm, Name: name, In: in, Affine: true})
		return b.make(Part{Kind: PartLayerNorm, Name: name, In: in[len(in)-1]}, out, err)
	case ReLU, ReLU6, HSwish, HSigmoid, GELU, Swish, Sigmoid:
		a := map[LayerOp]cost.Activation{ReLU: cost.ReLU, ReLU6: cost.ReLU6, HSwish: cost.HSwish, HSigmoid: cost.HSigmoid,
			GELU: cost.GELU, Swish: cost.Swish, Sigmoid: cost.Sigmoid}[l.Op]
		return b.act(name, in, a)
	case MaxPool, AvgPool:
		if err := needImages(in); err != nil {
			return nil, nil, err
		}
		if pad == 0 && (l.Kernel > in[1] || l.Kernel > in[2]) {
			return nil, nil, fmt.Errorf("a %dx%d window does not fit the %dx%d image", l.Kernel, l.Kernel, in[1], in[2])
		}
		st := l.Stride
		if st == 0 {
			st = l.Kernel
		}
		return b.pool(name, in, l.Op == MaxPool, l.Kernel, st, pad)
	case GlobalPool:
		if len(in) != 3 && len(in) != 2 {
			return nil, nil, fmt.Errorf("needs images [C,H,W] or tokens [T,D], not %v", in)
		}
		return b.gap(name, in)
	case Flatten:
		n := 1
		for _, d := range in {
			n *= d
		}
		return b.make(Part{Kind: PartFlatten, Name: name}, []int{n}, nil)
	case Linear:
		return b.linear(name, in, l.Out, l.Bias)
	case Dropout:
		if l.P < 0 || l.P >= 1 {
			return nil, nil, fmt.Errorf("probability %g outside [0, 1)", l.P)
		}
		out, err := b.add(cost.Layer{Kind: cost.Dropout, Name: name, In: in})
		return b.make(Part{Kind: PartDropout, Name: name, P: l.P}, out, err)
	case MBConv:
		return b.mbconv(name, l, in)
	case Patches:
		if index != 0 || fmt.Sprint(in) != fmt.Sprint(b.spec.Input) {
			return nil, nil, fmt.Errorf("patches must be the first layer of the network")
		}
		if err := needImages(in); err != nil {
			return nil, nil, err
		}
		if l.Kernel <= 0 || in[1]%l.Kernel != 0 || in[2]%l.Kernel != 0 {
			return nil, nil, fmt.Errorf("%d-pixel patches do not tile the %dx%d image", l.Kernel, in[1], in[2])
		}
		p := l.Kernel
		out := []int{in[1] / p * (in[2] / p), in[0] * p * p}
		o, err := b.add(cost.Layer{Kind: cost.Rearrange, Name: name, In: in, Out: out})
		return b.make(Part{Kind: PartPatches, Name: name, Kernel: p}, o, err)
	case Embed:
		onInput := index == 0 || (index == 1 && b.net.Layers[len(b.net.Layers)-1].Kind == cost.Rearrange)
		if len(in) != 2 || (l.Positions && !onInput) {
			return nil, nil, fmt.Errorf("needs tokens [T,F] (the input or patches), not %v", in)
		}
		if l.Out <= 0 {
			return nil, nil, fmt.Errorf("embed needs out > 0")
		}
		if l.Vocab > 0 || l.Sinusoidal {
			return b.tokenEmbed(name, l, in, index)
		}
		out, err := b.add(cost.Layer{Kind: cost.Linear, Name: name + ".proj", In: in, Width: l.Out, Bias: true})
		if err != nil {
			return nil, nil, err
		}
		if l.Positions {
			if out, err = b.add(cost.Layer{Kind: cost.PosEmbed, Name: name + ".pos", In: out}); err != nil {
				return nil, nil, err
			}
		}
		return b.make(Part{Kind: PartEmbed, Name: name, In: in[1], Out: l.Out, Tokens: in[0], Positions: l.Positions}, out, nil)
	case Transformer:
		return b.transformer(name, l, in)
	case Branch:
		return b.branch(name, l, in)
	default:
		return nil, nil, fmt.Errorf("unknown layer op %d", l.Op)
	}
}

// tokenEmbed lowers an embed of token ids: a lookup, then a learned or a
// fixed position encoding.
func (b *builder) tokenEmbed(name string, l Layer, in []int, index int) (Module, []int, error) {
	switch {
	case l.Vocab <= 0:
		return nil, nil, fmt.Errorf("a sinusoidal encoding needs token ids (vocab > 0)")
	case index != 0 || len(in) != 2 || in[1] != 1:
		return nil, nil, fmt.Errorf("an embed of token ids must be the first layer, on an input [T,1] of ids, not %v", in)
	case l.Positions && l.Sinusoidal:
		return nil, nil, fmt.Errorf("positions are learned or sinusoidal, not both")
	case l.Sinusoidal && l.Out%2 != 0:
		return nil, nil, fmt.Errorf("a sinusoidal encoding needs an even width, not %d", l.Out)
	}
	out, err := b.add(cost.Layer{Kind: cost.Lookup, Name: name + ".tokens", In: in, Width: l.Out, Vocab: l.Vocab})
	if err != nil {
		return nil, nil, err
	}
	if l.Positions || l.Sinusoidal {
		if out, err = b.add(cost.Layer{Kind: cost.PosEmbed, Name: name + ".pos", In: out, Fixed: l.Sinusoidal}); err != nil {
			return nil, nil, err
		}
	}
	return b.make(Part{Kind: PartEmbed, Name: name, In: 1, Out: l.Out, Tokens: in[0], Positions: l.Positions, Vocab: l.Vocab, Sinusoidal: l.Sinusoidal}, out, nil)
}

func (b *builder) mbconv(name string, l Layer, in []int) (Module, []int, error) {
	if len(in) != 3 {
		return nil, nil, needImages(in)
	}
	if l.Kernel <= 0 || l.Kernel%2 == 0 {
		return nil, nil, fmt.Errorf("depthwise kernel %d: want an odd kernel size", l.Kernel)
	}
	st := max(l.Stride, 1)
	out := l.Out
	if out == 0 {
		out = in[0]
	}
	hidden := l.Hidden
	if hidden == 0 {
		hidden = int(math.Round(l.Expand * float64(in[0])))
		if l.Expand == 0 {
			hidden = in[0]
		}
	}
	if hidden <= 0 {
		return nil, nil, fmt.Errorf("%d expanded channels", hidden)
	}
	a := cost.ReLU
	if l.Act != "" {
		var err error
		if a, err = cost.ParseActivation(l.Act); err != nil {
			return nil, nil, err
		}
	}
	if err := checkAct(a); err != nil {
		return nil, nil, err
	}
	var err error
	b.quiet++
	defer func() { b.quiet-- }()
	x := in
	step := func(_ Module, o []int, e error) {
		if err == nil {
			x, err = o, e
		}
	}
	if hidden != in[0] {
		step(b.conv(name+".expand.conv", x, ConvConfig{Out: hidden, Kernel: 1}))
		step(b.bn(name+".expand.bn", x))
		step(b.act(name+".expand.act", x, a))
	}
	step(b.conv(name+".dw.conv", x, ConvConfig{Out: hidden, Kernel: l.Kernel, Stride: st, Padding: l.Kernel / 2, Groups: hidden}))
	step(b.bn(name+".dw.bn", x))
	step(b.act(name+".dw.act", x, a))
	squeeze := 0
	seAct, seGate := cost.ReLU, cost.HSigmoid
	if !l.SE && (l.SERatio != 0 || l.SEInput) {
		err = fmt.Errorf("se_ratio or se_input without se")
	}
	if l.SE && err == nil {
		ratio := l.SERatio
		if ratio == 0 {
			ratio = 0.25
		}
		// ⌊ratio·c⌋ as the papers' integer division c // 4, the small
		// term keeping a product like 0.1·70 from falling below 7.
		if l.SEInput {
			squeeze = max(1, int(ratio*float64(in[0])+1e-9))
			seAct, seGate = cost.Swish, cost.Sigmoid
		} else {
			squeeze = MakeDivisible(float64(int(ratio*float64(hidden)+1e-9)), 8)
		}
		y := x
		step(b.gap(name+".se.pool", x))
		step(b.conv(name+".se.fc1", []int{hidden, 1, 1}, ConvConfig{Out: squeeze, Kernel: 1, Bias: true}))
		step(b.act(name+".se.act", x, seAct))
		step(b.conv(name+".se.fc2", x, ConvConfig{Out: hidden, Kernel: 1, Bias: true}))
		step(b.act(name+".se.gate", x, seGate))
		if err == nil {
			x, err = b.add(cost.Layer{Kind: cost.Scale, Name: name + ".se.scale", In: y})
		}
	}
	step(b.conv(name+".project.conv", x, ConvConfig{Out: out, Kernel: 1}))
	step(b.bn(name+".project.bn", x))
	if err != nil {
		return nil, nil, err
	}
	if st == 1 && in[0] == out {
		if err := b.sum(name+".add", x, 2); err != nil {
			return nil, nil, err
		}
	}
	b.quiet--
	defer func() { b.quiet++ }()
	return b.make(Part{Kind: PartMBConv, Name: name, MB: MBConfig{In: in[0], Out: out, Hidden: hidden,
		Kernel: l.Kernel, Stride: st, Squeeze: squeeze, Act: a, SEAct: seAct, SEGate: seGate}}, x, nil)
}

// branch lays out a branch block: each branch a sequence on the input,
// the empty one (at most one) the shortcut, projected by a 1×1
// convolution and a batch norm where the others change the shape.
func (b *builder) branch(name string, l Layer, in []int) (Module, []int, error) {
	n := len(l.Branches)
	if n == 0 {
		return nil, nil, fmt.Errorf("a branch block without branches")
	}
	mods := make([]Module, n)
	outs := make([][]int, n)
	shortcut, ref := -1, -1
	for i, ls := range l.Branches {
		if len(ls) == 0 {
			if shortcut >= 0 {
				return nil, nil, fmt.Errorf("branches %d and %d are both empty: one shortcut is enough", shortcut, i)
			}
			shortcut = i
			continue
		}
		m, out, err := b.sequence(fmt.Sprintf("%s.branches.%d", name, i), ls, in)
		if err != nil {
			if le, ok := err.(*LayerError); ok {
				return nil, nil, fmt.Errorf("branch %d, layer %d (%s): %w", i, le.Index, le.Op, le.Err)
			}
			return nil, nil, err
		}
		mods[i], outs[i] = m, out
		if ref < 0 {
			ref = i
			if l.Concat {
				if err := needImages(out); err != nil {
					return nil, nil, fmt.Errorf("branch %d: concat %v", i, err)
				}
			}
			continue
		}
		r := outs[ref]
		if !l.Concat && fmt.Sprint(out) != fmt.Sprint(r) {
			return nil, nil, fmt.Errorf("branch %d makes %v and branch %d %v: added branches must agree", ref, r, i, out)
		}
		if l.Concat && (len(out) != 3 || out[1] != r[1] || out[2] != r[2]) {
			return nil, nil, fmt.Errorf("branch %d makes %v and branch %d %v: joined branches must agree in size", ref, r, i, out)
		}
	}
	if ref < 0 {
		return nil, nil, fmt.Errorf("a branch block of only the shortcut")
	}
	r := outs[ref]
	if shortcut >= 0 {
		want := r
		if l.Concat {
			want = []int{in[0], r[1], r[2]}
		}
		var err error
		if mods[shortcut], outs[shortcut], err = b.shortcut(fmt.Sprintf("%s.branches.%d", name, shortcut), in, want); err != nil {
			return nil, nil, err
		}
	}
	out := r
	if l.Concat {
		c := 0
		for _, o := range outs {
			c += o[0]
		}
		var err error
		if out, err = b.add(cost.Layer{Kind: cost.Concat, Name: name + ".cat", In: r, Inputs: n, Width: c}); err != nil {
			return nil, nil, err
		}
	} else if err := b.sum(name+".add", r, n); err != nil {
		return nil, nil, err
	}
	return b.make(Part{Kind: PartBranch, Name: name, Parts: mods, Concat: l.Concat}, out, nil)
}

// shortcut is a branch block's shortcut from in to shape want: the
// identity, or a 1×1 convolution with the stride that makes want's size,
// and a batch norm.
func (b *builder) shortcut(name string, in, want []int) (Module, []int, error) {
	if fmt.Sprint(in) == fmt.Sprint(want) {
		return b.make(Part{Kind: PartIdentity, Name: name}, in, nil)
	}
	if len(in) != 3 || len(want) != 3 {
		return nil, nil, fmt.Errorf("the shortcut cannot project %v to %v: only images [C,H,W] have a projection", in, want)
	}
	s := (in[1] + want[1] - 1) / want[1]
	if (in[1]-1)/s+1 != want[1] || (in[2]-1)/s+1 != want[2] {
		return nil, nil, fmt.Errorf("the shortcut cannot stride %dx%d to %dx%d", in[1], in[2], want[1], want[2])
	}
	conv, x, err := b.conv(name+".0", in, ConvConfig{Out: want[0], Kernel: 1, Stride: s})
	if err != nil {
		return nil, nil, err
	}
	bn, x, err := b.bn(name+".1", x)
	if err != nil {
		return nil, nil, err
	}
	return b.sequential(name, []Module{conv, bn}), x, nil
}

func (b *builder) transformer(name string, l Layer, in []int) (Module, []int, error) {
	if len(in) != 2 {
		return nil, nil, fmt.Errorf("needs tokens [T,D] (patches and embed make them), not %v", in)
	}
	d, heads, ratio := in[1], l.Heads, l.MLPRatio
	if ratio == 0 {
		ratio = 4
	}
	if heads <= 0 || d%heads != 0 {
		return nil, nil, fmt.Errorf("%d heads do not divide the token width %d", heads, d)
	}
	if ratio < 0 {
		return nil, nil, fmt.Errorf("mlp ratio %d", ratio)
	}
	experts, k := max(l.Experts, 1), max(l.TopK, 1)
	if k > experts {
		return nil, nil, fmt.Errorf("top %d of %d experts: want a top_k from 1 to the experts", k, experts)
	}
	var err error
	x := in
	step := func(l cost.Layer) {
		if err == nil {
			l.Name = name + l.Name
			x, err = b.add(l)
		}
	}
	step(cost.Layer{Kind: cost.LayerNorm, Name: ".norm1", In: x, Affine: true})
	step(cost.Layer{Kind: cost.Linear, Name: ".attn.qkv", In: x, Width: 3 * d, Bias: true})
	step(cost.Layer{Kind: cost.Attention, Name: ".attn", In: x, Heads: heads})
	step(cost.Layer{Kind: cost.Linear, Name: ".attn.proj", In: x, Width: d, Bias: true})
	step(cost.Layer{Kind: cost.Add, Name: ".add1", In: x, Inputs: 2})
	step(cost.Layer{Kind: cost.LayerNorm, Name: ".norm2", In: x, Affine: true})
	if experts == 1 {
		step(cost.Layer{Kind: cost.Linear, Name: ".mlp.fc1", In: x, Width: ratio * d, Bias: true})
		step(cost.Layer{Kind: cost.Act, Act: cost.GELU, Name: ".mlp.act", In: x})
		step(cost.Layer{Kind: cost.Linear, Name: ".mlp.fc2", In: x, Width: d, Bias: true})
	} else if err == nil {
		// The router scores every token; the experts run on the k·T rows
		// routed to them; their gated outputs sum back into T tokens.
		tokens := x
		step(cost.Layer{Kind: cost.Linear, Name: ".moe.router", In: x, Width: experts})
		x = []int{k * tokens[0], d}
		step(cost.Layer{Kind: cost.Linear, Name: ".moe.experts.fc1", In: x, Width: ratio * d, Bias: true, Experts: experts, TopK: k})
		step(cost.Layer{Kind: cost.Act, Act: cost.GELU, Name: ".moe.experts.act", In: x, Experts: experts, TopK: k})
		step(cost.Layer{Kind: cost.Linear, Name: ".moe.experts.fc2", In: x, Width: d, Bias: true, Experts: experts, TopK: k})
		step(cost.Layer{Kind: cost.Add, Name: ".moe.combine", In: tokens, Inputs: k})
	}
	step(cost.Layer{Kind: cost.Add, Name: ".add2", In: x, Inputs: 2})
	if experts == 1 {
		k = 0
	}
	return b.make(Part{Kind: PartTransformer, Name: name, In: d, Heads: heads, MLPRatio: ratio, Experts: experts, TopK: k}, x, err)
}
