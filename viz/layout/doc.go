// Package layout places what the canvas draws, in device pixels: an
// architecture cell (Compute: node boxes, edge curves with arrowheads, edge
// labels and the title), and a chart of evaluated architectures (ComputeChart:
// axes with nice ticks, dots, the Pareto front's step line or the incumbent,
// a legend, tooltips and hit testing; see the Charts section). It knows nothing of ebiten; package viz/canvas draws what it
// computes, the way an ebiten Game draws a world it does not own.
//
// # Shape
//
// Nodes sit on one line in the order the cell lists them (a topological
// order), left to right, or top to bottom when a tall viewport allows larger
// labels that way. Edges joining the same two nodes form a bundle of parallel
// curves (one edge, or every candidate op of a relaxed edge). A bundle between
// neighbours on the line is straight; every other bundle (a skip) is a cubic
// arc beside the line, on whichever side it crosses fewer other arcs. Arcs
// nest: an arc rises above every arc it encloses, and each curve meets its
// nodes at its own port, outermost nearest the node's middle, so nested arcs
// never cross. For the NAS-Bench-201 cell (four nodes, an edge or a bundle for
// every pair) no two curves meet at all.
//
// A lone edge's label sits on a pill on its curve; a bundle's labels are rows
// of one stack, each with a swatch of its op's colour. Labels go at the middle
// of a straight bundle, and over a gap between nodes for an arc (never above a
// node, where they would block other arcs' ports). An arc is raised until its
// labels and curves are clear of every node, label and curve already placed.
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
//
// # Charts
//
// A chart's x axis runs left to right and its y axis bottom to top whatever
// the objectives' directions (an axis to minimize says "lower is better" in
// its label). Ticks are NiceTicks: 1, 2 or 5 times a power of ten, covering
// the data, as many as fit with their labels apart. Dots keep clear of the
// axes by a few radii. Ungrouped points are faint, a named group has a
// colour; on a pareto chart the non-dominated points (ParetoFront) are drawn
// last, in the accent colour, joined by a step line through the corners the
// front dominates; on a points chart the best point on y (Incumbent) is
// ringed. Hit finds the nearest dot within HitRadius, preferring the one drawn
// on top. Tooltip puts a point's label (WrapLabel breaks NAS-Bench-201 strings
// between nodes) and figures beside its dot, on whichever side fits, and
// always inside the view.
package layout
