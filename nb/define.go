package nb

import (
	"fmt"
	"strconv"
	"strings"

	"nasbook/space"
	"nasbook/space/custom"
	"nasbook/space/spec"
)

// Choice is one choice of a space that a notebook defines: a name and its
// options, written as text. Make one with Options, IntRange or FloatGrid.
type Choice struct {
	Name    string
	Options []string
}

// Options is a choice among named options, e.g. Options("act", "relu", "gelu").
func Options(name string, options ...string) Choice { return Choice{Name: name, Options: options} }

// IntRange is a choice of the integers from, from+step, ..., up to to.
func IntRange(name string, from, to, step int) Choice {
	c := Choice{Name: name}
	if step <= 0 || to < from {
		return c // DefineSpace reports a choice without options
	}
	for v := from; v <= to; v += step {
		c.Options = append(c.Options, strconv.Itoa(v))
	}
	return c
}

// FloatGrid is a choice of n evenly spaced numbers from from to to.
func FloatGrid(name string, from, to float64, n int) Choice {
	c := Choice{Name: name}
	for i := 0; i < n; i++ {
		v := from
		if n > 1 {
			v = from + (to-from)*float64(i)/float64(n-1)
		}
		c.Options = append(c.Options, strconv.FormatFloat(v, 'g', 6, 64))
	}
	return c
}

// Picked is an architecture of a defined space as its functions see it: the
// option picked for each choice, by the choice's name.
type Picked struct {
	dims []space.Dim
	a    space.Arch
}

func (p Picked) index(name string) int {
	for i, d := range p.dims {
		if d.Name == name {
			return i
		}
	}
	names := make([]string, len(p.dims))
	for i, d := range p.dims {
		names[i] = d.Name
	}
	panic(fmt.Sprintf("no choice %q (choices: %s)", name, strings.Join(names, ", ")))
}

// Get returns the option picked for the choice name.
func (p Picked) Get(name string) string {
	i := p.index(name)
	return p.dims[i].Options[p.a[i]]
}

// Int returns the picked option of name as an integer.
func (p Picked) Int(name string) int {
	v, err := strconv.Atoi(p.Get(name))
	if err != nil {
		panic(fmt.Sprintf("choice %q: option %q is not an integer", name, p.Get(name)))
	}
	return v
}

// Float returns the picked option of name as a number.
func (p Picked) Float(name string) float64 {
	v, err := strconv.ParseFloat(p.Get(name), 64)
	if err != nil {
		panic(fmt.Sprintf("choice %q: option %q is not a number", name, p.Get(name)))
	}
	return v
}

// Index returns the position of the picked option of name among its options.
func (p Picked) Index(name string) int { return p.a[p.index(name)] }

func (p Picked) String() string { return fmt.Sprint(p.a) }

// SpaceDef defines a search space in a notebook: its choices, which
// combinations are allowed, and the network of each architecture.
type SpaceDef struct {
	Name    string
	Choices []Choice
	// Check, if set, returns an error saying why an architecture is not
	// allowed (fmt.Errorf("3 stages of width 64 exceed the budget")).
	Check func(p Picked) error
	// Build returns the network of an architecture as a layer stack; a final
	// Dense to the class count is added when it does not end in one.
	Build func(p Picked) Model
	// Input is one example's shape [C, H, W] (default [1, 14, 14], MNIST-14)
	// and Classes the number of classes (default 10).
	Input   []int
	Classes int
}

// DefineSpace makes a search space from a definition. Its architectures
// work like a built-in space's: Sample, Mutate, Show, Cost, Search.
//
//	sp := nb.DefineSpace(nb.SpaceDef{
//		Name:    "stack",
//		Choices: []nb.Choice{nb.IntRange("depth", 1, 3, 1), nb.Options("width", "8", "16", "32")},
//		Build: func(p nb.Picked) nb.Model {
//			var ls []nb.Layer
//			for i := 0; i < p.Int("depth"); i++ {
//				ls = append(ls, nb.Conv(p.Int("width"), 3), nb.ReLU(), nb.MaxPool(2))
//			}
//			return nb.Sequential(ls...)
//		},
//	})
func DefineSpace(def SpaceDef) *SearchSpace { return Default.DefineSpace(def) }

// DefineSpace makes a space; see the package-level DefineSpace.
func (*Session) DefineSpace(def SpaceDef) *SearchSpace {
	input, classes := shapeOrDefault(def.Input, def.Classes)
	dims := toDims(def.Choices)
	cs := &custom.Space{SpaceName: def.Name, Choices: dims}
	if def.Build != nil {
		cs.Build = func(a space.Arch) (*spec.Spec, error) {
			m := def.Build(Picked{dims, a})
			if len(input) != 3 {
				return nil, fmt.Errorf("input shape %v, want [C, H, W]", input)
			}
			return m.Spec(input[0], input[1], input[2], classes)
		}
	}
	if def.Check != nil {
		cs.Constraint = func(a space.Arch) error { return def.Check(Picked{dims, a}) }
	}
	s, err := custom.New(cs)
	if err != nil {
		fail("DefineSpace", err)
	}
	return &SearchSpace{Name: def.Name, s: s, defined: true}
}

