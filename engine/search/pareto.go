package search

import (
	"cmp"
	"slices"

	"nasbook/engine/pareto"
)

// PooledFront returns the non-dominated evaluations of evals (on their
// fitness), each architecture once, best first on the first objective: the
// front of several runs together.
func PooledFront(evals []Evaluation) []Evaluation {
	fs := make([][]float64, len(evals))
	for i, e := range evals {
		fs[i] = e.Fitness
	}
	var front []Evaluation
	seen := map[string]bool{}
	for _, i := range pareto.Front(fs) {
		if k := evals[i].Arch.Key(); !seen[k] {
			seen[k] = true
			front = append(front, evals[i])
		}
	}
	slices.SortStableFunc(front, func(a, b Evaluation) int { return cmp.Compare(b.Fitness[0], a.Fitness[0]) })
	return front
}
