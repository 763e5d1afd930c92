package oneshot

import (
	"context"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/data"
	"nasbook/engine/search"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/darts"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// The gradient that reaches α through the mixed edges (softmax, weighted
// sum of all ops) and through pick (GDAS's one selected op), checked by
// central differences.
func TestGradArchWeights(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	net, err := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: 3}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Arch.List() {
		p.Var.Value.Normal(r, 0, 0.5)
	}
	x := tensor.New(2, 1, 8, 8).Normal(r, 0, 1)
	gc := ag.GradCheck{Train: true, H: 1e-3, Atol: 5e-3, Rtol: 3e-2, SkipKinks: true}
	build := func(tp *ag.Tape) *ag.Var { return net.ForwardPath(tp, ag.Const(x), net.SoftmaxPath(tp)) }
	if err := gc.Check(build, net.Alpha(0, 0), net.Alpha(0, 2), net.Alpha(0, 5)); err != nil {
		t.Error("softmax path:", err)
	}
	w := ag.Leaf(tensor.New(5).Normal(r, 0, 1))
	y := ag.Leaf(tensor.New(2, 3).Normal(r, 0, 1))
	pickBuild := func(tp *ag.Tape) *ag.Var {
		return tp.WeightedSum([]*ag.Var{y}, pick(tp, tp.Softmax(w), 3))
	}
	if err := (ag.GradCheck{}).Check(pickBuild, w, y); err != nil {
		t.Error("pick:", err)
	}
}

func shapesSplit(n, size int) (*data.Dataset, *data.Dataset) {
	d := data.Shapes{N: n, Size: size, Noise: 0.1, Seed: 1}.Generate()
	sp := d.Split(0.5, 0, data.NewRand(1))
	return sp.Train, sp.Valid
}

// TestCollapseAndCap: first-order DARTS on NAS-Bench-201's cell, on 640
// generated 12×12 shape images (320 for the weights, 320 for α), C = 4, one
// cell per stage, 10 epochs of batches of 32 (100 steps), seeds fixed. The
// derived cell drifts toward parameter-free ops: one at the end of the first
// epoch, four (average pools) at the end. The cap on parameter-free ops (the
// P-DARTS remedy, here on pools as well as skips) changes the outcome.
func TestCollapseAndCap(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10-epoch search")
	}
	train, valid := shapesSplit(640, 12)
	net, err := NewSupernet(Skeleton{C: 4, Input: []int{1, 12, 12}, Classes: train.Classes}, data.NewRand(3))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Search(context.Background(), net, train, valid, Config{Method: DARTS, Epochs: 10})
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.History[0], res.History[len(res.History)-1]
	for _, l := range res.History {
		t.Logf("epoch %d: train acc %.3f, valid acc %.3f, entropy %.4f, %s: %d skips, %d parameter-free", l.Epoch+1, l.TrainAcc, l.ValidAcc, l.Entropy, l.Derived, l.Skips, l.ParamFree)
	}
	if !(last.ParamFree >= 3 && last.ParamFree > first.ParamFree) {
		t.Errorf("no drift toward parameter-free ops: %d after the first epoch, %d at the end", first.ParamFree, last.ParamFree)
	}
	if last.Entropy >= first.Entropy {
		t.Errorf("entropy rose from %.4f to %.4f", first.Entropy, last.Entropy)
	}
	// Config.MaxParamFree acts only when the cell is derived, so deriving the
	// same weights under the cap is what a search with the switch returns.
	capped := net.Derive(res.Weights, Cap{ParamFree: 1})
	t.Logf("derived %s (%d parameter-free); capped at 1: %s (%d)", res.Derived.Notation, res.Derived.ParamFree, capped.Notation, capped.ParamFree)
	if capped.ParamFree > 1 || capped.Notation == res.Derived.Notation {
		t.Errorf("the cap did not change the outcome: %s", capped.Notation)
	}
}

