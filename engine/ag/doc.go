// Package ag is the engine's reverse-mode automatic differentiation.
//
// A Tape records operations as they run. Each operation computes its output
// immediately (eager forward) and appends a backward closure to the tape;
// Tape.Backward runs those closures in reverse order. Forward and backward of
// every op sit next to each other in this package, with the shapes in a
// comment, and the forward pass keeps what the backward pass needs.
//
// # Values and gradients
//
// A Var pairs a value tensor with its gradient tensor. Grad is nil when no
// gradient flows to the value: inputs created with Const, and anything
// computed only from such values. Backward closures skip nil gradients, so a
// network's input batch costs no input-gradient work. Every backward
// accumulates into gradients with +=, so a value used twice collects both
// contributions; parameter gradients therefore have to be zeroed between steps
// (Params.ZeroGrad).
//
// # Memory
//
// Intermediate values and gradients come from a pool owned by the tape. They
// stay valid until Tape.Reset, which forgets the recorded operations and takes
// every pooled buffer back for the next step, so a training loop that calls
// Reset once per step allocates its activations only on the first step. Copy
// anything (a loss, a prediction) you need past Reset.
//
// Parameters live elsewhere: Params keeps all parameter values in one flat
// slice and all gradients in another, and hands out Vars whose tensors are
// named views into them, so an optimizer is one loop over two slices.
//
// # Kernels and modes
//
// The tape computes through a compute.Set chosen when it is made, and carries
// the train/eval switch (Train) that batch norm and dropout read. A Tape is not
// safe for concurrent use; build one per goroutine or worker.
//
// Besides Train, a tape has three more modes, all off in its zero value:
// Gates fixes the choices of every ReLU, hard activation (ReLU6,
// HardSigmoid, HardSwish) and max pool so that a gradient can be
// differentiated by finite differences (second-order DARTS, GraSP),
// SkipBatchNorm runs the network as if its batch norms were removed, and
// SkipAuxLoss leaves the auxiliary losses (below) out of Backward. Its one
// extension point is Observer, which sees the ops that apply weights and the
// ReLUs and GELUs as they are recorded (a hard activation as the two ReLUs
// at its kinks); what is collected there (zero-cost proxies collect layer
// outputs and activation codes) is the observer's business, not the tape's.
//
// # Auxiliary losses
//
// A module may add a term to the training objective from inside its forward
// pass with AddLoss (a mixture of experts' load-balancing loss): Backward
// differentiates the loss it is given plus every such term, so training
// loops need not know which modules add one. AuxLoss reports their sum.
// The zero-cost proxies, defined on the task's loss, set SkipAuxLoss.
//
// Shape mistakes panic with an "ag:" prefix.
package ag
