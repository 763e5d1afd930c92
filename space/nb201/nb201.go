// Package nb201 is the NAS-Bench-201 cell space (Dong & Yang, ICLR 2020).
//
// A cell has 4 nodes. Node 0 is the cell input and node 3 its output; node j
// sums one operation applied to each earlier node i < j, so a cell has 6 edges,
// each carrying one of 5 operations: 5^6 = 15,625 architectures.
//
// Edges are stored in the order of the NB201 string
// `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`: (0→1), (0→2), (1→2), (0→3), (1→3), (2→3).
package nb201

import (
	"fmt"
	"strings"

	"nasbook/space"
)

// Op is an operation on an edge of a NAS-Bench-201 cell.
type Op uint8

// The five operations, in the order NAS-Bench-201 lists them.
const (
	None       Op = iota // none: the zero operation, the edge is absent
	Skip                 // skip_connect: identity
	Conv1x1              // nor_conv_1x1: ReLU-Conv1x1-BN
	Conv3x3              // nor_conv_3x3: ReLU-Conv3x3-BN
	AvgPool3x3           // avg_pool_3x3: 3x3 average pooling, stride 1
	NumOps     = 5
)

var opNames = [NumOps]string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

// String returns the operation's name as NAS-Bench-201 spells it.
func (o Op) String() string {
	if int(o) < NumOps {
		return opNames[o]
	}
	return fmt.Sprintf("nb201.Op(%d)", uint8(o))
}

// OpNames returns the names of the five operations, in NAS-Bench-201's
// order; each is an entry of the op vocabulary (spec.BuiltinOp), which
// says how it is composed.
func OpNames() []string { return append([]string(nil), opNames[:]...) }

// ParseOp returns the operation named s.
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if n == s {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("nb201: unknown operation %q (want one of %s)", space.Clip(s), strings.Join(opNames[:], ", "))
}

// NumNodes is the number of nodes of a cell, input and output included.
const NumNodes = 4

// NumEdges is the number of edges of a cell.
const NumEdges = NumNodes * (NumNodes - 1) / 2

// Edge is the pair of nodes that edge k joins: From < To.
type Edge struct{ From, To int }

// Edges lists the edges in string order.
var Edges = [NumEdges]Edge{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}

// Arch is one architecture: the operation on each edge, in string order.
type Arch [NumEdges]Op

// String writes the architecture in NAS-Bench-201's string form.
func (a Arch) String() string {
	var b strings.Builder
	k := 0
	for to := 1; to < NumNodes; to++ {
		if to > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for from := 0; from < to; from++ {
			fmt.Fprintf(&b, "%s~%d|", a[k], from)
			k++
		}
	}
	return b.String()
}

// Parse reads an architecture from its NAS-Bench-201 string form, e.g.
// `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`.
// Errors name the node and the part of the string at fault.
func Parse(s string) (Arch, error) {
	var a Arch
	if err := space.CheckNotation("nb201", s); err != nil {
		return a, err
	}
	s = strings.TrimSpace(s)
	if n := strings.Count(s, "+") + 1; n != NumNodes-1 {
		return a, fmt.Errorf("nb201: %q: want %d node groups joined by '+', found %d", space.Clip(s), NumNodes-1, n)
	}
	nodes := strings.Split(s, "+")
	k := 0
	for n, group := range nodes {
		to := n + 1
		if !strings.HasPrefix(group, "|") || !strings.HasSuffix(group, "|") || len(group) < 2 {
			return a, fmt.Errorf("nb201: node %d: %q must start and end with '|'", to, space.Clip(group))
		}
		if n := strings.Count(group, "|") - 1; n != to {
			return a, fmt.Errorf("nb201: node %d: want %d inputs, found %d in %q", to, to, n, space.Clip(group))
		}
		parts := strings.Split(group[1:len(group)-1], "|")
		for from, p := range parts {
			name, in, ok := strings.Cut(p, "~")
			if !ok {
				return a, fmt.Errorf("nb201: node %d: %q is not op~input", to, space.Clip(p))
			}
			if in != fmt.Sprint(from) {
				return a, fmt.Errorf("nb201: node %d: input %d is written as %q, want %q", to, from, space.Clip(p), space.Clip(fmt.Sprintf("%s~%d", name, from)))
			}
			op, err := ParseOp(name)
			if err != nil {
				return a, fmt.Errorf("nb201: node %d, input %d: %w", to, from, err)
			}
			a[k] = op
			k++
		}
	}
	return a, nil
}

// Index returns the architecture's position in base-5 enumeration order, with
// edge 0 as the most significant digit. It is a bijection onto [0, 15625);
// it is not NAS-Bench-201's table index, which follows the benchmark's own order.
func (a Arch) Index() int {
	i := 0
	for _, op := range a {
		i = i*NumOps + int(op)
	}
	return i
}

// FromIndex is the inverse of Index.
func FromIndex(i int) Arch {
	var a Arch
	for k := NumEdges - 1; k >= 0; k-- {
		a[k] = Op(i % NumOps)
		i /= NumOps
	}
	return a
}

// Size is the number of architectures in the space.
const Size = 15625
