// Package data provides labelled datasets for training and searching: a
// Dataset type with seeded splitting and batching, synthetic sets generated
// from a seed, and readers for IDX (MNIST) and CSV files.
package data
