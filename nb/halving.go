package nb

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"nasbook/engine/estimate"
	"nasbook/engine/train"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

// HalvingConfig sets up successive halving over architectures trained on a
// dataset. Zero fields take the defaults in brackets.
type HalvingConfig struct {
	Eta       int     // keep the best 1/Eta at each rung [3]
	MinEpochs int     // epochs of the first rung [1]
	MaxEpochs int     // the last rung's epochs at most [MinEpochs·Eta²]
	Batch     int     // [64]
	LR        float64 // SGD with Nesterov momentum, cosine schedule [0.05]
	Subset    int     // train on this many training examples [all]
	C, N      int     // NB201 network: channels and cells per stage [8, 1]
	Seed      int64
	// Restart trains each rung's survivors again from scratch instead of
	// resuming them (see estimate.Halving).
	Restart bool
}

// HalvingResult is what successive halving found.
type HalvingResult struct {
	Rungs []estimate.Rung
	Archs []string // the candidates, as given
	Best  string   // the winner of the last rung
	// BestValAcc is the winner's validation accuracy in the search: its
	// search-time score, which RetrainBest reports apart from a fresh run.
	BestValAcc float64
	// Workers is how many of the session's pool workers trained
	// candidates (one per core natively; in the browser, one Web Worker
	// per core). The rungs are the same whatever it is.
	Workers int
	// Epochs is the number of epochs the pool trained, all candidates'
	// together. Each survivor goes on from where its rung left it, in
	// whichever worker, so without early stopping it is the sum over the
	// rungs of their candidates times the epochs each adds (with Restart,
	// times the rung's epochs), whatever the pool.
	Epochs int
	specs  []*spec.Spec
	data   *Data
	cfg    HalvingConfig
}

func (r *HalvingResult) String() string {
	var b strings.Builder
	for k, rung := range r.Rungs {
		fmt.Fprintf(&b, "rung %d: %d candidates x %d epochs, best valid acc %.2f%%\n", k, len(rung.Results), rung.Epochs, 100*rung.Results[0].ValAcc)
	}
	fmt.Fprintf(&b, "best: %s (valid acc %.2f%% in the search)", r.Best, 100*r.BestValAcc)
	return b.String()
}

// Halving trains architectures (NB201 strings, or any notation nb.Proxies
// takes) on d by successive halving: every candidate trains MinEpochs, the
// best 1/Eta train on until they have Eta times as many, and so on; the
// learning rate anneals over MaxEpochs, so the winner's run is one whole
// MaxEpochs training (Restart trains each rung from scratch). A progress bar
// follows every epoch of every run as it ends (the learning curves stream
// in), and a figure shows the validation curves of each rung at the end.
// A rung's candidates train in the session's pool of workers (in the
// browser, one Web Worker per core), each from its own seed, so the rungs
// do not depend on the number of workers.
func Halving(archs []string, d *Data, cfg HalvingConfig) *HalvingResult {
	return Default.Halving(archs, d, cfg)
}

// Halving runs successive halving; see the package-level Halving.
func (s *Session) Halving(archs []string, d *Data, cfg HalvingConfig) *HalvingResult {
	if d == nil || d.Train == nil || d.Valid == nil {
		failf("Halving", "want data with training and validation parts")
	}
	if len(archs) == 0 {
		failf("Halving", "no architectures")
	}
	specs := make([]*spec.Spec, len(archs))
	for i, a := range archs {
		var err error
		if specs[i], err = dataSpec(a, d, cfg.C, cfg.N); err != nil {
			fail("Halving", err)
		}
	}
	h := estimate.Halving{Eta: cfg.Eta, MinEpochs: cfg.MinEpochs, MaxEpochs: cfg.MaxEpochs, Restart: cfg.Restart, Config: estimateConfig(cfg)}
	pool := &countingPool{Pool: s.TrainPool, used: map[int]bool{}}
	if pool.Pool == nil {
		pool.Pool = &estimate.Local{}
	}
	h.Pool = pool
	total := h.Epochs(len(specs))
	var mu sync.Mutex
	done, id := 0, fmt.Sprintf("halving-%p", &h)
	h.Config.OnEpoch = func(c int, st train.EpochStats) {
		mu.Lock()
		defer mu.Unlock()
		done++
		s.ShowProgress(Progress{ID: id, Label: fmt.Sprintf("candidate %d epoch %d: valid acc %.1f%%", c, st.Epoch+1, 100*st.ValAcc), Done: done, Total: total})
	}
	h.OnRung = func(rung, epochs int, rs []estimate.Result) {
		mu.Lock()
		defer mu.Unlock()
		series := map[string][]float64{}
		var x []float64
		for e := 1; e <= epochs; e++ {
			x = append(x, float64(e))
		}
		for _, r := range rs {
			var acc []float64
			for _, st := range r.Curve {
				acc = append(acc, st.ValAcc)
			}
			series[fmt.Sprintf("#%d", r.Candidate)] = acc
		}
		fmt.Fprintf(s.stdout, "rung %d: %d candidates x %d epochs; best #%d valid acc %.2f%%\n", rung, len(rs), epochs, rs[0].Candidate, 100*rs[0].ValAcc)
		if len(rs) <= 12 {
			s.Line(fmt.Sprintf("rung %d: validation accuracy per epoch", rung), x, series)
		}
	}
	rungs, err := h.Run(context.Background(), specs, estimate.Data{Train: d.Train, Valid: d.Valid})
	if err != nil {
		fail("Halving", err)
	}
	last := rungs[len(rungs)-1].Results[0]
	s.ShowProgress(Progress{ID: id, Label: "done", Done: done, Total: done})
	return &HalvingResult{Rungs: rungs, Archs: archs, Best: archs[last.Candidate], BestValAcc: last.ValAcc, Workers: len(pool.used), Epochs: done, specs: specs, data: d, cfg: cfg}
}

