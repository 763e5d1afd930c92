package compute

import "fmt"

// Element-wise kernels: activations, per-channel bias and its gradient,
// y += a·x, and a bias and ReLU fused. Each is one pass over memory, so under js/wasm, where Go emits
// scalar code, they have f32x4 versions (kernels.wat) as the convolutions do.

// Channels describes a tensor laid out [N, C, HW] whose channel c gets one
// value per channel: a convolution's bias (HW = OH·OW), a linear layer's
// (HW = 1), or, with N = 1 and C = N·C, one value per plane.
type Channels struct {
	N, C, HW int
}

func (p Channels) check(x, per []float32, name string) {
	if len(x) < p.N*p.C*p.HW || len(per) < p.C {
		panic(fmt.Sprintf("kernel: %s: lengths %d and %d for %+v", name, len(x), len(per), p))
	}
}

// ReLU is the Go ReLU kernel. max is branch-free natively (a branch on the
// sign mispredicts half the time on real activations); under js/wasm it is a
// call, which the SIMD kernel avoids.
func ReLU(x, y []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// ReLUBackward is the Go ReLU gradient kernel.
func ReLUBackward(x, dy, dx []float32) {
	x, dy = x[:len(dx)], dy[:len(dx)]
	for i, g := range dy {
		if x[i] > 0 {
			dx[i] += g
		}
	}
}

// AddChannels is the Go per-channel bias kernel.
func AddChannels(p Channels, b, y []float32) {
	p.check(y, b, "AddChannels")
	for i := 0; i < p.N; i++ {
		for c, bv := range b[:p.C] {
			row := y[(i*p.C+c)*p.HW : (i*p.C+c+1)*p.HW]
			for k := range row {
				row[k] += bv
			}
		}
	}
}

// SumChannels is the Go per-channel sum kernel; each row of HW values is
// summed in float32.
func SumChannels(p Channels, x, dst []float32) {
	p.check(x, dst, "SumChannels")
	for i := 0; i < p.N; i++ {
		for c := range dst[:p.C] {
			var s float32
			for _, v := range x[(i*p.C+c)*p.HW : (i*p.C+c+1)*p.HW] {
				s += v
			}
			dst[c] += s
		}
	}
}

// Axpy is the Go y += a·x kernel.
func Axpy(a float32, x, y []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += a * v
	}
}

// BiasReLU is the Go bias-and-ReLU kernel.
func BiasReLU(p Channels, b, y []float32) {
	if b == nil {
		ReLU(y[:p.N*p.C*p.HW], y)
		return
	}
	p.check(y, b, "BiasReLU")
	for i := 0; i < p.N; i++ {
		for c, bv := range b[:p.C] {
			row := y[(i*p.C+c)*p.HW : (i*p.C+c+1)*p.HW]
			for k, v := range row {
				row[k] = max(v+bv, 0)
			}
		}
	}
}

// ReLUMask is the Go kernel of the gradient through a ReLU from its output.
func ReLUMask(y, dy, dx []float32) {
	y, dy = y[:len(dx)], dy[:len(dx)]
	for i, v := range y {
		dx[i] = 0
		if v > 0 {
			dx[i] = dy[i]
		}
	}
}
