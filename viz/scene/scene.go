// Package scene describes what the canvas draws, as plain data.
//
// A Scene crosses from the kernel worker to the canvas iframe as JSON (MIME type
// MIMEType inside a notebook display output), so this package must stay free of
// ebiten and syscall/js: the kernel imports it, the canvas decodes it.
package scene

import (
	"encoding/json"
	"fmt"
)

// MIMEType is the key of a scene inside a notebook display_data output.
const MIMEType = "application/vnd.nasbook.scene+json"

// Kind names what a scene shows.
type Kind string

const (
	// KindCell is one architecture cell: a DAG of nodes joined by operation edges.
	KindCell Kind = "cell"
)

// Scene is one complete picture for the canvas. A new scene replaces the old one.
type Scene struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title,omitempty"`
	Cell  *Cell  `json:"cell,omitempty"` // set when Kind == KindCell
}

// Cell is a directed acyclic graph of feature maps (nodes) joined by operations
// (edges). Nodes are listed in topological order; an edge goes from an earlier
// node to a later one.
type Cell struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
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
		ids := make(map[int]bool, len(s.Cell.Nodes))
		for _, n := range s.Cell.Nodes {
			if ids[n.ID] {
				return fmt.Errorf("scene: node %d listed twice", n.ID)
			}
			ids[n.ID] = true
		}
		for i, e := range s.Cell.Edges {
			if !ids[e.From] || !ids[e.To] {
				return fmt.Errorf("scene: edge %d (%s) joins unknown node %d->%d", i, e.Op, e.From, e.To)
			}
			if e.Weight < 0 || e.Weight > 1 {
				return fmt.Errorf("scene: edge %d (%s) has weight %g outside [0, 1]", i, e.Op, e.Weight)
			}
		}
		return nil
	default:
		return fmt.Errorf("scene: unknown kind %q", s.Kind)
	}
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
	return &s, nil
}
