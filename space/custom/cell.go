package custom

import (
	"fmt"
	"strings"

	"nasbook/space"
	"nasbook/space/spec"
)

// CellSpace is a cell-based search space.
//
// A cell has Inputs input nodes (1 in an NB201 network, 2 — the outputs of
// the two previous cells — in a DARTS network) and Nodes intermediate
// nodes. With InputsPerNode zero, every node takes one edge from each
// earlier node and each edge chooses an operation (NAS-Bench-201's form; a
// "none" operation drops an edge). With InputsPerNode k, each node chooses
// k distinct earlier nodes and an operation on each (DARTS's form). The cell
// outputs its last node (NB201 network) or the concatenation of its
// intermediate nodes (DARTS network). In a DARTS network the normal and the
// reduction cell are chosen separately.
type CellSpace struct {
	SpaceName     string
	Ops           []string // operation names: built-in (spec.BuiltinOp) or keys of CustomOps
	Nodes         int      // intermediate nodes
	InputsPerNode int      // 0: an edge from every earlier node
	// Network is the skeleton: Macro (nb201 or darts), C, and N or Layers;
	// its cells are replaced by the chosen ones.
	Network spec.Cells
	Input   []int // one example's shape, [C, H, W]
	Classes int
	// CustomOps defines operations as layer sequences; see spec.CellOp for
	// how one takes an edge's channels and stride.
	CustomOps map[string][]spec.Layer
	// Constraint, if set, rejects architectures with an error naming why.
	Constraint func(space.Arch) error

	dims  []space.Dim
	slots []slot // what each dim chooses
}

// slot is what one choice of a CellSpace decides.
type slot struct {
	reduce bool // in the reduction cell
	node   int  // intermediate node, from 0
	k      int  // edge: the earlier node (InputsPerNode 0) or the k-th pick
	input  bool // the choice picks the input node of pick k (else its op)
}

var (
	_ space.Space     = (*CellSpace)(nil)
	_ space.Specifier = (*CellSpace)(nil)
)

func (c *CellSpace) inputs() int {
	if c.Network.Macro == spec.MacroNB201 {
		return 1
	}
	return 2
}

// NewCellSpace checks c and lists its choices.
func NewCellSpace(c *CellSpace) (*CellSpace, error) {
	name := c.SpaceName
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("custom: the cell space has no name")
	}
	switch c.Network.Macro {
	case spec.MacroNB201, spec.MacroDARTS, spec.MacroDARTSImageNet:
	default:
		return nil, fmt.Errorf("custom: space %s: network %q, want %q or %q", name, c.Network.Macro, spec.MacroNB201, spec.MacroDARTS)
	}
	if c.Nodes < 1 {
		return nil, fmt.Errorf("custom: space %s: %d nodes, want at least 1", name, c.Nodes)
	}
	if len(c.Ops) == 0 {
		return nil, fmt.Errorf("custom: space %s has no operations", name)
	}
	for _, op := range c.Ops {
		if _, ok := spec.BuiltinOp(op); !ok {
			if _, ok := c.CustomOps[op]; !ok {
				return nil, fmt.Errorf("custom: space %s: operation %q is neither built in (%s) nor defined in the space's own operations", name, op, strings.Join(spec.BuiltinOpNames(), ", "))
			}
		}
	}
	in := c.inputs()
	if k := c.InputsPerNode; k < 0 || k > in {
		return nil, fmt.Errorf("custom: space %s: %d inputs per node, but the first node has only %d earlier nodes", name, k, in)
	}
	cells := []bool{false}
	if c.Network.Macro != spec.MacroNB201 {
		cells = append(cells, true)
	}
	c.dims, c.slots = nil, nil
	for _, reduce := range cells {
		prefix := ""
		if len(cells) > 1 {
			prefix = map[bool]string{false: "normal ", true: "reduce "}[reduce]
		}
		for j := 0; j < c.Nodes; j++ {
			node := in + j // index in the cell
			if c.InputsPerNode == 0 {
				for from := 0; from < node; from++ {
					c.dims = append(c.dims, space.Dim{Name: fmt.Sprintf("%sedge %d-%d", prefix, from, node), Options: c.Ops})
					c.slots = append(c.slots, slot{reduce: reduce, node: j, k: from})
				}
				continue
			}
			var inputs []string
			for from := 0; from < node; from++ {
				inputs = append(inputs, fmt.Sprint(from))
			}
			for k := 0; k < c.InputsPerNode; k++ {
				c.dims = append(c.dims, space.Dim{Name: fmt.Sprintf("%snode %d input %d", prefix, node, k+1), Options: inputs},
					space.Dim{Name: fmt.Sprintf("%snode %d op %d", prefix, node, k+1), Options: c.Ops})
				c.slots = append(c.slots, slot{reduce: reduce, node: j, k: k, input: true}, slot{reduce: reduce, node: j, k: k})
			}
		}
	}
	if err := checkDims(name, c.dims); err != nil {
		return nil, err
	}
	// Every operation must build on an edge of this network.
	probe := make(space.Arch, len(c.dims))
	for i, s := range c.slots {
		if s.input {
			probe[i] = s.k // distinct inputs 0, 1, ...
		}
	}
	for o := range c.Ops {
		for i, s := range c.slots {
			if !s.input {
				probe[i] = o
			}
		}
		if _, err := spec.Lower(c.spec(probe)); err != nil {
			return nil, fmt.Errorf("custom: space %s: operation %q does not fit a cell of this network: %w", name, c.Ops[o], err)
		}
	}
	return c, nil
}

