// Package scene describes what the canvas draws, as plain data.
//
// A Scene crosses from the kernel worker to the canvas iframe as JSON (MIME type
// MIMEType inside a notebook display output), so this package must stay free of
// ebiten and syscall/js: the kernel imports it, the canvas decodes it.
package scene

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// MIMEType is the key of a scene inside a notebook display_data output.
const MIMEType = "application/vnd.nasbook.scene+json"

// Kind names what a scene shows.
type Kind string

const (
	// KindCell is one architecture cell: a DAG of nodes joined by operation edges.
	KindCell Kind = "cell"
	// KindPoints is the progress of a search: a scatter of evaluated
	// architectures (x an evaluation number or any metric, y a metric) with
	// the points of each named group highlighted and the incumbent, the best
	// point on y, marked.
	KindPoints Kind = "points"
	// KindPareto is a trade-off between two objectives: every point faint and
	// the non-dominated ones (the Pareto front) joined by a step line.
	KindPareto Kind = "pareto"
)

// Scene is one complete picture for the canvas. A new scene replaces the old one.
type Scene struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title,omitempty"`
	Cell  *Cell  `json:"cell,omitempty"` // set when Kind == KindCell
	Plot  *Plot  `json:"plot,omitempty"` // set when Kind is KindPoints or KindPareto
	// Replay, if set, is the history of a finished search behind the
	// scene, which the canvas plays back step by step.
	Replay *Replay `json:"replay,omitempty"`
}

// Replay is how a scene came to be: a finished search after each of its
// Steps steps (evaluations, or epochs of a one-shot search). The scene
// itself is what the last step shows; the canvas derives the others
// (layout.Replayed) and offers a slider over them.
//
// For a chart, Plot.Points are in the order they were evaluated and step k
// shows the first k of them, the incumbent and the front being those of the
// points shown; Spans say when each point was in a group (the population of
// an evolution, say), and with Spans set a point shows no group outside
// them. For a cell, Weights[k] are its edges' weights after k steps, from
// k = 0 (before the first) to Steps.
type Replay struct {
	Unit    string      `json:"unit"` // what a step is: "evaluation", "epoch"
	Steps   int         `json:"steps"`
	Spans   []Span      `json:"spans,omitempty"`
	Weights [][]float64 `json:"weights,omitempty"`
}

// Span puts point P in Group from step From to the step before To (to the
// last step if To is 0).
type Span struct {
	P     int    `json:"p"`
	From  int    `json:"from"`
	To    int    `json:"to,omitempty"`
	Group string `json:"group"`
}

// Plot is a scatter of architectures against two metrics, for KindPoints and
// KindPareto. Which point is the incumbent (KindPoints) and which points form
// the front (KindPareto) follows from the points and the axes' directions;
// the canvas computes it.
type Plot struct {
	X Axis `json:"x"`
	Y Axis `json:"y"`
	// Points in the order they were evaluated; later points are drawn on top.
	Points []Point `json:"points"`
	// Cells are the architectures that points refer to by Point.Cell; clicking
	// such a point on the canvas draws its cell.
	Cells []Cell `json:"cells,omitempty"`
	// EditOptions are the options of every cell's Edit that lists none of
	// its own: the options of a space are the same for every architecture,
	// and a search's chart has hundreds of them. Decode gives each such
	// cell these (shared, not to be modified).
	EditOptions [][]string `json:"editOptions,omitempty"`
}

// Axis names a metric and its direction.
type Axis struct {
	Label string `json:"label"` // e.g. "accuracy (%)", "latency (ms)"
	// Minimize is true when lower values are better (latency, parameters,
	// error). It decides the incumbent and the front, never the axis's
	// direction on screen: values grow rightwards and upwards.
	Minimize bool `json:"minimize,omitempty"`
	// Metric, if set, names how the kernel computes this axis for an
	// architecture edited on the canvas: "params", "macs", "flops", or a
	// column of a benchmark table the notebook has open, such as
	// "cifar10_test" or "pixel3".
	Metric string `json:"metric,omitempty"`
	// Range, if set, is the axis's span [lo, hi] whatever the points: a
	// replay keeps its axes still so. Points outside are drawn at the edge.
	Range []float64 `json:"range,omitempty"`
}

// Point is one evaluated architecture.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// Label names the architecture in its tooltip, e.g. its NAS-Bench-201 string.
	Label string `json:"label,omitempty"`
	// Group sets the point apart: points of one named group share a colour and
	// a legend entry (e.g. "population" for the current population of an
	// evolution). Ungrouped points are drawn faint.
	Group string `json:"group,omitempty"`
	// Cell, if set, is the index in Plot.Cells of the point's architecture.
	Cell *int `json:"cell,omitempty"`
}

