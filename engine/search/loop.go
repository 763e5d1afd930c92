package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"time"

	"nasbook/engine/pareto"
	"nasbook/space"
)

// Budget limits a search. A search stops before an evaluation once any limit
// that is set is reached, so the last evaluation may overshoot Seconds or
// Wall. At least one limit must be set.
type Budget struct {
	Evaluations int           // number of estimates; 0: no limit
	Epochs      int           // epochs of training, the sum of Evaluation.Epochs (a Fidelity estimator); 0: no limit
	Seconds     float64       // simulated seconds, the sum of Score.Seconds; 0: no limit
	Wall        time.Duration // wall time spent in Step; 0: no limit
}

// Config sets up a search.
type Config struct {
	Space     space.Space
	Strategy  Strategy
	Estimator Estimator
	Budget    Budget
	Seed      int64 // seeds the one random stream of the search

	// OnEvent, if set, receives every event of the search (see Event).
	OnEvent func(Event)
}

// Search is one run of a strategy against an estimator. It is not safe for
// concurrent use.
type Search struct {
	cfg     Config
	prob    Problem
	src     *Source
	rng     *rand.Rand
	history []Evaluation
	seconds float64
	epochs  int // the sum of the evaluations' Epochs
	wall    time.Duration
	best    int   // index in history of the best on objective 0; -1 before any
	front   []int // indices in history of the non-dominated evaluations
	reason  string
}

