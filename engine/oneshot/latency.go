package oneshot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"nasbook/engine/cost"
	"nasbook/space/spec"
)

// Latency makes a one-shot search latency-aware, as ProxylessNAS (Cai et
// al., ICLR 2019) and FBNet (Wu et al., CVPR 2019) are. The latency of a
// network is modelled as the sum of what each cell edge's operation adds,
// MS[k][e][o] milliseconds for op o on edge e of the cells of kind k (all
// such cells of the network together), plus Base for the rest. Under the
// relaxation the expected latency, Σ softmax(α)·MS, is differentiable in α:
// DARTS and GDAS add Weight times it to the architecture loss, and SPOS's
// evolution scores an architecture by its accuracy less Weight times its
// latency. Weight 0 leaves the search as it was; a sweep over Weight traces
// an accuracy-latency front.
type Latency struct {
	MS     [][][]float64
	Base   float64
	Weight float64 // loss per millisecond
}

// edgePlace is where an edge's candidate ops run: input shape, output
// channels and stride.
type edgePlace struct {
	in        []int
	c, stride int
}

// check reports whether l fits n's cell kinds, edges and ops.
func (l *Latency) check(n *Supernet) error {
	if len(l.MS) != len(n.Kinds) {
		return fmt.Errorf("oneshot: latency of %d cell kinds for a supernet of %d", len(l.MS), len(n.Kinds))
	}
	for k := range l.MS {
		if len(l.MS[k]) != len(n.Edges) {
			return fmt.Errorf("oneshot: latency of %d edges for cells of %d", len(l.MS[k]), len(n.Edges))
		}
		for _, ms := range l.MS[k] {
			if len(ms) != len(n.Skeleton.Ops) {
				return fmt.Errorf("oneshot: latency of %d ops for %d candidate ops", len(ms), len(n.Skeleton.Ops))
			}
			for _, v := range ms {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("oneshot: a latency of %v ms", v)
				}
			}
		}
	}
	if math.IsNaN(l.Weight) || l.Weight < 0 {
		return fmt.Errorf("oneshot: latency weight %v, want 0 or more", l.Weight)
	}
	return nil
}

// Expected returns the expected latency in ms under the op probabilities
// w (per kind, edge and op, as Supernet.Probabilities gives them).
func (l *Latency) Expected(w [][][]float64) float64 {
	ms := l.Base
	for k := range l.MS {
		for e := range l.MS[k] {
			for o, v := range l.MS[k][e] {
				ms += w[k][e][o] * v
			}
		}
	}
	return ms
}

// Of returns the latency in ms of the single path p: its selected op on
// every edge (an absent edge adds nothing).
func (l *Latency) Of(p *Path) float64 {
	ms := l.Base
	for k := range l.MS {
		for e, o := range p.Sel[k] {
			if o >= 0 {
				ms += l.MS[k][e][o]
			}
		}
	}
	return ms
}

// addGrad adds Weight times the gradient of the expected latency to
// n.Arch.Grad: for the softmax p of an edge's logits,
// ∂E/∂α_o = p_o (MS_o − Σ_j p_j MS_j).
func (l *Latency) addGrad(n *Supernet) {
	if l.Weight == 0 {
		return
	}
	for k := range n.Kinds {
		for e := range n.Edges {
			a := n.alpha[k][e]
			p := softmax(a.Value.Data, 1)
			mean := 0.0
			for o, v := range l.MS[k][e] {
				mean += p[o] * v
			}
			for o, v := range l.MS[k][e] {
				a.Grad.Data[o] += float32(l.Weight * p[o] * (v - mean))
			}
		}
	}
}

// MeasureLatency times every candidate op of every edge of n where it runs
// in the network, with timer (engine/timing.Forward on this device), and
// returns their latencies with weight 0. Identical layers are timed once
// (table holds them; nil means a fresh table). Base, the stem, reductions
// and head, is left at 0: it is the same for every architecture.
func (n *Supernet) MeasureLatency(timer cost.Timer, table *cost.LatencyTable) (*Latency, error) {
	if table == nil {
		table = &cost.LatencyTable{}
	}
	l := &Latency{MS: make([][][]float64, len(n.Kinds))}
	for k := range n.Kinds {
		l.MS[k] = make([][]float64, len(n.Edges))
		for e := range n.Edges {
			l.MS[k][e] = make([]float64, len(n.Skeleton.Ops))
		}
	}
	s := &spec.Spec{Ops: n.Skeleton.Custom}
	for _, c := range n.cells {
		for e, pl := range c.places {
			for o, op := range n.Skeleton.Ops {
				net, err := spec.LowerEdgeOp(s, n.style, op, pl.in, pl.c, pl.stride)
				if err != nil {
					return nil, fmt.Errorf("oneshot: latency of %s on edge %d-%d: %w", op, n.Edges[e].From, n.Edges[e].To, err)
				}
				l.MS[c.kind][e][o] += table.Latency(net, timer)
			}
		}
	}
	return l, nil
}

// FitLatency fits the latency model of a one-cell-kind space to measured
// networks: sel[i][e] is the op index on edge e of network i, ms[i] its
// measured latency. It solves the least-squares problem
// ms ≈ Base + Σ_e MS[e][sel[e]] with op 0 of each edge as the reference
// (MS[e][0] = 0), as a benchmark's table of whole networks (NAS-Bench-201's
// latencies on a phone) gives no per-op times. It also returns the fit's
// root-mean-square error in ms.
func FitLatency(sel [][]int, ms []float64, edges, ops int) (*Latency, float64, error) {
	cols := 1 + edges*(ops-1)
	if len(sel) != len(ms) || len(sel) < 2*cols {
		return nil, 0, fmt.Errorf("oneshot: %d networks and %d latencies to fit %d coefficients", len(sel), len(ms), cols)
	}
	a := mat.NewDense(len(sel), cols, nil)
	b := mat.NewVecDense(len(ms), ms)
	for i, s := range sel {
		if len(s) != edges {
			return nil, 0, fmt.Errorf("oneshot: network %d has %d edges, want %d", i, len(s), edges)
		}
		a.Set(i, 0, 1)
		for e, o := range s {
			if o < 0 || o >= ops {
				return nil, 0, fmt.Errorf("oneshot: network %d: op %d on edge %d, want [0, %d)", i, o, e, ops)
			}
			if o > 0 {
				a.Set(i, 1+e*(ops-1)+o-1, 1)
			}
		}
		if math.IsNaN(ms[i]) || math.IsInf(ms[i], 0) {
			return nil, 0, fmt.Errorf("oneshot: network %d has latency %v", i, ms[i])
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(a, b); err != nil {
		return nil, 0, fmt.Errorf("oneshot: fitting latencies: %w", err)
	}
	l := &Latency{MS: [][][]float64{make([][]float64, edges)}, Base: x.AtVec(0)}
	for e := range edges {
		l.MS[0][e] = make([]float64, ops)
		for o := 1; o < ops; o++ {
			l.MS[0][e][o] = x.AtVec(1 + e*(ops-1) + o - 1)
		}
	}
	var r mat.VecDense
	r.MulVec(a, &x)
	r.SubVec(&r, b)
	return l, math.Sqrt(mat.Dot(&r, &r) / float64(len(ms))), nil
}
