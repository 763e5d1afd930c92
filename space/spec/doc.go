// Package spec describes a network as data — an architecture spec — and
// lowers it: into the layer list that package engine/cost counts (Lower,
// Cost), and into the parts of its modules (Walk), which package
// engine/build makes into a trainable network. It imports nothing of the
// autograd: spaces, their encodings and the op vocabulary are data.
//
// A Spec crosses process boundaries as JSON: a pool worker receives a spec
// and builds it without running the script that defined its space. Every
// space converts its architectures to specs (NAS-Bench-201 and DARTS cells,
// MobileNet stages, transformers), and a space that a notebook defines
// writes specs of the same two kinds:
//
//   - Kind "cell": a cell-based network. Cells describes the macro skeleton
//     (Macro "nb201": a stem, three stages of N cells with residual
//     reductions; Macro "darts" and "darts-imagenet": cells on the two
//     previous outputs with reductions at 1/3 and 2/3 of the depth) and the
//     cells as DAGs of named operations. Operation names resolve against the
//     op vocabulary (BuiltinOps: one table of every built-in operation, the
//     NAS-Bench-201 and DARTS sets among them, by family and parameters) and
//     the spec's own Ops, each a sequence of generic layers.
//   - Kind "sequential": a list of generic Layers (convolutions, norms,
//     activations, pooling, inverted residual blocks, branch blocks,
//     patches, embeddings, transformer blocks, linear layers).
//
// A branch block runs its branches, each a list of layers, on one input and
// adds their outputs or joins them along channels; its empty branch is the
// shortcut, projected (1×1 convolution, batch norm) where the others change
// the shape. A ResNet block that halves the size is one, with its ReLU:
//
//	{"op": "branch", "branches": [[{"op": "conv", "out": 128, "kernel": 3, "stride": 2, "same": true},
//	  {"op": "bn"}, {"op": "relu"}, {"op": "conv", "out": 128, "kernel": 3, "same": true}, {"op": "bn"}], []]},
//	{"op": "relu"}
//
// Example (a two-layer classifier of 3×32×32 images):
//
//	{"kind": "sequential", "input": [3, 32, 32], "classes": 10,
//	 "layers": [{"op": "conv", "out": 16, "kernel": 3, "same": true},
//	            {"op": "bn"}, {"op": "relu"}, {"op": "gap"},
//	            {"op": "linear", "out": 10, "bias": true}]}
//
// Lowering and building are one walk of a spec, in the same code: every
// layer is first shape-checked and recorded for the cost model, then (when
// building) handed to a Maker as a Part, which engine/build makes into an
// engine/nn module. So a spec that lowers also builds, and the costs
// describe the network that trains. Mistakes a user can make in a spec — an unknown
// operation, a shape that does not fit, a tensor of size zero — are errors
// naming the layer, cell, node or edge; they never panic.
package spec
