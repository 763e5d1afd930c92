package estimate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"sync/atomic"

	"nasbook/engine/build"
	"nasbook/engine/compute"
	"nasbook/engine/data"
	"nasbook/engine/optim"
	"nasbook/engine/train"
	"nasbook/space/spec"
)

// Optimizer names the optimizer of a training run.
type Optimizer uint8

const (
	// SGD is SGD with Nesterov momentum 0.9 and weight decay 5e-4, as
	// NAS-Bench-201 trains its networks.
	SGD Optimizer = iota
	// Adam is Adam with PyTorch's defaults and no weight decay.
	Adam
)

func (o Optimizer) String() string {
	switch o {
	case SGD:
		return "sgd"
	case Adam:
		return "adam"
	}
	return fmt.Sprintf("Optimizer(%d)", uint8(o))
}

// Schedule names the learning-rate schedule.
type Schedule uint8

const (
	// Cosine anneals the rate to 0 over the run's epochs (NAS-Bench-201).
	Cosine Schedule = iota
	// Constant keeps the rate.
	Constant
)

// Data is what a run trains and evaluates on. Valid picks the best epoch
// and drives early stopping; Test, if set, is evaluated once at the end.
type Data struct {
	Train, Valid, Test *data.Dataset
}

// Config is a training budget. The zero value trains one epoch at batch 64
// with SGD at 0.05, cosine schedule, on all training examples.
type Config struct {
	Epochs      int       `json:"epochs,omitempty"`       // zero means 1
	Batch       int       `json:"batch,omitempty"`        // zero means 64
	LR          float32   `json:"lr,omitempty"`           // zero means 0.05 (SGD) or 1e-3 (Adam)
	Optimizer   Optimizer `json:"optimizer,omitempty"`    //
	Schedule    Schedule  `json:"schedule,omitempty"`     //
	WeightDecay float32   `json:"weight_decay,omitempty"` // SGD; zero means 5e-4, negative means none
	// Subset, if positive, trains on that many training examples, drawn
	// with Seed.
	Subset int `json:"subset,omitempty"`
	// Patience, if positive, stops a run after that many epochs without a
	// better validation accuracy.
	Patience int   `json:"patience,omitempty"`
	Seed     int64 `json:"seed"`

	// The fields below stay in this process: a Job sent to a pool worker
	// trains with the worker's kernels and reports its epochs to the pool.

	Kernels *compute.Set `json:"-"` // nil means compute.Default()
	// OnEpoch, if set, is called after every epoch of every run with the
	// run's candidate index (see Halving) and the epoch's stats. Calls may
	// come from several goroutines, one at a time.
	OnEpoch func(candidate int, st train.EpochStats) `json:"-"`
	// Stop, if set, is polled between steps.
	Stop func() bool `json:"-"`
}

// Result is one training run.
type Result struct {
	Candidate int                // index among the candidates, or 0
	Epochs    int                // epochs trained (fewer than asked when stopped early)
	Curve     []train.EpochStats // one entry per epoch
	ValAcc    float64            // best validation accuracy (NaN without Valid)
	BestEpoch int                // epoch of ValAcc
	TestAcc   float64            // after the last epoch (NaN without Test)
	Early     bool               // stopped by Patience
	Params    int                // parameters of the network
}

