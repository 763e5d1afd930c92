package layout

import (
	"math"
	"slices"
)

// ParetoRange chooses the range [lo, hi] an axis of a Pareto chart shows,
// from the coordinates on that axis of every point drawn: the points' range
// cut at Tukey's fences (a quartile less or more 1.5 times the spread
// between the quartiles), so that a point far from the rest, such as an
// architecture of 10 % accuracy that is on the front only because it is the
// fastest, does not squeeze the part of the front where the choices are into
// a sliver. With fewer than 10 points, or no spread between the quartiles,
// it is the full range. Points outside are drawn at the edge, marked
// (Clamp).
func ParetoRange(v []float64) (lo, hi float64) {
	if len(v) == 0 {
		return 0, 1
	}
	s := slices.Clone(v)
	slices.Sort(s)
	lo, hi = s[0], s[len(s)-1]
	if len(s) < 10 {
		return lo, hi
	}
	q1, q3 := quantile(s, 0.25), quantile(s, 0.75)
	iqr := q3 - q1
	if iqr <= 0 {
		return lo, hi
	}
	return max(lo, q1-1.5*iqr), min(hi, q3+1.5*iqr)
}

// quantile of sorted s at p in [0, 1], interpolated linearly.
func quantile(s []float64, p float64) float64 {
	x := p * float64(len(s)-1)
	i := int(math.Floor(x))
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (x-float64(i))*(s[i+1]-s[i])
}

// Clamp returns v within [lo, hi] and whether it had to move.
func Clamp(v, lo, hi float64) (float64, bool) {
	switch {
	case v < lo:
		return lo, true
	case v > hi:
		return hi, true
	}
	return v, false
}
