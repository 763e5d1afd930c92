package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"

	"nasbook/space"
)

// Objective is one figure that an Estimator returns.
type Objective struct {
	Name     string `json:"name"`               // e.g. "cifar10_test", "pixel3"
	Minimize bool   `json:"minimize,omitempty"` // false: larger is better
}

// Problem is what a strategy searches: a space and the objectives of its
// estimator.
type Problem struct {
	Space      space.Space
	Objectives []Objective
	// Epochs are the training budgets a Fidelity estimator scores at,
	// ascending, the last being the full one; nil for other estimators.
	Epochs []int
}

// Full reports whether e is an evaluation at the full budget: always, but
// for the lower fidelities of a Fidelity estimator. The incumbent, the front
// and the curves of a search count full evaluations only, since a score after
// fewer epochs is no estimate of the full one's value.
func (p *Problem) Full(e Evaluation) bool {
	return len(p.Epochs) == 0 || e.Epochs == 0 || e.Epochs == p.Epochs[len(p.Epochs)-1]
}

// Fitness orients values so that larger is better on every objective: it
// negates the values of minimised objectives.
func (p *Problem) Fitness(values []float64) []float64 {
	f := make([]float64, len(values))
	for i, v := range values {
		if p.Objectives[i].Minimize {
			v = -v
		}
		f[i] = v
	}
	return f
}

// Score is what an estimator returns for one architecture.
type Score struct {
	Values []float64 // one per objective, in the order of Objectives; finite
	// Seconds is the simulated cost of obtaining the values (e.g. a training
	// time read from a table), counted against Budget.Seconds; 0 if unknown.
	Seconds float64
}

// Estimator scores architectures on one or more objectives: a benchmark
// table, a proxy, a training run.
type Estimator interface {
	// Objectives names the values of every Score, in order. The result must
	// not change.
	Objectives() []Objective
	// Estimate scores a. An error ends the search: return one for what the
	// user can fix (an architecture missing from a table), not for a bad
	// architecture, which a strategy never proposes.
	Estimate(a space.Arch) (Score, error)
}

// Evaluation is one architecture scored during a search.
type Evaluation struct {
	N       int        `json:"n"`                 // 1 for the first evaluation of the search
	Arch    space.Arch `json:"arch"`              // must not be modified
	Values  []float64  `json:"values"`            // as the estimator returned them
	Fitness []float64  `json:"fitness"`           // Values oriented so that larger is better (Problem.Fitness)
	Seconds float64    `json:"seconds,omitempty"` // simulated cost, from Score.Seconds
	// Epochs is the training budget of the score, with a Fidelity
	// estimator (one of Problem.Epochs); 0 for other estimators.
	Epochs int `json:"epochs,omitempty"`
}

// Strategy proposes architectures to evaluate and learns from their scores.
//
// The search calls Propose, scores the architecture, and hands the result to
// Observe before it calls Propose again; r is the search's random stream, the
// only randomness a strategy may use, so that a seed fixes the whole search.
// A strategy reads fitness (Evaluation.Fitness, larger is better), so it needs
// to know nothing of which objectives are minimised. A strategy value serves
// one search: make a new one for each run. Its zero value (with settings left
// at their defaults) is ready to use.
type Strategy interface {
	// Propose returns the next architecture to evaluate, valid in p.Space. It
	// returns ErrExhausted when it has nothing left to propose.
	Propose(p *Problem, r *rand.Rand) (space.Arch, error)
	// Observe is told the score of the architecture that Propose returned.
	Observe(p *Problem, e Evaluation)
}

// Stateful is a strategy that can save its state and restore it, so that a
// search resumed from a checkpoint ends exactly as an uninterrupted one. All
// strategies of this package are Stateful.
type Stateful interface {
	// MarshalState returns the strategy's state as JSON (its random stream is
	// the search's and is saved by the search).
	MarshalState() ([]byte, error)
	// UnmarshalState restores a state from MarshalState into a new strategy.
	UnmarshalState(p *Problem, data []byte) error
}

// Checker is a strategy that searches only some problems: New asks it
// before the search starts, and fails with its error.
type Checker interface {
	// Check returns an error naming what p lacks, e.g. a second objective.
	Check(p *Problem) error
}

// Populator is a strategy that keeps a population (evolution, NSGA-II): a
// search reports it in PopulationChanged events.
type Populator interface {
	// Population returns the current members. The caller must not modify
	// them.
	Population() []Evaluation
}

// ErrExhausted is returned by Propose when a strategy has nothing left to
// propose (an exhaustive search that has listed the whole space); the search
// ends without error.
var ErrExhausted = errors.New("search: strategy has nothing left to propose")

// marshalState and unmarshalState are the Stateful methods of the strategies
// here, which keep their state in one struct of exported fields.
func marshalState(st any) ([]byte, error) { return json.Marshal(st) }

func unmarshalState(name string, data []byte, st any) error {
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("search: %s state: %w", name, err)
	}
	return nil
}

// checkArch checks an architecture of a saved state against the space.
func checkArch(p *Problem, a space.Arch) error {
	if err := space.Valid(p.Space, a); err != nil {
		return fmt.Errorf("search: saved architecture %v: %w", a, err)
	}
	return nil
}

// checkEvaluation checks an evaluation of a saved strategy state: a valid
// architecture, and one finite value and fitness per objective, which the
// strategy indexes.
func checkEvaluation(p *Problem, e Evaluation) error {
	if err := checkArch(p, e.Arch); err != nil {
		return err
	}
	if len(e.Values) != len(p.Objectives) || len(e.Fitness) != len(p.Objectives) {
		return fmt.Errorf("search: saved evaluation of %v: %d values and %d fitness values for %d objectives", e.Arch, len(e.Values), len(e.Fitness), len(p.Objectives))
	}
	for _, v := range append(slices.Clone(e.Values), e.Fitness...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("search: saved evaluation of %v: a value of %v", e.Arch, v)
		}
	}
	return nil
}

// argmax returns the index of the largest value of the first fitness of es,
// the earliest on ties, or -1 if es is empty.
func argmax(es []Evaluation) int {
	best := -1
	for i, e := range es {
		if best < 0 || e.Fitness[0] > es[best].Fitness[0] {
			best = i
		}
	}
	return best
}
