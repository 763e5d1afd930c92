package nb

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// quiet returns a session that collects text and drops rich outputs.
func quiet() (*Session, *bytes.Buffer) {
	var out bytes.Buffer
	s := NewSession(&out, func(Output) {})
	s.Files = NativeFiles()
	return s, &out
}

// LessonCNN is the small CNN of the MNIST lesson notebook.
var lessonCNN = Sequential(
	Conv(24, 3), BatchNorm(), ReLU(), MaxPool(2),
	Conv(48, 3), BatchNorm(), ReLU(), MaxPool(2),
	Dense(64), ReLU())

// TestMNIST14CNN is the engine's bar: a small CNN reaches at least 97% test
// accuracy on 14x14 MNIST (the built-in 10k/2k subset; 9,000 images train)
// within two epochs. One seed's figure varies by about ±0.4 points, so the
// bar is on the mean of three seeds (measured: 97.20, 97.50, 97.95) with
// NASBOOK_FULL=1, and each is held to 96.5%: a broken layer, gradient or
// optimizer step leaves a CNN far below it after two epochs. By default
// this test checks the data only: the MNIST lesson trains this CNN with
// these settings and seed 1 (about 20 s of CPU), and notebook's
// TestLessonsRunNatively holds it to 96.5% (internal/lessons).
func TestMNIST14CNN(t *testing.T) {
	s, out := quiet()
	d := s.MNIST(14)
	if d.Train.Len() != 9000 || d.Valid.Len() != 1000 || d.Test.Len() != 2000 || d.Train.H != 14 {
		t.Fatalf("data: %v", d)
	}
	if os.Getenv("NASBOOK_FULL") == "" {
		t.Skip("the MNIST lesson trains this CNN (go test ./notebook -run LessonsRunNatively/mnist); NASBOOK_FULL=1 trains it from three seeds here")
	}
	seeds := int64(3)
	var sum float64
	for seed := int64(1); seed <= seeds; seed++ {
		out.Reset()
		res := s.Train(lessonCNN, d, TrainConfig{Epochs: 2, Batch: 32, LR: 0.003, Seed: seed})
		t.Logf("seed %d: %s (%.1f s)", seed, res, res.Seconds)
		sum += res.TestAcc
		if res.TestAcc < 0.965 {
			t.Errorf("seed %d: test accuracy %.4f", seed, res.TestAcc)
		}
		if len(res.Epochs) != 2 || !strings.Contains(out.String(), "epoch 2/2") || !strings.Contains(out.String(), "test accuracy") {
			t.Errorf("epochs not reported: %s", out)
		}
	}
	if mean := sum / float64(seeds); seeds > 1 && mean < 0.97 {
		t.Errorf("mean test accuracy %.4f after 2 epochs, want at least 0.97", mean)
	}
}

func TestTrainErrorsNameTheLayer(t *testing.T) {
	s, _ := quiet()
	d := s.Spirals(200, 3, 0.1, 1)
	for _, c := range []struct {
		m    Model
		cfg  TrainConfig
		want string
	}{
		{Sequential(Dense(8), Conv(8, 3)), TrainConfig{}, "layer 2, Conv(8, 3): needs images"},
		{Sequential(Dense(8), MaxPool(2)), TrainConfig{}, "layer 2, MaxPool(2): needs images"},
		{MLP(8), TrainConfig{Optimizer: "rmsprop"}, `optimizer "rmsprop", want adam, adamw or sgd`},
		{MLP(8), TrainConfig{Schedule: "linear"}, `schedule "linear"`},
		{Sequential(Dropout(1.5)), TrainConfig{}, "layer 1, Dropout(1.5): probability 1.5"},
	} {
		func() {
			defer func() {
				r := recover()
				e, ok := r.(*Error)
				if !ok || !strings.Contains(e.Error(), c.want) {
					t.Errorf("%v %+v: got %v, want an nb.Error with %q", c.m, c.cfg, r, c.want)
				}
			}()
			s.Train(c.m, d, c.cfg)
		}()
	}
	s2, _ := quiet()
	img := s2.Shapes(60, 8, 3, 1)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(*Error).Error(), "a 16x16 window does not fit the 8x8 image") {
			t.Errorf("pool too big: %v", r)
		}
	}()
	s2.Train(Sequential(MaxPool(16)), img, TrainConfig{})
}

func TestSpiralsMLPLearns(t *testing.T) {
	s, _ := quiet()
	d := s.Spirals(600, 3, 0.05, 1)
	res := s.Train(MLP(64, 64), d, TrainConfig{Epochs: 60, Batch: 32, LR: 0.01, Seed: 1})
	if res.TestAcc < 0.9 {
		t.Errorf("3-arm spirals: test accuracy %.3f after 60 epochs, want at least 0.9", res.TestAcc)
	}
}
