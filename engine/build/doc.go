// Package build is the one network builder: it turns an architecture spec
// (package space/spec) into a trainable network of engine/nn modules
// (Build), and a relaxed cell edge into the candidate operations of a mixed
// op (EdgeOp, MixedOp), which the one-shot supernet weighs.
//
// It does not walk specs itself. spec.Walk lowers a spec — checks every
// layer's shape, records its cost — and hands each layer to this package's
// Maker as a spec.Part, in the order the weights are drawn; Make turns a
// Part into a module with one switch over the part kinds. Built-in cell
// operations are composed from the op vocabulary (spec.BuiltinOps) by
// their family's rule in that walk, so a fixed network, a supernet and the
// cost model agree on every operation, and an operation of an existing
// family is one entry of the vocabulary.
//
// The weights are initialised from the caller's rand.Rand: the same spec
// and seed give the same network, natively and in the browser.
package build
