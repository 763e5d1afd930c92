// Package edit changes an editable cell (a scene.Cell with an Edit) the way
// the canvas lets a student change it: an edge's operation or input node set
// to the next or previous option of its choice, and a History of such edits
// to undo and redo. It knows nothing of ebiten or of search spaces beyond
// what the scene says: the kernel checks and costs the result.
package edit

import (
	"slices"
	"strconv"

	"nasbook/viz/scene"
)

// Clone returns a deep copy of c, so edits of the copy leave c as it was.
func Clone(c *scene.Cell) *scene.Cell {
	d := *c
	d.Nodes = slices.Clone(c.Nodes)
	d.Edges = slices.Clone(c.Edges)
	if c.Edit != nil {
		e := *c.Edit
		e.Choices = slices.Clone(e.Choices)
		e.Op = slices.Clone(e.Op)
		e.Input = slices.Clone(e.Input)
		// Options are never changed: shared.
		d.Edit = &e
	}
	return &d
}

// CanOp reports whether edge i's operation can be changed.
func CanOp(c *scene.Cell, i int) bool {
	return c.Edit != nil && i >= 0 && i < len(c.Edit.Op) && len(c.Edit.Options[c.Edit.Op[i]]) > 1
}

// CanInput reports whether edge i's input node can be changed.
func CanInput(c *scene.Cell, i int) bool {
	return c.Edit != nil && i >= 0 && i < len(c.Edit.Input) && c.Edit.Input[i] >= 0 && len(inputs(c, i)) > 1
}

// Op sets edge i's operation to the next option of its choice (dir > 0) or
// the previous one (dir < 0), wrapping around, and reports whether it
// changed c. A "none" operation is drawn with weight 0, any other with 1.
func Op(c *scene.Cell, i, dir int) bool {
	if !CanOp(c, i) || dir == 0 {
		return false
	}
	e := c.Edit
	k := e.Op[i]
	n := len(e.Options[k])
	e.Choices[k] = ((e.Choices[k]+sign(dir))%n + n) % n
	op := e.Options[k][e.Choices[k]]
	c.Edges[i].Op = op
	c.Edges[i].Weight = 1
	if op == "none" {
		c.Edges[i].Weight = 0
	}
	return true
}

// SetOp sets edge i's operation to op, an option of its choice, and reports
// whether it changed c.
func SetOp(c *scene.Cell, i int, op string) bool {
	if !CanOp(c, i) {
		return false
	}
	k := c.Edit.Op[i]
	j := slices.Index(c.Edit.Options[k], op)
	if j < 0 || j == c.Edit.Choices[k] {
		return false
	}
	c.Edit.Choices[k] = (j - 1 + len(c.Edit.Options[k])) % len(c.Edit.Options[k])
	return Op(c, i, 1)
}

// Input sets edge i's input node to the next (dir > 0) or previous (dir < 0)
// option of its choice, wrapping around, and reports whether it changed c.
// It skips nodes that already feed the edge's node by another edge: a node's
// inputs are distinct, as DARTS's and a notebook's cell spaces require.
func Input(c *scene.Cell, i, dir int) bool {
	if !CanInput(c, i) || dir == 0 {
		return false
	}
	ok := inputs(c, i)
	k := c.Edit.Input[i]
	cur := slices.Index(ok, c.Edit.Choices[k])
	if cur < 0 {
		cur = 0
	}
	next := ok[((cur+sign(dir))%len(ok)+len(ok))%len(ok)]
	if next == c.Edit.Choices[k] {
		return false
	}
	from, err := strconv.Atoi(c.Edit.Options[k][next])
	if err != nil {
		return false // a scene whose input options are not node numbers
	}
	c.Edit.Choices[k] = next
	c.Edges[i].From = from
	return true
}

// inputs returns the options of edge i's input choice that no other edge
// into the same node takes, its own current option included.
func inputs(c *scene.Cell, i int) []int {
	k := c.Edit.Input[i]
	taken := map[string]bool{}
	for j, e := range c.Edges {
		if j != i && e.To == c.Edges[i].To {
			taken[strconv.Itoa(e.From)] = true
		}
	}
	var out []int
	for v, name := range c.Edit.Options[k] {
		if v == c.Edit.Choices[k] || !taken[name] {
			out = append(out, v)
		}
	}
	return out
}

func sign(d int) int {
	if d < 0 {
		return -1
	}
	return 1
}

// History is a cell and the edits made to it, for undo and redo. The zero
// value is not usable; call NewHistory.
type History struct {
	states []*scene.Cell
	at     int
}

// NewHistory starts a history at a copy of c.
func NewHistory(c *scene.Cell) *History {
	return &History{states: []*scene.Cell{Clone(c)}}
}

// Cell returns the cell as it is now. It must not be changed: edit it
// through Do.
func (h *History) Cell() *scene.Cell { return h.states[h.at] }

// Original returns the cell the history started at.
func (h *History) Original() *scene.Cell { return h.states[0] }

// Do applies f to a copy of the current cell; if f reports a change, the
// copy becomes the current cell, and edits that were undone are forgotten.
func (h *History) Do(f func(*scene.Cell) bool) bool {
	c := Clone(h.Cell())
	if !f(c) {
		return false
	}
	h.states = append(h.states[:h.at+1], c)
	h.at++
	return true
}

// Undo goes back one edit and reports whether there was one.
func (h *History) Undo() bool {
	if h.at == 0 {
		return false
	}
	h.at--
	return true
}

// Redo goes forward one undone edit and reports whether there was one.
func (h *History) Redo() bool {
	if h.at == len(h.states)-1 {
		return false
	}
	h.at++
	return true
}

// Edited reports whether the current cell differs from the original.
func (h *History) Edited() bool {
	if h.Cell().Edit == nil {
		return false
	}
	return !slices.Equal(h.Cell().Edit.Choices, h.Original().Edit.Choices)
}
