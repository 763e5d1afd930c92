package nb201

import (
	"fmt"

	"nasbook/space/spec"
)

// Macro holds the network settings around the cell. The zero value is the
// benchmark's CIFAR-10 network: C=16, N=5, 10 classes, 3×32×32 input.
type Macro struct {
	C       int // channels of the first stage; zero means 16
	N       int // cells per stage; zero means 5
	Classes int // zero means 10
	Size    int // input height and width; zero means 32
}

func (m Macro) orDefault() Macro {
	if m.C == 0 {
		m.C = 16
	}
	if m.N == 0 {
		m.N = 5
	}
	if m.Classes == 0 {
		m.Classes = 10
	}
	if m.Size == 0 {
		m.Size = 32
	}
	return m
}

// Cell returns the architecture's cell as a spec cell: one input (node 0),
// nodes 1..3 summing their edges, node 3 the output. None edges are kept:
// the benchmark's network has them (as zeros).
func (a Arch) Cell() spec.Cell {
	c := spec.Cell{Inputs: 1, Concat: []int{NumNodes - 1}}
	k := 0
	for to := 1; to < NumNodes; to++ {
		var node []spec.Edge
		for from := 0; from < to; from++ {
			node = append(node, spec.Edge{From: from, Op: a[k].String()})
			k++
		}
		c.Nodes = append(c.Nodes, node)
	}
	return c
}

// Spec returns the network of a as the benchmark builds it (its
// TinyNetwork): Conv3×3 C + BN; N cells at C; a residual block to 2C,
// stride 2; N cells at 2C; a block to 4C; N cells at 4C; BN, ReLU, global
// average pooling, linear classifier.
func (a Arch) Spec(m Macro) *spec.Spec {
	m = m.orDefault()
	return &spec.Spec{
		Space: "nb201", Arch: a.String(), Kind: spec.KindCell,
		Input: []int{3, m.Size, m.Size}, Classes: m.Classes,
		Cells: &spec.Cells{Macro: spec.MacroNB201, C: m.C, N: m.N, Normal: a.Cell()},
	}
}

// FromSpec reads the architecture of an NAS-Bench-201 spec: its Arch
// string, or its cell when the string is empty.
func FromSpec(s *spec.Spec) (Arch, error) {
	if s.Arch != "" {
		return Parse(s.Arch)
	}
	if s.Cells == nil || s.Cells.Macro != spec.MacroNB201 {
		return Arch{}, fmt.Errorf("nb201: the spec is not an NAS-Bench-201 network")
	}
	c := s.Cells.Normal
	if c.Inputs != 1 || len(c.Nodes) != NumNodes-1 {
		return Arch{}, fmt.Errorf("nb201: a cell of %d inputs and %d nodes, want 1 and %d", c.Inputs, len(c.Nodes), NumNodes-1)
	}
	var a Arch
	k := 0
	for i, node := range c.Nodes {
		if len(node) != i+1 {
			return Arch{}, fmt.Errorf("nb201: node %d has %d edges, want %d", i+1, len(node), i+1)
		}
		for from, e := range node {
			if e.From != from {
				return Arch{}, fmt.Errorf("nb201: node %d: edge %d comes from node %d, want %d", i+1, from, e.From, from)
			}
			op, err := ParseOp(e.Op)
			if err != nil {
				return Arch{}, fmt.Errorf("nb201: node %d: %w", i+1, err)
			}
			a[k] = op
			k++
		}
	}
	return a, nil
}