// Name implements space.Space.
func (c *CellSpace) Name() string { return c.SpaceName }

// Dims implements space.Space.
func (c *CellSpace) Dims() []space.Dim { return c.dims }

// Check implements space.Space: a node's picks must be distinct inputs, and
// the Constraint must accept the architecture.
func (c *CellSpace) Check(a space.Arch) error {
	for i, s := range c.slots {
		if !s.input {
			continue
		}
		for j := i + 2; j < len(c.slots) && c.slots[j].node == s.node && c.slots[j].reduce == s.reduce; j += 2 {
			if a[i] == a[j] {
				return fmt.Errorf("custom: space %s: %s and %s pick the same node %d", c.SpaceName, c.dims[i].Name, c.dims[j].Name, a[i])
			}
		}
	}
	if c.Constraint == nil {
		return nil
	}
	return call(c.SpaceName, "constraint", c.Format(a), func() error { return c.Constraint(a) })
}

// Format writes a as "choice=option,...".
func (c *CellSpace) Format(a space.Arch) string { return formatDims(c.dims, a) }

// Parse reads the form Format writes.
func (c *CellSpace) Parse(text string) (space.Arch, error) {
	return parseDims(c.SpaceName, c.dims, text)
}

// Cells returns the normal and (DARTS network) reduction cell of a.
func (c *CellSpace) Cells(a space.Arch) (normal spec.Cell, reduce *spec.Cell) {
	in := c.inputs()
	mk := func() spec.Cell {
		cell := spec.Cell{Inputs: in, Nodes: make([][]spec.Edge, c.Nodes)}
		if c.Network.Macro == spec.MacroNB201 {
			cell.Concat = []int{in + c.Nodes - 1}
		} else {
			for j := 0; j < c.Nodes; j++ {
				cell.Concat = append(cell.Concat, in+j)
			}
		}
		return cell
	}
	n := mk()
	var r *spec.Cell
	if c.Network.Macro != spec.MacroNB201 {
		rc := mk()
		r = &rc
	}
	for i, s := range c.slots {
		cell := &n
		if s.reduce {
			cell = r
		}
		switch {
		case c.InputsPerNode == 0:
			cell.Nodes[s.node] = append(cell.Nodes[s.node], spec.Edge{From: s.k, Op: c.Ops[a[i]]})
		case s.input:
			cell.Nodes[s.node] = append(cell.Nodes[s.node], spec.Edge{From: a[i], Op: c.Ops[a[i+1]]})
		}
	}
	return n, r
}

func (c *CellSpace) spec(a space.Arch) *spec.Spec {
	cells := c.Network
	cells.Normal, cells.Reduce = c.Cells(a)
	sp := &spec.Spec{Space: c.SpaceName, Arch: c.Format(a), Kind: spec.KindCell,
		Input: append([]int(nil), c.Input...), Classes: c.Classes, Cells: &cells}
	if len(c.CustomOps) > 0 {
		sp.Ops = c.CustomOps
	}
	return sp
}

// Spec implements space.Specifier.
func (c *CellSpace) Spec(a space.Arch) (*spec.Spec, error) {
	sp := c.spec(a)
	if _, err := spec.Lower(sp); err != nil {
		return nil, fmt.Errorf("custom: space %s: the network of %s: %w", c.SpaceName, c.Format(a), err)
	}
	return sp, nil
}

// FromSpec implements space.Specifier: it reads the spec's Arch.
func (c *CellSpace) FromSpec(sp *spec.Spec) (space.Arch, error) {
	if sp.Space != c.SpaceName {
		return nil, fmt.Errorf("custom: a spec of space %q is not of space %s", sp.Space, c.SpaceName)
	}
	return c.Parse(sp.Arch)
}

// FromCells returns the architecture whose cells are normal and reduce (nil
// in an nb201 network): the inverse of Cells, for cells a relaxation derived.
func (c *CellSpace) FromCells(normal spec.Cell, reduce *spec.Cell) (space.Arch, error) {
	a := make(space.Arch, len(c.dims))
	for i, s := range c.slots {
		cell := normal
		if s.reduce {
			if reduce == nil {
				return nil, fmt.Errorf("custom: space %s: no reduction cell", c.SpaceName)
			}
			cell = *reduce
		}
		if s.node >= len(cell.Nodes) {
			return nil, fmt.Errorf("custom: space %s: the cell has %d nodes, want %d", c.SpaceName, len(cell.Nodes), c.Nodes)
		}
		edges := cell.Nodes[s.node]
		var e spec.Edge
		switch {
		case c.InputsPerNode == 0:
			found := false
			for _, x := range edges {
				if x.From == s.k {
					e, found = x, true
				}
			}
			if !found {
				// An edge a relaxation dropped is the zero operation.
				e = spec.Edge{From: s.k, Op: "none"}
			}
		default:
			if s.k >= len(edges) {
				return nil, fmt.Errorf("custom: space %s: node %d has %d inputs, want %d", c.SpaceName, c.inputs()+s.node, len(edges), c.InputsPerNode)
			}
			e = edges[s.k]
		}
		if s.input {
			a[i] = e.From
			continue
		}
		o := indexOf(c.Ops, e.Op)
		if o < 0 {
			return nil, fmt.Errorf("custom: space %s has no operation %q", c.SpaceName, e.Op)
		}
		a[i] = o
	}
	return a, c.Check(a)
}