// Every method runs on both macros, derives an architecture of the space,
// and gives the same result for the same seed.
func TestMethodsRun(t *testing.T) {
	train, valid := shapesSplit(96, 8)
	for _, macro := range []spec.Macro{spec.MacroNB201, spec.MacroDARTS} {
		for m := Method(0); m < NumMethods; m++ {
			if macro == spec.MacroDARTS && m == DARTS2 && testing.Short() {
				continue
			}
			run := func() *Result {
				net, err := NewSupernet(Skeleton{Macro: macro, C: 2, Layers: 3, Input: []int{1, 8, 8}, Classes: train.Classes}, data.NewRand(1))
				if err != nil {
					t.Fatal(err)
				}
				snaps := 0
				res, err := Search(context.Background(), net, train, valid, Config{Method: m, Epochs: 1, Batch: 16, SPOSBudget: 6,
					OnWeights: func(Snapshot) { snaps++ }})
				if err != nil {
					t.Fatalf("%s %s: %v", macro, m, err)
				}
				if snaps < 2 {
					t.Errorf("%s %s: %d weight snapshots, want the first and the last at least", macro, m, snaps)
				}
				return res
			}
			a, b := run(), run()
			if a.Derived.Space == nil {
				t.Errorf("%s %s: derived %q is not in the space", macro, m, a.Derived.Notation)
				continue
			}
			if err := space.Valid(a.Derived.Space, a.Derived.Arch); err != nil {
				t.Errorf("%s %s: %v", macro, m, err)
			}
			if a.Derived.Notation != b.Derived.Notation || a.Weights[0][0][0] != b.Weights[0][0][0] {
				t.Errorf("%s %s: two runs with one seed differ: %s, %s", macro, m, a.Derived.Notation, b.Derived.Notation)
			}
			if _, err := build.Build(a.Derived.Spec, data.NewRand(0)); err != nil {
				t.Errorf("%s %s: derived spec: %v", macro, m, err)
			}
			t.Logf("%s %s: %s", macro, m, a.Derived.Notation)
		}
	}
}

// The supernet's paths of discrete architectures are the architectures, and
// the SPOS estimator scores them for engine/search.
func TestEstimator(t *testing.T) {
	_, valid := shapesSplit(64, 8)
	for _, sp := range []space.Space{nb201.Space{}, darts.Space{}} {
		macro := spec.MacroNB201
		if sp.Name() == "darts" {
			macro = spec.MacroDARTS
		}
		net, err := NewSupernet(Skeleton{Macro: macro, C: 2, Layers: 3, Input: []int{1, 8, 8}, Classes: valid.Classes}, data.NewRand(1))
		if err != nil {
			t.Fatal(err)
		}
		est := &Estimator{Net: net, Space: sp, Data: valid}
		var _ search.Estimator = est
		a, _ := space.Sample(sp, rand.New(rand.NewSource(2)))
		sc, err := est.Estimate(a)
		if err != nil {
			t.Fatal(err)
		}
		if v := sc.Values[0]; v < 0 || v > 1 {
			t.Errorf("%s: accuracy %g", sp.Name(), v)
		}
		d := net.Derive(net.Probabilities(), Cap{})
		p, err := net.PathOf(d.Cells)
		if err != nil {
			t.Fatal(err)
		}
		back := net.Derive(onehot(net, p), Cap{})
		if back.Notation != d.Notation {
			t.Errorf("%s: path of %s derives %s", sp.Name(), d.Notation, back.Notation)
		}
	}
}

// onehot turns a single path into weights that derive it.
func onehot(n *Supernet, p *Path) [][][]float64 {
	w := make([][][]float64, len(n.Kinds))
	for k := range w {
		for e := range n.Edges {
			row := make([]float64, len(n.Skeleton.Ops))
			if o := p.Sel[k][e]; o >= 0 {
				row[o] = 1
			}
			w[k] = append(w[k], row)
		}
	}
	return w
}

func TestParseMethod(t *testing.T) {
	for m := Method(0); m < NumMethods; m++ {
		if got, err := ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("%s: %v %v", m, got, err)
		}
	}
	if _, err := ParseMethod("enas"); err == nil {
		t.Error("enas parsed")
	}
}
