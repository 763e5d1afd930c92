package darts

import (
	"fmt"
	"strconv"

	"nasbook/space"
	"nasbook/space/spec"
)

// Macro holds the network settings around the cells. The zero value is
// DARTS's CIFAR-10 evaluation network (C=36, 20 layers, 10 classes,
// 3×32×32 input, no auxiliary head); with ImageNet set, the zero values are
// its ImageNet mobile setting (C=48, 14 layers, 1000 classes, 224×224).
type Macro struct {
	C         int
	Layers    int
	Classes   int
	Size      int
	Auxiliary bool // the auxiliary head DARTS trains with (weight 0.4)
	ImageNet  bool // NetworkImageNet's stems instead of NetworkCIFAR's
}

func (m Macro) orDefault() Macro {
	def := Macro{C: 36, Layers: 20, Classes: 10, Size: 32}
	if m.ImageNet {
		def = Macro{C: 48, Layers: 14, Classes: 1000, Size: 224}
	}
	if m.C == 0 {
		m.C = def.C
	}
	if m.Layers == 0 {
		m.Layers = def.Layers
	}
	if m.Classes == 0 {
		m.Classes = def.Classes
	}
	if m.Size == 0 {
		m.Size = def.Size
	}
	return m
}

func cellOf(pairs []Pair, concat []int) spec.Cell {
	c := spec.Cell{Inputs: 2, Concat: append([]int(nil), concat...)}
	for i := 0; i+1 < len(pairs); i += 2 {
		c.Nodes = append(c.Nodes, []spec.Edge{{From: pairs[i].From, Op: pairs[i].Op.String()}, {From: pairs[i+1].From, Op: pairs[i+1].Op.String()}})
	}
	return c
}

// Spec returns the network of g as DARTS builds it (NetworkCIFAR, or
// NetworkImageNet with m.ImageNet).
func (g Genotype) Spec(m Macro) *spec.Spec {
	m = m.orDefault()
	macro := spec.MacroDARTS
	if m.ImageNet {
		macro = spec.MacroDARTSImageNet
	}
	reduce := cellOf(g.Reduce, g.ReduceConcat)
	return &spec.Spec{
		Space: "darts", Arch: g.String(), Kind: spec.KindCell,
		Input: []int{3, m.Size, m.Size}, Classes: m.Classes,
		Cells: &spec.Cells{Macro: macro, C: m.C, Layers: m.Layers, Normal: cellOf(g.Normal, g.NormalConcat), Reduce: &reduce, Auxiliary: m.Auxiliary},
	}
}

// Space is the DARTS search space: for the normal and the reduction cell,
// for each of the 4 intermediate nodes, two (input, operation) pairs; the
// inputs of a node differ, and every intermediate node is concatenated into
// the output. Macro sets the network of its specs.
type Space struct{ Macro Macro }

var _ space.Space = Space{}
var _ space.Canonicalizer = Space{}
var _ space.Specifier = Space{}

// NumNodes is the number of intermediate nodes of a cell of the space.
const NumNodes = 4

var dims = func() []space.Dim {
	var ops []string
	for o := Op(0); o < NumPrimitives; o++ {
		ops = append(ops, o.String())
	}
	var ds []space.Dim
	for _, cell := range []string{"normal", "reduce"} {
		for n := 0; n < NumNodes; n++ {
			var ins []string
			for k := 0; k < n+2; k++ {
				ins = append(ins, strconv.Itoa(k))
			}
			for j := 1; j <= 2; j++ {
				node := fmt.Sprintf("%s node %d", cell, n+2)
				ds = append(ds, space.Dim{Name: fmt.Sprintf("%s input %d", node, j), Options: ins},
					space.Dim{Name: fmt.Sprintf("%s op %d", node, j), Options: ops})
			}
		}
	}
	return ds
}()

func (Space) Name() string      { return "darts" }
func (Space) Dims() []space.Dim { return dims }

// Check rejects a node whose two inputs are the same node (DARTS keeps the
// two strongest edges from distinct predecessors).
func (Space) Check(a space.Arch) error {
	for i := 0; i < len(a); i += 4 {
		if a[i] == a[i+2] {
			return fmt.Errorf("darts: %s: both inputs are node %d", dims[i].Name[:len(dims[i].Name)-len(" input 1")], a[i])
		}
	}
	return nil
}

// Genotype returns the genotype of a (which must be Valid).
func (Space) Genotype(a space.Arch) Genotype {
	var g Genotype
	for i := 0; i < len(a); i += 2 {
		p := Pair{Op: Op(a[i+1]), From: a[i]}
		if i < len(a)/2 {
			g.Normal = append(g.Normal, p)
		} else {
			g.Reduce = append(g.Reduce, p)
		}
	}
	g.NormalConcat = []int{2, 3, 4, 5}
	g.ReduceConcat = []int{2, 3, 4, 5}
	return g
}

// FromGenotype returns g as an architecture of the space, or an error if g
// is not one (five nodes, ops outside the eight, a partial concat).
func (s Space) FromGenotype(g Genotype) (space.Arch, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	var a space.Arch
	for _, c := range []struct {
		name   string
		pairs  []Pair
		concat []int
	}{{"normal", g.Normal, g.NormalConcat}, {"reduce", g.Reduce, g.ReduceConcat}} {
		if len(c.pairs) != 2*NumNodes {
			return nil, fmt.Errorf("darts: %s: %d nodes, the search space has %d", c.name, len(c.pairs)/2, NumNodes)
		}
		if fmt.Sprint(c.concat) != "[2 3 4 5]" {
			return nil, fmt.Errorf("darts: %s_concat %v, the search space concatenates nodes 2 to 5", c.name, c.concat)
		}
		for _, p := range c.pairs {
			if p.Op >= NumPrimitives {
				return nil, fmt.Errorf("darts: %s: %s is not an operation of the search space", c.name, p.Op)
			}
			a = append(a, p.From, int(p.Op))
		}
	}
	if err := s.Check(a); err != nil {
		return nil, err
	}
	return a, nil
}

// Format writes a as a DARTS genotype string.
func (s Space) Format(a space.Arch) string { return s.Genotype(a).String() }

// Parse reads a genotype string (or a published genotype's name) of the
// search space.
func (s Space) Parse(str string) (space.Arch, error) {
	g, err := Lookup(str)
	if err != nil {
		return nil, err
	}
	return s.FromGenotype(g)
}

// Canonical writes a with each node's two pairs in sorted order: the sum
// of a node does not depend on the order of its edges.
func (Space) Canonical(a space.Arch) string {
	c := a.Clone()
	for i := 0; i < len(c); i += 4 {
		if c[i] > c[i+2] || (c[i] == c[i+2] && c[i+1] > c[i+3]) {
			c[i], c[i+1], c[i+2], c[i+3] = c[i+2], c[i+3], c[i], c[i+1]
		}
	}
	return c.Key()
}

// Spec returns the network of a (space.Specifier).
func (s Space) Spec(a space.Arch) (*spec.Spec, error) { return s.Genotype(a).Spec(s.Macro), nil }

// FromSpec reads an architecture of the space from a spec's Arch string.
func (s Space) FromSpec(sp *spec.Spec) (space.Arch, error) {
	if sp.Arch == "" {
		return nil, fmt.Errorf("darts: the spec has no genotype string")
	}
	return s.Parse(sp.Arch)
}
