package search

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"

	"nasbook/space"
)

// Hyperband is Hyperband (Li et al., JMLR 2018) over the training budgets
// of a Fidelity estimator: brackets of successive halving that trade the
// number of architectures against the budget they start at.
//
// With the estimator's budgets b_0 < ... < b_smax (Problem.Epochs), bracket
// s (from smax down to 0, then over again) draws
// n = ⌈(smax+1)/(s+1)·Eta^s⌉ architectures, scores them after b_(smax-s)
// epochs, keeps the best ⌊n/Eta⌋ (at least one) for the next budget, and so
// on up to the full one. Architectures are drawn from the space's sampling
// distribution (space.Sample); BOHB draws them from a model instead. A
// survivor is scored again from scratch at the next budget, as a table of
// results after 12 and after 200 epochs gives them, and the search counts
// the epochs of every evaluation (Budget.Epochs).
//
// The brackets do not depend on each other, and a bracket's first rung on
// no score: while a rung waits for the scores of the one before it,
// Hyperband draws the first rungs of the brackets after it (a Planner), so
// that a pool of workers trains them beside the rungs instead of idling,
// and each rung starts once the scores it waits for are in. The draws and
// the scores are those of a search one evaluation at a time; BOHB, whose
// draws depend on the scores, waits.
//
// Hyperband needs a Fidelity estimator (Checker). It is Stateful: a search
// saved in the middle of a bracket resumes there.
type Hyperband struct {
	// Eta is the fraction 1/Eta of a rung that goes on to the next budget;
	// 0 means the ratio of the two largest budgets, rounded (3 for budgets
	// of 1, 3, 9 epochs; 17 for 12 and 200), and 3 with one budget.
	Eta int

	st      hbState
	model   *kde // BOHB's; nil for Hyperband
	epochs  int  // the budget of the last proposal
	pending int  // proposals of the rung not yet observed (Batcher)
	ahead   int  // proposals of st.Ahead, not yet observed
}

// hbState is where Hyperband is: in bracket Bracket, at rung Rung, with the
// rung's architectures so far and the scores of those observed.
type hbState struct {
	Started bool         `json:"started"`
	Bracket int          `json:"bracket"` // s, from smax down to 0
	Rung    int          `json:"rung"`    // 0 is the bracket's lowest budget
	Members []space.Arch `json:"members"` // of the rung; the first rung's grow as drawn
	Scores  []float64    `json:"scores"`  // fitness of Members[:len(Scores)]
	// Ahead are the members of the first rungs of the brackets after this
	// one, in order, drawn while a rung waited for scores.
	Ahead []space.Arch `json:"ahead,omitempty"`
	// Seen is BOHB's model data: every evaluation's architecture, budget
	// and first fitness.
	Seen []seen `json:"seen,omitempty"`
}

type seen struct {
	Arch    space.Arch `json:"arch"`
	Epochs  int        `json:"epochs"`
	Fitness float64    `json:"fitness"`
}

var (
	_ Strategy  = (*Hyperband)(nil)
	_ Scheduler = (*Hyperband)(nil)
	_ Stateful  = (*Hyperband)(nil)
	_ Checker   = (*Hyperband)(nil)
)

// Check refuses an estimator without budgets of epochs.
func (h *Hyperband) Check(p *Problem) error {
	if len(p.Epochs) == 0 {
		return errors.New("hyperband and bohb need an estimator that trains for a number of epochs (training, or tables at several epochs)")
	}
	if h.Eta < 0 || h.Eta == 1 {
		return fmt.Errorf("hyperband: Eta %d, want 2 or more (0: the default)", h.Eta)
	}
	return nil
}

// eta returns Eta or its default.
func (h *Hyperband) eta(p *Problem) int {
	if h.Eta >= 2 {
		return h.Eta
	}
	e := p.Epochs
	if len(e) < 2 {
		return 3
	}
	return max(2, int(math.Round(float64(e[len(e)-1])/float64(e[len(e)-2]))))
}

// size returns the number of architectures of rung i of bracket s.
func (h *Hyperband) size(p *Problem, s, i int) int {
	eta := float64(h.eta(p))
	smax := len(p.Epochs) - 1
	n := math.Ceil(float64(smax+1) / float64(s+1) * math.Pow(eta, float64(s)))
	return max(1, int(n/math.Pow(eta, float64(i))))
}

func (h *Hyperband) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	st := &h.st
	smax := len(p.Epochs) - 1
	if !st.Started {
		st.Started, st.Bracket = true, smax
	}
	if n := len(st.Scores) + h.pending; n < h.size(p, st.Bracket, st.Rung) {
		h.epochs = p.Epochs[smax-st.Bracket+st.Rung]
		h.pending++
		if n < len(st.Members) {
			return st.Members[n].Clone(), nil
		}
		if st.Rung != 0 {
			panic("search: hyperband: a rung above the first ran out of members")
		}
		a, err := h.draw(p, r)
		if err != nil {
			h.pending--
			return nil, err
		}
		st.Members = append(st.Members, a.Clone())
		return a, nil
	}
	// The rung is proposed whole: draw for the brackets after it.
	if h.model != nil {
		panic("search: hyperband: a proposal that waits for scores")
	}
	h.epochs = p.Epochs[smax-h.after(p, h.ahead)]
	h.ahead++
	if h.ahead <= len(st.Ahead) {
		return st.Ahead[h.ahead-1].Clone(), nil
	}
	a, err := h.draw(p, r)
	if err != nil {
		h.ahead--
		return nil, err
	}
	st.Ahead = append(st.Ahead, a.Clone())
	return a, nil
}

