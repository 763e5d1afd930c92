package nb201

import (
	"sort"
	"strings"
)

// Canonical returns a string under which cells that compute the same
// function are equal, built as NAS-Bench-201's own Structure.to_unique_str
// (consider_zero=True) builds it, which yields the paper's 6,466 unique
// architectures of 15,625:
//
//   - node 0 is written "0";
//   - an edge writes "#" (zero) when its operation is none or its source
//     node is "#", the source's string when it is skip_connect (identity),
//     and "(source)@op" otherwise;
//   - a node joins its edges' strings, sorted (a sum is commutative), with
//     "+"; the cell's string is node 3's.
//
// So isomorphic cells (intermediate nodes swapped), dead edges (from nodes
// the input does not reach) and identity chains all collapse. Pruning dead
// edges and comparing the remaining labelled DAGs alone, without taking
// skip_connect as the identity, leaves 8,765 classes.
func (a Arch) Canonical() string {
	var nodes [NumNodes]string
	nodes[0] = "0"
	k := 0
	for to := 1; to < NumNodes; to++ {
		terms := make([]string, 0, to)
		for from := 0; from < to; from++ {
			op, src := a[k], nodes[from]
			k++
			switch {
			case op == None || src == "#":
				terms = append(terms, "#")
			case op == Skip:
				terms = append(terms, src)
			default:
				terms = append(terms, "("+src+")@"+op.String())
			}
		}
		sort.Strings(terms)
		nodes[to] = strings.Join(terms, "+")
	}
	return nodes[NumNodes-1]
}

// Canonical implements space.Canonicalizer.
func (Space) Canonical(c []int) string { return FromChoices(c).Canonical() }
