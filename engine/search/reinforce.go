package search

import (
	"fmt"
	"math"
	"math/rand"

	"nasbook/space"
)

// Reinforce is REINFORCE (Williams 1992) with a controller of one independent
// softmax per choice of the space, as NAS-Bench-201's REINFORCE baseline. Each
// proposal samples every choice from its softmax (rejecting architectures
// that fail the space's Check); each observation takes one policy-gradient
// step on the logits,
//
//	logits[d][o] += LearningRate * A * (1[o = a_d] - p_d(o)),
//
// with advantage A = (R - b) / s: the reward R (the first fitness) less a
// moving-average baseline b, divided by a moving average s of |R - b| so the
// step does not depend on the objective's units. It maximises the first
// objective. On a space whose Check rejects nearly every combination (a
// table that lists a few architectures) the controller's rejection sampling
// fails with an error wrapping space.ErrNoArch.
type Reinforce struct {
	// LearningRate of the logits; 0 means 0.1.
	LearningRate float64
	// Decay of the moving averages of the baseline and scale; 0 means 0.9.
	Decay float64

	st struct {
		Logits   [][]float64 `json:"logits"` // [dim][option]
		Baseline float64     `json:"baseline"`
		Scale    float64     `json:"scale"`
		Steps    int         `json:"steps"`
	}
}

var (
	_ Strategy = (*Reinforce)(nil)
	_ Stateful = (*Reinforce)(nil)
)

func (rf *Reinforce) init(p *Problem) {
	if rf.st.Logits != nil {
		return
	}
	for _, d := range p.Space.Dims() {
		rf.st.Logits = append(rf.st.Logits, make([]float64, len(d.Options)))
	}
}

// Probabilities returns the controller's current distribution over each
// choice's options (a copy).
func (rf *Reinforce) Probabilities(p *Problem) [][]float64 {
	rf.init(p)
	out := make([][]float64, len(rf.st.Logits))
	for d, l := range rf.st.Logits {
		out[d] = softmax(make([]float64, len(l)), l)
	}
	return out
}

func softmax(dst, logits []float64) []float64 {
	m := math.Inf(-1)
	for _, l := range logits {
		m = max(m, l)
	}
	sum := 0.0
	for i, l := range logits {
		dst[i] = math.Exp(l - m)
		sum += dst[i]
	}
	for i := range dst {
		dst[i] /= sum
	}
	return dst
}

func (rf *Reinforce) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	probs := rf.Probabilities(p)
	a := make(space.Arch, len(probs))
	var last error
	for range 10000 {
		for d, pd := range probs {
			a[d] = sampleIndex(pd, r.Float64())
		}
		if last = p.Space.Check(a); last == nil {
			return a, nil
		}
	}
	return nil, fmt.Errorf("reinforce: the controller drew no valid architecture in 10000 samples (the last: %v): %w", last, space.ErrNoArch)
}

// sampleIndex returns the index i where the cumulative sum of p passes u.
func sampleIndex(p []float64, u float64) int {
	c := 0.0
	for i, pi := range p {
		if c += pi; u < c {
			return i
		}
	}
	return len(p) - 1
}

func (rf *Reinforce) Observe(p *Problem, e Evaluation) {
	lr, decay := rf.LearningRate, rf.Decay
	if lr == 0 {
		lr = 0.1
	}
	if decay == 0 {
		decay = 0.9
	}
	R := e.Fitness[0]
	if rf.st.Steps == 0 {
		rf.st.Baseline = R
	}
	rf.st.Steps++
	dev := R - rf.st.Baseline
	if rf.st.Scale == 0 {
		rf.st.Scale = math.Abs(dev)
	}
	var adv float64
	if rf.st.Scale > 0 {
		adv = dev / rf.st.Scale
	}
	probs := rf.Probabilities(p)
	for d, pd := range probs {
		for o, po := range pd {
			g := -po
			if o == e.Arch[d] {
				g += 1
			}
			rf.st.Logits[d][o] += lr * adv * g
		}
	}
	rf.st.Baseline = decay*rf.st.Baseline + (1-decay)*R
	rf.st.Scale = decay*rf.st.Scale + (1-decay)*math.Abs(dev)
}

func (rf *Reinforce) MarshalState() ([]byte, error) { return marshalState(&rf.st) }
func (rf *Reinforce) UnmarshalState(p *Problem, data []byte) error {
	if err := unmarshalState("reinforce", data, &rf.st); err != nil {
		return err
	}
	if rf.st.Logits != nil {
		dims := p.Space.Dims()
		if len(rf.st.Logits) != len(dims) {
			return fmt.Errorf("search: reinforce state has %d choices, the space %d", len(rf.st.Logits), len(dims))
		}
		for d, l := range rf.st.Logits {
			if len(l) != len(dims[d].Options) {
				return fmt.Errorf("search: reinforce state has %d options for choice %q, the space %d", len(l), dims[d].Name, len(dims[d].Options))
			}
		}
	}
	return nil
}
