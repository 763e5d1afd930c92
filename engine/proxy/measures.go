package proxy

import (
	"math"
	"math/bits"
	"strings"

	"gonum.org/v1/gonum/mat"

	"nasbook/engine/ag"
	"nasbook/engine/tensor"
)

// synflow: see Synflow. Reference: NASLib measures/synflow.py
// (compute_synflow_per_weight, bn=False) and predictors/zerocost.py (log).
func (sc *scorer) synflow() (float64, error) {
	ps := sc.net.Params
	for i, v := range ps.Data {
		ps.Data[i] = float32(math.Abs(float64(v)))
	}
	var biases [][]float32
	for _, p := range ps.List() {
		if len(p.Var.Shape()) == 1 && strings.HasSuffix(p.Name, "bias") {
			biases = append(biases, p.Var.Value.Data)
		}
	}
	abs := append([]float32(nil), ps.Data...)
	// run scales the input and the biases by 2^-e1 and seeds the backward
	// pass with 2^-e2; it returns log2 of the sum of the logits and the sum
	// of |w·g| over the layer weights (both scaled).
	run := func(e1, e2 int) (log2R, sum float64) {
		copy(ps.Data, abs)
		ps.ZeroGrad()
		s := float32(math.Ldexp(1, -e1))
		for _, b := range biases {
			for i := range b {
				b[i] *= s
			}
		}
		var l layers
		t := sc.tape
		t.Reset()
		t.Train = false
		watch(t, &observer{layers: &l}, nil, true) // SynFlow's reference drops the batch norms
		x := tensor.New(append([]int{1}, sc.s.Input...)...)
		x.Fill(s)
		y := sc.net.Forward(t, ag.Const(x))
		var r float64
		for _, v := range y.Value.Data {
			r += float64(v)
		}
		log2R = math.Log2(r) + float64(e1)
		if e2 < 0 {
			return log2R, 0
		}
		t.Backward(t.Scale(sumAll(t, y), float32(math.Ldexp(1, -e2))))
		for _, w := range unique(l.w) {
			for i, v := range w.Value.Data {
				sum += math.Abs(float64(v) * float64(w.Grad.Data[i]))
			}
		}
		return log2R, sum
	}
	// Probe the size of R with a small input; float32 holds 2^±126.
	var log2R float64
	for _, e := range []int{64, 120} {
		if log2R, _ = run(e, -1); !math.IsInf(log2R, 1) && !math.IsNaN(log2R) {
			break
		}
	}
	if math.IsInf(log2R, -1) {
		return 0, nil // no path from the input to the output
	}
	if math.IsNaN(log2R) || math.IsInf(log2R, 0) {
		return math.NaN(), nil
	}
	e := max(int(math.Floor(log2R/2)), 0)
	_, sum := run(e, e)
	if sum == 0 {
		return 0, nil
	}
	return math.Log(sum) + float64(2*e)*math.Ln2, nil
}

// fisherOf: see Fisher. Reference: NASLib measures/fisher.py (mode
// "channel"), reshape_elements in p_utils.py.
func fisherOf(l *layers) float64 {
	var total float64
	for i, y := range l.y {
		if y.Grad == nil {
			continue
		}
		sh := y.Shape()
		n, k := sh[0], sh[1]
		hw := y.Value.Len() / (n * k)
		perChannel := float64(l.w[i].Value.Len() / k)
		for c := 0; c < k; c++ {
			var sq float64
			for b := 0; b < n; b++ {
				o := (b*k + c) * hw
				var g float64
				for j := o; j < o+hw; j++ {
					g += float64(y.Value.Data[j]) * float64(y.Grad.Data[j])
				}
				sq += g * g
			}
			total += 0.5 * sq / float64(n) * perChannel
		}
	}
	return total
}

// grasp: see GraSP. Reference: NASLib measures/grasp.py
// (compute_grasp_per_weight, T=1, one iteration).
func (sc *scorer) grasp() (float64, error) {
	sc.gates = true
	ce, err := sc.cePass()
	if err != nil {
		return 0, err
	}
	if ce.gates == nil { // the pass ran before GraSP was asked for
		sc.ce = nil
		if ce, err = sc.cePass(); err != nil {
			return 0, err
		}
	}
	ws, g, gates := ce.ws, ce.g, ce.gates
	gates.Replay = true
	var w0 [][]float32
	for _, w := range ws {
		w0 = append(w0, append([]float32(nil), w.Value.Data...))
	}
	// phi(s) = g · ∇L((1+s)w): its derivative at 0 is g·Hw = w·Hg.
	phi := func(s float64) (float64, error) {
		for k, w := range ws {
			for i, v := range w0[k] {
				w.Value.Data[i] = float32(float64(v) * (1 + s))
			}
		}
		if _, err := sc.lossGrad(nil, gates); err != nil {
			return 0, err
		}
		var d float64
		for k, w := range ws {
			for i, gi := range g[k] {
				d += float64(gi) * float64(w.Grad.Data[i])
			}
		}
		return d, nil
	}
	p, err := phi(graspStep)
	if err != nil {
		return 0, err
	}
	m, err := phi(-graspStep)
	if err != nil {
		return 0, err
	}
	return -(p - m) / (2 * graspStep), nil
}

