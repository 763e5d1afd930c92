package oneshot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"nasbook/engine/data"
)

// skipHeavy returns architecture weights for net's normal cell in which
// skip_connect is the strongest op on every edge, with a margin that grows
// with the edge's index, and the second strongest a convolution.
func skipHeavy(net *Supernet) [][][]float64 {
	ops := net.Skeleton.Ops
	skip, conv := slices.Index(ops, "skip_connect"), slices.Index(ops, "nor_conv_3x3")
	w := make([][][]float64, len(net.Kinds))
	for k := range w {
		w[k] = make([][]float64, len(net.Edges))
		for e := range w[k] {
			w[k][e] = make([]float64, len(ops))
			for o := range ops {
				w[k][e][o] = 0.1
			}
			w[k][e][conv] = 0.2
			w[k][e][skip] = 0.3 + 0.01*float64(e)
		}
	}
	return w
}

// The P-DARTS cap on skip connections: the derived cell keeps at most M
// skips, giving up the weakest ones for their edge's next strongest op.
func TestSkipCap(t *testing.T) {
	net, err := NewSupernet(Skeleton{C: 4, Input: []int{1, 12, 12}, Classes: 3}, data.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	w := skipHeavy(net)
	free := net.Derive(w, Cap{})
	if free.Skips != len(net.Edges) {
		t.Fatalf("uncapped: %d skips in %s, want every edge", free.Skips, free.Notation)
	}
	for _, m := range []int{1, 2, 3} { // (zero is no cap)
		d := net.Derive(w, Cap{Skips: m})
		if d.Skips != m {
			t.Errorf("cap %d: %d skips in %s", m, d.Skips, d.Notation)
		}
		// The strongest skips stay: the last edges have the larger margins.
		if !strings.HasSuffix(d.Notation, "skip_connect~2|") {
			t.Errorf("cap %d dropped the strongest skip: %s", m, d.Notation)
		}
		if strings.Count(d.Notation, "nor_conv_3x3") != len(net.Edges)-m {
			t.Errorf("cap %d: capped edges did not fall back to the convolution: %s", m, d.Notation)
		}
	}
}

// The DARTS+ early stop: with StopSkips 1 the search ends at the first epoch
// whose derived cell has a skip connection; with a threshold above the
// cell's edges it never stops early.
func TestStopSkipsAndAuxSkip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs short searches")
	}
	train, valid := shapesSplit(256, 12)
	run := func(cfg Config) *Result {
		net, err := NewSupernet(Skeleton{C: 4, Input: []int{1, 12, 12}, Classes: train.Classes}, data.NewRand(3))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Method, cfg.Epochs = DARTS, 4
		res, err := Search(context.Background(), net, train, valid, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	never := run(Config{StopSkips: 7})
	if never.StoppedEarly || len(never.History) != 4 {
		t.Errorf("StopSkips 7 of 6 edges stopped after %d epochs", len(never.History))
	}
	firstSkip := -1
	for i, l := range never.History {
		if l.Skips >= 1 {
			firstSkip = i
			break
		}
	}
	t.Logf("the first epoch to derive a skip: %d (of %d)", firstSkip+1, len(never.History))
	stop := run(Config{StopSkips: 1})
	switch {
	case firstSkip < 0 && stop.StoppedEarly:
		t.Errorf("stopped although no epoch derived a skip")
	case firstSkip >= 0 && (!stop.StoppedEarly || len(stop.History) != firstSkip+1):
		t.Errorf("StopSkips 1: %d epochs (stopped early %v), want to stop after epoch %d", len(stop.History), stop.StoppedEarly, firstSkip+1)
	}
	// The auxiliary skip (DARTS-) changes the search: the same seeds give
	// other architecture weights.
	aux := run(Config{AuxSkip: true})
	if slices.EqualFunc(aux.Weights[0], never.Weights[0], slices.Equal[[]float64]) {
		t.Error("AuxSkip left the architecture weights unchanged")
	}
}

// How far α moves: Adam moves each logit by about the learning rate a step,
// so more architecture steps per weight step move it further, and the L2
// weight decay of DARTS (1e-3) holds it nearer zero than no decay does.
func TestArchStepsAndDecay(t *testing.T) {
	d := data.Shapes{N: 256, Size: 8, Noise: 0.1, Seed: 1}.Generate()
	sp := d.Split(0.5, 0, data.NewRand(1))
	spread := func(cfg Config) float64 {
		net, err := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: d.Classes}, data.NewRand(1))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Epochs, cfg.Seed, cfg.ArchLR = 2, 1, 0.05
		if _, err := Search(context.Background(), net, sp.Train, sp.Valid, cfg); err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, a := range net.Arch.Data {
			s = max(s, float64(a)-float64(slices.Min(net.Arch.Data)))
		}
		return s
	}
	one, three := spread(Config{ArchWeightDecay: -1}), spread(Config{ArchWeightDecay: -1, ArchSteps: 3})
	// 8 weight steps: at most about 0.4 apart with one α step each.
	if three < 1.5*one {
		t.Errorf("largest gap between two logits: %.3f with one α step per weight step, %.3f with three: want about three times", one, three)
	}
	decayed := spread(Config{ArchWeightDecay: 0.5, ArchSteps: 3})
	if decayed >= three {
		t.Errorf("largest gap between two logits: %.3f with weight decay 0.5, %.3f without: want less with", decayed, three)
	}
	t.Logf("largest gap between two logits: %.3f (1 α step), %.3f (3 α steps), %.3f (3 α steps, decay 0.5)", one, three, decayed)
	net, _ := NewSupernet(Skeleton{C: 2, Input: []int{1, 8, 8}, Classes: d.Classes}, data.NewRand(1))
	if _, err := Search(context.Background(), net, sp.Train, sp.Valid, Config{ArchSteps: -1}); err == nil {
		t.Error("ArchSteps -1: no error")
	}
}
