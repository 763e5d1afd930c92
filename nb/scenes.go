package nb

import (
	"fmt"
	"strconv"
	"strings"

	"nasbook/space/nb201"
	"nasbook/space/spec"
	"nasbook/viz/scene"
)

// scenesOf returns the pictures of a spec: the cell of an NAS-Bench-201
// network, the normal and reduction cells of a DARTS network, the chain of
// blocks of a sequential network.
func scenesOf(s *spec.Spec) ([]*scene.Scene, error) {
	switch {
	case s.Kind == spec.KindCell && s.Cells != nil && s.Cells.Macro == spec.MacroNB201:
		if s.Space == "nb201" {
			if a, err := nb201.FromSpec(s); err == nil {
				return []*scene.Scene{nb201Scene(a)}, nil
			}
		}
		title := "Cell"
		if s.Space != "" {
			title = s.Space + " cell " + s.Arch
		}
		return []*scene.Scene{cellScene(title, s.Cells.Normal, nb201Label(len(s.Cells.Normal.Nodes)+1), "")}, nil
	case s.Kind == spec.KindCell && s.Cells != nil:
		name := "DARTS"
		if s.Space != "darts" && s.Space != "" {
			name = s.Space
		}
		out := []*scene.Scene{cellScene(name+" normal cell", s.Cells.Normal, dartsLabel, "c_{k}")}
		if s.Cells.Reduce != nil {
			out = append(out, cellScene(name+" reduction cell", *s.Cells.Reduce, dartsLabel, "c_{k}"))
		}
		return out, nil
	case s.Kind == spec.KindSequential:
		return []*scene.Scene{chainScene(s)}, nil
	}
	return nil, fmt.Errorf("cannot draw a spec of kind %q", s.Kind)
}

func nb201Label(n int) func(int) string {
	return func(i int) string {
		switch i {
		case 0:
			return "in"
		case n - 1:
			return "out"
		}
		return strconv.Itoa(i)
	}
}

// dartsLabel names DARTS nodes as the paper's figures do: the inputs
// c_{k-2} and c_{k-1}, the intermediate nodes 0, 1, ...
func dartsLabel(i int) string {
	switch i {
	case 0:
		return "c_{k-2}"
	case 1:
		return "c_{k-1}"
	}
	return strconv.Itoa(i - 2)
}

// cellScene draws a spec cell; with output set, the concatenated nodes feed
// an output node of that label.
func cellScene(title string, c spec.Cell, label func(int) string, output string) *scene.Scene {
	sc := &scene.Cell{}
	n := c.Inputs + len(c.Nodes)
	for i := 0; i < n; i++ {
		sc.Nodes = append(sc.Nodes, scene.Node{ID: i, Label: label(i)})
	}
	for j, node := range c.Nodes {
		for _, e := range node {
			w := 1.0
			if e.Op == "none" {
				w = 0
			}
			sc.Edges = append(sc.Edges, scene.Edge{From: e.From, To: c.Inputs + j, Op: e.Op, Weight: w})
		}
	}
	if output != "" {
		sc.Nodes = append(sc.Nodes, scene.Node{ID: n, Label: output})
		for _, k := range c.Concat {
			sc.Edges = append(sc.Edges, scene.Edge{From: k, To: n, Op: "concat", Weight: 1})
		}
	}
	return &scene.Scene{Kind: scene.KindCell, Title: title, Cell: sc}
}

// chainScene draws a sequential network as a chain: one edge per block
// (convolution, inverted residual, transformer block, embedding, linear
// layer), runs of equal blocks merged with ×n; nodes carry the shapes.
func chainScene(s *spec.Spec) *scene.Scene {
	shapes := map[int][]int{}
	if n, err := spec.Lower(s); err == nil {
		for _, l := range n.Layers {
			rest, ok := strings.CutPrefix(l.Name, "layers.")
			if !ok {
				continue
			}
			if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil {
				shapes[i] = l.Out
			}
		}
	}
	shape := func(v []int) string {
		var ps []string
		for _, d := range v {
			ps = append(ps, strconv.Itoa(d))
		}
		return strings.Join(ps, "×")
	}
	c := &scene.Cell{Nodes: []scene.Node{{ID: 0, Label: "in " + shape(s.Input)}}}
	last, run := "", 0
	for i, l := range s.Layers {
		d := describe(l)
		if d == "" {
			continue
		}
		if d == last {
			run++
			e := &c.Edges[len(c.Edges)-1]
			e.Op = fmt.Sprintf("%s ×%d", d, run)
			c.Nodes[len(c.Nodes)-1].Label = shape(shapes[i])
			continue
		}
		last, run = d, 1
		id := len(c.Nodes)
		c.Nodes = append(c.Nodes, scene.Node{ID: id, Label: shape(shapes[i])})
		c.Edges = append(c.Edges, scene.Edge{From: id - 1, To: id, Op: d, Weight: 1})
	}
	title := s.Arch
	if title == "" {
		title = "network"
	}
	if s.Space != "" {
		title = s.Space + " " + title
	}
	return &scene.Scene{Kind: scene.KindCell, Title: title, Cell: c}
}

// describe names the blocks that a chain draws; it returns "" for the
// layers folded into them (norms, activations, pooling, dropout).
func describe(l spec.Layer) string {
	switch l.Op {
	case spec.Conv:
		return fmt.Sprintf("conv %dx%d/%d", l.Kernel, l.Kernel, max(l.Stride, 1))
	case spec.MBConv:
		d := fmt.Sprintf("mbconv k%d", l.Kernel)
		if l.Hidden > 0 {
			d += fmt.Sprintf(" h%d", l.Hidden)
		} else if l.Expand > 0 {
			d += fmt.Sprintf(" e%g", l.Expand)
		}
		if l.Stride > 1 {
			d += fmt.Sprintf("/%d", l.Stride)
		}
		if l.SE {
			d += " se"
		}
		if l.Act != "" {
			d += " " + l.Act
		}
		return d
	case spec.Branch:
		return describeBranch(l)
	case spec.Transformer:
		if l.Experts > 1 {
			return fmt.Sprintf("block %d heads, %d experts top-%d", l.Heads, l.Experts, max(l.TopK, 1))
		}
		return fmt.Sprintf("block %d heads", l.Heads)
	case spec.Patches:
		return fmt.Sprintf("patches %dx%d", l.Kernel, l.Kernel)
	case spec.Embed:
		return "embed"
	case spec.Linear:
		return "linear"
	}
	return ""
}

// describeBranch names a branch block by its convolutions: a residual
// block (one branch and the shortcut) as "res 3x3,3x3/2" with each
// convolution's kernel and the stride of the strided one, other blocks by
// their branches' count and how they merge.
func describeBranch(l spec.Layer) string {
	shortcut := false
	var body []spec.Layer
	for _, b := range l.Branches {
		if len(b) == 0 {
			shortcut = true
		} else if body == nil {
			body = b
		}
	}
	if shortcut && len(l.Branches) == 2 && !l.Concat {
		var ks []string
		for _, c := range body {
			if c.Op == spec.Conv || c.Op == spec.MBConv {
				k := fmt.Sprintf("%dx%d", c.Kernel, c.Kernel)
				if c.Stride > 1 {
					k += fmt.Sprintf("/%d", c.Stride)
				}
				ks = append(ks, k)
			}
		}
		return "res " + strings.Join(ks, ",")
	}
	merge := "add"
	if l.Concat {
		merge = "concat"
	}
	return fmt.Sprintf("%d branches, %s", len(l.Branches), merge)
}
