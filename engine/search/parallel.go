package search

import (
	"context"

	"nasbook/space"
)

// Parallel is an estimator that scores several architectures at once, such
// as a training estimator over a pool of workers. A search over one scores
// the proposals of a Batcher strategy together (Search.StepContext).
type Parallel interface {
	Estimator
	// Workers returns how many architectures it scores at the same time.
	Workers() int
	// EstimateAll scores archs, archs[i] after epochs[i] epochs of
	// training (0 for an estimator that is no Fidelity), and calls done
	// once for each, from one goroutine at a time, in any order. Each
	// score must be the one Estimate or EstimateAt gives: it may not
	// depend on the other architectures, the order or the workers. It
	// returns once every architecture is done, or with ctx's error once
	// ctx is done.
	EstimateAll(ctx context.Context, archs []space.Arch, epochs []int, done func(i int, sc Score, err error)) error
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

var (
	_ Batcher = (*Random)(nil)
	_ Batcher = (*Exhaustive)(nil)
	_ Batcher = (*Evolution)(nil)
	_ Batcher = (*BO)(nil)
	_ Batcher = (*NSGA2)(nil)
	_ Batcher = (*Hyperband)(nil)
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

// Ahead is true within a rung: its members are scored at one budget and
// promoted together once all are scored; and, for Hyperband, past a
// bracket's last rung, through the first rungs of the brackets after it,
// whose members are drawn whatever the scores.
func (h *Hyperband) Ahead(p *Problem, pending int) bool {
	st := &h.st
	if !st.Started || pending != h.pending+h.ahead {
		return false
	}
	if len(st.Scores)+h.pending < h.size(p, st.Bracket, st.Rung) {
		return true
	}
	_, ok := h.after(p, h.ahead)
	return ok && h.model == nil
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
