package nb

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"nasbook/engine/build"
	"nasbook/engine/data"
	"nasbook/engine/optim"
	"nasbook/engine/train"
)

// ProgressMIMEType is the key of a progress bar inside a display_data output.
// A later output with the same id replaces the bar in place.
const ProgressMIMEType = "application/vnd.nasbook.progress+json"

// Progress is a progress bar's state.
type Progress struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// ShowProgress shows or updates the progress bar p.ID.
func (s *Session) ShowProgress(p Progress) {
	s.Display(Output{ProgressMIMEType: p})
}

// TrainConfig sets up a training run. The zero value trains one epoch with
// batches of 64, Adam at learning rate 0.001 and seed 0.
type TrainConfig struct {
	Epochs    int
	Batch     int
	Optimizer string  // "adam" (default), "adamw" or "sgd"
	LR        float64 // 0 means 0.001 for Adam and AdamW, 0.05 for SGD
	Momentum  float64 // SGD; 0 means 0.9
	// WeightDecay is L2 regularisation (decoupled for AdamW).
	WeightDecay float64
	// Schedule is "cosine" (default: decay to 0 over the run) or "constant".
	Schedule string
	Seed     int64
	// Quiet leaves out the per-epoch lines; the progress bar remains.
	Quiet bool
}

// EpochResult is one epoch's metrics; accuracies are fractions.
type EpochResult struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	ValidLoss, ValidAcc float64
	Seconds             float64
}

// TrainResult is what a training run reports.
type TrainResult struct {
	Model             string
	Params            int
	Cost              Costs // of the trained network, as nb.Cost counts them
	Epochs            []EpochResult
	TestLoss, TestAcc float64
	Seconds           float64

	net *build.Network // the trained model, for Export
}

func (r *TrainResult) String() string {
	return fmt.Sprintf("%s, %d parameters: test accuracy %.2f%% after %d epochs", r.Model, r.Params, 100*r.TestAcc, len(r.Epochs))
}

// Train trains model on d's training part, reports each epoch's loss and
// accuracy on the training and validation parts, and finally the test
// accuracy. A progress bar moves while it runs.
func Train(model Model, d *Data, cfg TrainConfig) *TrainResult { return Default.Train(model, d, cfg) }

// Train trains a model; see the package-level Train.
func (s *Session) Train(model Model, d *Data, cfg TrainConfig) *TrainResult {
	if d == nil || d.Train == nil {
		failf("Train", "no data")
	}
	tr := d.Train
	net, err := model.build(tr.C, tr.H, tr.W, tr.Classes, data.NewRand(cfg.Seed))
	if err != nil {
		fail("Train", err)
	}
	return s.train("Train", model.String(), net, d, cfg)
}

// TrainArch trains the network of an architecture of a space on d, as
// Train trains a model: for a space made for d (SearchSpace.For), such as
// the transformer space on the lookup task's token ids.
//
//	sp := nb.Space("transformer").For(d)
//	r := nb.TrainArch(sp.Parse("L2-H4-D32-R2"), d, nb.TrainConfig{Epochs: 2, LR: 0.003})
func TrainArch(a Arch, d *Data, cfg TrainConfig) *TrainResult { return Default.TrainArch(a, d, cfg) }

// TrainArch trains an architecture; see the package-level TrainArch.
func (s *Session) TrainArch(a Arch, d *Data, cfg TrainConfig) *TrainResult {
	if d == nil || d.Train == nil {
		failf("TrainArch", "no data")
	}
	sp := s.specOf("TrainArch", a)
	tr := d.Train
	if err := sp.FitData(tr.C, tr.H, tr.W); err != nil {
		fail("TrainArch", err)
	}
	if sp.Classes != tr.Classes {
		failf("TrainArch", "%s classifies %d classes, %s has %d (make the space for the data: nb.Space(%q).For(d))", a, sp.Classes, d.Name, tr.Classes, a.Space)
	}
	if v := sp.Vocab(); v > 0 && (tr.Vocab <= 0 || tr.Vocab > v) {
		failf("TrainArch", "%s looks up token ids below %d, %s is not such ids (make the space for the data: nb.Space(%q).For(d))", a, v, d.Name, a.Space)
	}
	net, err := build.Build(sp, data.NewRand(cfg.Seed))
	if err != nil {
		fail("TrainArch", err)
	}
	return s.train("TrainArch", a.Text, net, d, cfg)
}

