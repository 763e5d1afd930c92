// Package cost counts what a network costs: parameters, multiply-accumulates,
// FLOPs, activation memory, peak training memory, and latency on the device
// the code runs on.
//
// A network is described to this package as a Net: the list of its layers in
// execution order, each with its kind, input and output shapes (batch
// excluded) and the settings that decide its cost (kernel, stride, groups,
// ...). Package space/spec lowers an architecture spec to a
// Net by shape inference alone, without allocating weights, so costing the
// 15,625 NAS-Bench-201 networks takes well under a second.
//
// # Conventions
//
// MACs count the multiply-accumulates of convolutions, linear layers and
// attention score/value products, as the MobileNet papers count "MAdds".
// Batch norm, activations, pooling, additions and concatenations count
// none. FLOPs are 2 x MACs. Benchmarks with their own convention get their
// own function: NASLibFLOPs counts as NASLib's zero-cost benchmark does
// (tensorwatch's torchstat counter), the figures its NAS-Bench-201 tables
// print.
//
// Params counts the parameters of the inference network: layers marked Aux
// (an auxiliary classifier used only in training, as in DARTS) are counted
// separately in AuxParams, as the DARTS code's count_parameters_in_MB skips
// them.
//
// Activation memory is what the engine's tape keeps for backward: every
// layer output (4-byte floats, batch 1). Peak training memory at batch B is
// parameters, their gradients and one optimizer slot (3 x 4 bytes each) plus
// B x 2 x activation bytes (each activation has a gradient buffer of its
// size during backward).
//
// # Latency
//
// Latency sums per-layer times from a LatencyTable: each distinct layer
// configuration (Layer.Key) is timed once on this device (Measure, with a
// Timer: package engine/timing runs the layer on the engine's kernels) and
// cached; configurations not yet measured are predicted by a per-kind
// linear model in MACs and elements fitted to the measured ones.
//
// The package imports nothing of the autograd: it sits below the spaces,
// which lower their specs to its layers.
package cost
