package estimate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"nasbook/engine/train"
	"nasbook/space/spec"
)

// Job is one training run for a Pool: the network, the data, the training
// and its seed, nothing else, so that the run gives the same result in any
// worker. It crosses to a browser's pool worker as JSON; Data does not (a
// pool sends each dataset to a worker once, and the job names it).
type Job struct {
	Spec   *spec.Spec `json:"spec"`
	Data   Data       `json:"-"`
	Config Config     `json:"config"` // Epochs is the number of epochs the run has trained at the job's end
	// Total, if more than Config.Epochs, is the epochs the learning-rate
	// schedule is laid over: the run is the first Config.Epochs epochs of
	// one of Total, and a later job with the same Key takes it further.
	Total int `json:"total,omitempty"`
	// Key, if set, names the run so that a later job with the same Key
	// continues it where this one left it (successive halving's
	// survivors). A worker that does not hold the run (nor was given it by
	// Runs.Import) trains it again from the start, which gives the same
	// result. A key is "group/name": a
	// worker keeps the runs of the last group it saw only.
	Key       string `json:"key,omitempty"`
	Candidate int    `json:"candidate"` // reported to Config.OnEpoch and in the Result
	// Order ranks the job among those waiting: a free worker takes one of
	// least Order, of those the one of most work. A search numbers its
	// jobs in the order it observes their scores; successive halving
	// leaves them all 0, for the longest first.
	Order int `json:"-"`
}

// sooner reports whether a waiting job of order oa and work wa goes before
// one of order ob and work wb.
func sooner(oa int, wa float64, ob int, wb float64) bool {
	return oa < ob || (oa == ob && wa > wb)
}

// EpochWork estimates the work of an epoch of j: the network's
// multiply-adds per example times the examples it trains on (at least 1).
func (j Job) EpochWork() float64 {
	macs := int64(1)
	if n, err := spec.Lower(j.Spec); err == nil {
		macs = max(n.Count(1).MACs, 1)
	}
	examples := 1
	if j.Data.Train != nil {
		examples = j.Data.Train.Len()
		if j.Config.Subset > 0 {
			examples = min(examples, j.Config.Subset)
		}
	}
	return float64(macs) * float64(max(examples, 1))
}

// Pool runs training jobs, in parallel where it can: goroutines (Local) or,
// in the browser, Web Workers running the engine. Every implementation gives
// each job the result Runs.Do gives it, whatever the number of workers and
// the order of the jobs.
type Pool interface {
	// Workers returns how many jobs the pool runs at the same time.
	Workers() int
	// Train runs jobs. It calls epoch after each epoch of job i, and done
	// once for each job with its result, or its error, and the index of
	// the worker that ran it; from one goroutine at a time, in completion
	// order. What done returns is more jobs to run in the same call, which
	// take the indices after those given so far: a caller starts the work
	// that a result has made certain without waiting for the others (nil:
	// none). Train returns once every job is done, or with ctx's error
	// once ctx is done, cancelling the runs in flight.
	Train(ctx context.Context, jobs []Job, epoch func(i int, st train.EpochStats), done func(i int, r Result, worker int, err error) (more []Job)) error
}

// Runs does jobs and keeps the runs that a later job may continue (by
// Key); Export and Import move a run from one Runs to another, in another
// process if need be. It is safe for concurrent use, with one job of a Key
// at a time.
type Runs struct {
	mu    sync.Mutex
	group string
	held  map[string]*runner
	moved map[string]*snapshot // imported runs that no job has continued yet
}

