package ag

import (
	"fmt"
	"math"

	"nasbook/engine/compute"
)

// RunningStats are the running mean and variance a batch norm keeps for
// evaluation. They are buffers, not parameters: no gradient, no optimizer.
type RunningStats struct {
	Mean, Var []float32 // per channel; start at 0 and 1 (NewRunningStats)
	// Momentum is the weight of the new batch: running = (1-m)·running +
	// m·batch. Zero means 0.1, PyTorch's default.
	Momentum float32
}

// NewRunningStats returns statistics for c channels with mean 0, variance 1.
func NewRunningStats(c int) *RunningStats {
	s := &RunningStats{Mean: make([]float32, c), Var: make([]float32, c)}
	for i := range s.Var {
		s.Var[i] = 1
	}
	return s
}

// BatchNorm normalises x per channel (dimension 1) and applies the affine
// pair gamma, beta when they are not nil.
//
//	x [N, C, ...], gamma [C], beta [C]  ->  y [N, C, ...]
//
// In training mode (t.Train) it uses the batch mean and biased batch variance
// over N and the spatial dimensions, and, if run is not nil, updates run with
// the batch mean and the unbiased batch variance (as PyTorch does). In
// evaluation mode it uses run, or batch statistics when run is nil (PyTorch's
// track_running_stats=False). eps = 0 means 1e-5.
func (t *Tape) BatchNorm(x, gamma, beta *Var, run *RunningStats, eps float32) *Var {
	xs := x.Shape()
	if len(xs) < 2 || (gamma != nil && gamma.Value.Len() != xs[1]) || (beta != nil && beta.Value.Len() != xs[1]) {
		panic(fmt.Sprintf("ag: BatchNorm: x %v, gamma %v, beta %v", xs, shapeOf(gamma), shapeOf(beta)))
	}
	if t.SkipBatchNorm {
		return x
	}
	if eps == 0 {
		eps = 1e-5
	}
	n, c := xs[0], xs[1]
	p := compute.BatchNorm{N: n, C: c, HW: x.Value.Len() / (n * c), Eps: eps}
	var g, b []float32
	if gamma != nil {
		g = gamma.Value.Data
	}
	if beta != nil {
		b = beta.Value.Data
	}
	y := t.out(xs, x, gamma, beta)
	xd, yd := x.Value.Data, y.Value.Data
	if !t.Train && run != nil {
		// Evaluation: a fixed per-channel affine map.
		t.K.BatchNormInfer(p, xd, g, b, run.Mean, run.Var, yd)
		t.record(y, func() {
			dy := y.Grad.Data
			for ch := 0; ch < c; ch++ {
				is := float32(1 / math.Sqrt(float64(run.Var[ch])+float64(eps)))
				k := is
				if g != nil {
					k *= g[ch]
				}
				var sdy, sdyx float64
				for i := 0; i < n; i++ {
					o := (i*c + ch) * p.HW
					for j := o; j < o+p.HW; j++ {
						if x.Grad != nil {
							x.Grad.Data[j] += k * dy[j]
						}
						sdy += float64(dy[j])
						sdyx += float64(dy[j]) * float64((xd[j]-run.Mean[ch])*is)
					}
				}
				if gamma != nil && gamma.Grad != nil {
					gamma.Grad.Data[ch] += float32(sdyx)
				}
				if beta != nil && beta.Grad != nil {
					beta.Grad.Data[ch] += float32(sdy)
				}
			}
		})
		return y
	}
	stats := t.buf(3*c, false)
	mean, variance, invstd := stats[:c], stats[c:2*c], stats[2*c:]
	t.K.BatchNormTrain(p, xd, g, b, yd, mean, variance, invstd)
	if t.Train && run != nil {
		m := run.Momentum
		if m == 0 {
			m = 0.1
		}
		cnt := float32(p.N * p.HW)
		unbias := cnt / max(cnt-1, 1)
		for ch := 0; ch < c; ch++ {
			run.Mean[ch] = (1-m)*run.Mean[ch] + m*mean[ch]
			run.Var[ch] = (1-m)*run.Var[ch] + m*variance[ch]*unbias
		}
	}
	t.record(y, func() {
		var dx, dg, db []float32
		if x.Grad != nil {
			dx = x.Grad.Data
		}
		if gamma != nil && gamma.Grad != nil {
			dg = gamma.Grad.Data
		}
		if beta != nil && beta.Grad != nil {
			db = beta.Grad.Data
		}
		t.K.BatchNormBackward(p, xd, g, mean, invstd, y.Grad.Data, dx, dg, db)
	})
	return y
}

// LayerNorm normalises x over its last dimension D and applies the affine
// pair gamma, beta [D] when they are not nil. eps = 0 means 1e-5.
//
//	x [..., D]  ->  y [..., D]
func (t *Tape) LayerNorm(x, gamma, beta *Var, eps float32) *Var {
	xs := x.Shape()
	d := xs[len(xs)-1]
	if (gamma != nil && gamma.Value.Len() != d) || (beta != nil && beta.Value.Len() != d) {
		panic(fmt.Sprintf("ag: LayerNorm: x %v, gamma %v, beta %v", xs, shapeOf(gamma), shapeOf(beta)))
	}
	if eps == 0 {
		eps = 1e-5
	}
	rows := x.Value.Len() / d
	y := t.out(xs, x, gamma, beta)
	stats := t.buf(2*rows, false)
	mean, invstd := stats[:rows], stats[rows:]
	xd, yd := x.Value.Data, y.Value.Data
	for r := 0; r < rows; r++ {
		row := xd[r*d : (r+1)*d]
		var s, ss float64
		for _, v := range row {
			s += float64(v)
		}
		mu := s / float64(d)
		for _, v := range row {
			ss += (float64(v) - mu) * (float64(v) - mu)
		}
		mean[r], invstd[r] = float32(mu), float32(1/math.Sqrt(ss/float64(d)+float64(eps)))
		out := yd[r*d : (r+1)*d]
		for j, v := range row {
			h := (v - mean[r]) * invstd[r]
			if gamma != nil {
				h *= gamma.Value.Data[j]
			}
			if beta != nil {
				h += beta.Value.Data[j]
			}
			out[j] = h
		}
	}
	t.record(y, func() {
		dy := y.Grad.Data
		for r := 0; r < rows; r++ {
			row, g := xd[r*d:(r+1)*d], dy[r*d:(r+1)*d]
			mu, is := mean[r], invstd[r]
			// With ĝ = dy·γ: dx = is/D·(D·ĝ − Σĝ − x̂·Σĝ·x̂).
			var sg, sgx float64
			for j, v := range row {
				xh := (v - mu) * is
				gh := g[j]
				if gamma != nil {
					if gamma.Grad != nil {
						gamma.Grad.Data[j] += g[j] * xh
					}
					gh *= gamma.Value.Data[j]
				}
				if beta != nil && beta.Grad != nil {
					beta.Grad.Data[j] += g[j]
				}
				sg += float64(gh)
				sgx += float64(gh) * float64(xh)
			}
			if x.Grad == nil {
				continue
			}
			a, b := float32(sg)/float32(d), float32(sgx)/float32(d)
			dx := x.Grad.Data[r*d : (r+1)*d]
			for j, v := range row {
				xh := (v - mu) * is
				gh := g[j]
				if gamma != nil {
					gh *= gamma.Value.Data[j]
				}
				dx[j] += is * (gh - a - xh*b)
			}
		}
	})
	return y
}
