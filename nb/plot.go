package nb

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"nasbook/viz/figure"
)

// Histogram shows the distribution of values as a figure in the cell's output.
func Histogram(title string, values []float64) { Default.Histogram(title, values) }

// Histogram shows a histogram; see the package-level Histogram.
func (s *Session) Histogram(title string, values []float64) {
	s.figure("Histogram", &figure.Spec{Kind: figure.KindHistogram, Title: title, Series: []figure.Series{{Y: values}}})
}

// Line shows one or more series against x as a line plot, e.g.
//
//	nb.Line("loss", epochs, map[string][]float64{"train": train, "valid": valid})
func Line(title string, x []float64, series map[string][]float64) { Default.Line(title, x, series) }

// Line shows a line plot; see the package-level Line.
func (s *Session) Line(title string, x []float64, series map[string][]float64) {
	spec := &figure.Spec{Kind: figure.KindLine, Title: title}
	for _, name := range slices.Sorted(maps.Keys(series)) {
		spec.Series = append(spec.Series, figure.Series{Name: name, X: x, Y: series[name]})
	}
	s.figure("Line", spec)
}

// Scatter shows the points (x[i], y[i]).
func Scatter(title string, x, y []float64) { Default.Scatter(title, x, y) }

// Scatter shows a scatter plot; see the package-level Scatter.
func (s *Session) Scatter(title string, x, y []float64) {
	s.figure("Scatter", &figure.Spec{Kind: figure.KindScatter, Title: title, Series: []figure.Series{{X: x, Y: y}}})
}

func (s *Session) figure(fn string, spec *figure.Spec) {
	if err := spec.Validate(); err != nil {
		fail(fn, err)
	}
	s.Display(Output{figure.MIMEType: spec, "text/plain": "[figure: " + spec.Title + "]"})
}

// Summary describes a sample of numbers.
type Summary struct {
	N                   int
	Mean, Std, Min, Max float64
}

func (s Summary) String() string {
	return fmt.Sprintf("n=%d mean=%.4g std=%.4g min=%.4g max=%.4g", s.N, s.Mean, s.Std, s.Min, s.Max)
}

// Describe returns the size, mean, sample standard deviation, minimum and
// maximum of values.
func Describe(values []float64) Summary { return Default.Describe(values) }

// Describe summarises values; see the package-level Describe.
func (*Session) Describe(values []float64) Summary {
	if len(values) == 0 {
		failf("Describe", "no values")
	}
	sum := Summary{N: len(values), Min: math.Inf(1), Max: math.Inf(-1)}
	sum.Mean, sum.Std = stat.MeanStdDev(values, nil)
	if len(values) == 1 {
		sum.Std = 0
	}
	for _, v := range values {
		sum.Min, sum.Max = math.Min(sum.Min, v), math.Max(sum.Max, v)
	}
	return sum
}