func (c Config) orDefault() Config {
	if c.Epochs <= 0 {
		c.Epochs = 1
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.LR == 0 {
		c.LR = 0.05
		if c.Optimizer == Adam {
			c.LR = 1e-3
		}
	}
	if c.WeightDecay == 0 {
		c.WeightDecay = 5e-4
	}
	return c
}

// Train trains the network s describes from a fresh initialisation drawn
// from cfg.Seed and returns its curve and accuracies.
func Train(ctx context.Context, s *spec.Spec, d Data, cfg Config) (Result, error) {
	return run(ctx, s, d, cfg, 0)
}

// run is one whole training: cfg.Epochs epochs, then the test set.
func run(ctx context.Context, s *spec.Spec, d Data, cfg Config, candidate int) (Result, error) {
	cfg = cfg.orDefault()
	r, err := newRunner(s, d, cfg, candidate, cfg.Epochs)
	if err != nil {
		return r.res, err
	}
	if err := r.advance(ctx, cfg.Epochs); err != nil {
		return r.res, err
	}
	return r.res, r.test(ctx)
}

// runner is a training run that can be continued: its network, optimizer
// state, data order and schedule (over the run's whole budget) persist
// between calls to advance.
type runner struct {
	cfg     Config
	d       Data
	net     *build.Network
	tc      train.Config
	tr      *data.Tensors
	val     train.Batches
	res     Result
	since   int  // epochs since the best validation accuracy
	steps   int  // global steps so far
	total   int  // the epochs of the schedule
	stopped bool // by Patience: advance does nothing more
}

// newRunner builds the network of s from cfg.Seed, with a learning-rate
// schedule over total epochs.
func newRunner(s *spec.Spec, d Data, cfg Config, candidate, total int) (*runner, error) {
	cfg = cfg.orDefault()
	rn := &runner{cfg: cfg, d: d, total: total, res: Result{Candidate: candidate, ValAcc: math.NaN(), TestAcc: math.NaN(), BestEpoch: -1}}
	if d.Train == nil || d.Train.Len() == 0 {
		return rn, fmt.Errorf("estimate: no training data")
	}
	if !s.TakesData(d.Train.C, d.Train.H, d.Train.W) {
		return rn, fmt.Errorf("estimate: the network takes %v, the data has %dx%dx%d examples", s.Input, d.Train.C, d.Train.H, d.Train.W)
	}
	r := rand.New(rand.NewSource(cfg.Seed))
	net, err := build.Build(s, r)
	if err != nil {
		return rn, err
	}
	rn.net = net
	rn.res.Params = net.Params.Len()
	tr := d.Train
	if cfg.Subset > 0 && cfg.Subset < tr.Len() {
		tr = tr.Subset(r.Perm(tr.Len())[:cfg.Subset])
	}
	rn.tr = tr.Tensors(cfg.Batch, rand.New(rand.NewSource(cfg.Seed+1)))
	if d.Valid != nil {
		rn.val = batches(d.Valid, cfg.Batch, nil)
	}
	var opt optim.Optimizer = &optim.SGD{Momentum: 0.9, Nesterov: true, WeightDecay: max(cfg.WeightDecay, 0)}
	if cfg.Optimizer == Adam {
		opt = &optim.Adam{}
	}
	var sched optim.Schedule = optim.Cosine{Base: cfg.LR, Steps: total}
	if cfg.Schedule == Constant {
		sched = optim.Constant(cfg.LR)
	}
	rn.tc = train.Config{
		Optimizer: opt, Schedule: sched, Kernels: cfg.Kernels,
		Stop: func() bool { return rn.cfg.Stop != nil && rn.cfg.Stop() },
		OnEpoch: func(st train.EpochStats) {
			rn.record(st)
			if rn.cfg.OnEpoch != nil { // rn.cfg: a continued run reports to its new job
				rn.cfg.OnEpoch(candidate, st)
			}
		},
	}
	if cfg.Patience > 0 && d.Valid != nil {
		user := rn.tc.Stop
		rn.tc.Stop = func() bool { return rn.since >= cfg.Patience || user() }
	}
	return rn, nil
}

// record adds an epoch that ended to the run's curve, best accuracy and
// steps.
func (rn *runner) record(st train.EpochStats) {
	rn.res.Curve = append(rn.res.Curve, st)
	rn.res.Epochs = len(rn.res.Curve)
	rn.steps += st.Steps
	if !math.IsNaN(st.ValAcc) && (math.IsNaN(rn.res.ValAcc) || st.ValAcc > rn.res.ValAcc) {
		rn.res.ValAcc, rn.res.BestEpoch, rn.since = st.ValAcc, st.Epoch, 0
	} else {
		rn.since++
	}
}

// advance trains epochs more epochs, unless early stopping ended the run.
func (rn *runner) advance(ctx context.Context, epochs int) error {
	if rn.stopped || epochs <= 0 {
		return nil
	}
	tc := rn.tc
	tc.Epochs, tc.FirstEpoch, tc.FirstStep = epochs, len(rn.res.Curve), rn.steps
	_, err := train.Fit(ctx, rn.net, rn.net.Params, rn.tr, rn.val, tc)
	rn.res.Epochs = len(rn.res.Curve)
	if err != nil {
		if rn.cfg.Patience > 0 && rn.since >= rn.cfg.Patience && errors.Is(err, train.ErrStopped) {
			rn.res.Early, rn.stopped = true, true
			return nil
		}
		return err
	}
	return nil
}

// test evaluates the network as it is on the test set, if there is one.
func (rn *runner) test(ctx context.Context) error {
	if rn.d.Test == nil {
		return nil
	}
	_, acc, err := train.Evaluate(ctx, rn.net, batches(rn.d.Test, rn.cfg.Batch, nil), rn.cfg.Kernels)
	if err != nil {
		return err
	}
	rn.res.TestAcc = acc
	return nil
}

// batches adapts a dataset to train.Batches.
func batches(d *data.Dataset, size int, r *rand.Rand) train.Batches { return d.Tensors(size, r) }

// Halving is successive halving over a set of candidates: every candidate
// trains MinEpochs; the best 1/Eta (by validation accuracy) train on until
// they have Eta times as many epochs, and so on until one remains or
// MaxEpochs is reached.
//
// A survivor resumes where its rung left it: network, optimizer state, data
// order and a learning-rate schedule laid out over MaxEpochs from the start,
// so the candidate that reaches the last rung has had exactly the run Train
// gives with Epochs = MaxEpochs, and lower rungs read that run's curve
// early (Li et al.'s Hyperband, resuming). With Restart, each rung instead
// trains its candidates again from scratch with a schedule over the rung's
// own epochs, which costs the lower rungs' epochs again.
type Halving struct {
	Eta       int // zero means 3
	MinEpochs int // zero means 1
	MaxEpochs int // zero means MinEpochs·Eta²
	Restart   bool
	Config    Config
	// Pool runs the trainings; nil means goroutines of this process,
	// Workers of them (zero: runtime.NumCPU()). The rungs are the same
	// whatever the pool.
	Pool    Pool
	Workers int
	// OnRung, if set, is called after each rung with its results, best
	// first.
	OnRung func(rung, epochs int, results []Result)
}

// Rung is one budget level of successive halving.
type Rung struct {
	Epochs  int
	Results []Result // best first; a result's Curve covers all its epochs
}

// Run trains the candidates and returns the rungs; the winner is the first
// result of the last rung. Every result of a rung has its test accuracy
// (with Data.Test) after the rung's epochs.
//
// All the rungs go to the pool in one call: a candidate starts its next
// rung as soon as the results so far make its place in the rung's best
// certain, whatever the results to come, so that a free worker does not
// wait for the rung's slowest run. The rungs are those of a rung at a time.
func (h Halving) Run(ctx context.Context, specs []*spec.Spec, d Data) ([]Rung, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	eta, r, maxE := h.budget()
	pool := h.Pool
	if pool == nil {
		pool = &Local{N: h.Workers}
	}
	group := fmt.Sprintf("halving-%d", halvings.Add(1))
	// The plan: each rung's epochs and number of candidates.
	var plan []halvingRung
	for n := len(specs); ; n /= eta {
		plan = append(plan, halvingRung{epochs: r, size: n, results: map[int]Result{}, started: map[int]bool{}})
		if n/eta < 1 || r*eta > maxE || n == 1 {
			break
		}
		r *= eta
	}
	plan[0].alive = make([]int, len(specs))
	for i := range plan[0].alive {
		plan[0].alive[i] = i
	}
	var (
		jobs  []Job
		level []int // of each job
		rungs []Rung
		errs  []error
	)
	// start returns the job of candidate i in rung k.
	start := func(k, i int) Job {
		plan[k].started[i] = true
		c := h.Config
		c.Seed, c.Epochs, c.OnEpoch, c.Stop = h.Config.Seed+int64(i)*1000003, plan[k].epochs, nil, nil
		j := Job{Spec: specs[i], Data: d, Config: c, Candidate: i}
		if !h.Restart {
			j.Total, j.Key = maxE, fmt.Sprintf("%s/%d", group, i)
		}
		jobs, level = append(jobs, j), append(level, k)
		return j
	}
	// promote returns the jobs of rung k+1 whose candidates are certain
	// to get there.
	promote := func(k int) []Job {
		var more []Job
		if k+1 >= len(plan) || plan[k].alive == nil {
			return nil
		}
		for _, i := range plan[k].certain(plan[k+1].size) {
			if !plan[k+1].started[i] {
				more = append(more, start(k+1, i))
			}
		}
		return more
	}
	var first []Job
	for _, i := range plan[0].alive {
		first = append(first, start(0, i))
	}
	err := pool.Train(ctx, first, func(n int, st train.EpochStats) {
		if h.Config.OnEpoch != nil {
			h.Config.OnEpoch(jobs[n].Candidate, st)
		}
	}, func(n int, res Result, _ int, err error) []Job {
		k, rg := level[n], &plan[level[n]]
		rg.results[jobs[n].Candidate] = res
		if err != nil {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return nil
		}
		if len(rg.results) < rg.size {
			return promote(k)
		}
		// The rung is whole, and so is the one before: with p results
		// pending, at most keep-p places are certain, so a rung's jobs
		// have not all started before the rung before it ends.
		results := make([]Result, 0, rg.size)
		for _, i := range rg.alive {
			results = append(results, rg.results[i])
		}
		sort.SliceStable(results, func(a, b int) bool { return better(results[a], results[b]) })
		rungs = append(rungs, Rung{Epochs: rg.epochs, Results: results})
		if h.OnRung != nil {
			h.OnRung(k, rg.epochs, results)
		}
		if k+1 == len(plan) {
			return nil
		}
		next := &plan[k+1]
		var more []Job
		for _, res := range results[:next.size] {
			next.alive = append(next.alive, res.Candidate)
			if !next.started[res.Candidate] {
				more = append(more, start(k+1, res.Candidate))
			}
		}
		return append(more, promote(k+1)...)
	})
	if err == nil {
		err = errors.Join(errs...)
	}
	return rungs, err
}

// halvingRung is a rung of Halving.Run as it runs.
type halvingRung struct {
	epochs, size int
	alive        []int // the candidates, ranked by the rung before; nil until it ends
	results      map[int]Result
	started      map[int]bool
}

// certain returns the candidates with results whose place among the
// rung's best keep is certain, whatever the results still to come: those
// that at most keep-1 others can end ahead of, the pending ones counted
// ahead. Ties go to the earlier in alive, as the rung's stable sort
// leaves them.
func (rg *halvingRung) certain(keep int) []int {
	pos := map[int]int{}
	for p, i := range rg.alive {
		pos[i] = p
	}
	pending := rg.size - len(rg.results)
	var out []int
	for _, c := range rg.alive {
		rc, ok := rg.results[c]
		if !ok {
			continue
		}
		ahead := pending
		for a, ra := range rg.results {
			if a != c && (better(ra, rc) || (!better(rc, ra) && pos[a] < pos[c])) {
				ahead++
			}
		}
		if ahead < keep {
			out = append(out, c)
		}
	}
	return out
}

// halvings numbers the runs of Halving, whose trainings a pool keeps apart
// by it (Job.Key).
var halvings atomic.Int64

// budget returns Eta, MinEpochs and MaxEpochs with their defaults.
func (h Halving) budget() (eta, minE, maxE int) {
	eta = h.Eta
	if eta < 2 {
		eta = 3
	}
	minE = max(h.MinEpochs, 1)
	maxE = h.MaxEpochs
	if maxE <= 0 {
		maxE = minE * eta * eta
	}
	return eta, minE, maxE
}

// Epochs returns the number of epochs Run trains over n candidates, so a
// progress bar can know its end: each rung's candidates for the rung's
// epochs, or, resuming, for the epochs they add to the last rung's.
func (h Halving) Epochs(n int) int {
	eta, r, maxE := h.budget()
	total, prev := 0, 0
	for n > 0 {
		if h.Restart {
			total += n * r
		} else {
			total += n * (r - prev)
		}
		if n/eta < 1 || r*eta > maxE || n == 1 {
			break
		}
		n, r, prev = n/eta, r*eta, r
	}
	return total
}

func better(a, b Result) bool {
	if math.IsNaN(b.ValAcc) {
		return !math.IsNaN(a.ValAcc)
	}
	return a.ValAcc > b.ValAcc
}

// Hyperband runs successive halving in brackets that trade the number of
// candidates against their minimum budget (Li et al., JMLR 2018): with
// s_max = ⌊log_Eta(MaxEpochs/MinEpochs)⌋, bracket s starts
// ⌈(s_max+1)/(s+1)·Eta^s⌉ candidates at MaxEpochs·Eta^-s epochs. Candidates
// are taken from the list in order, each used once; brackets that find the
// list exhausted are skipped.
type Hyperband struct {
	Halving
}

// Run returns each bracket's rungs.
func (hb Hyperband) Run(ctx context.Context, specs []*spec.Spec, d Data) ([][]Rung, error) {
	h := hb.Halving
	eta, minE, maxE := h.budget()
	smax := 0
	for e := minE; e*eta <= maxE; e *= eta {
		smax++
	}
	var out [][]Rung
	used := 0
	for s := smax; s >= 0 && used < len(specs); s-- {
		n := int(math.Ceil(float64(smax+1) / float64(s+1) * math.Pow(float64(eta), float64(s))))
		n = min(n, len(specs)-used)
		b := h
		b.Eta, b.MaxEpochs = eta, maxE
		b.MinEpochs = max(maxE/int(math.Pow(float64(eta), float64(s))), 1)
		rungs, err := b.Run(ctx, specs[used:used+n], d)
		for i := range rungs {
			for j := range rungs[i].Results {
				rungs[i].Results[j].Candidate += used
			}
		}
		out = append(out, rungs)
		if err != nil {
			return out, err
		}
		used += n
	}
	return out, nil
}

// Report is the architecture a search picked: the score the search saw, and
// a training from a fresh initialisation with its own budget.
type Report struct {
	Spec        *spec.Spec
	SearchScore float64 // what the search estimated (a proxy, a short training, a table)
	Retrained   Result  // the final training, apart from the search
}

// Retrain trains the architecture a search picked from scratch with cfg
// (its own seed and budget, not the search's) and reports both numbers.
func Retrain(ctx context.Context, s *spec.Spec, searchScore float64, d Data, cfg Config) (Report, error) {
	res, err := run(ctx, s, d, cfg, 0)
	return Report{Spec: s, SearchScore: searchScore, Retrained: res}, err
}
