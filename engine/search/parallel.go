package search

import (
	"context"

	"nasbook/space"
)

// Job is an architecture for a Parallel estimator to score, after Epochs
// epochs of training (0 for an estimator that is no Fidelity). N is the
// number its evaluation will have (Evaluation.N): the search observes the
// scores in that order, so a free worker should take the waiting job of
// least N.
type Job struct {
	Arch   space.Arch
	Epochs int
	N      int
}

// Parallel is an estimator that scores several architectures at once, such
// as a training estimator over a pool of workers. A search over one scores
// the proposals of a Batcher strategy together (Search.StepContext).
type Parallel interface {
	Estimator
	// Workers returns how many architectures it scores at the same time.
	Workers() int
	// EstimateAll scores jobs and calls done once for each, from one
	// goroutine at a time, in any order. What done returns is more jobs
	// to score in the same call, which take the indices after those given
	// so far (nil: none). Each score must be the one Estimate or
	// EstimateAt gives: it may not depend on the other jobs, the order or
	// the workers. It returns once every job is done, or with ctx's error
	// once ctx is done.
	EstimateAll(ctx context.Context, jobs []Job, done func(i int, sc Score, err error) (more []Job)) error
}

// Batcher is a strategy that can, in some states, propose an architecture
// before the scores of its earlier proposals are observed: random search
// always, regularized evolution, BO and NSGA-II in their random first
// population, NSGA-II for a whole generation of children, Hyperband for a
// whole rung, BOHB for a rung above the first, and in the first while its
// model would not change. REINFORCE and local search learn from every
// score and propose one at a time.
type Batcher interface {
	Strategy
	// Ahead reports whether the next Propose, made while pending proposals
	// wait for their scores, returns what it would return after they were
	// observed, whatever their scores, drawing the same random numbers.
	// Their Observe calls follow in the order of the proposals.
	Ahead(p *Problem, pending int) bool
}

// Planner is a Batcher that can also propose past proposals that wait for
// scores: Hyperband, whose brackets' first rungs are drawn whatever the
// scores, while a rung waits for the scores of the one before it.
type Planner interface {
	Batcher
	// Next reports where the next Propose, made while pending proposals
	// wait for their scores, falls in the order of proposals, and whether
	// it can be made now: it comes after the proposals not yet observed
	// whose budgets (epochs) before lists in order, the pending ones and
	// those that wait for scores to come. Propose then returns what a
	// search one evaluation at a time proposes there, drawing the random
	// numbers it draws there; a proposal that waits for scores draws none.
	// Observe calls follow in the order of the proposals.
	Next(p *Problem, pending int) (before []int, ok bool)
}

var (
	_ Batcher = (*Random)(nil)
	_ Batcher = (*Exhaustive)(nil)
	_ Batcher = (*Evolution)(nil)
	_ Batcher = (*BO)(nil)
	_ Batcher = (*NSGA2)(nil)
	_ Planner = (*Hyperband)(nil)
	_ Batcher = (*BOHB)(nil)
)

// Ahead is always true: random search learns nothing.
func (*Random) Ahead(*Problem, int) bool { return true }

// Ahead is always true: the enumeration learns nothing.
func (*Exhaustive) Ahead(*Problem, int) bool { return true }

// Ahead is true while the population, with the pending proposals, is not
// full: those proposals are random.
func (ev *Evolution) Ahead(_ *Problem, pending int) bool {
	pop, _ := ev.size()
	return len(ev.st.Members)+pending < pop
}

// Ahead is true during the random initial samples.
func (b *BO) Ahead(_ *Problem, pending int) bool {
	initial, _, _ := b.settings()
	return len(b.st.Evals)+pending < initial
}

// Ahead is true within a generation: the first is random, and each later
// one breeds from the members that the previous one left.
func (g *NSGA2) Ahead(p *Problem, pending int) bool {
	size, _, _ := g.settings(p)
	if len(g.st.Members) < size {
		return len(g.st.Members)+pending < size
	}
	return len(g.st.Children)+pending < size
}

// Ahead is true within a rung, whose members are scored at one budget and
// promoted together once all are scored, and where Next proposes right
// after the pending proposals.
func (h *Hyperband) Ahead(p *Problem, pending int) bool {
	before, ok := h.Next(p, pending)
	return ok && len(before) == pending
}

// Next proposes the rest of a rung right after its pending members; past
// them, for Hyperband (not BOHB), the first rungs of the brackets after
// this one, whose members are drawn whatever the scores, each after the
// rungs before it that wait for promotions.
func (h *Hyperband) Next(p *Problem, pending int) ([]int, bool) {
	st := &h.st
	if !st.Started {
		return nil, pending == 0
	}
	if pending != h.pending+h.ahead {
		return nil, false
	}
	smax := len(p.Epochs) - 1
	var before []int
	rung := func(s, i, n int) {
		for range n {
			before = append(before, p.Epochs[smax-s+i])
		}
	}
	rung(st.Bracket, st.Rung, h.pending)
	if len(st.Scores)+h.pending < h.size(p, st.Bracket, st.Rung) {
		return before, true
	}
	if h.model != nil {
		return nil, false
	}
	for i := st.Rung + 1; i <= st.Bracket; i++ {
		rung(st.Bracket, i, h.size(p, st.Bracket, i))
	}
	for b, j := st.Bracket, h.ahead; ; {
		b = h.next(p, b)
		if n := h.size(p, b, 0); j >= n {
			for i := range b + 1 {
				rung(b, i, h.size(p, b, i))
			}
			j -= n
			continue
		}
		rung(b, 0, j)
		return before, true
	}
}

// Ahead is Hyperband's, but for the first rung of a bracket, where each
// new architecture is drawn from the model of the scores so far: there it
// is true only while the pending scores would not change the model (the
// budget it is fitted on, and that budget's scores).
func (b *BOHB) Ahead(p *Problem, pending int) bool {
	h := b.init()
	if !h.Ahead(p, pending) {
		return false
	}
	if h.st.Rung > 0 {
		return true
	}
	at := p.Epochs[len(p.Epochs)-1-h.st.Bracket]
	without, with := kde{b}.budget(p, h.st.Seen, at, 0), kde{b}.budget(p, h.st.Seen, at, pending)
	return without == with && without != at
}
