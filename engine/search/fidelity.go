package search

import (
	"fmt"
	"slices"

	"nasbook/space"
)

// Fidelity is an estimator that can score an architecture after fewer
// epochs of training than its full budget, more cheaply and less exactly: a
// training estimator, or benchmark tables of accuracies after 12 and after
// 200 epochs. Its Estimate scores at the full budget, the last of Epochs.
//
// A search with a Fidelity estimator counts the epochs of every evaluation
// (Evaluation.Epochs, Usage.Epochs) against Budget.Epochs; strategies that
// choose the budget of each evaluation (Hyperband, BOHB: see Scheduler)
// score most architectures at the lower budgets, the others always at the
// full one.
type Fidelity interface {
	Estimator
	// Epochs returns the budgets Estimate can score at, in epochs,
	// ascending, with no repeats; at least one. The result must not change.
	Epochs() []int
	// EstimateAt scores a after epochs of training, one of Epochs.
	EstimateAt(a space.Arch, epochs int) (Score, error)
}

// Scheduler is a strategy that chooses the training budget of each
// architecture it proposes, on a Fidelity estimator.
type Scheduler interface {
	Strategy
	// ProposedEpochs returns the budget at which to score the architecture
	// the last Propose returned: one of Problem.Epochs.
	ProposedEpochs() int
}

// checkEpochs checks the budgets of a Fidelity estimator.
func checkEpochs(f Fidelity) ([]int, error) {
	e := slices.Clone(f.Epochs())
	if len(e) == 0 {
		return nil, fmt.Errorf("search: %T scores at no budget of epochs", f)
	}
	for i, v := range e {
		if v < 1 || (i > 0 && v <= e[i-1]) {
			return nil, fmt.Errorf("search: %T's budgets %v are not ascending positive epochs", f, e)
		}
	}
	return e, nil
}