// Do trains j. The result is the same whether or not this Runs holds the
// run that j continues.
func (rs *Runs) Do(ctx context.Context, j Job) (Result, error) {
	if j.Spec == nil {
		return Result{}, errors.New("estimate: a job without a spec")
	}
	cfg := j.Config.orDefault()
	total := max(j.Total, cfg.Epochs)
	rs.mu.Lock()
	if g, _, _ := strings.Cut(j.Key, "/"); j.Key != "" && g != rs.group {
		rs.group, rs.held, rs.moved = g, map[string]*runner{}, map[string]*snapshot{}
	}
	rn, sn := rs.held[j.Key], rs.moved[j.Key]
	delete(rs.held, j.Key)
	delete(rs.moved, j.Key)
	rs.mu.Unlock()
	if rn != nil && (len(rn.res.Curve) > cfg.Epochs || rn.total != total || rn.cfg.Seed != cfg.Seed) {
		rn = nil
	}
	if rn == nil && sn != nil && len(sn.curve) <= cfg.Epochs && sn.total == total && sn.seed == cfg.Seed {
		var err error
		if rn, err = newRunner(j.Spec, j.Data, cfg, j.Candidate, total); err != nil {
			return rn.res, err
		}
		if rn.restore(sn) != nil {
			rn = nil // not this job's run after all: train it from the start
		}
	}
	if rn == nil {
		var err error
		if rn, err = newRunner(j.Spec, j.Data, cfg, j.Candidate, total); err != nil {
			return rn.res, err
		}
	}
	rn.cfg.OnEpoch, rn.cfg.Stop = cfg.OnEpoch, cfg.Stop
	if err := rn.advance(ctx, cfg.Epochs-len(rn.res.Curve)); err != nil {
		return rn.res, err
	}
	err := rn.test(ctx)
	res := rn.res
	res.Curve = append([]train.EpochStats(nil), res.Curve...)
	// A run that early stopping ended is kept too: a later job of its key
	// gets its result again instead of training it from the start to the
	// same end.
	if j.Key != "" && err == nil && len(rn.res.Curve) < total {
		rs.mu.Lock()
		if g, _, _ := strings.Cut(j.Key, "/"); g == rs.group {
			rs.held[j.Key] = rn
		}
		rs.mu.Unlock()
	}
	return res, err
}

// work returns the work of job j: the epochs it adds to its run (none for
// a run that early stopping ended) times its epoch's work.
func (rs *Runs) work(j Job) float64 {
	epochs := j.Config.orDefault().Epochs
	rs.mu.Lock()
	if rn := rs.held[j.Key]; rn != nil && j.Key != "" {
		if rn.res.Early {
			rs.mu.Unlock()
			return 0
		}
		epochs -= len(rn.res.Curve)
	}
	rs.mu.Unlock()
	return float64(max(epochs, 0)) * j.EpochWork()
}

// Local is a Pool of goroutines of this process. Its runs to continue are
// shared by all of them; a free goroutine takes the waiting job of least
// Order, of those the one of most work (Runs' estimate when the job came),
// so that the last to end ends early, as the browser's pool hands them out.
type Local struct {
	N    int // workers; zero means runtime.NumCPU()
	runs Runs
}

var _ Pool = (*Local)(nil)

// Workers implements Pool.
func (l *Local) Workers() int {
	if l.N > 0 {
		return l.N
	}
	return runtime.NumCPU()
}

