package edit

import (
	"slices"
	"testing"

	"nasbook/viz/scene"
)

var nb201Ops = []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

// nb201 is the cell of |nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,
// each edge its own choice as in the nb201 space.
func nb201() *scene.Cell {
	c := &scene.Cell{Nodes: []scene.Node{{ID: 0}, {ID: 1}, {ID: 2}, {ID: 3}}}
	pairs := [][2]int{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}
	choice := []int{3, 0, 4, 1, 3, 1}
	e := &scene.Edit{Space: "nb201", Choices: choice}
	for i, p := range pairs {
		w := 1.0
		if choice[i] == 0 {
			w = 0
		}
		c.Edges = append(c.Edges, scene.Edge{From: p[0], To: p[1], Op: nb201Ops[choice[i]], Weight: w})
		e.Options = append(e.Options, nb201Ops)
		e.Op = append(e.Op, i)
	}
	c.Edit = e
	return c
}

// darts is one DARTS-like node (node 2 of a cell with inputs 0 and 1, and an
// earlier node 2 for node 3) with input and op choices interleaved as the
// darts space lists them, and a fixed concatenation edge.
func darts() *scene.Cell {
	ops := []string{"none", "skip_connect", "sep_conv_3x3"}
	c := &scene.Cell{Nodes: []scene.Node{{ID: 0}, {ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}}
	c.Edges = []scene.Edge{
		{From: 0, To: 2, Op: "skip_connect", Weight: 1},
		{From: 1, To: 2, Op: "sep_conv_3x3", Weight: 1},
		{From: 0, To: 3, Op: "sep_conv_3x3", Weight: 1},
		{From: 2, To: 3, Op: "skip_connect", Weight: 1},
		{From: 3, To: 4, Op: "concat", Weight: 1},
	}
	c.Edit = &scene.Edit{Space: "darts",
		Choices: []int{0, 1, 1, 2, 0, 2, 2, 1},
		Options: [][]string{{"0", "1"}, ops, {"0", "1"}, ops, {"0", "1", "2"}, ops, {"0", "1", "2"}, ops},
		Op:      []int{1, 3, 5, 7},
		Input:   []int{0, 2, 4, 6},
	}
	return c
}

func valid(t *testing.T, c *scene.Cell) {
	t.Helper()
	s := scene.Scene{Kind: scene.KindCell, Cell: c}
	if err := s.Validate(); err != nil {
		t.Fatalf("the edited cell does not validate: %v", err)
	}
}

// TestOpCycles: clicking an edge walks its choice's options in order and
// wraps around; "none" is drawn with weight 0.
func TestOpCycles(t *testing.T) {
	c := nb201()
	var seen []string
	for range len(nb201Ops) {
		if !Op(c, 0, 1) {
			t.Fatal("Op changed nothing")
		}
		valid(t, c)
		seen = append(seen, c.Edges[0].Op)
	}
	want := []string{"avg_pool_3x3", "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"}
	if !slices.Equal(seen, want) {
		t.Errorf("edge 0 went through %v, want %v", seen, want)
	}
	if !Op(c, 0, 1) || c.Edges[0].Weight != 1 || !Op(c, 0, 1) || c.Edges[0].Op != "none" || c.Edges[0].Weight != 0 {
		t.Errorf("edge 0 is %s at weight %g after two more, want none at 0", c.Edges[0].Op, c.Edges[0].Weight)
	}
	if !Op(c, 0, -1) || c.Edges[0].Op != "avg_pool_3x3" || c.Edit.Choices[0] != 4 {
		t.Errorf("back one: %s (choice %d), want avg_pool_3x3 (4)", c.Edges[0].Op, c.Edit.Choices[0])
	}
	if !SetOp(c, 5, "none") || c.Edges[5].Op != "none" || c.Edit.Choices[5] != 0 || SetOp(c, 5, "none") || SetOp(c, 5, "conv_7x7") {
		t.Errorf("SetOp: edge 5 is %s (choice %d)", c.Edges[5].Op, c.Edit.Choices[5])
	}
	valid(t, c)
}

// TestFixedEdges: edges without a choice, and cells without an Edit, do not change.
func TestFixedEdges(t *testing.T) {
	c := darts()
	if Op(c, 4, 1) || Input(c, 4, 1) || CanOp(c, 4) || CanOp(c, -1) {
		t.Error("the concatenation edge changed")
	}
	plain := nb201()
	plain.Edit = nil
	if Op(plain, 0, 1) || Input(plain, 0, 1) {
		t.Error("a cell without an Edit changed")
	}
	if Input(nb201(), 0, 1) {
		t.Error("an NB201 edge changed its input")
	}
}

// TestInputSkipsTaken: a node's two inputs stay distinct, so node 3 (fed by
// 0 and 2) can move its first edge only to node 1, and back.
func TestInputSkipsTaken(t *testing.T) {
	c := darts()
	if CanInput(c, 0) {
		t.Error("node 2 has two inputs of two options: neither edge can move")
	}
	if !Input(c, 2, 1) || c.Edges[2].From != 1 || c.Edit.Choices[4] != 1 {
		t.Fatalf("edge 2 comes from %d (choice %d), want 1", c.Edges[2].From, c.Edit.Choices[4])
	}
	valid(t, c)
	if !Input(c, 2, 1) || c.Edges[2].From != 0 {
		t.Errorf("edge 2 comes from %d, want 0 (2 is taken by edge 3)", c.Edges[2].From)
	}
	if !Input(c, 3, -1) || c.Edges[3].From != 1 {
		t.Errorf("edge 3 comes from %d, want 1", c.Edges[3].From)
	}
	valid(t, c)
}

// TestHistory: undo and redo walk the edits; a new edit forgets the undone
// ones; the original is never changed.
func TestHistory(t *testing.T) {
	orig := nb201()
	h := NewHistory(orig)
	if h.Undo() || h.Redo() || h.Edited() {
		t.Fatal("a fresh history undoes, redoes or is edited")
	}
	h.Do(func(c *scene.Cell) bool { return Op(c, 1, 1) })
	h.Do(func(c *scene.Cell) bool { return Op(c, 2, 1) })
	if h.Do(func(c *scene.Cell) bool { return Op(c, 99, 1) }) {
		t.Error("an edit that changed nothing was recorded")
	}
	if got := h.Cell().Edit.Choices; !slices.Equal(got, []int{3, 1, 0, 1, 3, 1}) || !h.Edited() {
		t.Fatalf("after two edits: %v", got)
	}
	if !h.Undo() || h.Cell().Edges[2].Op != "avg_pool_3x3" || !h.Undo() || h.Undo() || h.Edited() {
		t.Fatal("undo did not walk back to the original")
	}
	if !h.Redo() || h.Cell().Edges[1].Op != "skip_connect" {
		t.Fatal("redo did not bring the first edit back")
	}
	h.Do(func(c *scene.Cell) bool { return Op(c, 5, -1) })
	if h.Redo() {
		t.Error("an undone edit survived a new one")
	}
	if got := orig.Edit.Choices; !slices.Equal(got, []int{3, 0, 4, 1, 3, 1}) || orig.Edges[1].Op != "none" {
		t.Errorf("the original changed: %v", got)
	}
	if h.Original().Edges[2].Op != "avg_pool_3x3" {
		t.Error("the history's first state changed")
	}
}
