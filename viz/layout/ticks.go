package layout

import (
	"math"
	"strconv"
	"strings"
)

// NiceTicks returns at most n (at least 2) evenly spaced tick values that
// cover [lo, hi]: the first at or below lo, the last at or above hi, spaced by
// step, which is 1, 2 or 5 times a power of ten (the "nice numbers" of
// Heckbert, Graphics Gems I, 1990, with loose labels). It picks the smallest
// such step that needs no more than n ticks; n below 3 counts as 3. An empty
// range (lo == hi) is widened around lo first.
func NiceTicks(lo, hi float64, n int) (ticks []float64, step float64) {
	n = max(n, 3) // a range around zero needs three: below, zero, above
	if lo > hi {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Abs(lo) * 0.05
		if d == 0 {
			d = 1
		}
		lo, hi = lo-d, hi+d
	}
	// near rounds q to an integer it is within rounding error of.
	near := func(q float64, round func(float64) float64) float64 {
		if r := math.Round(q); math.Abs(q-r) < 1e-7 {
			return r
		}
		return round(q)
	}
	// Start a decade below the step that would make n ticks exactly.
	exp := math.Floor(math.Log10((hi - lo) / float64(n-1)))
	for e := exp - 1; ; e++ {
		p := math.Pow(10, e)
		for _, f := range [...]float64{1, 2, 5} {
			step = f * p
			first, last := near(lo/step, math.Floor), near(hi/step, math.Ceil)
			if int(last-first)+1 > n {
				continue
			}
			ticks = make([]float64, 0, int(last-first)+1)
			for k := first; k <= last; k++ {
				// k*f/10^-e rounds better than k*step: 466*2/10 is 93.2, not 93.20000000000002.
				if e < 0 {
					ticks = append(ticks, k*f/math.Pow(10, -e)+0) // +0: no -0
				} else {
					ticks = append(ticks, k*step+0)
				}
			}
			return ticks, step
		}
	}
}

// TickLabels formats tick values spaced by step with as many decimals as the
// step needs (so 0.5, 1.0, 1.5 rather than 0.5, 1, 1.5), and values of ten
// thousand or more with an SI suffix (25k, 1.5M, zero bare).
func TickLabels(ticks []float64, step float64) []string {
	big := 0.0
	for _, v := range ticks {
		big = max(big, math.Abs(v))
	}
	unit, suffix := 1.0, ""
	for _, u := range []struct {
		v, from float64
		s       string
	}{{1e12, 1e12, "T"}, {1e9, 1e9, "G"}, {1e6, 1e6, "M"}, {1e3, 1e4, "k"}} {
		if big >= u.from {
			unit, suffix = u.v, u.s
			break
		}
	}
	dec := max(0, int(-math.Floor(math.Log10(step/unit)+1e-9)))
	out := make([]string, len(ticks))
	for i, v := range ticks {
		s := strconv.FormatFloat(v/unit, 'f', dec, 64)
		if strings.Trim(s, "-0.") == "" {
			out[i] = strings.TrimPrefix(s, "-") // no "-0", no "0k"
			continue
		}
		out[i] = s + suffix
	}
	return out
}

// FormatValue writes a metric's value for a tooltip: five significant digits,
// with an SI suffix from a hundred thousand up.
func FormatValue(v float64) string {
	a := math.Abs(v)
	for _, u := range []struct {
		v float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= 1e5 && a >= u.v {
			return strconv.FormatFloat(v/u.v, 'g', 5, 64) + u.s
		}
	}
	if a != 0 && a < 1e-4 {
		return strconv.FormatFloat(v, 'e', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}
