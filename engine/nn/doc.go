// Package nn builds networks from the autograd ops of package ag.
//
// A Module maps one tensor to another on a tape:
//
//	type Module interface{ Forward(t *ag.Tape, x *ag.Var) *ag.Var }
//
// Layers hold their parameters as *ag.Var views into one ag.Params, created
// by their constructors (NewLinear, NewConv2D, ...) under PyTorch-style names
// ("stem.conv.weight", "stem.bn.bias"), and initialised from an explicit
// *rand.Rand: weights He-uniform U(±sqrt(6/fan_in)), biases 0, batch-norm
// γ=1, β=0. Batch-norm running statistics are buffers kept in the layer, not
// parameters.
//
// The cell-search operations follow their reference definitions exactly:
// ReLUConvBN, SepConv, DilConv, FactorizedReduce, Zero and Identity as in
// DARTS operations.py and NAS-Bench-201 cell_operations.py, and NAS-Bench-201's
// ResNetBasicBlock for reductions. Where the two papers differ (conv bias,
// odd sizes in FactorizedReduce) OpConfig says which is which.
//
// Training-mode behaviour (batch statistics, dropout, a mixture of experts'
// load-balancing loss, which MoE adds to the tape's objective) follows the
// tape's Train flag, so one Module serves both training and evaluation.
package nn
