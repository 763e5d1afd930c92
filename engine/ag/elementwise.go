package ag

import (
	"fmt"
	"math"
	"math/rand"
)

// ReLU returns max(x, 0).
func (t *Tape) ReLU(x *Var) *Var {
	y := t.out(x.Shape(), x)
	if t.Observer != nil {
		defer t.Observer.Observe(OpReLU, y, x)
	}
	xd, yd := x.Value.Data, y.Value.Data
	if t.Gates != nil {
		on := t.Gates.reluMask(xd[:len(yd)])
		for i, v := range xd[:len(yd)] {
			yd[i] = 0
			if on[i] {
				yd[i] = v
			}
		}
		t.record(y, func() {
			dx := x.Grad.Data
			for i, g := range y.Grad.Data {
				if on[i] {
					dx[i] += g
				}
			}
		})
		return y
	}
	t.K.ReLU(xd, yd)
	t.record(y, func() { t.K.ReLUBackward(xd, y.Grad.Data, x.Grad.Data[:len(yd)]) })
	return y
}

// GELU returns x·Φ(x) with Φ the standard normal CDF (the exact form, as
// PyTorch's nn.GELU() default).
func (t *Tape) GELU(x *Var) *Var {
	y := t.out(x.Shape(), x)
	if t.Observer != nil {
		defer t.Observer.Observe(OpGELU, y, x)
	}
	xd, yd := x.Value.Data, y.Value.Data
	for i, v := range xd[:len(yd)] {
		yd[i] = float32(float64(v) * 0.5 * (1 + math.Erf(float64(v)/math.Sqrt2)))
	}
	t.record(y, func() {
		dx := x.Grad.Data
		for i, g := range y.Grad.Data {
			v := float64(xd[i])
			cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
			pdf := math.Exp(-v*v/2) / math.Sqrt(2*math.Pi)
			dx[i] += g * float32(cdf+v*pdf)
		}
	})
	return y
}

// Scale returns s·x.
func (t *Tape) Scale(x *Var, s float32) *Var {
	y := t.out(x.Shape(), x)
	xd, yd := x.Value.Data, y.Value.Data
	for i, v := range xd[:len(yd)] {
		yd[i] = s * v
	}
	t.record(y, func() { t.K.Axpy(s, y.Grad.Data, x.Grad.Data[:len(yd)]) })
	return y
}

// Add returns a + b (same shapes).
func (t *Tape) Add(a, b *Var) *Var { return t.Sum(a, b) }

// Sum returns the elementwise sum of one or more tensors of the same shape.
func (t *Tape) Sum(xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("ag: Sum of nothing")
	}
	for _, x := range xs[1:] {
		mustSameShape("Sum", xs[0], x)
	}
	y := t.out(xs[0].Shape(), xs...)
	yd := y.Value.Data
	copy(yd, xs[0].Value.Data)
	for _, x := range xs[1:] {
		t.K.Axpy(1, x.Value.Data, yd)
	}
	t.record(y, func() {
		dy := y.Grad.Data
		for _, x := range xs {
			if x.Grad != nil {
				t.K.Axpy(1, dy, x.Grad.Data[:len(dy)])
			}
		}
	})
	return y
}

// WeightedSum returns Σ w[i]·xs[i], with the weights taken from the vector w
// (for instance softmax-ed architecture weights of a DARTS mixed edge); the
// gradient flows to both the tensors and the weights.
func (t *Tape) WeightedSum(xs []*Var, w *Var) *Var {
	if len(xs) == 0 || w.Value.Len() != len(xs) {
		panic(fmt.Sprintf("ag: WeightedSum of %d tensors with %d weights", len(xs), w.Value.Len()))
	}
	for _, x := range xs[1:] {
		mustSameShape("WeightedSum", xs[0], x)
	}
	y := t.out(xs[0].Shape(), append(xs, w)...)
	yd, wd := y.Value.Data, w.Value.Data
	clear(yd)
	for k, x := range xs {
		t.K.Axpy(wd[k], x.Value.Data, yd)
	}
	t.record(y, func() {
		dy := y.Grad.Data
		for k, x := range xs {
			if x.Grad != nil {
				t.K.Axpy(wd[k], dy, x.Grad.Data[:len(dy)])
			}
			if w.Grad != nil {
				var s float64
				for i, g := range dy {
					s += float64(g) * float64(x.Value.Data[i])
				}
				w.Grad.Data[k] += float32(s)
			}
		}
	})
	return y
}

// Concat joins tensors along dimension 1 (channels for NCHW, features for
// [N, F]); all other dimensions must agree.
//
//	xs[i] [N, Ci, ...]  ->  y [N, ΣCi, ...]
func (t *Tape) Concat(xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("ag: Concat of nothing")
	}
	s0 := xs[0].Shape()
	if len(s0) < 2 {
		panic(fmt.Sprintf("ag: Concat of rank-%d tensors", len(s0)))
	}
	inner := xs[0].Value.Len() / (s0[0] * s0[1])
	total := 0
	for _, x := range xs {
		s := x.Shape()
		if len(s) != len(s0) || s[0] != s0[0] || x.Value.Len() != s[0]*s[1]*inner {
			panic(fmt.Sprintf("ag: Concat of shapes %v and %v", s0, s))
		}
		total += s[1]
	}
	shape := append([]int{s0[0], total}, s0[2:]...)
	y := t.out(shape, xs...)
	n, yd := s0[0], y.Value.Data
	row := total * inner
	off := 0
	for _, x := range xs {
		w := x.Shape()[1] * inner
		for i := 0; i < n; i++ {
			copy(yd[i*row+off:i*row+off+w], x.Value.Data[i*w:(i+1)*w])
		}
		off += w
	}
	t.record(y, func() {
		dy := y.Grad.Data
		off := 0
		for _, x := range xs {
			w := x.Shape()[1] * inner
			if x.Grad != nil {
				for i := 0; i < n; i++ {
					dx := x.Grad.Data[i*w : (i+1)*w]
					for j, g := range dy[i*row+off : i*row+off+w] {
						dx[j] += g
					}
				}
			}
			off += w
		}
	})
	return y
}

// Dropout zeroes each element with probability p and scales the rest by
// 1/(1-p) when the tape is in training mode; in evaluation it returns x. The
// mask is drawn from r, so a seeded r gives a reproducible mask.
func (t *Tape) Dropout(x *Var, p float32, r *rand.Rand) *Var {
	if !t.Train || p == 0 {
		return x
	}
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("ag: Dropout probability %v outside [0, 1)", p))
	}
	y := t.out(x.Shape(), x)
	mask := t.buf(len(y.Value.Data), false)
	keep := 1 / (1 - p)
	xd, yd := x.Value.Data, y.Value.Data
	for i := range mask {
		mask[i] = 0
		if r.Float32() >= p {
			mask[i] = keep
		}
		yd[i] = xd[i] * mask[i]
	}
	t.record(y, func() {
		dx := x.Grad.Data
		for i, g := range y.Grad.Data {
			dx[i] += g * mask[i]
		}
	})
	return y
}
