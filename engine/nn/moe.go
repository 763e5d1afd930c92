package nn

import (
	"fmt"
	"math/rand"

	"nasbook/engine/ag"
)

// MoE is a mixture-of-experts MLP on tokens [..., D]: a learned router sends
// each token to K of E expert MLPs and sums their outputs weighted by its
// gates (ag.TopKGates: renormalised over the chosen experts, or the
// probability itself when K is 1):
//
//	p = softmax(Router(x));  y = Σ_{e ∈ topK(p)} g_e · Experts[e](x)
//
// Only the chosen experts run: each expert gathers the rows of the tokens
// it received and applies its MLP to them as one batch, so a token costs
// the router and K experts whatever E is.
//
// In training mode the Switch Transformer's load-balancing loss
// (ag.LoadBalance) times Balance is added to the tape's objective
// (ag.Tape.AddLoss); without it a router tends to send most tokens to the
// few experts that happened to start ahead.
type MoE struct {
	Router  *Linear // D→E, no bias
	Experts []*MLP
	K       int
	// Balance is the coefficient of the load-balancing loss. NewMoE sets
	// 0.1: the Switch Transformer's 0.01 acts over a long training, and in
	// the few hundred steps of a notebook it leaves the load about as
	// uneven as none (engine/train's TestMoETrainsAndBalances).
	Balance float32
	// Routed[e] is the number of tokens expert e received in the latest
	// forward pass (summed over the K choices of each token).
	Routed []int
}

// NewMoE adds a mixture of experts MLPs dim→hidden→dim, routing each
// token to k of them, to ps. The router's weights start at a tenth of the
// usual scale, every expert about equally likely (the Switch Transformer
// scales its initialisation down for the same reason).
func NewMoE(ps *ag.Params, name string, r *rand.Rand, dim, hidden, experts, k int) *MoE {
	if experts < 1 || k < 1 || k > experts {
		panic(fmt.Sprintf("nn: NewMoE: top %d of %d experts", k, experts))
	}
	m := &MoE{Router: NewLinear(ps, name+".router", r, dim, experts, false), K: k, Balance: 0.1, Routed: make([]int, experts)}
	for i := range m.Router.W.Value.Data {
		m.Router.W.Value.Data[i] *= 0.1
	}
	for e := range experts {
		m.Experts = append(m.Experts, NewMLP(ps, fmt.Sprintf("%s.experts.%d", name, e), r, dim, hidden))
	}
	return m
}

// Forward implements Module.
func (m *MoE) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	xf := t.Reshape(x, -1, s[len(s)-1])
	probs := t.Softmax(m.Router.Forward(t, xf))
	gates, rt := t.TopKGates(probs, m.K)
	parts := make([]*ag.Var, len(m.Experts))
	for e, rows := range rt.Rows {
		m.Routed[e] = len(rows)
		if len(rows) > 0 {
			parts[e] = m.Experts[e].Forward(t, t.GatherRows(xf, rows))
		}
	}
	if t.Train && m.Balance != 0 {
		t.AddLoss(t.Scale(t.LoadBalance(probs, rt), m.Balance))
	}
	return t.Reshape(t.Combine(parts, gates, rt), s...)
}

// Imbalance returns how unevenly the latest forward pass spread its tokens:
// E times the largest expert's share of them, 1 when every expert got the
// same number and E when one got them all.
func (m *MoE) Imbalance() float64 {
	total, most := 0, 0
	for _, n := range m.Routed {
		total += n
		most = max(most, n)
	}
	if total == 0 {
		return 0
	}
	return float64(len(m.Routed)*most) / float64(total)
}
