package transformer_test

import (
	"context"
	"math"
	"testing"

	"nasbook/engine/data"
	"nasbook/engine/estimate"
	"nasbook/engine/search"
	"nasbook/space"
	"nasbook/space/transformer"
)

// lookup is the key–value lookup task of 4 pairs (5 tokens, 8 classes),
// split 80/20.
func lookup(n int) (transformer.Space, estimate.Data) {
	d := data.Lookup{N: n, Pairs: 4, Seed: 1}.Generate()
	sp := d.Split(0.2, 0, data.NewRand(2))
	return transformer.Space{Input: []int{d.H, 1}, Classes: d.Classes, Vocab: d.Vocab}, estimate.Data{Train: sp.Train, Valid: sp.Valid}
}

// TestTwoLayersLearnLookup trains a 2-layer model for 250 steps (2 epochs
// of 4000 sequences, too many to learn by heart): its loss falls and its
// validation accuracy ends far above chance (1/8) and above what the values
// in a sequence alone give (a guess among them is right about 1 time in
// 3.5).
func TestTwoLayersLearnLookup(t *testing.T) {
	s, d := lookup(5000)
	a, err := s.Parse("L2-H4-D32-R2")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	res, err := estimate.Train(context.Background(), sp, d, estimate.Config{Epochs: 2, Batch: 32, Optimizer: estimate.Adam, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Curve[0], res.Curve[len(res.Curve)-1]
	t.Logf("train loss %.3f -> %.3f, validation accuracy %.3f -> %.3f", first.TrainLoss, last.TrainLoss, first.ValAcc, last.ValAcc)
	// ln 8 = 2.08 is the loss of a uniform guess, about where training starts.
	if !(last.TrainLoss < first.TrainLoss-0.5 && last.TrainLoss < 0.6*math.Log(8)) {
		t.Errorf("train loss %.3f over the first epoch, %.3f over the last: want a fall of 0.5 to below %.2f", first.TrainLoss, last.TrainLoss, 0.6*math.Log(8))
	}
	if res.ValAcc < 0.6 {
		t.Errorf("validation accuracy %.3f, want above 0.6", res.ValAcc)
	}
}

// TestSearchByTraining searches the space by training each candidate for an
// epoch: every evaluation is a real training (accuracies differ and lie in
// [0, 1]), and the best is the largest of them.
func TestSearchByTraining(t *testing.T) {
	s, d := lookup(600)
	tr := &estimate.Trainer{Space: s, Data: d, Budgets: []int{2}, Config: estimate.Config{Batch: 32, Optimizer: estimate.Adam, LR: 3e-3, Seed: 1}}
	st, err := search.NewStrategy("rs")
	if err != nil {
		t.Fatal(err)
	}
	// Three of the architectures within 25,000 parameters (1 or 2 layers
	// 32 wide): the whole space would train 6-layer, 128-wide networks too.
	s.MaxParams = 25000
	tr.Space = s
	se, err := search.New(search.Config{Space: s, Strategy: st, Estimator: tr, Budget: search.Budget{Evaluations: 3}, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := se.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	best, ok := se.Best()
	if !ok {
		t.Fatal("no best")
	}
	hi := math.Inf(-1)
	seen := map[float64]bool{}
	for _, e := range se.History() {
		v := e.Values[0]
		t.Logf("%s: %.3f", s.Format(e.Arch), v)
		if v < 0 || v > 1 {
			t.Errorf("%s: accuracy %v", s.Format(e.Arch), v)
		}
		seen[v] = true
		hi = max(hi, v)
	}
	if best.Values[0] != hi || len(seen) < 2 {
		t.Errorf("best %v of %v distinct accuracies, the highest %v", best.Values[0], len(seen), hi)
	}
}
