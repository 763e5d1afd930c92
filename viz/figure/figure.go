// Package figure describes notebook figures (histograms, line and scatter
// plots) as plain data. A Spec crosses from the kernel to whatever renders it
// (package render, with gonum/plot) as JSON under MIMEType; keeping the
// renderer out of the kernel keeps plotting's fonts out of the first download.
package figure

import (
	"encoding/json"
	"fmt"
	"math"
)

// MIMEType is the key of a figure spec inside a notebook display_data output.
const MIMEType = "application/vnd.nasbook.figure+json"

// Kind names the type of plot.
type Kind string

const (
	KindHistogram Kind = "histogram" // Series[0].Y binned; X unused
	KindLine      Kind = "line"      // one line per series through (X[i], Y[i])
	KindScatter   Kind = "scatter"   // one point set per series
	KindPanels    Kind = "panels"    // small multiples: Panels in a grid of Columns
	// KindPareto draws each series' points faint and its Pareto front (the
	// points no other of the series beats on both axes; MinimizeX and
	// MinimizeY say which way is better) as a step line, on axes chosen for
	// the fronts: see ParetoRange.
	KindPareto Kind = "pareto"
)

// Spec is one figure.
type Spec struct {
	Kind   Kind   `json:"kind"`
	Title  string `json:"title,omitempty"`
	XLabel string `json:"xlabel,omitempty"`
	YLabel string `json:"ylabel,omitempty"`
	Bins   int    `json:"bins,omitempty"` // histogram; 0 chooses
	// LogX and LogY put an axis on a log scale (line and scatter); every
	// value on it must then be positive.
	LogX      bool     `json:"logx,omitempty"`
	LogY      bool     `json:"logy,omitempty"`
	MinimizeX bool     `json:"minx,omitempty"` // pareto: smaller x is better
	MinimizeY bool     `json:"miny,omitempty"` // pareto: smaller y is better
	Series    []Series `json:"series,omitempty"`
	// Panels are the figures of a KindPanels figure, drawn row by row in
	// Columns columns (0 means 3) on shared axis ranges, with one legend (of
	// the first panel's series); they may not hold panels themselves.
	Panels  []Spec `json:"panels,omitempty"`
	Columns int    `json:"columns,omitempty"`
}

// Series is one named set of points; Name labels it in the legend when there
// is more than one. A line series may carry a band, Lower[i] to Upper[i] at
// X[i] (a spread over seeds, a confidence interval), shaded in its colour.
type Series struct {
	Name  string    `json:"name,omitempty"`
	X     []float64 `json:"x,omitempty"`
	Y     []float64 `json:"y"`
	Lower []float64 `json:"lower,omitempty"` // band; with Upper, as long as X
	Upper []float64 `json:"upper,omitempty"`
}

// Validate reports the first problem of s that would make it undrawable.
func (s *Spec) Validate() error {
	switch s.Kind {
	case KindHistogram, KindLine, KindScatter, KindPareto:
	case KindPanels:
		if len(s.Panels) == 0 {
			return fmt.Errorf("figure: panels %q has no panels", s.Title)
		}
		if s.Columns < 0 {
			return fmt.Errorf("figure: panels %q has %d columns", s.Title, s.Columns)
		}
		for i := range s.Panels {
			if s.Panels[i].Kind == KindPanels {
				return fmt.Errorf("figure: panels %q: panel %d holds panels", s.Title, i)
			}
			if err := s.Panels[i].Validate(); err != nil {
				return fmt.Errorf("figure: panels %q: panel %d: %w", s.Title, i, err)
			}
		}
		return nil
	default:
		return fmt.Errorf("figure: unknown kind %q", s.Kind)
	}
	if len(s.Series) == 0 {
		return fmt.Errorf("figure: %s %q has no series", s.Kind, s.Title)
	}
	for _, se := range s.Series {
		if len(se.Y) == 0 {
			return fmt.Errorf("figure: %s %q: series %q has no values", s.Kind, s.Title, se.Name)
		}
		if s.Kind != KindHistogram && len(se.X) != len(se.Y) {
			return fmt.Errorf("figure: %s %q: series %q has %d y values for %d x values", s.Kind, s.Title, se.Name, len(se.Y), len(se.X))
		}
		for i, v := range se.Y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("figure: %s %q: series %q value %d is %v", s.Kind, s.Title, se.Name, i, v)
			}
		}
		for i, v := range se.X {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("figure: %s %q: series %q x value %d is %v", s.Kind, s.Title, se.Name, i, v)
			}
		}
		for _, ax := range []struct {
			log  bool
			name string
			v    [][]float64
		}{{s.LogX, "x", [][]float64{se.X}}, {s.LogY, "y", [][]float64{se.Y, se.Lower, se.Upper}}} {
			for _, vs := range ax.v {
				for i, v := range vs {
					if ax.log && v <= 0 {
						return fmt.Errorf("figure: %s %q: series %q %s value %d is %v, not positive, on a log axis", s.Kind, s.Title, se.Name, ax.name, i, v)
					}
				}
			}
		}
		if se.Lower == nil && se.Upper == nil {
			continue
		}
		if s.Kind != KindLine {
			return fmt.Errorf("figure: %s %q: series %q has a band; only line series do", s.Kind, s.Title, se.Name)
		}
		if len(se.Lower) != len(se.X) || len(se.Upper) != len(se.X) {
			return fmt.Errorf("figure: %s %q: series %q has a band of %d lower and %d upper values for %d x values", s.Kind, s.Title, se.Name, len(se.Lower), len(se.Upper), len(se.X))
		}
		for i := range se.Lower {
			if lo, hi := se.Lower[i], se.Upper[i]; math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) || lo > hi {
				return fmt.Errorf("figure: %s %q: series %q band value %d is [%v, %v]", s.Kind, s.Title, se.Name, i, lo, hi)
			}
		}
	}
	return nil
}

// Decode parses and validates a spec from JSON.
func Decode(data []byte) (*Spec, error) {
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}
