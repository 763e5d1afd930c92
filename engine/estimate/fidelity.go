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
	// Pool trains the architectures that a search proposes together
	// (search.Parallel); nil means goroutines of this process, one per
	// core. A score is the same in any pool.
	Pool Pool
}

var (
	_ search.Fidelity = (*Trainer)(nil)
	_ search.Parallel = (*Trainer)(nil)
)

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
	j, err := t.job(a, epochs)
	if err != nil {
		return search.Score{}, err
	}
	ctx := t.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := Train(ctx, j.Spec, j.Data, j.Config)
	return t.score(a, res, err)
}

// Workers implements search.Parallel: the pool's workers.
func (t *Trainer) Workers() int { return t.pool().Workers() }

func (t *Trainer) pool() Pool {
	if t.Pool == nil {
		t.Pool = &Local{}
	}
	return t.Pool
}

// EstimateAll implements search.Parallel: it trains the jobs in the pool,
// each ranked by the number of its evaluation (Job.Order), so that the
// search observes the scores as early as it can.
func (t *Trainer) EstimateAll(ctx context.Context, jobs []search.Job, done func(int, search.Score, error) []search.Job) error {
	if t.Ctx != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(t.Ctx, cancel)
		defer stop()
	}
	var archs []space.Arch // by the search's index
	var index []int        // the search's index of the pool's job k
	// add makes training jobs of the search's; one that cannot be one is
	// done at once with its error, which may bring more.
	add := func(js []search.Job) []Job {
		var out []Job
		for len(js) > 0 {
			sj, i := js[0], len(archs)
			js = js[1:]
			archs = append(archs, sj.Arch)
			j, err := t.job(sj.Arch, sj.Epochs)
			if err != nil {
				js = append(js, done(i, search.Score{}, err)...)
				continue
			}
			j.Order = sj.N
			index = append(index, i)
			out = append(out, j)
		}
		return out
	}
	first := add(jobs)
	if len(first) == 0 {
		return nil
	}
	return t.pool().Train(ctx, first, nil, func(k int, r Result, _ int, err error) []Job {
		i := index[k]
		sc, err := t.score(archs[i], r, err)
		return add(done(i, sc, err))
	})
}

// job is the training of a after epochs epochs.
func (t *Trainer) job(a space.Arch, epochs int) (Job, error) {
	if !slices.Contains(t.Epochs(), epochs) {
		return Job{}, fmt.Errorf("estimate: %d epochs is not one of the budgets %v", epochs, t.Epochs())
	}
	if t.Data.Train == nil || t.Data.Valid == nil {
		return Job{}, errors.New("estimate: a Trainer needs training and validation data")
	}
	s, err := space.ToSpec(t.Space, a)
	if err != nil {
		return Job{}, err
	}
	if err := s.FitData(t.Data.Train.C, t.Data.Train.H, t.Data.Train.W); err != nil {
		return Job{}, err
	}
	cfg := t.Config
	cfg.Epochs = epochs
	return Job{Spec: s, Data: Data{Train: t.Data.Train, Valid: t.Data.Valid}, Config: cfg}, nil
}

// score reads a training's result as a's score.
func (t *Trainer) score(a space.Arch, res Result, err error) (search.Score, error) {
	if err != nil {
		return search.Score{}, err
	}
	if math.IsNaN(res.ValAcc) {
		return search.Score{}, fmt.Errorf("estimate: %s trained to no validation accuracy", t.Space.Format(a))
	}
	return search.Score{Values: []float64{res.ValAcc}}, nil
}
