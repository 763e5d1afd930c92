// Package layout places an architecture cell (a scene.Cell) on a canvas: node
// boxes, edge curves with arrowheads, edge labels and the title, in device
// pixels. It knows nothing of ebiten; package viz/canvas draws what it
// computes, the way an ebiten Game draws a world it does not own.
//
// # Shape
//
// Nodes sit on one line in the order the cell lists them (a topological
// order), left to right, or top to bottom when a tall viewport allows larger
// labels that way. An edge between neighbours on the line is a straight
// segment; every other edge (a skip, or a second edge between the same pair) is
// a cubic arc beside the line, on whichever side it crosses fewer other arcs.
// Arcs nest: an arc rises above every arc it encloses, and each arc meets its
// nodes at its own port, outermost arcs nearest the node's middle, so nested
// arcs never cross. For the four-node, six-edge NAS-Bench-201 cell no two edges
// meet at all.
//
// Each edge's label sits on a pill on its curve: at the middle of a straight
// edge, over a gap between nodes for an arc (never above a node, where it would
// block other arcs' ports). An arc is raised until its pill and curve are clear
// of every node, pill and curve already placed.
//
// # Size
//
// Compute tries label sizes from Options.MaxLabelSize down to
// Options.MinLabelSize and keeps the largest at which the cell fits. If none
// does, it shrinks the smallest layout, text and all, to fit, and reports
// Layout.Fits false. The geometry depends on the cell's nodes, edges, ops,
// title and the viewport, never on edge weights, so a cell whose weights change
// while a relaxation trains keeps its shape; only Edge.Width and Edge.Alpha
// follow the weight.
//
// # Invariants (held by the tests)
//
//   - node boxes do not overlap, and each label pill is clear of nodes, other
//     pills, other curves and the title;
//   - Edge.Curve[0] lies on the From node's border and Edge.Arrow[0] (the tip)
//     on the To node's border;
//   - everything lies inside the viewport;
//   - the same arguments give the same Layout.
package layout
