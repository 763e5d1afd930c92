package estimate

import (
	"context"
	"fmt"
	"testing"

	"nasbook/engine/data"
	"nasbook/engine/search"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// BenchmarkPool times two searches by training on one worker and on two:
// successive halving over 8 NB201 networks (C=8, N=1) on 16x16 shapes, 1
// to 4 epochs, and a Hyperband search (seed 1, budgets 1 and 3 epochs, 24
// epochs in all). The results are the same for every number of workers
// (TestHalvingIsTheSameInAnyPool); the time of 2 over the time of 1 is the
// pool's speed-up.
//
//	go test ./engine/estimate -run XXX -bench Pool -benchtime 3x
func BenchmarkPool(b *testing.B) {
	all := data.Shapes{N: 480, Size: 16, Classes: 4, Seed: 1}.Generate()
	sp := all.Split(0.25, 0, data.NewRand(1))
	d := Data{Train: sp.Train, Valid: sp.Valid}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("halving/workers=%d", workers), func(b *testing.B) {
			ss := halvingSpecs(8)
			for range b.N {
				h := Halving{Eta: 2, MinEpochs: 1, MaxEpochs: 4, Pool: &Local{N: workers}, Config: Config{Batch: 32, Seed: 1}}
				if _, err := h.Run(context.Background(), ss, d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("hyperband/workers=%d", workers), func(b *testing.B) {
			for range b.N {
				tr := &Trainer{Space: nb201.Space{Macro: nb201.Macro{C: 8, N: 1, Size: 16, Classes: 4}}, Data: d,
					Config: Config{Batch: 32}, Budgets: []int{1, 3}, Pool: &Local{N: workers}}
				_, err := search.Repeat(context.Background(), search.RepeatConfig{Space: tr.Space, Strategy: "hyperband", Estimator: tr,
					Budget: search.Budget{Epochs: 24}, Seed: 1, Seeds: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// halvingSpecs returns n NB201 networks (C=8, N=1) for 16x16 shapes of 4
// classes, drawn with a fixed seed.
func halvingSpecs(n int) []*spec.Spec { return randomSpecs(n, 7, 8, 16, 4) }
