// Package space defines what a search space is, once for every strategy.
//
// A space is a list of choices (Dims), each with a few options; an
// architecture (Arch) is one option index per choice. Everything a strategy
// does — sample, mutate, list neighbours, enumerate, encode as a vector, hash
// — is defined here over that representation, so a strategy works on every
// space: the built-in ones and those a notebook cell defines. A space adds
// its own meaning through a small interface (Space) and optional abilities
// found by type assertion (Canonicalizer, Encoder, Mutator, Sampler,
// Specifier).
//
// A Specifier's architectures are networks: its Spec is the architecture as
// data (package space/spec), which builds into a trainable network or lowers
// to the layer list that package engine/cost counts.
//
// The built-in spaces live in sub-packages: space/nb201 (NAS-Bench-201),
// space/darts (the DARTS cell space and its published genotypes),
// space/mobilenet (a per-stage MobileNet macro space; MobileNetV2 and V3),
// space/transformer (layers, heads, width, MLP ratio); space/spaces names
// them and reads any of their notations.
package space
