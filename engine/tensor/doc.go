// Package tensor holds the n-dimensional float32 arrays the engine computes on.
//
// A Tensor is laid out like image.RGBA: its elements live in the exported Data
// slice and the element at index (i0, i1, ..., ik) is
//
//	Data[i0*Strides[0] + i1*Strides[1] + ... + ik*Strides[k]]
//
// There is no separate offset field: a view that starts inside another tensor
// simply has Data re-sliced to begin at its first element. New tensors are
// contiguous and row-major ("C order"), so for the usual NCHW image batch
// [N, C, H, W] the strides are [C*H*W, H*W, W, 1].
//
// Views (Reshape, Slice, Row) share storage with the tensor they come from:
// writing through a view writes the original. Clone makes an independent copy.
//
// Shape mistakes are programmer errors and panic with a "tensor:" prefix.
//
// Initialisers (Uniform, Normal, HeUniform, ...) take an explicit *rand.Rand;
// the package never uses a global random source, so the same seed gives the
// same tensor on every platform.
package tensor
