package search

import (
	"math"
	"math/rand"
	"sort"

	"nasbook/space"
)

// BOHB is Hyperband whose architectures are drawn from a model of the
// scores so far instead of at random (Falkner et al., ICML 2018): the
// brackets, rungs and budgets of Hyperband, and a tree-structured Parzen
// estimator, as in the paper and its HpBandSter code, choosing each new
// architecture of a bracket's first rung.
//
// The model is fitted on the largest budget with MinPoints+2 scores or
// more: the best TopFraction of them (at least MinPoints) are good, the
// others bad, and each set has a kernel density over the choices, a product
// of one Aitchison-Aitken kernel per choice with a bandwidth by Scott's
// normal reference rule, at least MinBandwidth. A new architecture is the
// one of Samples candidates, drawn from the good density, with the largest
// ratio of good to bad density; with probability RandomFraction, or while no
// budget has enough scores, it is drawn from the space instead, so that the
// search keeps Hyperband's guarantees.
type BOHB struct {
	Eta            int     // as Hyperband's
	TopFraction    float64 // the fraction of good scores; 0 means 0.15
	MinPoints      int     // 0 means the number of choices of the space plus one
	RandomFraction float64 // 0 means 1/3; negative means none
	Samples        int     // candidates per choice of the model; 0 means 64
	MinBandwidth   float64 // 0 means 1e-3

	hb Hyperband
}

var (
	_ Strategy  = (*BOHB)(nil)
	_ Scheduler = (*BOHB)(nil)
	_ Stateful  = (*BOHB)(nil)
	_ Checker   = (*BOHB)(nil)
)

func (b *BOHB) init() *Hyperband {
	if b.hb.model == nil {
		b.hb.model = &kde{b}
	}
	b.hb.Eta = b.Eta
	return &b.hb
}

func (b *BOHB) Check(p *Problem) error { return b.init().Check(p) }
func (b *BOHB) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	return b.init().Propose(p, r)
}
func (b *BOHB) ProposedEpochs() int              { return b.hb.epochs }
func (b *BOHB) Observe(p *Problem, e Evaluation) { b.init().Observe(p, e) }
func (b *BOHB) MarshalState() ([]byte, error)    { return b.init().MarshalState() }
func (b *BOHB) UnmarshalState(p *Problem, data []byte) error {
	return b.init().UnmarshalState(p, data)
}

// kde is BOHB's model.
type kde struct{ b *BOHB }

// density is a product kernel density over the choices.
type density struct {
	points []space.Arch
	bw     []float64 // per choice, in [0, (levels-1)/levels]
	levels []int
}

func newDensity(points []space.Arch, levels []int, minBW float64) *density {
	d := &density{points: points, levels: levels, bw: make([]float64, len(levels))}
	n := float64(len(points))
	for j, c := range levels {
		mean, sq := 0.0, 0.0
		for _, a := range points {
			mean += float64(a[j])
		}
		mean /= n
		for _, a := range points {
			sq += (float64(a[j]) - mean) * (float64(a[j]) - mean)
		}
		bw := 1.06 * math.Sqrt(sq/n) * math.Pow(n, -1/float64(4+len(levels)))
		d.bw[j] = min(max(bw, minBW), float64(c-1)/float64(c))
	}
	return d
}

// pdf is the density at a: the mean over points of the product of the
// Aitchison-Aitken kernels, 1-bw for an equal choice and bw/(levels-1) for
// another.
func (d *density) pdf(a space.Arch) float64 {
	sum := 0.0
	for _, x := range d.points {
		k := 1.0
		for j, c := range d.levels {
			if a[j] == x[j] {
				k *= 1 - d.bw[j]
			} else {
				k *= d.bw[j] / float64(c-1)
			}
		}
		sum += k
	}
	return sum / float64(len(d.points))
}

// sample draws from the density: a point, each of whose choices is kept
// with probability 1-bw and otherwise drawn uniformly (HpBandSter's
// sampling of categorical choices).
func (d *density) sample(r *rand.Rand) space.Arch {
	x := d.points[r.Intn(len(d.points))]
	a := make(space.Arch, len(x))
	for j, c := range d.levels {
		if r.Float64() < 1-d.bw[j] {
			a[j] = x[j]
		} else {
			a[j] = r.Intn(c)
		}
	}
	return a
}

// budget returns the budget the model is fitted on, the largest with
// MinPoints+2 scores or more, counting extra more scores at epochs; 0 if
// none has enough.
func (m kde) budget(p *Problem, all []seen, epochs, extra int) int {
	minPts := m.b.MinPoints
	if minPts <= 0 {
		minPts = len(p.Space.Dims()) + 1
	}
	for k := len(p.Epochs) - 1; k >= 0; k-- {
		n := 0
		if p.Epochs[k] == epochs {
			n = extra
		}
		for _, x := range all {
			if x.Epochs == p.Epochs[k] {
				n++
			}
		}
		if n >= minPts+2 {
			return p.Epochs[k]
		}
	}
	return 0
}

// propose draws a new architecture from the model of the evaluations seen.
func (m kde) propose(p *Problem, all []seen, r *rand.Rand) (space.Arch, error) {
	b := m.b
	dims := p.Space.Dims()
	levels := make([]int, len(dims))
	for j, d := range dims {
		levels[j] = len(d.Options)
	}
	frac, top, minPts, samples, minBW := b.RandomFraction, b.TopFraction, b.MinPoints, b.Samples, b.MinBandwidth
	if frac == 0 {
		frac = 1.0 / 3
	}
	if top <= 0 {
		top = 0.15
	}
	if minPts <= 0 {
		minPts = len(dims) + 1
	}
	if samples <= 0 {
		samples = 64
	}
	if minBW <= 0 {
		minBW = 1e-3
	}
	if r.Float64() < frac {
		return space.Sample(p.Space, r)
	}
	e := m.budget(p, all, 0, 0)
	if e == 0 {
		return space.Sample(p.Space, r)
	}
	var at []seen
	for _, x := range all {
		if x.Epochs == e {
			at = append(at, x)
		}
	}
	sort.SliceStable(at, func(i, j int) bool { return at[i].Fitness > at[j].Fitness })
	nGood := min(max(minPts, int(top*float64(len(at)))), len(at)-1)
	good, bad := make([]space.Arch, nGood), make([]space.Arch, len(at)-nGood)
	for i, x := range at {
		if i < nGood {
			good[i] = x.Arch
		} else {
			bad[i-nGood] = x.Arch
		}
	}
	l, g := newDensity(good, levels, minBW), newDensity(bad, levels, minBW)
	var best space.Arch
	bestRatio := math.Inf(-1)
	for range samples {
		a := l.sample(r)
		if p.Space.Check(a) != nil {
			continue
		}
		if ratio := max(l.pdf(a), 1e-32) / max(g.pdf(a), 1e-32); ratio > bestRatio {
			best, bestRatio = a, ratio
		}
	}
	if best == nil { // the space's constraints refused every candidate
		return space.Sample(p.Space, r)
	}
	return best, nil
}
