// Package pareto finds the Pareto fronts of points scored on several
// objectives: dominance, the non-dominated front, the fronts of a
// non-dominated sort with their crowding distances (NSGA-II's ranking), and
// the hypervolume of two objectives.
//
// A point is a []float64 of fitness, one value per objective, each oriented
// so that larger is better: negate a value to minimise it (the search
// engine's Problem.Fitness does). Results are indices into the slice of
// points, which is never modified. The package imports nothing but the
// standard library, so that the search engine and the charts that draw its
// fronts share one definition of the front.
package pareto
