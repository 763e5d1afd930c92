// Package train runs the supervised training loop: minibatch SGD-style steps
// over epochs, with per-epoch metrics, progress callbacks and cancellation.
//
// Fit owns one ag.Tape for the whole run and resets it after every step, so
// after the first step the loop allocates no activations. It is deterministic:
// given the same model parameters, batches and optimizer state it produces
// the same numbers (on one platform; across platforms, up to float32
// summation order).
//
// Data arrives through the one-method Batches interface so this package does
// not depend on how datasets are stored; engine/data's Dataset.Tensors gives
// one.
//
// Cancellation is checked between steps, never inside one: through the
// context given to Fit and through Config.Stop, which suits a wasm worker that
// polls a "stop" flag set by its message handler.
package train
