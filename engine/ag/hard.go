package ag

import (
	"fmt"
	"math"
)

// The hard activations of MobileNetV2 and V3 are piecewise: 0 below a lower
// kink, a middle piece, and a constant (or, for HardSwish, x) above an upper
// one. Each output is its piece's formula in float64 rounded once to
// float32, so it is exact (correctly rounded, but for the rare double
// rounding of HardSigmoid's and HardSwish's middle) for every finite input.
// Written as ReLU(x+s) − ReLU(x+s−6) in float32 they would lose the 6 to
// rounding from x ≈ 1.7e7 (2^24, where float32's spacing passes 1), and an
// infinity would give NaN.
//
//	ReLU6(x)       = min(max(x, 0), 6)         slope 1 on (0, 6)
//	HardSigmoid(x) = min(max(x+3, 0), 6)/6     slope 1/6 on (−3, 3)
//	HardSwish(x)   = x·min(max(x+3, 0), 6)/6   slope (2x+3)/6 on [−3, 3], 1 above
//
// The slopes at the kinks are PyTorch's (hardtanh, hardsigmoid and
// hardswish backward). ReLU6(±Inf) is 6 or 0, HardSigmoid's 1 or 0,
// HardSwish's +Inf or 0, each with slope 0 (HardSwish(+Inf): 1); a NaN
// input gives a NaN output and a NaN gradient.
//
// Under Gates each records which piece each input is on, and a replay
// applies the recorded piece's formula, as the ReLU does. An Observer sees
// each as two ReLUs, one per kink: OpReLU of the input shifted to the lower
// kink and to the upper one (activation codes get a bit for each).
type hardOp uint8

const (
	opReLU6 hardOp = iota
	opHardSigmoid
	opHardSwish
)

// The pieces of a hard activation.
const (
	pieceLow  int8 = iota // 0
	pieceMid              // the middle formula
	pieceHigh             // the constant, or x for HardSwish
	pieceNaN              // a NaN input
)

// kinks returns the lower and upper kink.
func (f hardOp) kinks() (lo, hi float32) {
	if f == opReLU6 {
		return 0, 6
	}
	return -3, 3
}

// piece returns the piece of f that holds v.
func (f hardOp) piece(v float32) int8 {
	lo, hi := f.kinks()
	switch {
	case v != v:
		return pieceNaN
	case f == opHardSwish && v < lo, f != opHardSwish && v <= lo:
		return pieceLow
	case f == opHardSwish && v <= hi, f != opHardSwish && v < hi:
		return pieceMid
	}
	return pieceHigh
}

// value returns f's formula of piece p at v.
func (f hardOp) value(v float64, p int8) float64 {
	switch p {
	case pieceLow:
		return 0
	case pieceNaN:
		return math.NaN()
	case pieceMid:
		switch f {
		case opReLU6:
			return v
		case opHardSigmoid:
			return (v + 3) / 6
		}
		return v * (v + 3) / 6 // exact product: 24 and 26 significant bits
	}
	switch f {
	case opReLU6:
		return 6
	case opHardSigmoid:
		return 1
	}
	return v
}

// slope returns the derivative of f's piece p at v.
func (f hardOp) slope(v float64, p int8) float64 {
	switch p {
	case pieceLow:
		return 0
	case pieceNaN:
		return math.NaN()
	case pieceMid:
		switch f {
		case opReLU6:
			return 1
		case opHardSigmoid:
			return 1.0 / 6
		}
		return (2*v + 3) / 6
	}
	if f == opHardSwish {
		return 1
	}
	return 0
}

// ReLU6 returns min(max(x, 0), 6) (MobileNetV2).
//
//	forward:  y = ReLU6(x)
//	backward: dx += dy where 0 < x < 6
func (t *Tape) ReLU6(x *Var) *Var { return t.hard(opReLU6, x) }

// HardSigmoid returns ReLU6(x+3)/6 (MobileNetV3's gate).
//
//	forward:  y = ReLU6(x+3)/6
//	backward: dx += dy/6 where −3 < x < 3
func (t *Tape) HardSigmoid(x *Var) *Var { return t.hard(opHardSigmoid, x) }

// HardSwish returns x·ReLU6(x+3)/6 (MobileNetV3's activation).
//
//	forward:  y = x·ReLU6(x+3)/6
//	backward: dx += dy·(2x+3)/6 where −3 ≤ x ≤ 3, dy where x > 3
func (t *Tape) HardSwish(x *Var) *Var { return t.hard(opHardSwish, x) }

func (t *Tape) hard(f hardOp, x *Var) *Var {
	y := t.out(x.Shape(), x)
	xd, yd := x.Value.Data[:y.Value.Len()], y.Value.Data
	if t.Observer != nil {
		lo, hi := f.kinks()
		for _, k := range []float32{lo, hi} {
			s := &Var{Value: t.tensor(false, x.Shape()...)}
			for i, v := range xd {
				s.Value.Data[i] = float32(float64(v) - float64(k))
			}
			t.Observer.Observe(OpReLU, y, s)
		}
	}
	var pieces []int8 // under Gates
	if t.Gates != nil {
		pieces = t.Gates.hardPieces(f, xd)
	}
	on := func(i int) int8 {
		if pieces != nil {
			return pieces[i]
		}
		return f.piece(xd[i])
	}
	for i, v := range xd {
		yd[i] = float32(f.value(float64(v), on(i)))
	}
	t.record(y, func() {
		dx := x.Grad.Data
		for i, g := range y.Grad.Data {
			if s := f.slope(float64(xd[i]), on(i)); s != 0 {
				dx[i] += g * float32(s)
			}
		}
	})
	return y
}

// hardPieces returns the pieces of this hard activation's inputs x:
// recorded, or replayed.
func (g *Gates) hardPieces(f hardOp, x []float32) []int8 {
	if g.Replay {
		if g.nh >= len(g.hard) || len(g.hard[g.nh]) != len(x) {
			panic(fmt.Sprintf("ag: replayed hard activation %d of %d elements does not match the recorded pass", g.nh, len(x)))
		}
		p := g.hard[g.nh]
		g.nh++
		return p
	}
	p := make([]int8, len(x))
	for i, v := range x {
		p[i] = f.piece(v)
	}
	g.hard = append(g.hard, p)
	return p
}
