// Package timing measures how long layers take on this device: Forward
// runs a cost.Layer's forward pass on the engine's kernels and is the
// cost.Timer that a cost.LatencyTable fills itself with.
//
// It sits above the autograd (it runs tapes) and beside the builder, so
// that package engine/cost, which only counts and predicts, stays below
// the spaces: spaces lower their specs to cost layers without importing
// anything that trains.
package timing
