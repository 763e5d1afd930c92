package ag

import (
	"fmt"
	"math"

	"nasbook/engine/tensor"
)

// Embedding looks up one row of table per token id.
//
//	table [V, D], ids (len N·T, each in [0, V))  ->  y [N, T, D]
//
// Backward adds each row of dy to the table row of its id, so an id that
// occurs twice collects both. An id out of range panics: ids come from a
// dataset that has been checked against the vocabulary.
func (t *Tape) Embedding(table *Var, ids []int, n, tokens int) *Var {
	mustShape("Embedding table", table, 2)
	v, d := table.Shape()[0], table.Shape()[1]
	if len(ids) != n*tokens {
		panic(fmt.Sprintf("ag: Embedding: %d ids for %d sequences of %d tokens", len(ids), n, tokens))
	}
	for i, id := range ids {
		if id < 0 || id >= v {
			panic(fmt.Sprintf("ag: Embedding: id %d at %d is outside the vocabulary of %d", id, i, v))
		}
	}
	y := t.out([]int{n, tokens, d}, table)
	w, yd := table.Value.Data, y.Value.Data
	for i, id := range ids {
		copy(yd[i*d:(i+1)*d], w[id*d:(id+1)*d])
	}
	t.record(y, func() {
		dy, dw := y.Grad.Data, table.Grad.Data
		for i, id := range ids {
			row := dw[id*d : (id+1)*d]
			for j, g := range dy[i*d : (i+1)*d] {
				row[j] += g
			}
		}
	})
	return y
}

// AddPositions adds a position encoding to every sequence of a batch: a
// learned table (a parameter) or a fixed one (a Const, such as
// Sinusoidal's).
//
//	x [B, T, D], pos [T, D]  ->  y [B, T, D],  y[b] = x[b] + pos
func (t *Tape) AddPositions(x, pos *Var) *Var {
	mustShape("AddPositions", x, 3)
	mustShape("AddPositions table", pos, 2)
	s := x.Shape()
	if pos.Shape()[0] != s[1] || pos.Shape()[1] != s[2] {
		panic(fmt.Sprintf("ag: AddPositions: x %v, positions %v", s, pos.Shape()))
	}
	b, m := s[0], s[1]*s[2]
	y := t.out(s, x, pos)
	xd, pd, yd := x.Value.Data, pos.Value.Data, y.Value.Data
	for i := 0; i < b; i++ {
		out := yd[i*m : (i+1)*m]
		copy(out, xd[i*m:(i+1)*m])
		t.K.Axpy(1, pd, out)
	}
	t.record(y, func() {
		dy := y.Grad.Data
		if x.Grad != nil {
			t.K.Axpy(1, dy, x.Grad.Data)
		}
		if pos.Grad != nil {
			for i := 0; i < b; i++ {
				t.K.Axpy(1, dy[i*m:(i+1)*m], pos.Grad.Data)
			}
		}
	})
	return y
}

// Sinusoidal returns the fixed position encoding of Vaswani et al. (2017)
// for tokens positions of width dim:
//
//	PE[p, 2i] = sin(p / 10000^(2i/dim)),  PE[p, 2i+1] = cos(p / 10000^(2i/dim))
func Sinusoidal(tokens, dim int) *tensor.Tensor {
	pe := tensor.New(tokens, dim)
	for p := 0; p < tokens; p++ {
		for j := 0; j < dim; j++ {
			angle := float64(p) / math.Pow(10000, float64(j/2*2)/float64(dim))
			if j%2 == 0 {
				pe.Data[p*dim+j] = float32(math.Sin(angle))
			} else {
				pe.Data[p*dim+j] = float32(math.Cos(angle))
			}
		}
	}
	return pe
}
