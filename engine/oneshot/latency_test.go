package oneshot

import (
	"context"
	"math"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/cost"
	"nasbook/engine/data"
	"nasbook/engine/timing"
)

// The gradient addGrad adds to α is Weight times the derivative of the
// expected latency, checked by central differences.
func TestLatencyGradient(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	net, err := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: 3}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Arch.List() {
		p.Var.Value.Normal(r, 0, 0.7)
	}
	l := &Latency{Weight: 0.3, Base: 4, MS: [][][]float64{make([][]float64, len(net.Edges))}}
	for e := range net.Edges {
		for range net.Skeleton.Ops {
			l.MS[0][e] = append(l.MS[0][e], 5*r.Float64())
		}
	}
	if err := l.check(net); err != nil {
		t.Fatal(err)
	}
	net.Arch.ZeroGrad()
	l.addGrad(net)
	f := func() float64 { return l.Weight * l.Expected(net.Probabilities()) }
	const h = 1e-2
	for e := range net.Edges {
		a := net.Alpha(0, e)
		for o := range a.Value.Data {
			v := a.Value.Data[o]
			a.Value.Data[o] = v + h
			up := f()
			a.Value.Data[o] = v - h
			down := f()
			a.Value.Data[o] = v
			num := (up - down) / (2 * h)
			if got := float64(a.Grad.Data[o]); math.Abs(got-num) > 1e-3+1e-2*math.Abs(num) {
				t.Errorf("edge %d op %d: gradient %.5f, central difference %.5f", e, o, got, num)
			}
		}
	}
}

// FitLatency recovers an additive latency model from whole networks.
func TestFitLatency(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const edges, ops = 6, 5
	want := make([][]float64, edges)
	for e := range want {
		want[e] = make([]float64, ops)
		for o := 1; o < ops; o++ {
			want[e][o] = 3 * r.Float64()
		}
	}
	var sel [][]int
	var ms []float64
	for range 400 {
		s := make([]int, edges)
		v := 7.5
		for e := range s {
			s[e] = r.Intn(ops)
			v += want[e][s[e]]
		}
		sel = append(sel, s)
		ms = append(ms, v+0.01*r.NormFloat64())
	}
	l, rmse, err := FitLatency(sel, ms, edges, ops)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.Base-7.5) > 0.01 || rmse > 0.012 {
		t.Errorf("base %.4f, rmse %.4f; want 7.5 and about 0.01", l.Base, rmse)
	}
	for e := range want {
		for o := range want[e] {
			if math.Abs(l.MS[0][e][o]-want[e][o]) > 0.01 {
				t.Errorf("edge %d op %d: %.4f ms, want %.4f", e, o, l.MS[0][e][o], want[e][o])
			}
		}
	}
	if _, _, err := FitLatency(sel[:10], ms[:10], edges, ops); err == nil || !strings.Contains(err.Error(), "to fit 25 coefficients") {
		t.Errorf("too few networks: %v", err)
	}
	sel[3][2] = ops
	if _, _, err := FitLatency(sel, ms, edges, ops); err == nil || !strings.Contains(err.Error(), "network 3: op 5 on edge 2") {
		t.Errorf("an op out of range: %v", err)
	}
}

// The latencies measured on this device rank NAS-Bench-201's ops as their
// work does, and a search that weighs latency heavily derives a faster cell
// than the same search without it.
func TestLatencyAwareSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("two searches")
	}
	train, valid := shapesSplit(256, 8)
	mk := func() *Supernet {
		net, err := NewSupernet(Skeleton{C: 8, Input: []int{1, 8, 8}, Classes: train.Classes}, data.NewRand(3))
		if err != nil {
			t.Fatal(err)
		}
		return net
	}
	net := mk()
	lat, err := net.MeasureLatency(timing.Forward{}, &cost.LatencyTable{})
	if err != nil {
		t.Fatal(err)
	}
	// NB201Ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3.
	for e, ms := range lat.MS[0] {
		t.Logf("edge %v: %.4f ms", net.Edges[e], ms)
		if !(ms[3] > ms[2] && ms[2] > ms[1] && ms[3] > ms[4]) {
			t.Errorf("edge %v: %v ms: want conv 3x3 > conv 1x1 > skip, and conv 3x3 > pool", net.Edges[e], ms)
		}
	}
	search := func(weight float64) (string, float64) {
		n := mk()
		l := *lat
		l.Weight = weight
		res, err := Search(context.Background(), n, train, valid, Config{Method: DARTS, Epochs: 3, ArchLR: 0.2, ArchSteps: 3, ArchWeightDecay: -1, Latency: &l})
		if err != nil {
			t.Fatal(err)
		}
		p, err := n.PathOf(res.Derived.Cells)
		if err != nil {
			t.Fatal(err)
		}
		last := res.History[len(res.History)-1]
		t.Logf("weight %g: %s, %.4f ms (expected %.4f at the end)", weight, res.Derived.Notation, l.Of(p), last.Latency)
		return res.Derived.Notation, l.Of(p)
	}
	_, free := search(0)
	_, heavy := search(10 / lat.Expected(net.Probabilities()))
	if !(heavy < 0.5*free) {
		t.Errorf("with latency weighed the derived cell takes %.4f ms, without %.4f: want less than half", heavy, free)
	}
}

func TestLatencyChecks(t *testing.T) {
	net, err := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: 3}, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	train, valid := shapesSplit(64, 8)
	for _, l := range []*Latency{
		{MS: [][][]float64{}},
		{MS: [][][]float64{make([][]float64, 2)}},
		{MS: [][][]float64{{{1, 2, 3, 4, math.NaN()}, {}, {}, {}, {}, {}}}},
	} {
		if _, err := Search(context.Background(), net, train, valid, Config{Epochs: 1, Latency: l}); err == nil || !strings.Contains(err.Error(), "latency") {
			t.Errorf("latency %v: %v", l.MS, err)
		}
	}
}