// New starts a search.
func New(cfg Config) (*Search, error) {
	if cfg.Space == nil || cfg.Strategy == nil || cfg.Estimator == nil {
		return nil, errors.New("search: Config needs a Space, a Strategy and an Estimator")
	}
	b := cfg.Budget
	if b.Evaluations < 0 || b.Epochs < 0 || b.Seconds < 0 || b.Wall < 0 || math.IsNaN(b.Seconds) {
		return nil, fmt.Errorf("search: negative budget %+v", b)
	}
	if b.Evaluations == 0 && b.Epochs == 0 && b.Seconds == 0 && b.Wall == 0 {
		return nil, errors.New("search: the budget sets no limit (evaluations, epochs, seconds or wall time)")
	}
	objs := cfg.Estimator.Objectives()
	if len(objs) == 0 {
		return nil, errors.New("search: the estimator has no objectives")
	}
	s := &Search{cfg: cfg, prob: Problem{Space: cfg.Space, Objectives: objs}, src: NewSource(cfg.Seed), best: -1}
	if f, ok := cfg.Estimator.(Fidelity); ok {
		e, err := checkEpochs(f)
		if err != nil {
			return nil, err
		}
		s.prob.Epochs = e
	} else if b.Epochs > 0 {
		return nil, fmt.Errorf("search: a budget of %d epochs needs an estimator that trains (%T counts no epochs)", b.Epochs, cfg.Estimator)
	}
	if c, ok := cfg.Strategy.(Checker); ok {
		if err := c.Check(&s.prob); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	s.rng = rand.New(s.src)
	return s, nil
}

// Problem returns the problem the search solves.
func (s *Search) Problem() *Problem { return &s.prob }

// Step proposes, scores and observes one architecture, or, with a Parallel
// estimator and a Batcher strategy, as many as the strategy can propose
// before observing (see StepContext). It returns false when the search is
// over (budget spent, or the strategy exhausted), and an error if the
// strategy or the estimator failed; the search can go on after an error
// only if its cause is fixed.
func (s *Search) Step() (bool, error) { return s.StepContext(context.Background()) }

// StepContext is Step, whose parallel scoring ends when ctx is done.
//
// With a Parallel estimator and a Batcher strategy, it proposes while the
// strategy says its next proposal does not depend on the scores still to
// come (Batcher.Ahead; a Planner may propose past proposals that wait for
// scores, Planner.Next) and the budget has room for it, counting the
// epochs of the proposals before it; up to Parallel.Workers times 8
// proposals. It scores them together and observes them in the order of
// proposals, each as soon as it and those before it are scored, so that
// events stream as the scores come; after each observation it proposes
// again what the strategy now can, into the same scoring. Since every
// proposal and observation is the one a step at a time would make, the
// search is the same, whatever the number of workers.
func (s *Search) StepContext(ctx context.Context) (bool, error) {
	if s.reason != "" {
		return false, nil
	}
	if s.spent() {
		s.finish("budget")
		return false, nil
	}
	start := time.Now()
	defer func() { s.wall += time.Since(start) }()
	par, _ := s.cfg.Estimator.(Parallel)
	st := &step{s: s, limit: 1}
	st.bat, _ = s.cfg.Strategy.(Batcher)
	if par != nil && st.bat != nil && s.cfg.Budget.Seconds == 0 && s.cfg.Budget.Wall == 0 {
		st.limit = 8 * max(par.Workers(), 1)
	}
	jobs, err := st.fill()
	if err != nil {
		return false, err
	}
	if len(st.window) == 0 {
		s.finish("exhausted")
		return false, nil
	}
	if par == nil {
		sl := st.window[0]
		sc, err := s.estimate(sl.arch, sl.epochs)
		if err != nil {
			return false, err
		}
		s.observe(sl.arch, sl.epochs, sc)
	} else if err := st.run(ctx, par, jobs); err != nil {
		return false, err
	}
	if st.exhausted {
		s.finish("exhausted")
		return false, nil
	}
	return true, nil
}

// step is the proposals of one StepContext not yet observed.
type step struct {
	s         *Search
	bat       Batcher // nil for a strategy that proposes one at a time
	limit     int     // of the proposals the step makes
	made      int
	window    []*proposal // in the order of proposals, from the first not observed
	pending   int         // proposed, not observed
	byJob     []*proposal // by the index of its job in EstimateAll
	exhausted bool
	failed    error // the first failure in the order of proposals
}

// proposal is one proposal of a step; a proposal that waits for scores
// has no architecture yet.
type proposal struct {
	arch   space.Arch
	epochs int
	scored bool
	score  Score
	err    error
}

// next returns where the strategy's next proposal falls, after the
// proposals of the window before it, whose budgets are before; and whether
// it can be made now.
func (st *step) next() (at int, before []int, ok bool) {
	if len(st.window) == 0 {
		return 0, nil, true
	}
	if pl, is := st.bat.(Planner); is && st.limit > 1 {
		before, ok = pl.Next(&st.s.prob, st.pending)
		return len(before), before, ok
	}
	for _, p := range st.window {
		before = append(before, p.epochs)
	}
	ok = st.limit > 1 && st.bat.Ahead(&st.s.prob, st.pending)
	return len(st.window), before, ok
}

// fill proposes what the strategy can propose now, and returns the jobs of
// the new proposals.
func (st *step) fill() ([]Job, error) {
	s := st.s
	var jobs []Job
	for {
		at, before, ok := st.next()
		appending := at >= len(st.window)
		if !ok || (appending && (st.exhausted || st.made >= st.limit)) {
			return jobs, nil
		}
		// A search one evaluation at a time makes this proposal once those
		// before it are observed, if the budget has room.
		epochs := 0
		for _, e := range before {
			epochs += e
		}
		if s.spentWith(at, epochs) {
			return jobs, nil
		}
		a, err := s.cfg.Strategy.Propose(&s.prob, s.rng)
		if errors.Is(err, ErrExhausted) && appending {
			st.exhausted = true
			return jobs, nil
		}
		if err != nil {
			return jobs, fmt.Errorf("search: %T: %w", s.cfg.Strategy, err)
		}
		if err := space.Valid(s.cfg.Space, a); err != nil {
			panic(fmt.Sprintf("search: %T proposed an invalid architecture: %v", s.cfg.Strategy, err))
		}
		e := 0
		if _, ok := s.cfg.Estimator.(Fidelity); ok {
			e = s.prob.Epochs[len(s.prob.Epochs)-1]
			if sch, ok := s.cfg.Strategy.(Scheduler); ok {
				e = sch.ProposedEpochs()
				if !slices.Contains(s.prob.Epochs, e) {
					panic(fmt.Sprintf("search: %T proposed %d epochs, not one of %v", s.cfg.Strategy, e, s.prob.Epochs))
				}
			}
		}
		for i, p := range st.window[:min(at, len(st.window))] {
			if p.epochs != before[i] {
				panic(fmt.Sprintf("search: %T's Next counts a proposal of %d epochs where one of %d was made", s.cfg.Strategy, before[i], p.epochs))
			}
		}
		p := &proposal{arch: a.Clone(), epochs: e}
		if appending {
			st.made += at - len(st.window) + 1
			for _, b := range before[len(st.window):] {
				st.window = append(st.window, &proposal{epochs: b})
			}
			st.window = append(st.window, p)
		} else {
			if w := st.window[at]; w.arch != nil || w.epochs != e {
				panic(fmt.Sprintf("search: %T proposed %d epochs in the place of a proposal of %d", s.cfg.Strategy, e, w.epochs))
			}
			st.window[at] = p
		}
		st.pending++
		st.byJob = append(st.byJob, p)
		jobs = append(jobs, Job{Arch: p.arch, Epochs: e, N: len(s.history) + 1 + at})
	}
}

// run scores the proposals with par, observes them in order as the scores
// come and proposes what each observation allows; the first failure in the
// order of proposals ends it, with the ones before it observed.
func (st *step) run(ctx context.Context, par Parallel, jobs []Job) error {
	s := st.s
	err := par.EstimateAll(ctx, jobs, func(i int, sc Score, err error) []Job {
		p := st.byJob[i]
		if err == nil {
			err = s.checkScore(sc)
		}
		if err != nil {
			err = fmt.Errorf("search: estimate %s: %w", s.cfg.Space.Format(p.arch), err)
		}
		p.scored, p.score, p.err = true, sc, err
		observed := false
		for st.failed == nil && len(st.window) > 0 && st.window[0].scored {
			first := st.window[0]
			if st.failed = first.err; st.failed == nil {
				st.window, st.pending = st.window[1:], st.pending-1
				s.observe(first.arch, first.epochs, first.score)
				observed = true
			}
		}
		if st.failed != nil || !observed {
			return nil
		}
		more, err := st.fill()
		if err != nil {
			st.failed = err
		}
		return more
	})
	if st.failed != nil {
		return st.failed
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(st.window) > 0 {
		return fmt.Errorf("search: %T scored %d of %d architectures", par, len(st.byJob)-st.pending, len(st.byJob))
	}
	return nil
}

// estimate scores one architecture after epochs (a Fidelity estimator) and
// checks the score.
func (s *Search) estimate(a space.Arch, epochs int) (Score, error) {
	var sc Score
	var err error
	if f, ok := s.cfg.Estimator.(Fidelity); ok {
		sc, err = f.EstimateAt(a, epochs)
	} else {
		sc, err = s.cfg.Estimator.Estimate(a)
	}
	if err == nil {
		err = s.checkScore(sc)
	}
	if err != nil {
		return sc, fmt.Errorf("search: estimate %s: %w", s.cfg.Space.Format(a), err)
	}
	return sc, nil
}

// observe hands a score to the strategy, records it and sends its events.
func (s *Search) observe(a space.Arch, epochs int, sc Score) {
	e := Evaluation{N: len(s.history) + 1, Arch: a, Values: slices.Clone(sc.Values), Fitness: s.prob.Fitness(sc.Values), Seconds: sc.Seconds, Epochs: epochs}
	s.cfg.Strategy.Observe(&s.prob, e)
	improved, frontChanged := s.record(e)
	s.emit(&Evaluated{Evaluation: e, Used: s.Used()})
	if improved {
		s.emit(&Incumbent{Evaluation: e})
	}
	if p, ok := s.cfg.Strategy.(Populator); ok {
		s.emit(&PopulationChanged{N: e.N, Members: p.Population()})
	}
	if frontChanged {
		s.emit(&FrontChanged{N: e.N, Front: s.Front()})
	}
}

func (s *Search) checkScore(sc Score) error {
	if len(sc.Values) != len(s.prob.Objectives) {
		return fmt.Errorf("%d values for %d objectives", len(sc.Values), len(s.prob.Objectives))
	}
	for i, v := range sc.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("objective %s is %v", s.prob.Objectives[i].Name, v)
		}
	}
	if sc.Seconds < 0 || math.IsNaN(sc.Seconds) || math.IsInf(sc.Seconds, 0) {
		return fmt.Errorf("cost %v seconds", sc.Seconds)
	}
	return nil
}