// Train implements Pool.
func (l *Local) Train(ctx context.Context, jobs []Job, epoch func(int, train.EpochStats), done func(int, Result, int, error) []Job) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		wake    = sync.NewCond(&mu)
		all     []Job
		work    []float64
		waiting []int // indices into all, not started
		running int
	)
	add := func(js []Job) {
		for _, j := range js {
			waiting = append(waiting, len(all))
			all = append(all, j)
			work = append(work, l.runs.work(j))
		}
		wake.Broadcast()
	}
	add(jobs)
	// take returns the waiting job that goes first (the first on a tie),
	// or false once there is none and none running could add one.
	take := func() (int, bool) {
		for {
			if ctx.Err() != nil {
				return 0, false
			}
			if len(waiting) > 0 {
				k := 0
				for n, i := range waiting {
					if sooner(all[i].Order, work[i], all[waiting[k]].Order, work[waiting[k]]) {
						k = n
					}
				}
				i := waiting[k]
				waiting = append(waiting[:k], waiting[k+1:]...)
				running++
				return i, true
			}
			if running == 0 {
				return 0, false
			}
			wake.Wait()
		}
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		wake.Broadcast()
	})
	defer stop()
	var wg sync.WaitGroup
	for w := range l.Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			for {
				i, ok := take()
				if !ok {
					return
				}
				j := all[i]
				j.Config.OnEpoch = func(_ int, st train.EpochStats) {
					if epoch != nil {
						mu.Lock()
						defer mu.Unlock()
						epoch(i, st)
					}
				}
				j.Config.Stop = func() bool { return ctx.Err() != nil }
				mu.Unlock()
				r, err := l.runs.Do(ctx, j)
				mu.Lock()
				running--
				add(done(i, r, w, err))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// wire is a Result as JSON, with NaN as null.
type wire struct {
	Candidate int         `json:"candidate"`
	Epochs    int         `json:"epochs"`
	Curve     []wireEpoch `json:"curve"`
	ValAcc    *float64    `json:"val_acc"`
	BestEpoch int         `json:"best_epoch"`
	TestAcc   *float64    `json:"test_acc"`
	Early     bool        `json:"early,omitempty"`
	Params    int         `json:"params"`
	Err       string      `json:"error,omitempty"`
}

type wireEpoch struct {
	Epoch               int
	TrainLoss, TrainAcc *float64
	ValLoss, ValAcc     *float64
	Steps, Images       int
	LR                  float32
	Nanos               int64
}

func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func unnum(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// EncodeEpoch writes one epoch's stats as JSON, for a pool worker to
// report it; DecodeEpoch reads it back.
func EncodeEpoch(st train.EpochStats) []byte {
	b, _ := json.Marshal(wireOf(st))
	return b
}

// DecodeEpoch reads what EncodeEpoch wrote.
func DecodeEpoch(b []byte) (train.EpochStats, error) {
	var w wireEpoch
	if err := json.Unmarshal(b, &w); err != nil {
		return train.EpochStats{}, fmt.Errorf("estimate: an epoch from a pool worker: %w", err)
	}
	return w.stats(), nil
}

func wireOf(st train.EpochStats) wireEpoch {
	return wireEpoch{Epoch: st.Epoch, TrainLoss: num(st.TrainLoss), TrainAcc: num(st.TrainAcc), ValLoss: num(st.ValLoss), ValAcc: num(st.ValAcc),
		Steps: st.Steps, Images: st.Images, LR: st.LR, Nanos: int64(st.Duration)}
}

func (w wireEpoch) stats() train.EpochStats {
	return train.EpochStats{Epoch: w.Epoch, TrainLoss: unnum(w.TrainLoss), TrainAcc: unnum(w.TrainAcc), ValLoss: unnum(w.ValLoss), ValAcc: unnum(w.ValAcc),
		Steps: w.Steps, Images: w.Images, LR: w.LR, Duration: time.Duration(w.Nanos)}
}

// EncodeResult writes a job's result or error as JSON, for a pool worker to
// send it back; DecodeResult reads it. Every value survives, NaN included.
func EncodeResult(r Result, err error) []byte {
	w := wire{Candidate: r.Candidate, Epochs: r.Epochs, ValAcc: num(r.ValAcc), BestEpoch: r.BestEpoch, TestAcc: num(r.TestAcc), Early: r.Early, Params: r.Params}
	for _, st := range r.Curve {
		w.Curve = append(w.Curve, wireOf(st))
	}
	if err != nil {
		w.Err = err.Error()
	}
	b, _ := json.Marshal(w)
	return b
}

// DecodeResult reads what EncodeResult wrote.
func DecodeResult(b []byte) (Result, error) {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return Result{}, fmt.Errorf("estimate: a result from a pool worker: %w", err)
	}
	r := Result{Candidate: w.Candidate, Epochs: w.Epochs, ValAcc: unnum(w.ValAcc), BestEpoch: w.BestEpoch, TestAcc: unnum(w.TestAcc), Early: w.Early, Params: w.Params}
	for _, e := range w.Curve {
		r.Curve = append(r.Curve, e.stats())
	}
	if w.Err != "" {
		return r, errors.New(w.Err)
	}
	return r, nil
}

// Pick chooses the job that worker w, free, takes next in a pool whose
// workers each hold the runs they trained (a browser's Web Workers), while
// others may be busy: pending are the waiting jobs, holder(i) the worker
// holding the run that job i continues or -1, order(i) its Order and
// work(i) its work. It returns an index into pending, or -1 for none (w
// waits). The job of least order, of those the one of most work, goes
// first (the first on a tie) among, in turn: the jobs whose runs w
// holds; those whose runs nobody holds; and those whose runs a busy worker
// holds that holds two or more of the waiting ones, which w takes over (the
// run moves to w once the holder's job ends). A job of no work (a run
// early stopping ended) stays with its holder.
func Pick(w int, pending []int, holder func(i int) int, busy []bool, order func(i int) int, work func(i int) float64) int {
	first := func(ok func(i int) bool) int {
		best, bestOrder, bestWork := -1, 0, 0.0
		for k, i := range pending {
			if !ok(i) {
				continue
			}
			if o, wk := order(i), work(i); best < 0 || sooner(o, wk, bestOrder, bestWork) {
				best, bestOrder, bestWork = k, o, wk
			}
		}
		return best
	}
	if k := first(func(i int) bool { return holder(i) == w }); k >= 0 {
		return k
	}
	if k := first(func(i int) bool { return holder(i) < 0 }); k >= 0 {
		return k
	}
	waiting := map[int]int{} // by busy holder
	for _, i := range pending {
		if h := holder(i); h >= 0 && h < len(busy) && busy[h] {
			waiting[h]++
		}
	}
	return first(func(i int) bool { return waiting[holder(i)] >= 2 && work(i) > 0 })
}

// Rebalance plans the moves of held runs for a pool whose workers each hold
// the runs they trained (a browser's Web Workers), before it hands out
// jobs: holders[i] is the worker that holds the run job i continues, or -1
// (none), cost[i] the job's work, and move what moving a run to another
// worker costs it (the snapshot's transfer and the network's rebuilding),
// in the same unit. Left as they are, a worker holding more of the work
// than the others trains it alone while they wait, or they train its runs
// again from the start. Rebalance returns the jobs whose runs should move
// (Runs.Export on the holder, Runs.Import on the other) and the worker each
// should move to.
//
// It starts from the runs where they are and, as long as that lowers the
// load of the most loaded worker, moves one of its runs to another worker
// or swaps one of its runs for a lighter one of another, taking each time
// the change that leaves the pair's larger load least (on a tie, the one
// that moves fewer runs, then less work): with jobs of equal cost no worker is left with
// more than its share of the held runs, rounded up, and a run moves only
// when it gains more than its move costs.
func Rebalance(holders []int, cost []float64, workers int, move float64) map[int]int {
	owner := make([]int, len(holders))
	load := make([]float64, workers)
	// at is job i's cost on worker w: its work, and the move if w does not
	// hold its run.
	at := func(i, w int) float64 {
		if w == holders[i] {
			return cost[i]
		}
		return cost[i] + move
	}
	// moved is the number of runs away from their holder among jobs.
	moved := func(jobs ...[2]int) int { // {job, worker}
		n := 0
		for _, j := range jobs {
			if j[1] != holders[j[0]] {
				n++
			}
		}
		return n
	}
	for i, h := range holders {
		owner[i] = -1
		if h >= 0 && h < workers {
			owner[i] = h
			load[h] += cost[i]
		}
	}
	for range 4 * (len(holders) + 1) * workers {
		hi := 0
		for w := range load {
			if load[w] > load[hi] {
				hi = w
			}
		}
		// The best change: job i of hi to worker o, and job j of o (or -1) to hi.
		bi, bj, bo, bestMax, bestMoved, bestWork := -1, -1, -1, load[hi], 0, 0.0
		consider := func(i, j, o int) {
			lh, lo := load[hi]-at(i, hi), load[o]+at(i, o)
			mv, work := moved([2]int{i, o}), cost[i]
			if j >= 0 {
				lh += at(j, hi)
				lo -= at(j, o)
				mv += moved([2]int{j, hi})
				work += cost[j]
			}
			m := max(lh, lo)
			better := m < bestMax-1e-9*load[hi]
			if bi >= 0 && m <= bestMax+1e-9*load[hi] {
				better = better || mv < bestMoved || (mv == bestMoved && work < bestWork)
			}
			if better {
				bi, bj, bo, bestMax, bestMoved, bestWork = i, j, o, m, mv, work
			}
		}
		for i := range holders {
			if owner[i] != hi {
				continue
			}
			for o := range load {
				if o == hi {
					continue
				}
				consider(i, -1, o)
				for j := range holders {
					if owner[j] == o && cost[j] < cost[i] {
						consider(i, j, o)
					}
				}
			}
		}
		if bi < 0 {
			break
		}
		load[hi] -= at(bi, hi)
		load[bo] += at(bi, bo)
		owner[bi] = bo
		if bj >= 0 {
			load[bo] -= at(bj, bo)
			load[hi] += at(bj, hi)
			owner[bj] = hi
		}
	}
	moves := map[int]int{}
	for i, w := range owner {
		if w >= 0 && w != holders[i] {
			moves[i] = w
		}
	}
	return moves
}
