package proxy

import (
	"fmt"
	"math"

	"nasbook/engine/search"
	"nasbook/space"
)

// Estimator scores a search's architectures by one zero-cost proxy on each
// architecture's default network (space.ToSpec): a search.Estimator with one
// objective, named as the proxy, maximised.
type Estimator struct {
	Space  space.Space
	Proxy  Proxy
	Config Config
	// Objective names the one objective; the zero value means the proxy's
	// name, maximised.
	Objective search.Objective

	worst float64 // the lowest score so far
	any   bool
}

// NewEstimator returns an Estimator of the proxy named name (one of
// Names) over sp.
func NewEstimator(sp space.Space, name string, cfg Config) (*Estimator, error) {
	ps, err := ParseList(name)
	if err != nil || len(ps) != 1 {
		return nil, fmt.Errorf("proxy %q: want one zero-cost proxy (%v)", name, err)
	}
	return &Estimator{Space: sp, Proxy: ps[0], Config: cfg}, nil
}

// Objectives implements search.Estimator.
func (e *Estimator) Objectives() []search.Objective {
	if e.Objective.Name != "" {
		return []search.Objective{e.Objective}
	}
	return []search.Objective{{Name: e.Proxy.String()}}
}

// Estimate implements search.Estimator. A proxy undefined on a network
// (NASWOT of a cell that passes no signal) ranks below every score seen so
// far, so a strategy never prefers it.
func (e *Estimator) Estimate(a space.Arch) (search.Score, error) {
	s, err := space.ToSpec(e.Space, a)
	if err != nil {
		return search.Score{}, err
	}
	v, err := Score(s, []Proxy{e.Proxy}, e.Config)
	if err != nil {
		return search.Score{}, fmt.Errorf("%s of %s: %w", e.Proxy, e.Space.Format(a), err)
	}
	switch {
	case math.IsNaN(v[0]) || math.IsInf(v[0], 0):
		v[0] = e.worst - math.Abs(e.worst)*0.1 - 1
	case !e.any || v[0] < e.worst:
		e.worst, e.any = v[0], true
	}
	return search.Score{Values: v}, nil
}
