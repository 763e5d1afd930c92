package search

import (
	"errors"
	"math"
	"math/rand"

	"gonum.org/v1/gonum/stat"
)

// Ensemble is the predictor of BANANAS (White et al., AAAI 2021): several
// small multilayer perceptrons trained alike from different random
// initialisations; their mean is the prediction and their spread its
// uncertainty. Each net is d-Hidden-1 with ReLU, trained by full-batch Adam on
// the squared error of standardised targets. Fit warm-starts from the last
// weights (fresh nets get ten times the steps), so the weights are its state.
type Ensemble struct {
	Members      int     `json:"-"` // nets; 0 means 5
	Hidden       int     `json:"-"` // hidden units; 0 means 32
	Steps        int     `json:"-"` // Adam steps per Fit; 0 means 20
	LearningRate float64 `json:"-"` // Adam's; 0 means 0.01

	Nets []MLP `json:"nets"`

	mu, sigma float64 // of the targets of the last Fit
}

var _ Surrogate = (*Ensemble)(nil)

// MLP is one net of an Ensemble: its parameters in one flat buffer,
//
//	P = [W1 (Hidden x In, row-major) | b1 (Hidden) | w2 (Hidden) | b2 (1)],
//
// and Adam's moments M and V of the same layout after T steps.
type MLP struct {
	In, Hidden int
	P, M, V    []float64
	T          int
}

func (e *Ensemble) settings() (members, hidden, steps int, lr float64) {
	members, hidden, steps, lr = e.Members, e.Hidden, e.Steps, e.LearningRate
	if members <= 0 {
		members = 5
	}
	if hidden <= 0 {
		hidden = 32
	}
	if steps <= 0 {
		steps = 20
	}
	if lr <= 0 {
		lr = 0.01
	}
	return
}

// Fit trains every net on (x, y).
func (e *Ensemble) Fit(x [][]float64, y []float64, r *rand.Rand) error {
	if len(x) == 0 || len(x) != len(y) {
		return errors.New("ensemble: no data, or as many encodings as targets")
	}
	members, hidden, steps, lr := e.settings()
	e.mu, e.sigma = stat.MeanStdDev(y, nil)
	if len(y) < 2 || !(e.sigma > 0) {
		e.sigma = 1
	}
	ys := make([]float64, len(y))
	for i, v := range y {
		ys[i] = (v - e.mu) / e.sigma
	}
	in := len(x[0])
	if len(e.Nets) != members || e.Nets[0].In != in || e.Nets[0].Hidden != hidden {
		e.Nets = make([]MLP, members)
		for i := range e.Nets {
			e.Nets[i] = newMLP(in, hidden, r)
		}
	}
	xs := make([]sparse, len(x))
	for i, xi := range x {
		xs[i] = toSparse(xi)
	}
	g := make([]float64, len(e.Nets[0].P))
	h := make([]float64, hidden)
	for i := range e.Nets {
		n := &e.Nets[i]
		k := steps
		if n.T == 0 {
			k *= 10
		}
		for range k {
			n.grad(g, h, xs, ys)
			n.adam(g, lr)
		}
	}
	return nil
}

func newMLP(in, hidden int, r *rand.Rand) MLP {
	n := MLP{In: in, Hidden: hidden}
	size := hidden*in + 2*hidden + 1
	n.P, n.M, n.V = make([]float64, size), make([]float64, size), make([]float64, size)
	w1, _, w2, _ := n.views(n.P)
	for i := range w1 {
		w1[i] = r.NormFloat64() * math.Sqrt(2/float64(in)) // He
	}
	for i := range w2 {
		w2[i] = r.NormFloat64() * math.Sqrt(1/float64(hidden))
	}
	return n
}

// views splits a buffer of P's layout into its parts; they share its storage.
func (n *MLP) views(p []float64) (w1, b1, w2, b2 []float64) {
	h, in := n.Hidden, n.In
	return p[:h*in], p[h*in : h*in+h], p[h*in+h : h*in+2*h], p[h*in+2*h:]
}

// sparse is an input vector as its non-zero entries: encodings are mostly
// one-hot, and skipping the zeros makes the nets several times faster.
type sparse struct {
	idx []int
	val []float64
}

func toSparse(x []float64) sparse {
	var s sparse
	for i, v := range x {
		if v != 0 {
			s.idx, s.val = append(s.idx, i), append(s.val, v)
		}
	}
	return s
}

// forward returns the output for x, leaving the hidden activations in h.
func (n *MLP) forward(h []float64, x sparse) float64 {
	w1, b1, w2, b2 := n.views(n.P)
	out := b2[0]
	for j := range n.Hidden {
		a := b1[j]
		row := w1[j*n.In : (j+1)*n.In]
		for k, i := range x.idx {
			a += row[i] * x.val[k]
		}
		h[j] = max(a, 0)
		out += w2[j] * h[j]
	}
	return out
}

// grad writes the gradient of the mean squared error over (x, y) into g.
func (n *MLP) grad(g, h []float64, x []sparse, y []float64) {
	clear(g)
	gw1, gb1, gw2, gb2 := n.views(g)
	_, _, w2, _ := n.views(n.P)
	scale := 2 / float64(len(x))
	for s, xs := range x {
		d := scale * (n.forward(h, xs) - y[s]) // dLoss/dout
		gb2[0] += d
		for j := range n.Hidden {
			if h[j] <= 0 {
				continue
			}
			gw2[j] += d * h[j]
			dh := d * w2[j]
			gb1[j] += dh
			row := gw1[j*n.In : (j+1)*n.In]
			for k, i := range xs.idx {
				row[i] += dh * xs.val[k]
			}
		}
	}
}

// adam takes one Adam step (Kingma & Ba 2015; beta1 0.9, beta2 0.999).
func (n *MLP) adam(g []float64, lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	n.T++
	c1, c2 := 1-math.Pow(b1, float64(n.T)), 1-math.Pow(b2, float64(n.T))
	for i, gi := range g {
		n.M[i] = b1*n.M[i] + (1-b1)*gi
		n.V[i] = b2*n.V[i] + (1-b2)*gi*gi
		n.P[i] -= lr * (n.M[i] / c1) / (math.Sqrt(n.V[i]/c2) + eps)
	}
}

// Predict writes the ensemble's mean and standard deviation.
func (e *Ensemble) Predict(x [][]float64, mean, std []float64) {
	if len(e.Nets) == 0 {
		panic("search: Ensemble.Predict before Fit")
	}
	h := make([]float64, e.Nets[0].Hidden)
	out := make([]float64, len(e.Nets))
	for j, xj := range x {
		xs := toSparse(xj)
		for i := range e.Nets {
			out[i] = e.mu + e.sigma*e.Nets[i].forward(h, xs)
		}
		m, s := stat.MeanStdDev(out, nil)
		mean[j], std[j] = m, max(s, 1e-9*e.sigma)
	}
}
