package ag

import (
	"fmt"
	"math"
)

// Attention is multi-head scaled dot-product self-attention on packed
// projections. For each batch element b and head h, with Q, K, V the
// [T, D/heads] column blocks of head h in qkv[b]:
//
//	P = softmax(Q·Kᵀ/sqrt(D/heads))   (row i masked to j ≤ i when causal)
//	y[b][:, head h] = P·V
//
//	qkv [B, T, 3D] (queries, then keys, then values)  ->  y [B, T, D]
//
// Heads are addressed in place through GEMM leading dimensions, so no
// transposes are materialised; P is kept for the backward pass.
func (t *Tape) Attention(qkv *Var, heads int, causal bool) *Var {
	mustShape("Attention", qkv, 3)
	s := qkv.Shape()
	bsz, tl, d3 := s[0], s[1], s[2]
	if d3%3 != 0 || heads <= 0 || (d3/3)%heads != 0 {
		panic(fmt.Sprintf("ag: Attention: qkv %v with %d heads", s, heads))
	}
	d := d3 / 3
	dh := d / heads
	scale := float32(1 / math.Sqrt(float64(dh)))
	y := t.out([]int{bsz, tl, d}, qkv)
	probs := t.buf(bsz*heads*tl*tl, false)
	in, out := qkv.Value.Data, y.Value.Data
	for b := 0; b < bsz; b++ {
		for h := 0; h < heads; h++ {
			q := in[b*tl*d3+h*dh:]
			k := in[b*tl*d3+d+h*dh:]
			v := in[b*tl*d3+2*d+h*dh:]
			p := probs[(b*heads+h)*tl*tl : (b*heads+h+1)*tl*tl]
			t.K.Gemm(false, true, tl, tl, dh, scale, q, d3, k, d3, 0, p, tl)
			for i := 0; i < tl; i++ {
				row := p[i*tl : (i+1)*tl]
				if causal {
					logSumExp(row[:i+1], row[:i+1])
					clear(row[i+1:])
				} else {
					logSumExp(row, row)
				}
			}
			t.K.Gemm(false, false, tl, dh, tl, 1, p, tl, v, d3, 0, out[b*tl*d+h*dh:], d)
		}
	}
	t.record(y, func() {
		dp := t.buf(tl*tl, false)
		dy, dx := y.Grad.Data, qkv.Grad.Data
		for b := 0; b < bsz; b++ {
			for h := 0; h < heads; h++ {
				q := in[b*tl*d3+h*dh:]
				k := in[b*tl*d3+d+h*dh:]
				v := in[b*tl*d3+2*d+h*dh:]
				dq := dx[b*tl*d3+h*dh:]
				dk := dx[b*tl*d3+d+h*dh:]
				dv := dx[b*tl*d3+2*d+h*dh:]
				g := dy[b*tl*d+h*dh:]
				p := probs[(b*heads+h)*tl*tl : (b*heads+h+1)*tl*tl]
				t.K.Gemm(false, true, tl, tl, dh, 1, g, d, v, d3, 0, dp, tl) // dP = dY·Vᵀ
				t.K.Gemm(true, false, tl, dh, tl, 1, p, tl, g, d, 1, dv, d3) // dV += Pᵀ·dY
				ds := dp                                                     // dS overwrites dP row by row
				for i := 0; i < tl; i++ {
					row := dp[i*tl : (i+1)*tl]
					var sum float32
					for j, pv := range p[i*tl : (i+1)*tl] {
						sum += pv * row[j]
					}
					for j, pv := range p[i*tl : (i+1)*tl] {
						row[j] = pv * (row[j] - sum)
					}
				}
				t.K.Gemm(false, false, tl, dh, tl, scale, ds, tl, k, d3, 1, dq, d3) // dQ += dS·K/√dh
				t.K.Gemm(true, false, tl, dh, tl, scale, ds, tl, q, d3, 1, dk, d3)  // dK += dSᵀ·Q/√dh
			}
		}
	})
	return y
}