// Cell is a directed acyclic graph of feature maps (nodes) joined by operations
// (edges). Nodes are listed in topological order; an edge goes from an earlier
// node to a later one.
type Cell struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
	// Legend names the ops once, in a legend under the cell, rather than on
	// a label stack beside every bundle of edges: for a relaxed cell whose
	// every edge carries the same candidate ops, where the stacks would
	// repeat the same names and crowd the picture. Lone edges keep their
	// labels.
	Legend bool `json:"legend,omitempty"`
	// Edit, if set, makes the cell editable on the canvas: each of its
	// edges is a choice of an architecture of a search space.
	Edit *Edit `json:"edit,omitempty"`
}

// Edit says how a drawn cell is an architecture of a search space, so that
// the canvas can change it edge by edge: clicking an edge sets its choice's
// next option, and the canvas sends Space and the new Choices to the kernel,
// which costs the architecture.
type Edit struct {
	Space string `json:"space"` // the space's name, as nb.Space and nb.Parse take it
	// Choices is the architecture: the index of the chosen option of each of
	// the space's choices, for both cells of a DARTS network.
	Choices []int `json:"choices"`
	// Options are each choice's options: operation names, or for a choice of
	// input node the node's number ("0", "1", ...), the ID of a cell node.
	Options [][]string `json:"options"`
	// Op[i] is the choice that sets edge i's operation. Edges past len(Op)
	// (a DARTS cell's concatenation) are fixed.
	Op []int `json:"op"`
	// Input[i] is the choice that sets edge i's input node, or -1 where the
	// input is fixed (every edge of an NB201 cell).
	Input []int `json:"input,omitempty"`
}

// Node is one feature map of a cell.
type Node struct {
	ID    int    `json:"id"`
	Label string `json:"label"` // e.g. "in", "1", "out", "c_{k-1}"
}

// Edge is one operation from node From to node To.
type Edge struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Op   string `json:"op"` // operation name as its space spells it, e.g. "nor_conv_3x3"
	// Weight in [0, 1] sets the edge's width and opacity: 1 for a discrete
	// architecture, the softmax weight of Op while a relaxation trains.
	Weight float64 `json:"weight"`
}

// Validate reports the first structural problem of s, naming it.
func (s *Scene) Validate() error {
	switch s.Kind {
	case KindCell:
		if s.Cell == nil {
			return fmt.Errorf("scene: kind %q without a cell", s.Kind)
		}
		if err := s.Cell.validate(""); err != nil {
			return err
		}
		if err := s.Cell.Edit.validate(s.Cell); err != nil {
			return err
		}
	case KindPoints, KindPareto:
		if s.Plot == nil {
			return fmt.Errorf("scene: kind %q without a plot", s.Kind)
		}
		if err := s.Plot.validate(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("scene: unknown kind %q", s.Kind)
	}
	return s.Replay.validate(s)
}

// validate checks that r fits s: a step per point of a chart, a weight per
// edge of a cell at every step.
func (r *Replay) validate(s *Scene) error {
	if r == nil {
		return nil
	}
	if r.Steps < 0 {
		return fmt.Errorf("scene: replay of %d steps", r.Steps)
	}
	if s.Kind == KindCell {
		if len(r.Spans) > 0 {
			return fmt.Errorf("scene: replay of a cell with spans of points")
		}
		if len(r.Weights) != r.Steps+1 {
			return fmt.Errorf("scene: replay of %d steps has %d lists of weights, want one before the first step and one after each", r.Steps, len(r.Weights))
		}
		for k, w := range r.Weights {
			if len(w) != len(s.Cell.Edges) {
				return fmt.Errorf("scene: replay step %d has %d weights for %d edges", k, len(w), len(s.Cell.Edges))
			}
			for i, v := range w {
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("scene: replay step %d gives edge %d weight %g outside [0, 1]", k, i, v)
				}
			}
		}
		return nil
	}
	if len(r.Weights) > 0 {
		return fmt.Errorf("scene: replay of a chart with weights of edges")
	}
	if r.Steps != len(s.Plot.Points) {
		return fmt.Errorf("scene: replay of %d steps of a chart of %d points; want a step per point", r.Steps, len(s.Plot.Points))
	}
	for _, sp := range r.Spans {
		if sp.P < 0 || sp.P >= len(s.Plot.Points) || sp.From < 0 || sp.From > r.Steps || sp.To < 0 || sp.To > r.Steps || (sp.To != 0 && sp.To <= sp.From) {
			return fmt.Errorf("scene: replay span of point %d from step %d to %d, in a replay of %d steps", sp.P, sp.From, sp.To, r.Steps)
		}
	}
	return nil
}