// draw draws a member of a first rung: from the space's distribution, or
// BOHB's model.
func (h *Hyperband) draw(p *Problem, r *rand.Rand) (space.Arch, error) {
	if h.model != nil {
		return h.model.propose(p, h.st.Seen, r)
	}
	return space.Sample(p.Space, r)
}

// after returns the bracket whose first rung member j of Ahead belongs to.
func (h *Hyperband) after(p *Problem, j int) int {
	for b := h.st.Bracket; ; j -= h.size(p, b, 0) {
		if b = h.next(p, b); j < h.size(p, b, 0) {
			return b
		}
	}
}

// next returns the bracket after b: the one below, and after bracket 0 the
// top one again.
func (h *Hyperband) next(p *Problem, b int) int {
	if b == 0 {
		return len(p.Epochs) - 1
	}
	return b - 1
}

// ProposedEpochs is the budget of the current rung.
func (h *Hyperband) ProposedEpochs() int { return h.epochs }

// Observe records the score; a rung whose every member is scored sends its
// best on to the next budget, and the last rung of a bracket starts the
// next bracket.
func (h *Hyperband) Observe(p *Problem, e Evaluation) {
	st := &h.st
	h.pending = max(h.pending-1, 0)
	st.Scores = append(st.Scores, e.Fitness[0])
	if h.model != nil {
		st.Seen = append(st.Seen, seen{Arch: e.Arch.Clone(), Epochs: e.Epochs, Fitness: e.Fitness[0]})
	}
	if len(st.Scores) < h.size(p, st.Bracket, st.Rung) {
		return
	}
	if st.Rung < st.Bracket { // promote the best to the next budget
		keep := h.size(p, st.Bracket, st.Rung+1)
		order := make([]int, len(st.Scores))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return st.Scores[order[a]] > st.Scores[order[b]] })
		next := make([]space.Arch, keep)
		for i, j := range order[:keep] {
			next[i] = st.Members[j]
		}
		st.Rung++
		st.Members, st.Scores = next, nil
		return
	}
	st.Rung, st.Members, st.Scores = 0, nil, nil
	st.Bracket = h.next(p, st.Bracket)
	// The members drawn ahead for this bracket, and the proposals of them.
	k := min(len(st.Ahead), h.size(p, st.Bracket, 0))
	st.Members = slices.Clone(st.Ahead[:k])
	if st.Ahead = st.Ahead[k:]; len(st.Ahead) == 0 {
		st.Ahead = nil
	}
	h.pending = min(h.ahead, k)
	h.ahead -= h.pending
}

func (h *Hyperband) MarshalState() ([]byte, error) { return marshalState(&h.st) }

func (h *Hyperband) UnmarshalState(p *Problem, data []byte) error {
	name := "hyperband"
	if h.model != nil {
		name = "bohb"
	}
	var st hbState
	if err := unmarshalState(name, data, &st); err != nil {
		return err
	}
	smax := len(p.Epochs) - 1
	if !st.Started && (st.Bracket != 0 || st.Rung != 0 || len(st.Members) > 0 || len(st.Scores) > 0) {
		return fmt.Errorf("search: %s state: members of a search not started", name)
	}
	if st.Started && (st.Bracket < 0 || st.Bracket > smax || st.Rung < 0 || st.Rung > st.Bracket) {
		return fmt.Errorf("search: %s state: bracket %d, rung %d, with %d budgets", name, st.Bracket, st.Rung, smax+1)
	}
	if st.Started {
		n := h.size(p, st.Bracket, st.Rung)
		if len(st.Scores) > len(st.Members) || len(st.Members) > n || (st.Rung > 0 && len(st.Members) != n) || len(st.Scores) == n {
			return fmt.Errorf("search: %s state: %d scores of %d members, in a rung of %d", name, len(st.Scores), len(st.Members), n)
		}
	}
	if len(st.Ahead) > 0 && (!st.Started || h.model != nil || len(st.Members) != h.size(p, st.Bracket, st.Rung)) {
		return fmt.Errorf("search: %s state: %d members drawn ahead of bracket %d, rung %d", name, len(st.Ahead), st.Bracket, st.Rung)
	}
	for _, a := range append(slices.Clone(st.Members), st.Ahead...) {
		if err := checkArch(p, a); err != nil {
			return err
		}
	}
	for _, x := range st.Seen {
		if err := checkArch(p, x.Arch); err != nil {
			return err
		}
		if !slices.Contains(p.Epochs, x.Epochs) {
			return fmt.Errorf("search: %s state: an evaluation at %d epochs, not one of %v", name, x.Epochs, p.Epochs)
		}
	}
	h.st = st
	return nil
}
