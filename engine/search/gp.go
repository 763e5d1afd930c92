package search

import (
	"errors"
	"math"
	"math/rand"

	"gonum.org/v1/gonum/mat"
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
// 2.1) with a squared-exponential kernel on encodings,
//
//	k(x, x') = exp(-|x - x'|^2 / (2 LengthScale^2)) + Noise^2 [x = x'],
//
// on targets standardised to mean 0 and variance 1. Each Fit chooses
// LengthScale and Noise afresh, the pair of a log-spaced grid with the
// largest log marginal likelihood, so a GP keeps no state between fits. (A
// grid rather than gonum/optimize: two parameters need no more, and
// optimize links stat/distmv and its dependencies into the wasm kernel.)
type GP struct {
	LengthScale float64 `json:"length_scale"` // chosen by the last Fit
	Noise       float64 `json:"noise"`        // chosen by the last Fit

	x         [][]float64
	mu, sigma float64       // of the targets
	alpha     *mat.VecDense // K^-1 y
	u         mat.TriDense  // K = U^T U
}

var _ Surrogate = (*GP)(nil)

// The hyperparameter grid, on standardised targets.
var (
	gpLengths = []float64{0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 10}
	gpNoises  = []float64{0.01, 0.03, 0.1, 0.3, 1}
)

// Fit conditions the GP on (x, y) after tuning its hyperparameters.
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
	ys := mat.NewVecDense(n, nil)
	for i, v := range y {
		ys.SetVec(i, (v-g.mu)/g.sigma)
	}
	d2 := mat.NewSymDense(n, nil) // squared distances
	for i := range n {
		for j := i + 1; j < n; j++ {
			d2.SetSym(i, j, sqDist(x[i], x[j]))
		}
	}
	var k mat.SymDense
	var chol mat.Cholesky
	var alpha mat.VecDense
	best := math.Inf(1)
	for _, l := range gpLengths {
		for _, s := range gpNoises {
			if !g.factor(&chol, &k, d2, l, s) || chol.SolveVecTo(&alpha, ys) != nil {
				continue
			}
			// Negative log marginal likelihood, less the constant n/2 log 2 pi.
			if nll := 0.5*mat.Dot(ys, &alpha) + 0.5*chol.LogDet(); nll < best {
				best, g.LengthScale, g.Noise = nll, l, s
			}
		}
	}
	if math.IsInf(best, 1) {
		g.LengthScale, g.Noise = gpLengths[len(gpLengths)/2], gpNoises[len(gpNoises)-1]
	}
	for !g.factor(&chol, &k, d2, g.LengthScale, g.Noise) {
		if g.Noise *= 10; g.Noise > 10 {
			return errors.New("gp: the kernel matrix is not positive definite")
		}
	}
	g.alpha = mat.NewVecDense(n, nil)
	if err := chol.SolveVecTo(g.alpha, ys); err != nil && !errors.As(err, new(mat.Condition)) {
		return err
	}
	g.u.Reset()
	chol.UTo(&g.u)
	return nil
}

// factor writes the kernel matrix of lengthscale l and noise s into k and
// factorises it into chol.
func (g *GP) factor(chol *mat.Cholesky, k *mat.SymDense, d2 *mat.SymDense, l, s float64) bool {
	n := d2.SymmetricDim()
	if k.IsEmpty() {
		k.ReuseAsSym(n)
	}
	for i := range n {
		k.SetSym(i, i, 1+s*s)
		for j := i + 1; j < n; j++ {
			k.SetSym(i, j, math.Exp(-d2.At(i, j)/(2*l*l)))
		}
	}
	return chol.Factorize(k)
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
	ks := mat.NewDense(n, m, nil) // k(X_train, x)
	for i := range n {
		for j := range m {
			ks.Set(i, j, math.Exp(-sqDist(g.x[i], x[j])/(2*g.LengthScale*g.LengthScale)))
		}
	}
	var mu mat.VecDense
	mu.MulVec(ks.T(), g.alpha)
	var v mat.Dense // U^-T k: var = k(x,x) - |v|^2
	_ = g.u.SolveTo(&v, true, ks)
	for j := range m {
		s2 := 1.0
		for i := range n {
			s2 -= v.At(i, j) * v.At(i, j)
		}
		mean[j] = g.mu + g.sigma*mu.AtVec(j)
		std[j] = g.sigma * math.Sqrt(max(s2, 1e-12))
	}
}
