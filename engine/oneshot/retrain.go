package oneshot

import (
	"context"
	"math/rand"
	"time"

	"nasbook/engine/build"
	"nasbook/engine/compute"
	"nasbook/engine/data"
	"nasbook/engine/optim"
	"nasbook/engine/train"
	"nasbook/space/spec"
)

// RetrainConfig sets up the training from scratch of a derived network.
// Zero fields take the defaults in their comments.
type RetrainConfig struct {
	Epochs      int     // zero means 10
	Batch       int     // zero means 64
	LR          float64 // SGD with momentum 0.9, cosine-annealed to 0; zero means 0.05
	WeightDecay float64 // zero means 3e-4
	Seed        int64
	Kernels     *compute.Set
	OnEpoch     func(train.EpochStats)
}

// Retrained is the outcome of Retrain.
type Retrained struct {
	Params            int
	Epochs            []train.EpochStats
	TestLoss, TestAcc float64
	Seconds           float64
}

// Retrain builds s (a Derived.Spec) with fresh weights, trains it on
// trainSet, validating on validSet after each epoch, and reports its
// accuracy on testSet.
func Retrain(ctx context.Context, s *spec.Spec, trainSet, validSet, testSet *data.Dataset, cfg RetrainConfig) (*Retrained, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = 10
	}
	if cfg.Batch == 0 {
		cfg.Batch = 64
	}
	if cfg.LR == 0 {
		cfg.LR = 0.05
	}
	if cfg.WeightDecay == 0 {
		cfg.WeightDecay = 3e-4
	}
	start := time.Now()
	net, err := build.Build(s, rand.New(rand.NewSource(cfg.Seed)))
	if err != nil {
		return nil, err
	}
	steps := cfg.Epochs * ((trainSet.Len() + cfg.Batch - 1) / cfg.Batch)
	out := &Retrained{Params: net.Params.Len()}
	var val train.Batches
	if validSet != nil && validSet.Len() > 0 {
		val = validSet.Tensors(256, nil)
	}
	out.Epochs, err = train.Fit(ctx, net, net.Params, trainSet.Tensors(cfg.Batch, rand.New(rand.NewSource(cfg.Seed+1))), val,
		train.Config{Epochs: cfg.Epochs, Optimizer: &optim.SGD{Momentum: 0.9, WeightDecay: float32(cfg.WeightDecay)},
			Schedule: optim.Cosine{Base: float32(cfg.LR), Steps: steps}, ScheduleSteps: true, ClipNorm: 5,
			Kernels: cfg.Kernels, OnEpoch: cfg.OnEpoch})
	if err != nil {
		return nil, err
	}
	out.TestLoss, out.TestAcc, err = train.Evaluate(ctx, net, testSet.Tensors(256, nil), cfg.Kernels)
	if err != nil {
		return nil, err
	}
	out.Seconds = time.Since(start).Seconds()
	return out, nil
}
