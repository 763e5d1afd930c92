package search

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"nasbook/space"
)

// BO is Bayesian optimisation: the first Initial proposals are random; after
// that each proposal fits the Surrogate to every evaluation so far (on
// space.Encode vectors) and returns the candidate of largest expected
// improvement over the best fitness (Jones et al. 1998). Candidates are
// Candidates random architectures and the neighbours (space.Neighbours) of
// the Mutate best so far, as in BANANAS, less those already evaluated. It
// maximises the first objective.
//
// With the default surrogate (a GP) a fit costs O(n^3) in the number n of
// evaluations: BO suits budgets of a few hundred evaluations.
type BO struct {
	// Surrogate predicts fitness; nil means a *GP. Use an *Ensemble for
	// BANANAS. It must be a pointer whose JSON form is its state (see
	// Surrogate).
	Surrogate Surrogate
	// Initial random proposals; 0 means 10.
	Initial int
	// Candidates drawn at random per proposal; 0 means 100.
	Candidates int
	// Mutate: the neighbours of this many best evaluations are candidates
	// too; 0 means 10.
	Mutate int

	st struct {
		Evals []Evaluation `json:"evals"` // arch and fitness of each observation
	}
}

var (
	_ Strategy = (*BO)(nil)
	_ Stateful = (*BO)(nil)
)

// NewBananas returns BO with the BANANAS ensemble predictor.
func NewBananas() *BO { return &BO{Surrogate: &Ensemble{}} }

func (b *BO) settings() (initial, candidates, mutate int) {
	initial, candidates, mutate = b.Initial, b.Candidates, b.Mutate
	if initial <= 0 {
		initial = 10
	}
	if candidates <= 0 {
		candidates = 100
	}
	if mutate <= 0 {
		mutate = 10
	}
	return
}

func (b *BO) surrogate() Surrogate {
	if b.Surrogate == nil {
		b.Surrogate = &GP{}
	}
	return b.Surrogate
}

func (b *BO) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	initial, ncand, mutate := b.settings()
	if len(b.st.Evals) < initial {
		return space.Sample(p.Space, r)
	}
	x := make([][]float64, len(b.st.Evals))
	y := make([]float64, len(b.st.Evals))
	seen := make(map[string]bool, len(b.st.Evals))
	for i, e := range b.st.Evals {
		x[i], y[i] = space.Encode(p.Space, e.Arch), e.Fitness[0]
		seen[e.Arch.Key()] = true
	}
	if err := b.surrogate().Fit(x, y, r); err != nil {
		return nil, fmt.Errorf("bo: %w", err)
	}

	// Candidates: random draws, then the neighbours of the best so far.
	var cands []space.Arch
	add := func(a space.Arch) {
		if k := a.Key(); !seen[k] {
			seen[k] = true
			cands = append(cands, a)
		}
	}
	for range ncand {
		a, err := space.Sample(p.Space, r)
		if err != nil {
			return nil, err
		}
		add(a)
	}
	order := make([]int, len(b.st.Evals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmpDesc(y[i], y[j]) })
	for _, i := range order[:min(mutate, len(order))] {
		for _, a := range space.Neighbours(p.Space, b.st.Evals[i].Arch) {
			add(a)
		}
	}
	if len(cands) == 0 {
		return space.Sample(p.Space, r)
	}

	xc := make([][]float64, len(cands))
	for i, a := range cands {
		xc[i] = space.Encode(p.Space, a)
	}
	mean, std := make([]float64, len(cands)), make([]float64, len(cands))
	b.surrogate().Predict(xc, mean, std)
	best := y[order[0]]
	pick, pickEI := 0, math.Inf(-1)
	for i := range cands {
		if ei := ExpectedImprovement(mean[i], std[i], best); ei > pickEI {
			pick, pickEI = i, ei
		}
	}
	return cands[pick], nil
}

// ExpectedImprovement is E[max(f - best, 0)] for f ~ N(mean, std^2).
func ExpectedImprovement(mean, std, best float64) float64 {
	if std <= 0 {
		return max(mean-best, 0)
	}
	z := (mean - best) / std
	return (mean-best)*distuv.UnitNormal.CDF(z) + std*distuv.UnitNormal.Prob(z)
}

func (b *BO) Observe(_ *Problem, e Evaluation) {
	b.st.Evals = append(b.st.Evals, Evaluation{Arch: e.Arch, Fitness: e.Fitness[:1]})
}

func (b *BO) MarshalState() ([]byte, error) {
	sur, err := json.Marshal(b.surrogate())
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		Evals     []Evaluation    `json:"evals"`
		Surrogate json.RawMessage `json:"surrogate"`
	}{b.st.Evals, sur})
}

func (b *BO) UnmarshalState(p *Problem, data []byte) error {
	var st struct {
		Evals     []Evaluation    `json:"evals"`
		Surrogate json.RawMessage `json:"surrogate"`
	}
	if err := unmarshalState("bo", data, &st); err != nil {
		return err
	}
	for _, e := range st.Evals {
		if err := checkArch(p, e.Arch); err != nil {
			return err
		}
		if len(e.Fitness) != 1 {
			return fmt.Errorf("search: bo state: an evaluation with %d fitness values", len(e.Fitness))
		}
	}
	b.st.Evals = st.Evals
	return unmarshalState("bo surrogate", st.Surrogate, b.surrogate())
}