// record adds e to the history, the incumbent and the front.
func (s *Search) record(e Evaluation) (improved, frontChanged bool) {
	s.history = append(s.history, e)
	s.seconds += e.Seconds
	s.epochs += e.Epochs
	i := len(s.history) - 1
	if !s.prob.Full(e) {
		return false, false
	}
	if s.best < 0 || e.Fitness[0] > s.history[s.best].Fitness[0] {
		s.best, improved = i, true
	}
	for _, j := range s.front {
		f := s.history[j]
		if pareto.Dominates(f.Fitness, e.Fitness) || (slices.Equal(f.Fitness, e.Fitness) && slices.Equal(f.Arch, e.Arch)) {
			return improved, false
		}
	}
	kept := s.front[:0]
	for _, j := range s.front {
		if !pareto.Dominates(e.Fitness, s.history[j].Fitness) {
			kept = append(kept, j)
		}
	}
	s.front = append(kept, i)
	return improved, true
}

func (s *Search) finish(reason string) {
	s.reason = reason
	s.emit(&Finished{Reason: reason, Used: s.Used()})
}

func (s *Search) emit(e Event) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(e)
	}
}

func (s *Search) spent() bool { return s.spentWith(0, 0) }

// spentWith reports whether the budget is spent once n more evaluations of
// epochs epochs in all are recorded.
func (s *Search) spentWith(n, epochs int) bool {
	b := s.cfg.Budget
	return (b.Evaluations > 0 && len(s.history)+n >= b.Evaluations) ||
		(b.Epochs > 0 && s.epochs+epochs >= b.Epochs) ||
		(b.Seconds > 0 && s.seconds >= b.Seconds) ||
		(b.Wall > 0 && s.wall >= b.Wall)
}

