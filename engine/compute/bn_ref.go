package compute

import "math"

// BatchNormTrainRef is the reference BatchNormTrain.
func BatchNormTrainRef(p BatchNorm, x, gamma, beta, y, mean, variance, invstd []float32) {
	p = p.check(x, "BatchNormTrainRef")
	m := float64(p.N * p.HW)
	for c := 0; c < p.C; c++ {
		var s, ss float64
		for n := 0; n < p.N; n++ {
			for _, v := range x[(n*p.C+c)*p.HW : (n*p.C+c+1)*p.HW] {
				s += float64(v)
			}
		}
		mu := s / m
		for n := 0; n < p.N; n++ {
			for _, v := range x[(n*p.C+c)*p.HW : (n*p.C+c+1)*p.HW] {
				ss += (float64(v) - mu) * (float64(v) - mu)
			}
		}
		mean[c], variance[c] = float32(mu), float32(ss/m)
		invstd[c] = float32(1 / math.Sqrt(ss/m+float64(p.Eps)))
	}
	BatchNormInferRef(p, x, gamma, beta, mean, variance, y)
}

// BatchNormInferRef is the reference BatchNormInfer.
func BatchNormInferRef(p BatchNorm, x, gamma, beta, mean, variance, y []float32) {
	p = p.check(x, "BatchNormInferRef")
	for c := 0; c < p.C; c++ {
		g, b := 1.0, 0.0
		if gamma != nil {
			g = float64(gamma[c])
		}
		if beta != nil {
			b = float64(beta[c])
		}
		is := 1 / math.Sqrt(float64(variance[c])+float64(p.Eps))
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			for i := o; i < o+p.HW; i++ {
				y[i] = float32((float64(x[i])-float64(mean[c]))*is*g + b)
			}
		}
	}
}

// BatchNormBackwardRef is the reference BatchNormBackward:
//
//	dβ = Σ dy, dγ = Σ dy·x̂, dx = γ·invstd/M · (M·dy − Σ dy − x̂·Σ dy·x̂)
//
// with x̂ = (x−mean)·invstd and sums over the M = N·HW values of a channel.
func BatchNormBackwardRef(p BatchNorm, x, gamma, mean, invstd, dy, dx, dgamma, dbeta []float32) {
	p = p.check(x, "BatchNormBackwardRef")
	m := float64(p.N * p.HW)
	for c := 0; c < p.C; c++ {
		mu, is := float64(mean[c]), float64(invstd[c])
		var sdy, sdyx float64
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			for i := o; i < o+p.HW; i++ {
				sdy += float64(dy[i])
				sdyx += float64(dy[i]) * (float64(x[i]) - mu) * is
			}
		}
		if dgamma != nil {
			dgamma[c] += float32(sdyx)
		}
		if dbeta != nil {
			dbeta[c] += float32(sdy)
		}
		if dx == nil {
			continue
		}
		g := 1.0
		if gamma != nil {
			g = float64(gamma[c])
		}
		for n := 0; n < p.N; n++ {
			o := (n*p.C + c) * p.HW
			for i := o; i < o+p.HW; i++ {
				xh := (float64(x[i]) - mu) * is
				dx[i] += float32(g * is / m * (m*float64(dy[i]) - sdy - xh*sdyx))
			}
		}
	}
}
