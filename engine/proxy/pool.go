package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"

	"nasbook/internal/workers"
	"nasbook/space/spec"
)

// Job is one architecture to score. It crosses process boundaries as JSON
// (a browser pool worker receives it), so Config.Data and Config.Kernels do
// not travel: Config.Examples carries the batch (ScoreAll draws it from
// Data), and a worker computes with its own kernels.
type Job struct {
	Spec    *spec.Spec `json:"spec"`
	Proxies []Proxy    `json:"proxies"`
	Config  Config     `json:"config"`
}

// Result is the outcome of a Job: one score per proxy (NaN, as JSON null,
// when a score is not finite), or an error.
type Result struct {
	Scores Scores `json:"scores,omitempty"`
	Err    string `json:"error,omitempty"`
}

// Scores are proxy scores; NaN is written as JSON null and read back.
type Scores []float64

// MarshalJSON implements json.Marshaler.
func (s Scores) MarshalJSON() ([]byte, error) {
	v := make([]*float64, len(s))
	for i := range s {
		if !math.IsNaN(s[i]) && !math.IsInf(s[i], 0) {
			v[i] = &s[i]
		}
	}
	return json.Marshal(v)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Scores) UnmarshalJSON(b []byte) error {
	var v []*float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = make(Scores, len(v))
	for i, p := range v {
		(*s)[i] = math.NaN()
		if p != nil {
			(*s)[i] = *p
		}
	}
	return nil
}

// Run scores the job.
func (j Job) Run() Result {
	if j.Spec == nil {
		return Result{Err: "proxy: a job without a spec"}
	}
	s, err := Score(j.Spec, j.Proxies, j.Config)
	if err != nil {
		return Result{Err: err.Error()}
	}
	return Result{Scores: s}
}

// Evaluator scores jobs, possibly in parallel. Every implementation gives
// each job the result Job.Run gives it.
type Evaluator interface {
	// Evaluate runs jobs and calls done once per job with its index and
	// result, from one goroutine at a time, in completion order. It returns
	// when every job is done, or with ctx's error once ctx is cancelled.
	Evaluate(ctx context.Context, jobs []Job, done func(i int, r Result)) error
}

// Local evaluates jobs on goroutines of this process.
type Local struct {
	Workers int // zero means runtime.NumCPU()
}

var _ Evaluator = Local{}

// Evaluate implements Evaluator.
func (l Local) Evaluate(ctx context.Context, jobs []Job, done func(i int, r Result)) error {
	n := l.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	var mu sync.Mutex
	return workers.Run(ctx, n, len(jobs), func(_, i int) {
		r := jobs[i].Run()
		mu.Lock()
		defer mu.Unlock()
		done(i, r)
	})
}

// ScoreAll scores every spec with ev (nil means Local{}) and returns the
// scores in the order of specs; progress, if set, is called after each
// result with the number done.
func ScoreAll(ctx context.Context, ev Evaluator, specs []*spec.Spec, ps []Proxy, cfg Config, progress func(done int)) ([][]float64, error) {
	if ev == nil {
		ev = Local{}
	}
	if cfg.Data != nil && cfg.Examples == nil && len(specs) > 0 && needsData(ps) {
		ex, err := cfg.Draw(specs[0])
		if err != nil {
			return nil, err
		}
		cfg.Examples = ex
	}
	cfg.Data = nil
	jobs := make([]Job, len(specs))
	for i, s := range specs {
		jobs[i] = Job{Spec: s, Proxies: ps, Config: cfg}
	}
	out := make([][]float64, len(specs))
	var first error
	n := 0
	err := ev.Evaluate(ctx, jobs, func(i int, r Result) {
		if r.Err != "" && first == nil {
			first = fmt.Errorf("%s", r.Err)
		}
		out[i] = r.Scores
		n++
		if progress != nil {
			progress(n)
		}
	})
	if err != nil {
		return out, err
	}
	return out, first
}

// needsData reports whether any of ps reads a batch.
func needsData(ps []Proxy) bool {
	for _, p := range ps {
		if p != Synflow && p != Params && p != FLOPs {
			return true
		}
	}
	return false
}
