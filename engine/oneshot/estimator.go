package oneshot

import (
	"context"
	"fmt"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/data"
	"nasbook/engine/search"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/spec"
)

// Estimator scores architectures with the shared weights of a trained
// supernet (weight-sharing one-shot evaluation, as SPOS): the accuracy of
// the architecture's single path on validation images. Batch norms use the
// statistics of each batch, so no recalibration is needed.
type Estimator struct {
	Net   *Supernet
	Space space.Space   // a space.Specifier whose cells fit the supernet (nb201.Space, darts.Space)
	Data  *data.Dataset // validation images
	Batch int           // zero means 128
	// Images bounds the images scored per architecture; zero means all of Data.
	Images  int
	Kernels *compute.Set // nil means compute.Default()
	// Latency, if set, makes the score the accuracy less Latency.Weight
	// times the architecture's latency in ms.
	Latency *Latency

	tp *ag.Tape
	b  data.Batch
}

var _ search.Estimator = (*Estimator)(nil)

// Objectives implements search.Estimator: one objective, the accuracy.
func (e *Estimator) Objectives() []search.Objective {
	if e.Latency != nil {
		return []search.Objective{{Name: "supernet_valid_acc_less_latency"}}
	}
	return []search.Objective{{Name: "supernet_valid_acc"}}
}

// Estimate implements search.Estimator.
func (e *Estimator) Estimate(a space.Arch) (search.Score, error) {
	s, err := space.ToSpec(e.Space, a)
	if err != nil {
		return search.Score{}, err
	}
	cells := []spec.Cell{s.Cells.Normal}
	if s.Cells.Reduce != nil {
		cells = append(cells, *s.Cells.Reduce)
	}
	p, err := e.Net.PathOf(cells)
	if err != nil {
		return search.Score{}, fmt.Errorf("oneshot: estimate %s: %w", e.Space.Format(a), err)
	}
	v := e.Accuracy(p)
	if e.Latency != nil {
		v -= e.Latency.Weight * e.Latency.Of(p)
	}
	return search.Score{Values: []float64{v}}, nil
}

// Accuracy returns the accuracy of path p on the estimator's images.
func (e *Estimator) Accuracy(p *Path) float64 {
	if e.tp == nil {
		e.tp = ag.NewTape(e.Kernels)
	}
	bs := e.Batch
	if bs == 0 {
		bs = 128
	}
	n := e.Data.Len()
	if e.Images > 0 {
		n = min(n, e.Images)
	}
	idx := make([]int, 0, bs)
	hit := 0.0
	for lo := 0; lo < n; lo += bs {
		idx = idx[:0]
		for i := lo; i < min(lo+bs, n); i++ {
			idx = append(idx, i)
		}
		e.Data.Gather(&e.b, idx)
		e.tp.Reset()
		x := ag.Const(tensor.FromData(e.b.X, e.b.N, e.b.C, e.b.H, e.b.W))
		logits := e.Net.ForwardPath(e.tp, x, p)
		hit += ag.Accuracy(logits, e.b.Y) * float64(len(idx))
	}
	return hit / float64(max(n, 1))
}

// sposPick runs regularized evolution over the supernet's space with the
// Estimator, as SPOS searches after training the supernet, and derives its
// best architecture.
func sposPick(ctx context.Context, n *Supernet, valid *data.Dataset, cfg Config) (Derived, error) {
	probe := n.Derive(n.Probabilities(), Cap{}) // to learn the space of the op set
	if probe.Space == nil {
		return Derived{}, fmt.Errorf("oneshot: spos: the candidate ops are not those of the NB201 or DARTS space, which the evolution searches")
	}
	est := &Estimator{Net: n, Space: probe.Space, Data: valid, Images: 512, Kernels: cfg.Kernels, Latency: cfg.Latency}
	s, err := search.New(search.Config{Space: probe.Space, Strategy: &search.Evolution{}, Estimator: est,
		Budget: search.Budget{Evaluations: cfg.SPOSBudget}, Seed: cfg.Seed})
	if err != nil {
		return Derived{}, err
	}
	if err := s.Run(ctx); err != nil {
		return Derived{}, err
	}
	bestEval, ok := s.Best()
	if !ok {
		return Derived{}, fmt.Errorf("oneshot: spos: no architecture scored")
	}
	sp, err := space.ToSpec(probe.Space, bestEval.Arch)
	if err != nil {
		return Derived{}, err
	}
	cells := []spec.Cell{sp.Cells.Normal}
	if sp.Cells.Reduce != nil {
		cells = append(cells, *sp.Cells.Reduce)
	}
	d := Derived{Cells: cells}
	d.Diagnostics = n.diagnose(cells[0])
	d.Notation, d.Space, d.Arch = n.notation(cells)
	d.Spec = n.specOf(d)
	return d, nil
}
