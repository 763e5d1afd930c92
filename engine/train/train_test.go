package train

import (
	"context"
	"errors"
	"math/rand"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/nn"
	"nasbook/engine/optim"
)

// blobs returns a separable toy problem: class k images are bright in
// quadrant k, plus noise.
func blobs(r *rand.Rand, n int) ([]float32, []int) {
	x := make([]float32, n*1*6*6)
	y := make([]int, n)
	for i := range y {
		y[i] = r.Intn(4)
		img := x[i*36 : (i+1)*36]
		for p := range img {
			img[p] = 0.3 * r.Float32()
			if (p/6)/3*2+(p%6)/3 == y[i] {
				img[p] += 1
			}
		}
	}
	return x, y
}

func model(seed int64) (nn.Module, *ag.Params) {
	r := rand.New(rand.NewSource(seed))
	var ps ag.Params
	m := nn.Sequential{
		nn.NewConv2D(&ps, "conv", r, nn.Conv2DConfig{In: 1, Out: 4, Kernel: 3, Padding: 1}),
		nn.NewBatchNorm(&ps, "bn", 4, true, true), nn.ReLU{},
		nn.MaxPool{Kernel: 2}, nn.Flatten{}, nn.NewLinear(&ps, "fc", r, 4*3*3, 4, true),
	}
	return m, &ps
}

func run(t *testing.T, seed int64, cfg Config) ([]EpochStats, *ag.Params, error) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	x, y := blobs(r, 96)
	vx, vy := blobs(r, 32)
	tr := &SliceBatches{X: x, Y: y, Shape: []int{1, 6, 6}, Size: 16, Shuffle: rand.New(rand.NewSource(seed)).Shuffle}
	va := &SliceBatches{X: vx, Y: vy, Shape: []int{1, 6, 6}, Size: 16}
	m, ps := model(seed)
	h, err := Fit(context.Background(), m, ps, tr, va, cfg)
	return h, ps, err
}

func TestFitLearnsAndIsDeterministic(t *testing.T) {
	var steps int
	cfg := Config{Epochs: 5, Optimizer: &optim.SGD{Momentum: 0.9}, Schedule: optim.Cosine{Base: 0.1, Steps: 5},
		OnStep: func(StepInfo) { steps++ }}
	h, ps, err := run(t, 1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if steps != 5*6 || len(h) != 5 || h[0].Images != 96 {
		t.Fatalf("%d steps, %d epochs, %d images", steps, len(h), h[0].Images)
	}
	if h[4].TrainLoss >= h[0].TrainLoss || h[4].ValAcc < 0.9 {
		t.Fatalf("did not learn: first %+v last %+v", h[0], h[4])
	}
	cfg.Optimizer, cfg.OnStep = &optim.SGD{Momentum: 0.9}, nil
	h2, ps2, _ := run(t, 1, cfg)
	for i := range ps.Data {
		if ps.Data[i] != ps2.Data[i] {
			t.Fatal("two runs with the same seeds differ")
		}
	}
	if h2[4].ValLoss != h[4].ValLoss {
		t.Fatal("validation differs between identical runs")
	}
}

// A run split into two Fits (the second numbering from where the first
// stopped) trains exactly as one Fit: same schedule, steps and weights.
func TestFitContinues(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	x, y := blobs(r, 96)
	fit := func(parts ...int) ([]EpochStats, []StepInfo, *ag.Params) {
		tr := &SliceBatches{X: x, Y: y, Shape: []int{1, 6, 6}, Size: 16, Shuffle: rand.New(rand.NewSource(4)).Shuffle}
		m, ps := model(4)
		var steps []StepInfo
		var hist []EpochStats
		cfg := Config{Optimizer: &optim.SGD{Momentum: 0.9}, Schedule: optim.Cosine{Base: 0.1, Steps: 20}, ScheduleSteps: true,
			OnStep: func(s StepInfo) { steps = append(steps, s) }}
		for _, n := range parts {
			cfg.Epochs, cfg.FirstEpoch, cfg.FirstStep = n, len(hist), len(steps)
			h, err := Fit(context.Background(), m, ps, tr, nil, cfg)
			if err != nil {
				t.Fatal(err)
			}
			hist = append(hist, h...)
		}
		return hist, steps, ps
	}
	h1, s1, p1 := fit(3)
	h2, s2, p2 := fit(1, 2)
	for i := range s1 {
		if s1[i] != s2[i] {
			t.Fatalf("step %d: one Fit %+v, two %+v", i, s1[i], s2[i])
		}
	}
	for i := range h1 {
		if h1[i].Epoch != h2[i].Epoch || h1[i].TrainLoss != h2[i].TrainLoss {
			t.Fatalf("epoch %d: one Fit %+v, two %+v", i, h1[i], h2[i])
		}
	}
	for i := range p1.Data {
		if p1.Data[i] != p2.Data[i] {
			t.Fatal("the weights differ")
		}
	}
}

func TestFitStops(t *testing.T) {
	n := 0
	// Epoch 0 polls Stop 7 times in training (6 batches and the end) and 3 in
	// validation, so the 13th poll falls inside epoch 1.
	h, _, err := run(t, 2, Config{Epochs: 3, Stop: func() bool { n++; return n > 12 }})
	if !errors.Is(err, ErrStopped) || len(h) != 1 {
		t.Fatalf("err %v after %d epochs", err, len(h))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, ps := model(3)
	if _, err := Fit(ctx, m, ps, &SliceBatches{Y: []int{0}, X: make([]float32, 36), Shape: []int{1, 6, 6}, Size: 1}, nil, Config{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

func TestFitReportsNaN(t *testing.T) {
	_, _, err := run(t, 4, Config{Schedule: optim.Constant(1e30)})
	if err == nil {
		t.Fatal("a diverging run reported no error")
	}
}