// validate checks c; where names the cell in errors ("" for a scene's own
// cell, "cells[2]: " for a plot's).
func (c *Cell) validate(where string) error {
	ids := make(map[int]bool, len(c.Nodes))
	for _, n := range c.Nodes {
		if ids[n.ID] {
			return fmt.Errorf("scene: %snode %d listed twice", where, n.ID)
		}
		ids[n.ID] = true
	}
	for i, e := range c.Edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("scene: %sedge %d (%s) joins unknown node %d->%d", where, i, e.Op, e.From, e.To)
		}
		if e.Weight < 0 || e.Weight > 1 {
			return fmt.Errorf("scene: %sedge %d (%s) has weight %g outside [0, 1]", where, i, e.Op, e.Weight)
		}
	}
	return nil
}

// validate checks that e fits c: each edge's choices exist, each choice's
// option exists, and the edges show the options chosen.
func (e *Edit) validate(c *Cell) error {
	if e == nil {
		return nil
	}
	if len(e.Choices) != len(e.Options) {
		return fmt.Errorf("scene: edit has %d choices and %d option lists", len(e.Choices), len(e.Options))
	}
	for k, v := range e.Choices {
		if v < 0 || v >= len(e.Options[k]) {
			return fmt.Errorf("scene: edit choice %d is option %d of %d", k, v, len(e.Options[k]))
		}
	}
	if len(e.Op) > len(c.Edges) || len(e.Input) > len(e.Op) {
		return fmt.Errorf("scene: edit names %d edges' ops and %d edges' inputs of a cell of %d edges", len(e.Op), len(e.Input), len(c.Edges))
	}
	for i, k := range e.Op {
		if k < 0 || k >= len(e.Choices) {
			return fmt.Errorf("scene: edit: edge %d's op is choice %d of %d", i, k, len(e.Choices))
		}
		if op := e.Options[k][e.Choices[k]]; op != c.Edges[i].Op {
			return fmt.Errorf("scene: edit: edge %d is drawn as %s but its choice is %s", i, c.Edges[i].Op, op)
		}
	}
	for i, k := range e.Input {
		if k >= len(e.Choices) {
			return fmt.Errorf("scene: edit: edge %d's input is choice %d of %d", i, k, len(e.Choices))
		}
		if k >= 0 && e.Options[k][e.Choices[k]] != strconv.Itoa(c.Edges[i].From) {
			return fmt.Errorf("scene: edit: edge %d comes from node %d but its choice is %s", i, c.Edges[i].From, e.Options[k][e.Choices[k]])
		}
	}
	return nil
}

func (p *Plot) validate() error {
	for _, a := range []*Axis{&p.X, &p.Y} {
		if a.Range == nil {
			continue
		}
		if len(a.Range) != 2 || math.IsNaN(a.Range[0]) || math.IsInf(a.Range[0], 0) || math.IsNaN(a.Range[1]) || math.IsInf(a.Range[1], 0) || a.Range[0] > a.Range[1] {
			return fmt.Errorf("scene: axis %q has range %v; want [lo, hi], finite, lo <= hi", a.Label, a.Range)
		}
	}
	for i, c := range p.Cells {
		if err := c.validate(fmt.Sprintf("plot cells[%d]: ", i)); err != nil {
			return err
		}
		e := c.Edit
		if e != nil && e.Options == nil {
			shared := *e
			shared.Options = p.EditOptions
			e = &shared
		}
		if err := e.validate(&p.Cells[i]); err != nil {
			return fmt.Errorf("plot cells[%d]: %w", i, err)
		}
	}
	for i, q := range p.Points {
		name := fmt.Sprintf("point %d", i)
		if q.Label != "" {
			name += " (" + q.Label + ")"
		}
		if math.IsNaN(q.X) || math.IsInf(q.X, 0) {
			return fmt.Errorf("scene: plot %s has x = %g; want a finite number", name, q.X)
		}
		if math.IsNaN(q.Y) || math.IsInf(q.Y, 0) {
			return fmt.Errorf("scene: plot %s has y = %g; want a finite number", name, q.Y)
		}
		if q.Cell != nil && (*q.Cell < 0 || *q.Cell >= len(p.Cells)) {
			return fmt.Errorf("scene: plot %s refers to cell %d of %d", name, *q.Cell, len(p.Cells))
		}
	}
	return nil
}

// Decode parses and validates a scene from JSON.
func Decode(data []byte) (*Scene, error) {
	var s Scene
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("scene: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if p := s.Plot; p != nil {
		for i := range p.Cells {
			if e := p.Cells[i].Edit; e != nil && e.Options == nil {
				e.Options = p.EditOptions
			}
		}
	}
	return &s, nil
}
