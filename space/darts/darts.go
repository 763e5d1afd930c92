// Package darts is the DARTS cell search space (Liu, Simonyan & Yang, ICLR
// 2019) and its genotypes.
//
// A network stacks normal and reduction cells. A cell has two inputs (the
// outputs of the two previous cells, nodes 0 and 1) and intermediate nodes
// 2, 3, ...; each intermediate node sums two operations applied to earlier
// nodes, and the cell's output concatenates some nodes (all intermediate
// ones in the search space). A Genotype lists, per cell kind, the (op,
// input) pairs two per node, exactly as DARTS's genotypes.py writes them:
//
//	Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=range(2, 6),
//	         reduce=[('max_pool_3x3', 0), ...], reduce_concat=range(2, 6))
//
// Genotypes may have any number of nodes (NASNet, AmoebaNet and ENAS have
// five) and use operations outside the search space (sep_conv_7x7,
// conv_7x1_1x7); the search space (Space) has four nodes, all concatenated.
package darts

import (
	"fmt"
	"strconv"
	"strings"

	"nasbook/internal/limit"
)

// Op is a DARTS operation.
type Op uint8

// The operations: the eight of the search space in the order of DARTS's
// PRIMITIVES, then two that published genotypes use.
const (
	None Op = iota
	MaxPool3x3
	AvgPool3x3
	Skip
	SepConv3x3
	SepConv5x5
	DilConv3x3
	DilConv5x5
	SepConv7x7 // NASNet, AmoebaNet
	Conv7x1    // conv_7x1_1x7, AmoebaNet
	NumOps
)

// NumPrimitives is the number of operations of the search space.
const NumPrimitives = 8

var opNames = [NumOps]string{"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
	"sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "sep_conv_7x7", "conv_7x1_1x7"}

// String returns the op's name as DARTS spells it.
func (o Op) String() string {
	if o < NumOps {
		return opNames[o]
	}
	return "darts.Op(" + strconv.Itoa(int(o)) + ")"
}

// Primitives returns the names of the search space's operations, DARTS's
// PRIMITIVES in their order; each is an entry of the op vocabulary
// (spec.BuiltinOp), which says how it is composed.
func Primitives() []string { return append([]string(nil), opNames[:NumPrimitives]...) }

// ParseOp returns the op called s.
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if n == s {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("darts: unknown operation %q (want one of %s)", limit.Clip(s), strings.Join(opNames[:], ", "))
}

// Pair is one operation of a cell and the node it is applied to.
type Pair struct {
	Op   Op
	From int
}

// Genotype is a DARTS architecture: per cell kind, two pairs per
// intermediate node, in node order, and the nodes concatenated into the
// cell's output.
type Genotype struct {
	Normal       []Pair
	NormalConcat []int
	Reduce       []Pair
	ReduceConcat []int
}

func writePairs(b *strings.Builder, ps []Pair) {
	b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "('%s', %d)", p.Op, p.From)
	}
	b.WriteByte(']')
}

func writeConcat(b *strings.Builder, c []int) {
	contiguous := len(c) > 0
	for i := 1; i < len(c); i++ {
		contiguous = contiguous && c[i] == c[i-1]+1
	}
	if contiguous {
		fmt.Fprintf(b, "range(%d, %d)", c[0], c[len(c)-1]+1)
		return
	}
	b.WriteByte('[')
	for i, k := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(k))
	}
	b.WriteByte(']')
}

// String writes g as DARTS prints a genotype: a contiguous concat as
// range(a, b), as the search code makes it, and any other as a list.
func (g Genotype) String() string {
	var b strings.Builder
	b.WriteString("Genotype(normal=")
	writePairs(&b, g.Normal)
	b.WriteString(", normal_concat=")
	writeConcat(&b, g.NormalConcat)
	b.WriteString(", reduce=")
	writePairs(&b, g.Reduce)
	b.WriteString(", reduce_concat=")
	writeConcat(&b, g.ReduceConcat)
	b.WriteString(")")
	return b.String()
}

// Validate checks that every node has two pairs from earlier nodes and
// that the concat lists name existing nodes.
func (g Genotype) Validate() error {
	for _, c := range []struct {
		name   string
		pairs  []Pair
		concat []int
	}{{"normal", g.Normal, g.NormalConcat}, {"reduce", g.Reduce, g.ReduceConcat}} {
		if len(c.pairs) == 0 || len(c.pairs)%2 != 0 {
			return fmt.Errorf("darts: %s: %d pairs, want two per node", c.name, len(c.pairs))
		}
		if len(c.pairs) > 2*MaxNodes {
			return fmt.Errorf("darts: %s: %d nodes, more than %d", c.name, len(c.pairs)/2, MaxNodes)
		}
		if len(c.concat) > MaxNodes+2 {
			return fmt.Errorf("darts: %s_concat: %d nodes, more than %d", c.name, len(c.concat), MaxNodes+2)
		}
		for i, p := range c.pairs {
			node := 2 + i/2
			if p.From < 0 || p.From >= node {
				return fmt.Errorf("darts: %s: pair %d (%s, %d): node %d takes inputs from nodes 0 to %d", c.name, i, p.Op, p.From, node, node-1)
			}
			if p.Op >= NumOps {
				return fmt.Errorf("darts: %s: pair %d: unknown operation %d", c.name, i, p.Op)
			}
		}
		if len(c.concat) == 0 {
			return fmt.Errorf("darts: %s: nothing concatenated", c.name)
		}
		for _, k := range c.concat {
			if k < 0 || k >= 2+len(c.pairs)/2 {
				return fmt.Errorf("darts: %s_concat: no node %d", c.name, k)
			}
		}
	}
	return nil
}
