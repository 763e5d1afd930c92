// Package oneshot is weight-sharing architecture search over cell spaces:
// the continuous relaxation of DARTS (first and second order), GDAS's
// Gumbel-softmax sampling, and single-path one-shot training (SPOS) whose
// shared weights then score architectures for the strategies of package
// engine/search.
//
// # The supernet
//
// NewSupernet builds a Skeleton — the NB201 macro (a stem, three stages of
// cells with residual reductions) or the DARTS macro (cells on the two
// previous outputs, reduction cells at 1/3 and 2/3 of the depth) — whose
// every cell edge carries all candidate operations. The operations are
// entries of the op vocabulary (spec.BuiltinOp) or a spec's own layer
// sequences (Skeleton.Custom), made by the one builder (build.MixedOp) in
// the supernet's style (spec.OpStyle), so a cell space that a notebook
// defines is relaxed the same way, and a fixed network and the supernet
// compose an operation alike. Weights and architecture logits α live in
// two flat ag.Params: Supernet.Weights and Supernet.Arch, one [len(Ops)]
// view per cell kind and edge.
//
// A forward pass follows a Path: the softmax of α on every edge (DARTS), a
// straight-through one-hot sample (GDAS), or one op per edge (SPOS, and
// scoring a discrete architecture). Batch norms inside the supernet keep no
// running statistics: the mixed or sampled network changes every step, so
// they normalise with the batch's statistics in evaluation too.
//
// # The search
//
// Search alternates, per training batch, an architecture step on a
// validation batch (Adam on α) and a weight step (SGD on the weights), the
// bilevel optimisation of DARTS; second-order DARTS replaces the first with
// the unrolled gradient and its finite-difference Hessian-vector product.
// Config.OnWeights streams the softmax weights a few times a second, and
// every epoch leaves an EpochLog with the weights, their entropy, and the
// cell derived at that point with its count of skip connections and
// parameter-free operations, the symptom of DARTS's collapse. Three remedies
// are switches: MaxSkips (P-DARTS's cap), StopSkips (DARTS+'s early stop)
// and AuxSkip (DARTS-'s decaying auxiliary skip).
//
// Derive discretises weights: the strongest op other than none per edge in
// the NB201 macro, the two strongest inputs per node in the DARTS macro. The
// result is a spec.Cell per cell kind, the architecture in its space's
// notation (an NB201 string or a DARTS genotype) and a spec to retrain
// (Retrain).
//
// Searches are deterministic for a seed: every random choice draws from
// Config.Seed.
package oneshot
