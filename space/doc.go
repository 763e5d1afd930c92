// Package space defines what a search space is, once for every strategy.
//
// A space is a list of choices (Dims), each with a few options; an
// architecture (Arch) is one option index per choice. Everything a strategy
// does — sample, mutate, list neighbours, enumerate, encode as a vector, hash
// — is defined here over that representation, so a strategy works on every
// space: the built-in ones (space/nb201, ...) and those a notebook cell
// defines. A space adds its own meaning through a small interface (Space) and
// optional abilities found by type assertion (Canonicalizer, Encoder,
// Mutator, Sampler).
package space