// Run steps until the search is over or ctx is done.
func (s *Search) Run(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		more, err := s.StepContext(ctx)
		if err != nil || !more {
			return err
		}
	}
}

// Done reports whether the search is over, and why ("budget" or
// "exhausted"; "" while it runs).
func (s *Search) Done() (bool, string) { return s.reason != "", s.reason }

// Used returns how much of the budget is spent.
func (s *Search) Used() Usage {
	u := Usage{Evaluations: len(s.history), Epochs: s.epochs, Seconds: s.seconds, WallSeconds: s.wall.Seconds()}
	b := s.cfg.Budget
	if b.Evaluations > 0 {
		u.Fraction = max(u.Fraction, float64(u.Evaluations)/float64(b.Evaluations))
	}
	if b.Epochs > 0 {
		u.Fraction = max(u.Fraction, float64(u.Epochs)/float64(b.Epochs))
	}
	if b.Seconds > 0 {
		u.Fraction = max(u.Fraction, u.Seconds/b.Seconds)
	}
	if b.Wall > 0 {
		u.Fraction = max(u.Fraction, float64(s.wall)/float64(b.Wall))
	}
	u.Fraction = min(u.Fraction, 1)
	return u
}

// History returns every evaluation so far, in order. The caller must not
// modify it.
func (s *Search) History() []Evaluation { return s.history }

// Best returns the best evaluation so far on the first objective (the
// earliest of ties), and false before the first evaluation. With a Fidelity
// estimator, only evaluations at the full budget count (Problem.Full).
func (s *Search) Best() (Evaluation, bool) {
	if s.best < 0 {
		return Evaluation{}, false
	}
	return s.history[s.best], true
}

