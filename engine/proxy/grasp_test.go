package proxy

import (
	"math"
	"testing"

	"nasbook/engine/ag"
)

// wHg computes w·Hg the other way round from the scorer: the gradient at
// w ± εg (the gates of the unperturbed pass replayed), dotted with w.
// GraSP's score is -g·Hw; for a true Hessian the two agree.
func wHg(t *testing.T, sc *scorer, rel float64) float64 {
	t.Helper()
	var l layers
	gates := &ag.Gates{}
	if _, err := sc.lossGrad(&l, gates); err != nil {
		t.Fatal(err)
	}
	gates.Replay = true
	ws := unique(l.w)
	var g, w0 [][]float32
	var nw, ng float64
	for _, w := range ws {
		g = append(g, append([]float32(nil), w.Grad.Data...))
		w0 = append(w0, append([]float32(nil), w.Value.Data...))
		for i, v := range w.Value.Data {
			nw += float64(v) * float64(v)
			ng += float64(w.Grad.Data[i]) * float64(w.Grad.Data[i])
		}
	}
	eps := rel * math.Sqrt(nw/ng)
	dot := func(sign float64) float64 {
		for k, w := range ws {
			for i, v := range w0[k] {
				w.Value.Data[i] = float32(float64(v) + sign*eps*float64(g[k][i]))
			}
		}
		if _, err := sc.lossGrad(nil, gates); err != nil {
			t.Fatal(err)
		}
		var d float64
		for k, w := range ws {
			for i, v := range w0[k] {
				d += float64(v) * float64(w.Grad.Data[i])
			}
		}
		return d
	}
	defer sc.restore()
	return (dot(1) - dot(-1)) / (2 * eps)
}

// GraSP's score is a Hessian form: -g·Hw, which the scorer takes along w,
// equals -w·Hg taken along g. With plain gradients (ReLUs free to switch)
// the second is off in size and often in sign; with the gates replayed the
// two agree to 0.2% on these networks.
func TestGraSPIsAHessianForm(t *testing.T) {
	for i, s := range smallSpecs(6) {
		cfg := Config{Batch: 16, Seed: int64(i)}
		v, err := Score(s, []Proxy{GraSP}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := newScorer(s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		other := -wHg(t, sc, 1e-4)
		t.Logf("%d: -g·Hw %.6g, -w·Hg %.6g", i, v[0], other)
		if math.Abs(v[0]-other) > 0.02*math.Abs(other)+1e-6 {
			t.Errorf("spec %d: -g·Hw = %.6g but -w·Hg = %.6g", i, v[0], other)
		}
	}
}
