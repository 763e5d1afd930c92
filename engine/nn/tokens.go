package nn

import (
	"fmt"
	"math/rand"

	"nasbook/engine/ag"
)

// Patches cuts an input image batch [N,C,H,W] into non-overlapping P×P
// patches, [N, (H/P)·(W/P), C·P·P], in row-major patch order with each patch
// flattened as (c, i, j). It moves data only and must be applied to the
// network's input, which takes no gradient.
type Patches struct{ P int }

// Forward implements Module.
func (p Patches) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	if len(s) != 4 || p.P <= 0 || s[2]%p.P != 0 || s[3]%p.P != 0 {
		panic(fmt.Sprintf("nn: Patches of size %d on input %v", p.P, s))
	}
	if x.NeedsGrad() {
		panic("nn: Patches must be applied to the network input, which takes no gradient")
	}
	n, c, h, w, P := s[0], s[1], s[2], s[3], p.P
	gh, gw := h/P, w/P
	y := t.Zeros(n, gh*gw, c*P*P)
	xd, yd := x.Value.Values(), y.Value.Data
	o := 0
	for b := 0; b < n; b++ {
		for pi := 0; pi < gh; pi++ {
			for pj := 0; pj < gw; pj++ {
				for ch := 0; ch < c; ch++ {
					for i := 0; i < P; i++ {
						row := ((b*c+ch)*h+pi*P+i)*w + pj*P
						copy(yd[o:o+P], xd[row:row+P])
						o += P
					}
				}
			}
		}
	}
	return y
}

// Embed maps a token sequence [N,T,F] to [N,T,D] by a linear layer with bias
// and adds a learned position embedding [T,D] when Positions is set. The
// position embedding is stored as T extra input columns of the linear
// weight and applied by appending a one-hot position to each token, which is
// the same function with the same parameters. Like Patches it must see the
// network's input (or Patches' output), which takes no gradient.
type Embed struct {
	Linear    *Linear // [D, F] or [D, F+T]
	Tokens    int     // T, when Positions
	Positions bool
}

// NewEmbed adds an embedding of f features into d, for sequences of length
// tokens when positions is set, to ps.
func NewEmbed(ps *ag.Params, name string, r *rand.Rand, f, d, tokens int, positions bool) *Embed {
	in := f
	if positions {
		in += tokens
	}
	e := &Embed{Linear: NewLinear(ps, name+".proj", r, in, d, true), Tokens: tokens, Positions: positions}
	if positions { // position columns start small, as ViT's N(0, 0.02) embedding
		w := e.Linear.W.Value
		for o := 0; o < d; o++ {
			for k := f; k < in; k++ {
				w.Data[o*in+k] = float32(r.NormFloat64() * 0.02)
			}
		}
	}
	return e
}

// Forward implements Module.
func (e *Embed) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if !e.Positions {
		return e.Linear.Forward(t, x)
	}
	s := x.Shape()
	if len(s) != 3 || s[1] != e.Tokens {
		panic(fmt.Sprintf("nn: Embed of %d tokens on input %v", e.Tokens, s))
	}
	if x.NeedsGrad() {
		panic("nn: Embed with positions must be applied to the network input, which takes no gradient")
	}
	n, T, f := s[0], s[1], s[2]
	y := t.Zeros(n, T, f+T)
	xd, yd := x.Value.Values(), y.Value.Data
	for b := 0; b < n; b++ {
		for i := 0; i < T; i++ {
			row := yd[(b*T+i)*(f+T):]
			copy(row[:f], xd[(b*T+i)*f:(b*T+i+1)*f])
			row[f+i] = 1
		}
	}
	return e.Linear.Forward(t, y)
}

// MeanTokens averages a sequence over its tokens: [N,T,D] -> [N,D]. It is a
// 1×1 convolution with the constant weight 1/T over the token axis.
type MeanTokens struct{}

// Forward implements Module.
func (MeanTokens) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	if len(s) != 3 {
		panic(fmt.Sprintf("nn: MeanTokens of shape %v", s))
	}
	w := t.Zeros(1, s[1], 1, 1)
	w.Value.Fill(1 / float32(s[1]))
	y := t.Conv2D(t.Reshape(x, s[0], s[1], s[2], 1), w, nil, ag.ConvOpts{})
	return t.Reshape(y, s[0], s[2])
}

// TokenEmbed maps token ids [N,T,1] (or [N,T]), stored as whole numbers in
// float32, to [N,T,D]: each id's row of a learned [V,D] table, plus a
// position encoding, learned [T,D] (Positions) or the fixed sinusoidal one
// (Sinusoidal), or none. It must see the network's input.
type TokenEmbed struct {
	Table *ag.Var // [V, D]
	Pos   *ag.Var // [T, D]: a parameter, a constant (sinusoidal) or nil
	// Sinusoidal says Pos is the fixed encoding ag.Sinusoidal(T, D).
	Sinusoidal bool
}

// NewTokenEmbed adds an embedding of vocab token ids into d for sequences
// of the given length to ps: a table drawn from N(0, 1) as PyTorch's
// nn.Embedding, and a learned position table from N(0, 0.02) when
// positions is set or the sinusoidal encoding when sinusoidal is.
func NewTokenEmbed(ps *ag.Params, name string, r *rand.Rand, vocab, d, tokens int, positions, sinusoidal bool) *TokenEmbed {
	e := &TokenEmbed{Table: ps.Add(name+".tokens", vocab, d), Sinusoidal: sinusoidal}
	for i := range e.Table.Value.Data {
		e.Table.Value.Data[i] = float32(r.NormFloat64())
	}
	switch {
	case positions:
		e.Pos = ps.Add(name+".pos", tokens, d)
		for i := range e.Pos.Value.Data {
			e.Pos.Value.Data[i] = float32(r.NormFloat64() * 0.02)
		}
	case sinusoidal:
		e.Pos = ag.Const(ag.Sinusoidal(tokens, d))
	}
	return e
}

// Forward implements Module. An input value that is not a whole number in
// [0, V) panics: datasets of token ids are checked when they are made.
func (e *TokenEmbed) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	if (len(s) != 3 || s[2] != 1) && len(s) != 2 {
		panic(fmt.Sprintf("nn: TokenEmbed on input %v, want token ids [N,T,1]", s))
	}
	if x.NeedsGrad() {
		panic("nn: TokenEmbed must be applied to the network input, which takes no gradient")
	}
	v := e.Table.Shape()[0]
	xs := x.Value.Values()
	ids := make([]int, len(xs)) // the backward pass keeps them
	for i, f := range xs {
		id := int(f)
		if float32(id) != f || id < 0 || id >= v {
			panic(fmt.Sprintf("nn: TokenEmbed: input value %g at %d is not a token id in [0, %d)", f, i, v))
		}
		ids[i] = id
	}
	y := t.Embedding(e.Table, ids, s[0], s[1])
	if e.Pos != nil {
		y = t.AddPositions(y, e.Pos)
	}
	return y
}
