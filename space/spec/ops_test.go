package spec_test

import (
	"fmt"
	"slices"
	"testing"

	"nasbook/space/darts"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// oneEdge is NAS-Bench-201's network (N = 1) around a cell of one edge.
func oneEdge(op string, c int) *spec.Spec {
	return &spec.Spec{Kind: spec.KindCell, Input: []int{3, 8, 8}, Classes: 10, Cells: &spec.Cells{Macro: spec.MacroNB201, C: c, N: 1,
		Normal: spec.Cell{Inputs: 1, Concat: []int{1}, Nodes: [][]spec.Edge{{{From: 0, Op: op}}}}}}
}

// Every entry of the vocabulary lowers on an edge with and without a
// stride, keeping the size ("same" padding) in both, and its name is its
// own.
func TestVocabulary(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range spec.BuiltinOps() {
		if seen[o.Name] {
			t.Errorf("%s is in the vocabulary twice", o.Name)
		}
		seen[o.Name] = true
		if got, ok := spec.BuiltinOp(o.Name); !ok || got != o {
			t.Errorf("BuiltinOp(%q) = %+v, %v", o.Name, got, ok)
		}
		if _, err := spec.Lower(oneEdge(o.Name, 4)); err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
		cell := spec.Cell{Inputs: 2, Concat: []int{2}, Nodes: [][]spec.Edge{{{From: 0, Op: o.Name}, {From: 1, Op: o.Name}}}}
		s := &spec.Spec{Kind: spec.KindCell, Input: []int{3, 16, 16}, Classes: 10,
			Cells: &spec.Cells{Macro: spec.MacroDARTS, C: 4, Layers: 3, Normal: cell, Reduce: &cell}}
		if _, err := spec.Lower(s); err != nil {
			t.Errorf("%s in a DARTS network, strided in its reductions: %v", o.Name, err)
		}
	}
	if !slices.Equal(spec.BuiltinOpNames(), func() []string {
		var ns []string
		for _, o := range spec.BuiltinOps() {
			ns = append(ns, o.Name)
		}
		return ns
	}()) {
		t.Errorf("BuiltinOpNames %v", spec.BuiltinOpNames())
	}
}

// The spaces' op sets are entries of the vocabulary.
func TestSpacesOpsInVocabulary(t *testing.T) {
	var all []string
	all = append(all, nb201.OpNames()...)
	for o := darts.Op(0); o < darts.NumOps; o++ {
		all = append(all, o.String())
	}
	for _, n := range all {
		if _, ok := spec.BuiltinOp(n); !ok {
			t.Errorf("%s is not in the vocabulary", n)
		}
	}
	if fmt.Sprint(darts.Primitives()) != "[none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5]" {
		t.Errorf("DARTS's PRIMITIVES: %v", darts.Primitives())
	}
}