// CellSpaceDef defines a cell-based search space (see DefineCellSpace).
type CellSpaceDef struct {
	Name string
	// Ops are the candidate operations: built-in ones (the op vocabulary
	// of package space/spec: NAS-Bench-201's and DARTS's operations, such
	// as nor_conv_3x3, sep_conv_5x5 or dil_conv_7x7; an unknown name is an
	// error that lists them all) and those of CustomOps.
	Ops []string
	// CustomOps defines operations as layer stacks applied on an edge. A
	// Conv with 0 channels keeps the cell's; the first convolution or pool
	// takes the edge's stride. Convolutions here have no bias.
	CustomOps map[string][]Layer
	// Nodes is the number of intermediate nodes (default 3).
	Nodes int
	// InputsPerNode 0 gives every node an edge from every earlier node
	// (NAS-Bench-201's cell); k lets each node pick k earlier nodes (DARTS's).
	InputsPerNode int
	// Network is "nb201" (default: a stem, three stages of N cells at C, 2C
	// and 4C channels) or "darts" (Layers cells with reductions at 1/3 and
	// 2/3 of the depth; normal and reduction cells chosen apart).
	Network string
	C, N    int // default 8 channels, N = 1 cell per stage
	Layers  int // darts: cells in all (default 5)
	Input   []int
	Classes int
	Check   func(p Picked) error
}

// DefineCellSpace makes a cell-based search space: every architecture is a
// cell of operations on the edges of a small DAG, repeated in a network.
// Besides what DefineSpace's spaces do, its cells are drawn on the canvas
// and it can be searched by the relaxation of DARTS.
//
//	sp := nb.DefineCellSpace(nb.CellSpaceDef{
//		Name: "nb201+conv5",
//		Ops:  []string{"none", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "conv_5x5"},
//		CustomOps: map[string][]nb.Layer{
//			"conv_5x5": {nb.ReLU(), nb.Conv(0, 5), nb.BatchNorm()},
//		},
//	})
func DefineCellSpace(def CellSpaceDef) *SearchSpace { return Default.DefineCellSpace(def) }

// DefineCellSpace makes a cell space; see the package-level DefineCellSpace.
func (s *Session) DefineCellSpace(def CellSpaceDef) *SearchSpace {
	if len(def.Input) == 0 {
		// Both networks halve the size twice, exactly: a multiple of 4.
		def.Input = []int{1, 16, 16}
	}
	input, classes := shapeOrDefault(def.Input, def.Classes)
	c := &custom.CellSpace{SpaceName: def.Name, Ops: def.Ops, Nodes: def.Nodes, InputsPerNode: def.InputsPerNode,
		Input: input, Classes: classes}
	if c.Nodes == 0 {
		c.Nodes = 3
	}
	switch strings.ToLower(def.Network) {
	case "", "nb201":
		c.Network = spec.Cells{Macro: spec.MacroNB201, C: orInt(def.C, 8), N: orInt(def.N, 1)}
	case "darts":
		c.Network = spec.Cells{Macro: spec.MacroDARTS, C: orInt(def.C, 8), Layers: orInt(def.Layers, 5)}
	default:
		failf("DefineCellSpace", "network %q, want nb201 or darts", def.Network)
	}
	if len(def.CustomOps) > 0 {
		c.CustomOps = map[string][]spec.Layer{}
		for name, ls := range def.CustomOps {
			op, err := opLayers(ls)
			if err != nil {
				failf("DefineCellSpace", "operation %q: %v", name, err)
			}
			c.CustomOps[name] = op
		}
	}
	cs, err := custom.NewCellSpace(c)
	if err != nil {
		fail("DefineCellSpace", err)
	}
	if def.Check != nil {
		dims := cs.Dims()
		cs.Constraint = func(a space.Arch) error { return def.Check(Picked{dims, a}) }
	}
	sp := &SearchSpace{Name: def.Name, s: cs, defined: true}
	s.remember(sp)
	return sp
}

// opLayers writes the layers of a custom cell operation as spec layers:
// convolutions without bias, pools padded to keep the size (the first pool
// or convolution takes the edge's stride).
func opLayers(ls []Layer) ([]spec.Layer, error) {
	var out []spec.Layer
	for i, l := range ls {
		s := l.s
		switch s.Op {
		case spec.Conv:
			if s.Kernel < 1 || s.Kernel%2 == 0 || s.Out < 0 {
				return nil, fmt.Errorf("layer %d, %s: want an odd kernel size", i+1, l)
			}
			s.Bias = false
		case spec.MaxPool, spec.AvgPool:
			s.Same = true
		case spec.ReLU, spec.GELU, spec.BatchNorm, spec.Dropout:
		default:
			return nil, fmt.Errorf("layer %d, %s: not an operation on feature maps (use Conv, ReLU, GELU, BatchNorm, MaxPool, AvgPool, Dropout)", i+1, l)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no layers")
	}
	return out, nil
}

func toDims(cs []Choice) []space.Dim {
	dims := make([]space.Dim, len(cs))
	for i, c := range cs {
		dims[i] = space.Dim{Name: c.Name, Options: c.Options}
	}
	return dims
}

func shapeOrDefault(input []int, classes int) ([]int, int) {
	if len(input) == 0 {
		input = []int{1, 14, 14}
	}
	return input, orInt(classes, 10)
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Parse reads an architecture of sp from its notation (for a defined space,
// "choice=option,choice=option,...").
func (sp *SearchSpace) Parse(text string) Arch {
	c, err := sp.s.Parse(text)
	if err == nil {
		err = space.Valid(sp.s, c)
	}
	if err != nil {
		fail("SearchSpace.Parse", err)
	}
	return sp.arch(c)
}