// train trains a built network on d and reports as Train does, failing
// as fn.
func (s *Session) train(fn, name string, net *build.Network, d *Data, cfg TrainConfig) *TrainResult {
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.Batch == 0 {
		cfg.Batch = 64
	}
	if cfg.Epochs < 0 || cfg.Batch < 0 {
		failf(fn, "epochs %d and batch %d, want positive numbers", cfg.Epochs, cfg.Batch)
	}
	opt, lr, err := optimizer(cfg)
	if err != nil {
		fail(fn, err)
	}
	tr := d.Train
	ps := net.Params
	stepsPerEpoch := (tr.Len() + cfg.Batch - 1) / cfg.Batch
	var sched optim.Schedule = optim.Constant(lr)
	switch cfg.Schedule {
	case "", "cosine":
		sched = optim.Cosine{Base: lr, Steps: cfg.Epochs * stepsPerEpoch}
	case "constant":
	default:
		failf(fn, "schedule %q, want cosine or constant", cfg.Schedule)
	}
	res := &TrainResult{Model: name, Params: ps.Len(), Cost: costs(net.Cost.Count(64)), net: net}
	id := fmt.Sprintf("train-%p", res)
	total := cfg.Epochs * stepsPerEpoch
	start := time.Now()
	lastShown := time.Time{}
	show := func(done int, label string) {
		s.ShowProgress(Progress{ID: id, Label: label, Done: done, Total: total})
	}
	show(0, "starting")
	hist, err := train.Fit(context.Background(), net, ps,
		tr.Tensors(cfg.Batch, data.NewRand(cfg.Seed+1)),
		d.Valid.Tensors(256, nil),
		train.Config{
			Epochs: cfg.Epochs, Optimizer: opt, Schedule: sched, ScheduleSteps: true,
			OnStep: func(st train.StepInfo) {
				// A few updates a second are enough for the eye.
				if now := time.Now(); now.Sub(lastShown) > 150*time.Millisecond {
					lastShown = now
					show(st.GlobalStep+1, fmt.Sprintf("epoch %d/%d · loss %.3f", st.Epoch+1, cfg.Epochs, st.Loss))
				}
			},
			OnEpoch: func(e train.EpochStats) {
				er := EpochResult{Epoch: e.Epoch + 1, TrainLoss: e.TrainLoss, TrainAcc: e.TrainAcc,
					ValidLoss: e.ValLoss, ValidAcc: e.ValAcc, Seconds: e.Duration.Seconds()}
				res.Epochs = append(res.Epochs, er)
				if !cfg.Quiet {
					fmt.Fprintf(s.stdout, "epoch %d/%d: train loss %.4f, accuracy %.2f%% · valid loss %.4f, accuracy %.2f%%\n",
						er.Epoch, cfg.Epochs, er.TrainLoss, 100*er.TrainAcc, er.ValidLoss, 100*er.ValidAcc)
				}
			},
		})
	_ = hist
	if err != nil {
		show(len(res.Epochs)*stepsPerEpoch, "failed")
		fail(fn, err)
	}
	res.TestLoss, res.TestAcc, err = train.Evaluate(context.Background(), net, d.Test.Tensors(256, nil), nil)
	if err != nil {
		fail(fn, err)
	}
	res.Seconds = time.Since(start).Seconds()
	unit := "images"
	if tr.Vocab > 0 {
		unit = "sequences"
	}
	show(total, fmt.Sprintf("done in %.1f s · %.0f %s/s", res.Seconds, float64(cfg.Epochs*tr.Len())/res.Seconds, unit))
	if !cfg.Quiet {
		fmt.Fprintf(s.stdout, "test accuracy %.2f%% (loss %.4f)\n", 100*res.TestAcc, res.TestLoss)
	}
	return res
}

func optimizer(cfg TrainConfig) (optim.Optimizer, float32, error) {
	lr := float32(cfg.LR)
	if cfg.LR < 0 || math.IsNaN(cfg.LR) {
		return nil, 0, fmt.Errorf("learning rate %g, want a positive number", cfg.LR)
	}
	switch strings.ToLower(cfg.Optimizer) {
	case "", "adam":
		if lr == 0 {
			lr = 0.001
		}
		return &optim.Adam{WeightDecay: float32(cfg.WeightDecay)}, lr, nil
	case "adamw":
		if lr == 0 {
			lr = 0.001
		}
		o := optim.NewAdamW()
		if cfg.WeightDecay != 0 {
			o.WeightDecay = float32(cfg.WeightDecay)
		}
		return o, lr, nil
	case "sgd":
		if lr == 0 {
			lr = 0.05
		}
		m := float32(cfg.Momentum)
		if m == 0 {
			m = 0.9
		}
		return &optim.SGD{Momentum: m, WeightDecay: float32(cfg.WeightDecay)}, lr, nil
	}
	return nil, 0, fmt.Errorf("optimizer %q, want adam, adamw or sgd", cfg.Optimizer)
}
