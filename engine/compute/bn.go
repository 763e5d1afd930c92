package compute

import "math"

// Go batch-norm kernels: two passes over each channel for the statistics (sum,
// then centred sum of squares, which stays accurate when |mean| ≫ std), one to
// write y; rows are summed in float32 and rows combined in float64.

// BatchNormTrain is the Go batch-norm training forward kernel.
func BatchNormTrain(p BatchNorm, x, gamma, beta, y, mean, variance, invstd []float32) {
	p = p.check(x, "BatchNormTrain")
	m := float64(p.N * p.HW)
	for c := 0; c < p.C; c++ {
		var s float64
		for n := 0; n < p.N; n++ {
			var r float32
			for _, v := range x[(n*p.C+c)*p.HW : (n*p.C+c+1)*p.HW] {
				r += v
			}
			s += float64(r)
		}
		mu := float32(s / m)
		var ss float64
		for n := 0; n < p.N; n++ {
			var r float32
			for _, v := range x[(n*p.C+c)*p.HW : (n*p.C+c+1)*p.HW] {
				d := v - mu
				r += d * d
			}
			ss += float64(r)
		}
		mean[c], variance[c] = mu, float32(ss/m)
		invstd[c] = float32(1 / math.Sqrt(ss/m+float64(p.Eps)))
	}
	bnApply(p, x, gamma, beta, mean, invstd, y)
}

// BatchNormInfer is the Go batch-norm inference kernel.
func BatchNormInfer(p BatchNorm, x, gamma, beta, mean, variance, y []float32) {
	p = p.check(x, "BatchNormInfer")
	is := make([]float32, p.C)
	for c := range is {
		is[c] = float32(1 / math.Sqrt(float64(variance[c])+float64(p.Eps)))
	}
	bnApply(p, x, gamma, beta, mean, is, y)
}

func bnApply(p BatchNorm, x, gamma, beta, mean, invstd, y []float32) {
	for c := 0; c < p.C; c++ {
		scale, shift := invstd[c], -mean[c]*invstd[c]
		if gamma != nil {
			scale *= gamma[c]
			shift *= gamma[c]
		}
		if beta != nil {
			shift += beta[c]
		}
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			src, dst := x[o:o+p.HW], y[o:o+p.HW]
			dst = dst[:len(src)]
			for i, v := range src {
				dst[i] = v*scale + shift
			}
		}
	}
}

// BatchNormBackward is the Go batch-norm backward kernel (see
// BatchNormBackwardRef for the formula).
func BatchNormBackward(p BatchNorm, x, gamma, mean, invstd, dy, dx, dgamma, dbeta []float32) {
	p = p.check(x, "BatchNormBackward")
	m := float32(p.N * p.HW)
	for c := 0; c < p.C; c++ {
		mu, is := mean[c], invstd[c]
		var sdy, sdyx float64
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			xs, gs := x[o:o+p.HW], dy[o:o+p.HW]
			gs = gs[:len(xs)]
			var a, b float32
			for i, v := range xs {
				a += gs[i]
				b += gs[i] * (v - mu)
			}
			sdy += float64(a)
			sdyx += float64(b)
		}
		sdyx *= float64(is)
		if dgamma != nil {
			dgamma[c] += float32(sdyx)
		}
		if dbeta != nil {
			dbeta[c] += float32(sdy)
		}
		if dx == nil {
			continue
		}
		g := float32(1)
		if gamma != nil {
			g = gamma[c]
		}
		// dx = k·(dy − a − (x−mu)·b) with k = g·is, a = Σdy/M, b = Σdy·x̂·is/M.
		k := g * is
		a := float32(sdy) / m
		b := float32(sdyx) * is / m
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			xs, gs, ds := x[o:o+p.HW], dy[o:o+p.HW], dx[o:o+p.HW]
			gs, ds = gs[:len(xs)], ds[:len(xs)]
			for i, v := range xs {
				ds[i] += k * (gs[i] - a - (v-mu)*b)
			}
		}
	}
}
