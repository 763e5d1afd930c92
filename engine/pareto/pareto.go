package pareto

import (
	"fmt"
	"math"
	"slices"
)

// Dominates reports whether fitness a Pareto-dominates b: a is at least as
// good on every objective and better on one (larger is better).
func Dominates(a, b []float64) bool {
	better := false
	for i := range a {
		if a[i] < b[i] {
			return false
		}
		if a[i] > b[i] {
			better = true
		}
	}
	return better
}

// NonDominatedSort sorts fitness vectors into Pareto fronts (Deb et al. 2002,
// fast non-dominated sorting): fronts[0] holds the indices of the
// non-dominated points, fronts[1] those dominated only by fronts[0], and so
// on. Indices within a front are increasing.
func NonDominatedSort(fs [][]float64) [][]int {
	n := len(fs)
	dominatedBy := make([]int, n) // number of points that dominate i
	dominates := make([][]int, n) // points that i dominates
	var fronts [][]int
	var cur []int
	for i := range n {
		for j := range n {
			if i != j && Dominates(fs[i], fs[j]) {
				dominates[i] = append(dominates[i], j)
			} else if i != j && Dominates(fs[j], fs[i]) {
				dominatedBy[i]++
			}
		}
		if dominatedBy[i] == 0 {
			cur = append(cur, i)
		}
	}
	for len(cur) > 0 {
		fronts = append(fronts, cur)
		var next []int
		for _, i := range cur {
			for _, j := range dominates[i] {
				if dominatedBy[j]--; dominatedBy[j] == 0 {
					next = append(next, j)
				}
			}
		}
		slices.Sort(next)
		cur = next
	}
	return fronts
}

// Crowding returns the crowding distance of each point of front (indices into
// fs), in the order of front: per objective, the gap between its neighbours
// normalised by the objective's range, summed; the extremes get +Inf.
func Crowding(fs [][]float64, front []int) []float64 {
	d := make([]float64, len(front))
	if len(front) == 0 {
		return d
	}
	order := make([]int, len(front)) // positions in front
	for m := range fs[front[0]] {
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmpAsc(fs[front[a]][m], fs[front[b]][m]) })
		lo, hi := fs[front[order[0]]][m], fs[front[order[len(order)-1]]][m]
		d[order[0]], d[order[len(order)-1]] = math.Inf(1), math.Inf(1)
		if hi == lo {
			continue
		}
		for k := 1; k < len(order)-1; k++ {
			d[order[k]] += (fs[front[order[k+1]]][m] - fs[front[order[k-1]]][m]) / (hi - lo)
		}
	}
	return d
}

func cmpAsc(a, b float64) int { return -cmpDesc(a, b) }

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// Hypervolume2D returns the area dominated by the points (fitness, larger is
// better on both objectives) and bounded below by ref: the area of the union
// of the boxes [ref[0], p[0]] x [ref[1], p[1]]. Points not better than ref on
// both objectives add nothing.
func Hypervolume2D(points [][]float64, ref []float64) float64 {
	if len(ref) != 2 {
		panic(fmt.Sprintf("pareto: Hypervolume2D with a %d-objective reference point", len(ref)))
	}
	var ps [][]float64
	for _, p := range points {
		if len(p) != 2 {
			panic(fmt.Sprintf("pareto: Hypervolume2D of a %d-objective point", len(p)))
		}
		if p[0] > ref[0] && p[1] > ref[1] {
			ps = append(ps, p)
		}
	}
	// Sweep from the best on the first objective down; each point that
	// reaches higher on the second adds a box of its own.
	slices.SortFunc(ps, func(a, b []float64) int { return cmpDesc(a[0], b[0]) })
	area, top := 0.0, ref[1]
	for _, p := range ps {
		if p[1] > top {
			area += (p[0] - ref[0]) * (p[1] - top)
			top = p[1]
		}
	}
	return area
}

// Front returns the indices of the non-dominated points of fs, in
// increasing order: NonDominatedSort(fs)[0], in O(n log n + n f) time for a
// front of f points rather than O(n^2). Equal points are all on it.
func Front(fs [][]float64) []int {
	// In lexicographically decreasing order a point can be dominated only by
	// an earlier one, and then by an earlier front member.
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		for m := range fs[a] {
			if c := cmpDesc(fs[a][m], fs[b][m]); c != 0 {
				return c
			}
		}
		return 0
	})
	var front []int
next:
	for _, i := range order {
		for _, j := range front {
			if Dominates(fs[j], fs[i]) {
				continue next
			}
		}
		front = append(front, i)
	}
	slices.Sort(front)
	return front
}