// jacobCov: see JacobCov. Reference: NASLib measures/jacov.py
// (get_batch_jacobian, eval_score).
func (sc *scorer) jacobCov() (float64, error) {
	x, _, err := sc.batch()
	if err != nil {
		return 0, err
	}
	t := sc.tape
	t.Reset()
	t.Train = true
	xv := ag.Leaf(x.Clone())
	y := sc.net.Forward(t, xv)
	t.Backward(sumAll(t, y))
	n := x.Shape[0]
	d := x.Len() / n
	z := make([]float64, n*d)
	for i := 0; i < n; i++ {
		row := xv.Grad.Data[i*d : (i+1)*d]
		var mean float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(d)
		var ss float64
		for j, v := range row {
			c := float64(v) - mean
			z[i*d+j] = c
			ss += c * c
		}
		if ss == 0 {
			return math.NaN(), nil
		}
		inv := 1 / math.Sqrt(ss)
		for j := range row {
			z[i*d+j] *= inv
		}
	}
	zm := mat.NewDense(n, d, z)
	var c mat.SymDense
	c.SymOuterK(1, zm)
	var eig mat.EigenSym
	if !eig.Factorize(&c, false) {
		return math.NaN(), nil
	}
	const k = 1e-5
	var s float64
	for _, v := range eig.Values(nil) {
		s += math.Log(v+k) + 1/(v+k)
	}
	return -s, nil
}

// naswot: see NASWOT. Reference: NASLib measures/nwot.py (compute_nwot,
// after the second version of Mellor et al.). Its forward pass is the
// cross-entropy pass's (training mode, same batch and weights), so when that
// pass runs anyway it takes the codes too.
func (sc *scorer) naswot() (float64, error) {
	if sc.nwot {
		ce, err := sc.cePass()
		if err != nil {
			return 0, err
		}
		if ce.nwot != nil {
			return ce.nwot.logDet(), nil
		}
	}
	x, _, err := sc.batch()
	if err != nil {
		return 0, err
	}
	k := newNWOTKernel(x.Shape[0])
	t := sc.tape
	t.Reset()
	t.Train = true
	watch(t, &observer{relu: k.add}, nil, false)
	sc.net.Forward(t, ag.Const(x))
	return k.logDet(), nil
}

// nwotKernel sums, over the ReLUs of a forward pass, the agreements of the
// examples' binary codes (which units are on).
type nwotKernel struct {
	n     int
	k     []float64
	codes []uint64
}

func newNWOTKernel(n int) *nwotKernel { return &nwotKernel{n: n, k: make([]float64, n*n)} }

// add takes the codes of a ReLU's input a.
func (nk *nwotKernel) add(a *ag.Var) {
	n, k := nk.n, nk.k
	d := a.Value.Len() / n
	words := (d + 63) / 64
	nk.codes = append(nk.codes[:0], make([]uint64, n*words)...)
	codes := nk.codes
	for i := 0; i < n; i++ {
		row := a.Value.Data[i*d : (i+1)*d]
		c := codes[i*words : (i+1)*words]
		for j, v := range row {
			if v > 0 {
				c[j/64] |= 1 << (j % 64)
			}
		}
	}
	for i := 0; i < n; i++ {
		ci := codes[i*words : (i+1)*words]
		for j := i; j < n; j++ {
			cj := codes[j*words : (j+1)*words]
			h := 0
			for w := range ci {
				h += bits.OnesCount64(ci[w] ^ cj[w])
			}
			k[i*n+j] += float64(d - h)
		}
	}
}

// logDet is NASWOT's score: log |det K|.
func (nk *nwotKernel) logDet() float64 {
	n, k := nk.n, nk.k
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			k[i*n+j] = k[j*n+i]
		}
	}
	logdet, _ := mat.LogDet(mat.NewDense(n, n, k))
	return logdet
}

// graspStep is the relative change of the weights in GraSP's central
// difference: 1e-2 to 1e-4 give the same scores to about 1% on NAS-Bench-201
// networks.
const graspStep = 1e-3
