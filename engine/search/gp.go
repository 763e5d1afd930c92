package search

import (
	"errors"
	"math"
	"math/rand"

	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/stat"
)

// Surrogate predicts fitness from architecture encodings (space.Encode) for
// Bayesian optimisation. Fit may keep state between calls (a warm start);
// to be saved with a search, that state must be the surrogate's JSON form
// (exported fields), which BO saves and restores.
type Surrogate interface {
	// Fit trains on encodings x[i] with fitness y[i]; r is the search's
	// random stream.
	Fit(x [][]float64, y []float64, r *rand.Rand) error
	// Predict writes the predicted mean and standard deviation of the
	// fitness of each encoding of x into mean[i] and std[i].
	Predict(x [][]float64, mean, std []float64)
}

// GP is Gaussian-process regression (Rasmussen & Williams 2006, Algorithm
// 2.1, on gonum's BLAS and LAPACK) with a squared-exponential kernel on encodings,
//
//	k(x, x') = exp(-|x - x'|^2 / (2 LengthScale^2)) + Noise^2 [x = x'],
//
// on targets standardised to mean 0 and variance 1. Each Fit chooses
// LengthScale and Noise afresh, the pair of a log-spaced grid with the
// largest log marginal likelihood, so a GP keeps no state between fits. (A
// grid rather than gonum/optimize: two parameters need no more, and optimize
// would add a module to the build, golang.org/x/tools through stat/distmv.)
type GP struct {
	LengthScale float64 `json:"length_scale"` // chosen by the last Fit
	Noise       float64 `json:"noise"`        // chosen by the last Fit

	x         [][]float64
	mu, sigma float64           // of the targets
	alpha     []float64         // K^-1 y
	u         blas64.Triangular // K = U^T U
}

var _ Surrogate = (*GP)(nil)

// The hyperparameter grid, on standardised targets.
var (
	gpLengths = []float64{0.5, 0.75, 1, 1.5, 2, 3, 5, 10}
	gpNoises  = []float64{0.01, 0.1, 0.3, 1}
)

// Fit conditions the GP on (x, y) after choosing its hyperparameters.
func (g *GP) Fit(x [][]float64, y []float64, _ *rand.Rand) error {
	n := len(x)
	if n == 0 || n != len(y) {
		return errors.New("gp: no data, or as many encodings as targets")
	}
	g.x = x
	g.mu, g.sigma = stat.MeanStdDev(y, nil)
	if n < 2 || !(g.sigma > 0) {
		g.sigma = 1
	}
	ys := make([]float64, n)
	for i, v := range y {
		ys[i] = (v - g.mu) / g.sigma
	}
	d2 := make([]float64, n*n) // squared distances, upper triangle, row-major
	for i := range n {
		for j := i + 1; j < n; j++ {
			d2[i*n+j] = sqDist(x[i], x[j])
		}
	}
	k := make([]float64, n*n)    // the kernel matrix without noise
	work := make([]float64, n*n) // its factor
	alpha := make([]float64, n)
	best := math.Inf(1)
	for _, l := range gpLengths {
		gpKernel(k, d2, n, l)
		for _, s := range gpNoises {
			u, ok := gpFactor(work, k, n, s)
			if !ok {
				continue
			}
			copy(alpha, ys)
			lapack64.Potrs(u, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: alpha})
			// Negative log marginal likelihood, less the constant n/2 log 2 pi:
			// y^T K^-1 y / 2 + log det K / 2, and log det K = 2 sum log U_ii.
			nll := 0.5 * floats.Dot(ys, alpha)
			for i := range n {
				nll += math.Log(u.Data[i*n+i])
			}
			if nll < best {
				best, g.LengthScale, g.Noise = nll, l, s
			}
		}
	}
	if math.IsInf(best, 1) {
		return errors.New("gp: the kernel matrix is not positive definite for any hyperparameters")
	}
	gpKernel(k, d2, n, g.LengthScale)
	u, _ := gpFactor(make([]float64, n*n), k, n, g.Noise)
	g.u = u
	g.alpha = slices.Clone(ys)
	lapack64.Potrs(u, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: g.alpha})
	return nil
}

// gpKernel writes the upper triangle of the kernel matrix of lengthscale l,
// without noise, into k (n x n, row-major).
func gpKernel(k, d2 []float64, n int, l float64) {
	for i := range n {
		for j := i + 1; j < n; j++ {
			k[i*n+j] = math.Exp(-d2[i*n+j] / (2 * l * l))
		}
	}
}

// gpFactor factorises k plus noise s^2 on the diagonal into work, returning
// its upper Cholesky factor (sharing work's storage).
func gpFactor(work, k []float64, n int, s float64) (blas64.Triangular, bool) {
	copy(work, k)
	for i := range n {
		work[i*n+i] = 1 + s*s
	}
	return lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: work})
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// Predict writes the posterior mean and standard deviation of the latent
// function (noise excluded) at each encoding.
func (g *GP) Predict(x [][]float64, mean, std []float64) {
	n, m := len(g.x), len(x)
	if m == 0 {
		return
	}
	ks := blas64.General{Rows: n, Cols: m, Stride: m, Data: make([]float64, n*m)} // k(X_train, x)
	for i := range n {
		for j := range m {
			ks.Data[i*m+j] = math.Exp(-sqDist(g.x[i], x[j]) / (2 * g.LengthScale * g.LengthScale))
		}
	}
	for j := range m {
		mu := 0.0
		for i := range n {
			mu += ks.Data[i*m+j] * g.alpha[i]
		}
		mean[j] = g.mu + g.sigma*mu
	}
	// v = U^-T k, in place; the variance is k(x, x) - |v|^2.
	blas64.Trsm(blas.Left, blas.Trans, 1, g.u, ks)
	for j := range m {
		s2 := 1.0
		for i := range n {
			v := ks.Data[i*m+j]
			s2 -= v * v
		}
		std[j] = g.sigma * math.Sqrt(max(s2, 1e-12))
	}
}
