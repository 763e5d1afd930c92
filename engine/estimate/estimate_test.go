package estimate

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"nasbook/engine/data"
	"nasbook/engine/search"
	"nasbook/engine/train"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

func tinyData() Data {
	all := data.Shapes{N: 120, Size: 8, Classes: 3, Seed: 1}.Generate()
	sp := all.Split(0.25, 0.25, data.NewRand(1))
	return Data{Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}

func tinySpecs(n int) []*spec.Spec { return randomSpecs(n, 2, 4, 8, 3) }

// randomSpecs returns n NB201 networks of c channels (N=1) for size x size
// one-channel images of the given classes, their ops drawn (none aside)
// with seed.
func randomSpecs(n int, seed int64, c, size, classes int) []*spec.Spec {
	r := rand.New(rand.NewSource(seed))
	var out []*spec.Spec
	for range n {
		var a nb201.Arch
		for i := range a {
			a[i] = nb201.Op(1 + r.Intn(nb201.NumOps-1))
		}
		s := a.Spec(nb201.Macro{C: c, N: 1, Size: size, Classes: classes})
		s.Input = []int{1, size, size}
		out = append(out, s)
	}
	return out
}

func TestTrainStreamsItsCurve(t *testing.T) {
	var seen []int
	cfg := Config{Epochs: 3, Batch: 16, OnEpoch: func(_ int, st train.EpochStats) { seen = append(seen, st.Epoch) }}
	res, err := Train(context.Background(), tinySpecs(1)[0], tinyData(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Epochs != 3 || len(res.Curve) != 3 || fmt.Sprint(seen) != "[0 1 2]" {
		t.Fatalf("epochs %d, curve %d, streamed %v", res.Epochs, len(res.Curve), seen)
	}
	if res.ValAcc != res.ValAcc || res.TestAcc != res.TestAcc {
		t.Fatalf("accuracies %v %v", res.ValAcc, res.TestAcc)
	}
	again, _ := Train(context.Background(), tinySpecs(1)[0], tinyData(), cfg)
	if again.ValAcc != res.ValAcc || again.Curve[2].TrainLoss != res.Curve[2].TrainLoss {
		t.Fatal("two runs with one seed differ")
	}
}

func TestEarlyStopping(t *testing.T) {
	// A learning rate of zero never improves on the first epoch, so
	// patience 2 ends the run after epoch 2.
	cfg := Config{Epochs: 10, Batch: 16, LR: 1e-30, Schedule: Constant, Patience: 2}
	res, err := Train(context.Background(), tinySpecs(1)[0], tinyData(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Early || res.Epochs != 3 {
		t.Fatalf("early %v after %d epochs, want early after 3", res.Early, res.Epochs)
	}
}

// A run that early stopping ended is kept for a later job of its key, which
// gets the result a run from scratch gets without training an epoch, in
// this Runs or, exported, in another.
func TestEarlyStoppedRunIsNotTrainedAgain(t *testing.T) {
	cfg := Config{Epochs: 5, Batch: 16, LR: 1e-30, Schedule: Constant, Patience: 2}
	d := tinyData()
	s := tinySpecs(1)[0]
	want, err := Train(context.Background(), s, d, Config{Epochs: 10, Batch: 16, LR: 1e-30, Schedule: Constant, Patience: 2})
	if err != nil || !want.Early {
		t.Fatalf("from scratch: %+v, %v", want, err)
	}
	var rs, other Runs
	first, err := rs.Do(context.Background(), Job{Spec: s, Data: d, Config: cfg, Total: 10, Key: "g/0"})
	if err != nil || !first.Early {
		t.Fatalf("the first job: %+v, %v", first, err)
	}
	b, err := rs.Export("g/0")
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Import("g/0", b); err != nil {
		t.Fatal(err)
	}
	for k, r := range []*Runs{&other, &other} {
		epochs := 0
		c := cfg
		c.Epochs, c.OnEpoch = 10, func(int, train.EpochStats) { epochs++ }
		got, err := r.Do(context.Background(), Job{Spec: s, Data: d, Config: c, Total: 10, Key: "g/0"})
		if err != nil {
			t.Fatal(err)
		}
		if epochs != 0 || !got.Early || fmt.Sprint(durationless(got)) != fmt.Sprint(durationless(want)) {
			t.Errorf("job %d trained %d epochs for %+v, want none for %+v", k+2, epochs, got, want)
		}
	}
}

func durationless(r Result) Result {
	r.Curve = append([]train.EpochStats(nil), r.Curve...)
	for i := range r.Curve {
		r.Curve[i].Duration = 0
	}
	return r
}

// Successive halving with Eta 3 over 9 candidates: rungs of 9, 3 and 1 at
// 1, 3 and 9 epochs, the same whatever the number of workers, resuming or
// restarting.
//
// A resumed survivor trains as one uninterrupted run: the winner's curve
// over the three rungs is, epoch for epoch, the curve Train gives it with
// MaxEpochs, and the rungs train 9·1 + 3·2 + 1·6 = 21 epochs where
// restarting trains 9·1 + 3·3 + 1·9 = 27. (One test, so that the one-worker
// run each check needs trains once.)
func TestHalving(t *testing.T) {
	specs := tinySpecs(9)
	for _, restart := range []bool{false, true} {
		epochs := 0
		cfg := Config{Batch: 32, Seed: 5, OnEpoch: func(int, train.EpochStats) { epochs++ }}
		h := Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 9, Restart: restart, Config: cfg, Workers: 1}
		one, err := h.Run(context.Background(), specs, tinyData())
		if err != nil {
			t.Fatal(err)
		}
		var shape []string
		for _, r := range one {
			shape = append(shape, fmt.Sprintf("%d@%d", len(r.Results), r.Epochs))
		}
		if got := fmt.Sprint(shape); got != "[9@1 3@3 1@9]" {
			t.Fatalf("restart %v: rungs %s", restart, got)
		}
		if want := map[bool]int{false: 21, true: 27}[restart]; epochs != want || h.Epochs(9) != want {
			t.Errorf("restart %v: %d epochs trained, Epochs says %d, want %d", restart, epochs, h.Epochs(9), want)
		}
		h.Workers, h.Config.OnEpoch = 3, nil
		three, err := h.Run(context.Background(), specs, tinyData())
		if err != nil {
			t.Fatal(err)
		}
		for i := range one {
			for j := range one[i].Results {
				a, b := one[i].Results[j], three[i].Results[j]
				if a.Candidate != b.Candidate || a.ValAcc != b.ValAcc || a.TestAcc != b.TestAcc {
					t.Fatalf("restart %v, rung %d #%d: %+v with 1 worker, %+v with 3", restart, i, j, a, b)
				}
			}
		}
		if !restart {
			checkResumedWinner(t, specs, one, cfg)
		}
	}
}

// checkResumedWinner holds the winner of resumed rungs to the run Train
// gives it with all the epochs.
func checkResumedWinner(t *testing.T, specs []*spec.Spec, rungs []Rung, cfg Config) {
	t.Helper()
	win := rungs[2].Results[0]
	cfg.Epochs, cfg.Seed, cfg.OnEpoch = 9, 5+int64(win.Candidate)*1000003, nil
	whole, err := Train(context.Background(), specs[win.Candidate], tinyData(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(win.Curve) != 9 {
		t.Fatalf("the winner's curve has %d epochs", len(win.Curve))
	}
	for e, st := range whole.Curve {
		got := win.Curve[e]
		if got.Epoch != e || got.TrainLoss != st.TrainLoss || got.ValAcc != st.ValAcc || got.LR != st.LR {
			t.Fatalf("epoch %d: resumed %+v, one run %+v", e, got, st)
		}
	}
	if win.TestAcc != whole.TestAcc || win.ValAcc != whole.ValAcc {
		t.Fatalf("resumed: test %v valid %v; one run: %v %v", win.TestAcc, win.ValAcc, whole.TestAcc, whole.ValAcc)
	}
	// The first rung read the same run at epoch 1.
	for _, r := range rungs[0].Results {
		if r.Candidate == win.Candidate && r.Curve[0].TrainLoss != whole.Curve[0].TrainLoss {
			t.Fatalf("rung 0 saw train loss %v, the run %v", r.Curve[0].TrainLoss, whole.Curve[0].TrainLoss)
		}
	}
}

func TestHyperbandBrackets(t *testing.T) {
	hb := Hyperband{Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 3, Config: Config{Batch: 32}}}
	br, err := hb.Run(context.Background(), tinySpecs(8), tinyData())
	if err != nil {
		t.Fatal(err)
	}
	// s_max = 1: bracket 1 starts 3 candidates at 1 epoch, bracket 0 two at 3.
	if len(br) != 2 || len(br[0][0].Results) != 3 || br[0][0].Epochs != 1 || len(br[1][0].Results) != 2 || br[1][0].Epochs != 3 {
		t.Fatalf("brackets %+v", br)
	}
	if c := br[1][0].Results[0].Candidate; c < 3 || c > 4 {
		t.Fatalf("bracket 0 used candidate %d, want 3 or 4", c)
	}
}

func TestRetrainReportsApart(t *testing.T) {
	rep, err := Retrain(context.Background(), tinySpecs(1)[0], 0.5, tinyData(), Config{Epochs: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SearchScore != 0.5 || rep.Retrained.Epochs != 1 {
		t.Fatalf("%+v", rep)
	}
}

// Hyperband and BOHB search NAS-Bench-201 by training its networks (on
// tiny shapes, 1 and 3 epochs): most evaluations at 1 epoch, the survivors
// at 3, each budget's validation accuracy from a real training, and the
// same seed gives the same search.
func TestHyperbandAndBOHBByTraining(t *testing.T) {
	d := tinyData()
	tr := &Trainer{Space: nb201.Space{Macro: nb201.Macro{C: 4, N: 1, Size: 8, Classes: 3}}, Data: d,
		Config: Config{Batch: 16}, Budgets: []int{1, 3}}
	for _, name := range []string{"hyperband", "bohb"} {
		var hist [][]search.Evaluation
		for range 2 {
			st, err := search.NewStrategy(name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := search.New(search.Config{Space: tr.Space, Strategy: st, Estimator: tr, Budget: search.Budget{Epochs: 24}, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			hist = append(hist, s.History())
			if u := s.Used(); u.Epochs < 24 || u.Epochs > 26 {
				t.Errorf("%s: %d epochs of a budget of 24", name, u.Epochs)
			}
			if _, ok := s.Best(); !ok {
				t.Errorf("%s: no evaluation at 3 epochs", name)
			}
		}
		var at []int
		for i, e := range hist[0] {
			at = append(at, e.Epochs)
			if e.Values[0] < 0 || e.Values[0] > 1 || e.Values[0] != hist[1][i].Values[0] {
				t.Errorf("%s: evaluation %d: accuracy %v, then %v", name, i+1, e.Values[0], hist[1][i].Values[0])
			}
		}
		// Eta 3: 3 at 1 epoch, the best at 3; then 2 at 3.
		if want := []int{1, 1, 1, 3, 3, 3, 1, 1, 1, 3}; fmt.Sprint(at[:min(len(at), 10)]) != fmt.Sprint(want[:min(len(at), 10)]) {
			t.Errorf("%s: budgets %v", name, at)
		}
	}
}
