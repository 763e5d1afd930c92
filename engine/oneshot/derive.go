package oneshot

import (
	"fmt"
	"slices"
	"sort"

	"nasbook/space"
	"nasbook/space/darts"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// Result is what a search returns.
type Result struct {
	Method  Method
	Kinds   []string      // cell kinds, as Supernet.Kinds
	Edges   []Edge        // edges of a cell, as Supernet.Edges
	Ops     []string      // candidate ops
	Weights [][][]float64 // final softmax(α) per kind, edge and op (uniform for SPOS)
	Derived Derived       // the architecture found
	History []EpochLog    // one per epoch run
	// StoppedEarly is set when Config.StopSkips ended the search.
	StoppedEarly bool
	Seconds      float64 // wall time of the search
}

// Diagnostics describe a derived cell's drift toward parameter-free
// operations (the collapse of DARTS): counts over the normal cell.
type Diagnostics struct {
	Skips     int // skip connections
	ParamFree int // operations without weights: skips, pools (and none, if kept)
}

// Derived is a discrete architecture derived from the supernet.
type Derived struct {
	Cells    []spec.Cell // per kind, as Supernet.Kinds
	Notation string      // in the space's notation: an NB201 string or a DARTS genotype; "" for other op sets
	// Space and Arch are the space and architecture of Notation (nil for
	// other op sets).
	Space space.Space
	Arch  space.Arch
	Spec  *spec.Spec // the network on the supernet's skeleton, ready for build.Build
	Diagnostics
}

// ParamFree reports whether op has no weights: none, skip_connect (the
// identity; its stride-2 form in reduction cells has weights) and pools;
// for an op of Skeleton.Custom, whether its layers are all pools and
// activations.
func (n *Supernet) ParamFree(op string) bool {
	if def, ok := n.Skeleton.Custom[op]; ok {
		for _, l := range def {
			switch l.Op {
			case spec.MaxPool, spec.AvgPool, spec.ReLU, spec.ReLU6, spec.HSwish, spec.HSigmoid, spec.GELU, spec.Dropout:
			default:
				return false
			}
		}
		return true
	}
	o, ok := spec.BuiltinOp(op)
	return ok && o.ParamFree()
}

// Cap bounds operations in the derived normal cell; zero fields set no
// bound.
type Cap struct {
	Skips     int // skip connections (P-DARTS keeps M = 2 in a DARTS cell)
	ParamFree int // parameter-free ops: skips and pools
}

// Derive discretises the weights w (per kind, edge and op): in the NB201
// macro every edge keeps its strongest op other than none; in the DARTS
// macro every node keeps its two strongest incoming edges, an edge's
// strength being its largest weight other than none's, each with that op.
// Under a cap, while the normal cell has more capped ops than allowed, the
// capped edge whose chosen op has the smallest weight is derived again
// without that op (P-DARTS's cap on skip connections, extended to every
// parameter-free op by Cap.ParamFree).
func (n *Supernet) Derive(w [][][]float64, c Cap) Derived {
	ops := n.Skeleton.Ops
	none := slices.Index(ops, "none")
	masked := baseMask(len(n.Edges), len(ops), none) // normal cell: ops excluded per edge
	var d Derived
	for {
		d.Cells = d.Cells[:0]
		for k := range n.Kinds {
			mask := masked
			if k > 0 {
				mask = baseMask(len(n.Edges), len(ops), none)
			}
			d.Cells = append(d.Cells, n.deriveCell(w[k], mask))
		}
		d.Diagnostics = n.diagnose(d.Cells[0])
		var capped func(op string) bool
		switch {
		case c.Skips > 0 && d.Skips > c.Skips:
			capped = func(op string) bool { return op == "skip_connect" }
		case c.ParamFree > 0 && d.ParamFree > c.ParamFree:
			capped = n.ParamFree
		}
		if capped == nil {
			break
		}
		// Drop the weakest capped op of the normal cell.
		worst, worstOp, worstW := -1, -1, 2.0
		for i, node := range d.Cells[0].Nodes {
			for _, ed := range node {
				if !capped(ed.Op) {
					continue
				}
				e, o := n.edgeIndex(ed.From, d.Cells[0].Inputs+i), slices.Index(ops, ed.Op)
				if w[0][e][o] < worstW {
					worst, worstOp, worstW = e, o, w[0][e][o]
				}
			}
		}
		masked[worst][worstOp] = true
		if !slices.Contains(masked[worst], false) {
			break // nothing left on the edge: keep what there is
		}
	}
	d.Notation, d.Space, d.Arch = n.notation(d.Cells)
	d.Spec = n.specOf(d)
	return d
}

func baseMask(edges, ops, none int) [][]bool {
	m := make([][]bool, edges)
	for e := range m {
		m[e] = make([]bool, ops)
		if none >= 0 {
			m[e][none] = true
		}
	}
	return m
}

func (n *Supernet) edgeIndex(from, to int) int {
	for e, x := range n.Edges {
		if x.From == from && x.To == to {
			return e
		}
	}
	panic(fmt.Sprintf("oneshot: no edge %d-%d", from, to))
}

// best returns the op of largest weight not masked, or -1.
func best(w []float64, mask []bool) int {
	b := -1
	for i, v := range w {
		if !mask[i] && (b < 0 || v > w[b]) {
			b = i
		}
	}
	return b
}

func (n *Supernet) deriveCell(w [][]float64, mask [][]bool) spec.Cell {
	sk := n.Skeleton
	inputs := sk.inputs()
	c := spec.Cell{Inputs: inputs}
	e := 0
	for to := inputs; to < inputs+sk.Nodes; to++ {
		type cand struct {
			from, op int
			w        float64
		}
		var cs []cand
		for from := 0; from < to; from++ {
			if o := best(w[e], mask[e]); o >= 0 {
				cs = append(cs, cand{from, o, w[e][o]})
			}
			e++
		}
		if sk.Macro == spec.MacroDARTS {
			sort.SliceStable(cs, func(i, j int) bool { return cs[i].w > cs[j].w })
			cs = cs[:min(2, len(cs))]
			sort.SliceStable(cs, func(i, j int) bool { return cs[i].from < cs[j].from })
		}
		var node []spec.Edge
		for _, x := range cs {
			node = append(node, spec.Edge{From: x.from, Op: sk.Ops[x.op]})
		}
		c.Nodes = append(c.Nodes, node)
	}
	if sk.Macro == spec.MacroNB201 {
		c.Concat = []int{inputs + sk.Nodes - 1}
	} else {
		for k := inputs; k < inputs+sk.Nodes; k++ {
			c.Concat = append(c.Concat, k)
		}
	}
	return c
}

func (n *Supernet) diagnose(c spec.Cell) Diagnostics {
	var d Diagnostics
	for _, node := range c.Nodes {
		for _, e := range node {
			if e.Op == "skip_connect" {
				d.Skips++
			}
			if n.ParamFree(e.Op) {
				d.ParamFree++
			}
		}
	}
	return d
}

// notation writes cells in the space's notation when they belong to the
// NB201 or the DARTS space.
func (n *Supernet) notation(cells []spec.Cell) (string, space.Space, space.Arch) {
	sk := n.Skeleton
	switch {
	case sk.Macro == spec.MacroNB201 && sk.Nodes == nb201.NumNodes-1 && len(sk.Custom) == 0:
		var a nb201.Arch
		k := 0
		for _, node := range cells[0].Nodes {
			for _, e := range node {
				op, err := nb201.ParseOp(e.Op)
				if err != nil {
					return "", nil, nil
				}
				a[k] = op
				k++
			}
		}
		return a.String(), nb201.Space{}, a.Choices()
	case sk.Macro == spec.MacroDARTS && sk.Nodes == darts.NumNodes && len(sk.Custom) == 0:
		var g darts.Genotype
		pairs := func(c spec.Cell) ([]darts.Pair, bool) {
			var ps []darts.Pair
			for _, node := range c.Nodes {
				for _, e := range node {
					op, err := darts.ParseOp(e.Op)
					if err != nil {
						return nil, false
					}
					ps = append(ps, darts.Pair{Op: op, From: e.From})
				}
			}
			return ps, true
		}
		var ok1, ok2 bool
		g.Normal, ok1 = pairs(cells[0])
		g.Reduce, ok2 = pairs(cells[1])
		g.NormalConcat, g.ReduceConcat = cells[0].Concat, cells[1].Concat
		if !ok1 || !ok2 {
			return "", nil, nil
		}
		a, err := darts.Space{}.FromGenotype(g)
		if err != nil {
			return g.String(), nil, nil
		}
		return g.String(), darts.Space{}, a
	}
	return "", nil, nil
}

func (n *Supernet) specOf(d Derived) *spec.Spec {
	sk := n.Skeleton
	s := &spec.Spec{Arch: d.Notation, Kind: spec.KindCell, Input: slices.Clone(sk.Input), Classes: sk.Classes, Ops: sk.Custom,
		Cells: &spec.Cells{Macro: sk.Macro, C: sk.C, Normal: d.Cells[0]}}
	if d.Space != nil {
		s.Space = d.Space.Name()
	}
	if sk.Macro == spec.MacroNB201 {
		s.Cells.N = sk.N
	} else {
		s.Cells.Layers = sk.Layers
		r := d.Cells[1]
		s.Cells.Reduce = &r
	}
	return s
}

// PathOf returns the single path of a discrete architecture given as cells
// (one per kind, as Derived.Cells or a spec's Normal and Reduce): each edge
// present in a cell selects its op, every other edge is Absent. It fails
// when an op is not a candidate or an edge is not in the supernet.
func (n *Supernet) PathOf(cells []spec.Cell) (*Path, error) {
	if len(cells) != len(n.Kinds) {
		return nil, fmt.Errorf("oneshot: %d cells for %d cell kinds", len(cells), len(n.Kinds))
	}
	p := &Path{}
	for k, c := range cells {
		sel := make([]int, len(n.Edges))
		for e := range sel {
			sel[e] = Absent
		}
		if c.Inputs != n.Skeleton.inputs() || len(c.Nodes) != n.Skeleton.Nodes {
			return nil, fmt.Errorf("oneshot: %s cell of %d inputs and %d nodes, the supernet's have %d and %d", n.Kinds[k], c.Inputs, len(c.Nodes), n.Skeleton.inputs(), n.Skeleton.Nodes)
		}
		for i, node := range c.Nodes {
			to := c.Inputs + i
			for _, ed := range node {
				o := slices.Index(n.Skeleton.Ops, ed.Op)
				if o < 0 {
					return nil, fmt.Errorf("oneshot: %s cell, node %d: %s is not a candidate op", n.Kinds[k], to, ed.Op)
				}
				if ed.From < 0 || ed.From >= to {
					return nil, fmt.Errorf("oneshot: %s cell, node %d: no edge from %d", n.Kinds[k], to, ed.From)
				}
				e := n.edgeIndex(ed.From, to)
				if sel[e] != Absent {
					return nil, fmt.Errorf("oneshot: %s cell: edge %d-%d twice", n.Kinds[k], ed.From, to)
				}
				sel[e] = o
			}
		}
		p.Sel = append(p.Sel, sel)
	}
	return p, nil
}
