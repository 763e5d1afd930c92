package ag

import "math"

// sigmoid is 1/(1+e^−v), in float64 so that large |v| neither overflows
// nor loses the small side.
func sigmoid(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }

// Sigmoid returns 1/(1+e^−x) (squeeze-excitation's gate in EfficientNet).
//
//	forward:  y = σ(x)
//	backward: dx += dy·y·(1−y)
func (t *Tape) Sigmoid(x *Var) *Var {
	y := t.out(x.Shape(), x)
	xd, yd := x.Value.Data, y.Value.Data
	for i, v := range xd[:len(yd)] {
		yd[i] = float32(sigmoid(v))
	}
	t.record(y, func() {
		dx := x.Grad.Data
		for i, g := range y.Grad.Data {
			s := yd[i]
			dx[i] += g * s * (1 - s)
		}
	})
	return y
}

// Swish returns x·σ(x), also called SiLU (EfficientNet's activation; as
// PyTorch's nn.SiLU).
//
//	forward:  y = x·σ(x)
//	backward: dx += dy·σ(x)·(1 + x·(1−σ(x)))
func (t *Tape) Swish(x *Var) *Var {
	y := t.out(x.Shape(), x)
	xd, yd := x.Value.Data, y.Value.Data
	for i, v := range xd[:len(yd)] {
		yd[i] = float32(float64(v) * sigmoid(v))
	}
	t.record(y, func() {
		dx := x.Grad.Data
		for i, g := range y.Grad.Data {
			v := float64(xd[i])
			s := sigmoid(xd[i])
			dx[i] += g * float32(s*(1+v*(1-s)))
		}
	})
	return y
}
