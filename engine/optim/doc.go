// Package optim updates flat parameter buffers.
//
// Parameters and gradients arrive as two slices of equal length (ag.Params
// Data and Grad), so every optimizer is one loop. An optimizer keeps its state
// (momentum, Adam moments) in slices of the same length, allocated on the
// first Step; reusing an optimizer for a different parameter set panics.
//
// The update rules are PyTorch's (torch.optim.SGD, Adam, AdamW), so settings
// from papers carry over. Zero-valued fields mean the documented defaults.
//
// Learning-rate schedules are separate (Schedule), evaluated by the caller at
// each step or epoch, and ClipGradNorm rescales a gradient buffer in place.
package optim