// Front returns the Pareto front of all evaluations so far (on fitness:
// every objective in its direction), sorted by the first objective, best
// first; of those at the full budget (Problem.Full).
func (s *Search) Front() []Evaluation {
	f := make([]Evaluation, len(s.front))
	for i, j := range s.front {
		f[i] = s.history[j]
	}
	slices.SortStableFunc(f, func(a, b Evaluation) int {
		if c := cmpDesc(a.Fitness[0], b.Fitness[0]); c != 0 {
			return c
		}
		return a.N - b.N
	})
	return f
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// BestSoFar returns, for each evaluation of history, the best value of
// objective obj seen up to and including it (in the objective's direction).
// With a Fidelity estimator it has one value per evaluation at the full
// budget (Problem.Full) and leaves the others out.
func BestSoFar(p *Problem, history []Evaluation, obj int) []float64 {
	out := make([]float64, 0, len(history))
	for _, e := range history {
		if !p.Full(e) {
			continue
		}
		v := e.Values[obj]
		if i := len(out); i > 0 {
			prev := out[i-1]
			if (p.Objectives[obj].Minimize && prev < v) || (!p.Objectives[obj].Minimize && prev > v) {
				v = prev
			}
		}
		out = append(out, v)
	}
	return out
}

// checkpoint is the JSON form of a search in progress.
type checkpoint struct {
	Version    int             `json:"version"`
	Space      string          `json:"space"`
	Strategy   string          `json:"strategy"`
	Objectives []Objective     `json:"objectives"`
	Seed       int64           `json:"seed"`
	RNG        uint64          `json:"rng"`
	Seconds    float64         `json:"seconds"`
	WallNanos  int64           `json:"wall_ns"`
	Reason     string          `json:"done,omitempty"`
	History    []savedEval     `json:"history"`
	State      json.RawMessage `json:"strategy_state"`
}

type savedEval struct {
	Arch    space.Arch `json:"arch"`
	Values  []float64  `json:"values"`
	Seconds float64    `json:"seconds,omitempty"`
	Epochs  int        `json:"epochs,omitempty"`
}

// MarshalJSON saves the search: its history, budget used, random stream and
// strategy state. Resume continues it. The strategy must be Stateful.
func (s *Search) MarshalJSON() ([]byte, error) {
	st, ok := s.cfg.Strategy.(Stateful)
	if !ok {
		return nil, fmt.Errorf("search: %T cannot save its state", s.cfg.Strategy)
	}
	state, err := st.MarshalState()
	if err != nil {
		return nil, fmt.Errorf("search: save %T: %w", s.cfg.Strategy, err)
	}
	c := checkpoint{Version: 1, Space: s.cfg.Space.Name(), Strategy: fmt.Sprintf("%T", s.cfg.Strategy),
		Objectives: s.prob.Objectives, Seed: s.cfg.Seed, RNG: s.src.State, Seconds: s.seconds,
		WallNanos: int64(s.wall), Reason: s.reason, State: state}
	c.History = make([]savedEval, len(s.history))
	for i, e := range s.history {
		c.History[i] = savedEval{Arch: e.Arch, Values: e.Values, Seconds: e.Seconds, Epochs: e.Epochs}
	}
	return json.Marshal(c)
}

// Resume continues a search saved by MarshalJSON. cfg must describe the same
// problem (space, objectives) with a new strategy of the same type; the
// budget may differ (to extend a search). The seed is the saved one. Events
// resume with the next evaluation.
func Resume(cfg Config, data []byte) (*Search, error) {
	var c checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("search: resume: %w", err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("search: resume: checkpoint version %d, want 1", c.Version)
	}
	cfg.Seed = c.Seed
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if c.Space != cfg.Space.Name() {
		return nil, fmt.Errorf("search: resume: checkpoint of space %q, not %q", c.Space, cfg.Space.Name())
	}
	if got := fmt.Sprintf("%T", cfg.Strategy); got != c.Strategy {
		return nil, fmt.Errorf("search: resume: checkpoint of strategy %s, not %s", c.Strategy, got)
	}
	if !slices.Equal(c.Objectives, s.prob.Objectives) {
		return nil, fmt.Errorf("search: resume: checkpoint objectives %v, estimator's %v", c.Objectives, s.prob.Objectives)
	}
	st, ok := cfg.Strategy.(Stateful)
	if !ok {
		return nil, fmt.Errorf("search: resume: %T cannot restore its state", cfg.Strategy)
	}
	for i, h := range c.History {
		if err := space.Valid(cfg.Space, h.Arch); err != nil {
			return nil, fmt.Errorf("search: resume: evaluation %d: %w", i+1, err)
		}
		if len(h.Values) != len(s.prob.Objectives) {
			return nil, fmt.Errorf("search: resume: evaluation %d has %d values for %d objectives", i+1, len(h.Values), len(s.prob.Objectives))
		}
		if (h.Epochs != 0 || len(s.prob.Epochs) > 0) && !slices.Contains(s.prob.Epochs, h.Epochs) {
			return nil, fmt.Errorf("search: resume: evaluation %d at %d epochs, which the estimator does not score at (%v)", i+1, h.Epochs, s.prob.Epochs)
		}
		if err := s.checkScore(Score{Values: h.Values, Seconds: h.Seconds}); err != nil {
			return nil, fmt.Errorf("search: resume: evaluation %d: %w", i+1, err)
		}
		s.record(Evaluation{N: i + 1, Arch: h.Arch, Values: h.Values, Fitness: s.prob.Fitness(h.Values), Seconds: h.Seconds, Epochs: h.Epochs})
	}
	s.seconds = c.Seconds // the saved sum, bit for bit
	s.wall = time.Duration(c.WallNanos)
	s.src.State = c.RNG
	if c.Reason == "exhausted" {
		s.reason = c.Reason // a search over budget may go on with a larger one
	}
	if err := st.UnmarshalState(&s.prob, c.State); err != nil {
		return nil, fmt.Errorf("search: resume: %w", err)
	}
	return s, nil
}