// countingPool notes which workers of a pool ran a job.
type countingPool struct {
	estimate.Pool
	used map[int]bool
}

func (p *countingPool) Train(ctx context.Context, jobs []estimate.Job, epoch func(int, train.EpochStats), done func(int, estimate.Result, int, error) []estimate.Job) error {
	return p.Pool.Train(ctx, jobs, epoch, func(i int, r estimate.Result, w int, err error) []estimate.Job {
		p.used[w] = true
		return done(i, r, w, err)
	})
}

// RetrainBest trains the winner of r again from a fresh initialisation
// (another seed) for epochs on the training part, and reports its test
// accuracy beside the validation accuracy the search saw.
func RetrainBest(r *HalvingResult, epochs int) estimate.Report { return Default.RetrainBest(r, epochs) }

// RetrainBest retrains the winner; see the package-level RetrainBest.
func (s *Session) RetrainBest(r *HalvingResult, epochs int) estimate.Report {
	if r == nil || len(r.Rungs) == 0 {
		failf("RetrainBest", "no search result")
	}
	best := r.Rungs[len(r.Rungs)-1].Results[0].Candidate
	cfg := estimateConfig(r.cfg)
	cfg.Epochs, cfg.Seed = max(epochs, 1), r.cfg.Seed+7919
	id := fmt.Sprintf("retrain-%p", r)
	cfg.OnEpoch = func(_ int, st train.EpochStats) {
		s.ShowProgress(Progress{ID: id, Label: fmt.Sprintf("retraining: epoch %d valid acc %.1f%%", st.Epoch+1, 100*st.ValAcc), Done: st.Epoch + 1, Total: cfg.Epochs})
	}
	rep, err := estimate.Retrain(context.Background(), r.specs[best], r.BestValAcc, estimate.Data{Train: r.data.Train, Valid: r.data.Valid, Test: r.data.Test}, cfg)
	if err != nil {
		fail("RetrainBest", err)
	}
	test := rep.Retrained.TestAcc
	if math.IsNaN(test) {
		test = rep.Retrained.ValAcc
	}
	fmt.Fprintf(s.stdout, "%s\nsearch: valid acc %.2f%%; retrained from scratch for %d epochs: test acc %.2f%%\n", r.Best, 100*r.BestValAcc, rep.Retrained.Epochs, 100*test)
	return rep
}

func estimateConfig(c HalvingConfig) estimate.Config {
	return estimate.Config{Batch: c.Batch, LR: float32(c.LR), Subset: c.Subset, Seed: c.Seed}
}

// dataSpec builds an architecture's spec for d's examples and classes; NB201
// networks default to C=8, N=1 (small enough to train in a notebook).
func dataSpec(arch string, d *Data, c, n int) (*spec.Spec, error) {
	if c == 0 {
		c = 8
	}
	if n == 0 {
		n = 1
	}
	s, err := spaces.Spec(arch, spaces.Settings{C: c, Layers: n})
	if err != nil {
		return nil, err
	}
	t := d.Train
	s.Input = []int{t.C, t.H, t.W}
	s.SetClasses(t.Classes)
	return s, nil
}
