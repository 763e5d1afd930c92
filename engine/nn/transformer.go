package nn

import (
	"math/rand"

	"nasbook/engine/ag"
)

// MHSA is multi-head self-attention on [B, T, D]:
//
//	y = Proj(Attention(QKV(x)))
//
// with QKV a D→3D linear layer and Proj D→D, both with bias.
type MHSA struct {
	QKV, Proj *Linear
	Heads     int
	Causal    bool // mask attention to earlier positions
}

// NewMHSA adds a self-attention layer of width dim with the given number of
// heads (which must divide dim) to ps.
func NewMHSA(ps *ag.Params, name string, r *rand.Rand, dim, heads int) *MHSA {
	return &MHSA{QKV: NewLinear(ps, name+".qkv", r, dim, 3*dim, true), Proj: NewLinear(ps, name+".proj", r, dim, dim, true), Heads: heads}
}

// Forward implements Module.
func (m *MHSA) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return m.Proj.Forward(t, t.Attention(m.QKV.Forward(t, x), m.Heads, m.Causal))
}

// MLP is Linear dim→hidden → GELU → Linear hidden→dim.
type MLP struct {
	Up, Down *Linear
}

// NewMLP adds an MLP block to ps.
func NewMLP(ps *ag.Params, name string, r *rand.Rand, dim, hidden int) *MLP {
	return &MLP{Up: NewLinear(ps, name+".fc1", r, dim, hidden, true), Down: NewLinear(ps, name+".fc2", r, hidden, dim, true)}
}

// Forward implements Module.
func (m *MLP) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return m.Down.Forward(t, t.GELU(m.Up.Forward(t, x)))
}

// TransformerBlock is the pre-norm block x += MHSA(LN(x)); x += MLP(LN(x)),
// with a mixture of expert MLPs in place of the MLP when MoE is set.
type TransformerBlock struct {
	LN1, LN2 *LayerNorm
	Attn     *MHSA
	MLP      *MLP // nil when MoE is set
	MoE      *MoE
}

// NewTransformerBlock adds a block of width dim, the given heads and an MLP
// of width mlpRatio·dim to ps.
func NewTransformerBlock(ps *ag.Params, name string, r *rand.Rand, dim, heads, mlpRatio int) *TransformerBlock {
	return &TransformerBlock{
		LN1: NewLayerNorm(ps, name+".norm1", dim), Attn: NewMHSA(ps, name+".attn", r, dim, heads),
		LN2: NewLayerNorm(ps, name+".norm2", dim), MLP: NewMLP(ps, name+".mlp", r, dim, mlpRatio*dim),
	}
}

// NewMoETransformerBlock adds a block whose MLP is a mixture of experts
// MLPs of width mlpRatio·dim, each token routed to k of them, to ps. One
// expert is NewTransformerBlock's block.
func NewMoETransformerBlock(ps *ag.Params, name string, r *rand.Rand, dim, heads, mlpRatio, experts, k int) *TransformerBlock {
	if experts <= 1 {
		return NewTransformerBlock(ps, name, r, dim, heads, mlpRatio)
	}
	return &TransformerBlock{
		LN1: NewLayerNorm(ps, name+".norm1", dim), Attn: NewMHSA(ps, name+".attn", r, dim, heads),
		LN2: NewLayerNorm(ps, name+".norm2", dim), MoE: NewMoE(ps, name+".moe", r, dim, mlpRatio*dim, experts, k),
	}
}

// Forward implements Module.
func (b *TransformerBlock) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	x = t.Add(x, b.Attn.Forward(t, b.LN1.Forward(t, x)))
	h := b.LN2.Forward(t, x)
	if b.MoE != nil {
		return t.Add(x, b.MoE.Forward(t, h))
	}
	return t.Add(x, b.MLP.Forward(t, h))
}
