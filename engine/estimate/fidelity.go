package estimate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"nasbook/engine/search"
	"nasbook/space"
)

// Trainer is a search.Estimator that scores an architecture by training
// its network from scratch (Train) and reading its best validation
// accuracy: a multi-fidelity one (search.Fidelity) whose budgets are numbers
// of epochs, for Hyperband and BOHB. Every training is seeded by
// Config.Seed, so a search over a Trainer is as reproducible as one over a
// table.
//
// The networks come from the space's specs (space.ToSpec), with their
// input set to the shape of the data's examples; their classes must be the
// data's. An evaluation after e epochs trains e epochs with its own
// schedule, as NAS-Bench-201's 12-epoch and 200-epoch tables were made, and
// costs e against search.Budget.Epochs.
type Trainer struct {
	Space  space.Space
	Data   Data   // Train and Valid are needed; Test is not used
	Config Config // the training of each evaluation; its Epochs is replaced by the budget
	// Budgets are the numbers of epochs an evaluation may train,
	// ascending; nil means 1, 3 and 9.
	Budgets []int
	// Ctx, if set, ends a training when it is done.
	Ctx context.Context
}

var _ search.Fidelity = (*Trainer)(nil)

// Objectives is the validation accuracy, val_acc.
func (t *Trainer) Objectives() []search.Objective { return []search.Objective{{Name: "val_acc"}} }

// Epochs returns Budgets or its default.
func (t *Trainer) Epochs() []int {
	if len(t.Budgets) == 0 {
		return []int{1, 3, 9}
	}
	return t.Budgets
}

// Estimate trains a for the largest budget.
func (t *Trainer) Estimate(a space.Arch) (search.Score, error) {
	e := t.Epochs()
	return t.EstimateAt(a, e[len(e)-1])
}

// EstimateAt trains a from scratch for epochs epochs.
func (t *Trainer) EstimateAt(a space.Arch, epochs int) (search.Score, error) {
	if !slices.Contains(t.Epochs(), epochs) {
		return search.Score{}, fmt.Errorf("estimate: %d epochs is not one of the budgets %v", epochs, t.Epochs())
	}
	if t.Data.Train == nil || t.Data.Valid == nil {
		return search.Score{}, errors.New("estimate: a Trainer needs training and validation data")
	}
	s, err := space.ToSpec(t.Space, a)
	if err != nil {
		return search.Score{}, err
	}
	if len(s.Input) == 3 {
		s.Input = []int{t.Data.Train.C, t.Data.Train.H, t.Data.Train.W}
	}
	cfg := t.Config
	cfg.Epochs = epochs
	ctx := t.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := Train(ctx, s, Data{Train: t.Data.Train, Valid: t.Data.Valid}, cfg)
	if err != nil {
		return search.Score{}, err
	}
	if math.IsNaN(res.ValAcc) {
		return search.Score{}, fmt.Errorf("estimate: %s trained to no validation accuracy", t.Space.Format(a))
	}
	return search.Score{Values: []float64{res.ValAcc}}, nil
}
