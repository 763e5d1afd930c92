package estimate

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"nasbook/engine/data"
	"nasbook/engine/train"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

func tinyData() Data {
	all := data.Shapes{N: 120, Size: 8, Classes: 3, Seed: 1}.Generate()
	sp := all.Split(0.25, 0.25, data.NewRand(1))
	return Data{Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}

func tinySpecs(n int) []*spec.Spec {
	r := rand.New(rand.NewSource(2))
	var out []*spec.Spec
	for range n {
		var a nb201.Arch
		for i := range a {
			a[i] = nb201.Op(1 + r.Intn(nb201.NumOps-1))
		}
		s := a.Spec(nb201.Macro{C: 4, N: 1, Size: 8, Classes: 3})
		s.Input = []int{1, 8, 8}
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

// Successive halving with Eta 3 over 9 candidates: rungs of 9, 3 and 1 at
// 1, 3 and 9 epochs, the same whatever the number of workers.
func TestHalving(t *testing.T) {
	specs := tinySpecs(9)
	h := Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 9, Config: Config{Batch: 32}, Workers: 1}
	one, err := h.Run(context.Background(), specs, tinyData())
	if err != nil {
		t.Fatal(err)
	}
	var shape []string
	for _, r := range one {
		shape = append(shape, fmt.Sprintf("%d@%d", len(r.Results), r.Epochs))
	}
	if got := fmt.Sprint(shape); got != "[9@1 3@3 1@9]" {
		t.Fatalf("rungs %s", got)
	}
	h.Workers = 3
	three, err := h.Run(context.Background(), specs, tinyData())
	if err != nil {
		t.Fatal(err)
	}
	for i := range one {
		for j := range one[i].Results {
			a, b := one[i].Results[j], three[i].Results[j]
			if a.Candidate != b.Candidate || a.ValAcc != b.ValAcc {
				t.Fatalf("rung %d #%d: %+v with 1 worker, %+v with 3", i, j, a, b)
			}
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
