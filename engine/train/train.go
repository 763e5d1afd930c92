package train

import (
	"context"
	"fmt"
	"math"
	"time"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/nn"
	"nasbook/engine/optim"
	"nasbook/engine/tensor"
)

// Batches yields the minibatches of a dataset, one epoch at a time.
type Batches interface {
	// Next returns the next batch of the current epoch, x as [N, ...] and N
	// labels, or ok == false when the epoch is over; the call after that
	// starts a new epoch. The returned values are only read until the next
	// call.
	Next() (x *tensor.Tensor, labels []int, ok bool)
}

// Config configures Fit. The zero value trains one epoch with plain SGD at a
// constant learning rate of 0.01.
type Config struct {
	Epochs    int             // zero means 1
	Optimizer optim.Optimizer // nil means &optim.SGD{}
	// Schedule gives the learning rate per epoch (t = epoch), or per step
	// (t = global step) when ScheduleSteps is set. nil means Constant(0.01).
	Schedule      optim.Schedule
	ScheduleSteps bool
	ClipNorm      float32      // clip the gradient norm to this when > 0
	Kernels       *compute.Set // nil means compute.Default()

	// FirstEpoch and FirstStep continue an earlier Fit of the same model,
	// optimizer and data: epochs are numbered from FirstEpoch and global
	// steps from FirstStep (the schedule's t), so a run split into several
	// Fits trains exactly as one would. Epochs counts the epochs of this Fit.
	FirstEpoch, FirstStep int

	// OnStep, if set, is called after every optimizer step.
	OnStep func(StepInfo)
	// OnEpoch, if set, is called after every epoch, validation included.
	OnEpoch func(EpochStats)
	// Stop, if set, is polled between steps; returning true ends Fit with
	// ErrStopped.
	Stop func() bool
}

// StepInfo describes one finished training step.
type StepInfo struct {
	Epoch, Step int // epoch and step within it, from 0
	GlobalStep  int
	Loss        float32 // the task's loss; the objective adds AuxLoss
	AuxLoss     float32 // auxiliary losses the model added (ag.Tape.AddLoss)
	Accuracy    float64 // on this batch
	LR          float32
	GradNorm    float32 // before clipping; 0 unless ClipNorm is set
}

// EpochStats are the metrics of one epoch. Train figures are means over the
// epoch's batches weighted by batch size; Val figures are NaN without
// validation data.
type EpochStats struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	ValLoss, ValAcc     float64
	Steps, Images       int
	LR                  float32
	Duration            time.Duration // training and validation
}

// ErrStopped is returned by Fit when Config.Stop asked it to stop.
var ErrStopped = fmt.Errorf("train: stopped")

// Fit trains model, whose parameters are ps, on trainData for cfg.Epochs
// epochs, evaluating on valData (which may be nil) after each. It returns the
// stats of the finished epochs, and an error if the context was cancelled,
// Stop returned true, or the loss became NaN or infinite.
func Fit(ctx context.Context, model nn.Module, ps *ag.Params, trainData, valData Batches, cfg Config) ([]EpochStats, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = &optim.SGD{}
	}
	if cfg.Schedule == nil {
		cfg.Schedule = optim.Constant(0.01)
	}
	tp := ag.NewTape(cfg.Kernels)
	var hist []EpochStats
	global := cfg.FirstStep
	for epoch := cfg.FirstEpoch; epoch < cfg.FirstEpoch+cfg.Epochs; epoch++ {
		start := time.Now()
		st := EpochStats{Epoch: epoch, LR: cfg.Schedule.LR(epoch)}
		var lossSum, accSum float64
		for step := 0; ; step++ {
			if err := ctx.Err(); err != nil {
				return hist, err
			}
			if cfg.Stop != nil && cfg.Stop() {
				return hist, ErrStopped
			}
			x, labels, ok := trainData.Next()
			if !ok {
				break
			}
			lr := st.LR
			if cfg.ScheduleSteps {
				lr = cfg.Schedule.LR(global)
			}
			tp.Reset()
			tp.Train = true
			logits := model.Forward(tp, ag.Const(x))
			loss := tp.SoftmaxCrossEntropy(logits, labels)
			lv := loss.Value.Data[0]
			if math.IsNaN(float64(lv)) || math.IsInf(float64(lv), 0) {
				return hist, fmt.Errorf("train: loss is %v at epoch %d step %d", lv, epoch, step)
			}
			acc := ag.Accuracy(logits, labels)
			ps.ZeroGrad()
			tp.Backward(loss)
			var norm float32
			if cfg.ClipNorm > 0 {
				norm = optim.ClipGradNorm(ps.Grad, cfg.ClipNorm)
			}
			cfg.Optimizer.Step(ps.Data, ps.Grad, lr)
			n := len(labels)
			lossSum += float64(lv) * float64(n)
			accSum += acc * float64(n)
			st.Steps++
			st.Images += n
			if cfg.OnStep != nil {
				cfg.OnStep(StepInfo{Epoch: epoch, Step: step, GlobalStep: global, Loss: lv, AuxLoss: tp.AuxLoss(), Accuracy: acc, LR: lr, GradNorm: norm})
			}
			global++
		}
		if st.Images > 0 {
			st.TrainLoss, st.TrainAcc = lossSum/float64(st.Images), accSum/float64(st.Images)
		}
		st.ValLoss, st.ValAcc = math.NaN(), math.NaN()
		if valData != nil {
			var err error
			st.ValLoss, st.ValAcc, err = evaluate(ctx, tp, model, valData, cfg.Stop)
			if err != nil {
				return hist, err
			}
		}
		st.Duration = time.Since(start)
		hist = append(hist, st)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(st)
		}
	}
	return hist, nil
}

// Evaluate returns the mean loss and accuracy of model over one epoch of
// data, in evaluation mode (running batch-norm statistics, no dropout).
func Evaluate(ctx context.Context, model nn.Module, data Batches, ks *compute.Set) (loss, acc float64, err error) {
	return evaluate(ctx, ag.NewTape(ks), model, data, nil)
}

func evaluate(ctx context.Context, tp *ag.Tape, model nn.Module, data Batches, stop func() bool) (loss, acc float64, err error) {
	var n int
	for {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		if stop != nil && stop() {
			return 0, 0, ErrStopped
		}
		x, labels, ok := data.Next()
		if !ok {
			break
		}
		tp.Reset()
		tp.Train = false
		logits := model.Forward(tp, ag.Const(x))
		l := tp.SoftmaxCrossEntropy(logits, labels).Value.Data[0]
		loss += float64(l) * float64(len(labels))
		acc += ag.Accuracy(logits, labels) * float64(len(labels))
		n += len(labels)
	}
	tp.Reset()
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	return loss / float64(n), acc / float64(n), nil
}

// SliceBatches serves batches from in-memory arrays: X holds N examples of
// Shape (without the batch dimension) back to back, Y their labels. With a
// non-nil Shuffle the order is redrawn at the start of each epoch.
type SliceBatches struct {
	X       []float32
	Y       []int
	Shape   []int // per example, e.g. [C, H, W]
	Size    int   // batch size
	Shuffle func(n int, swap func(i, j int))

	order []int
	pos   int
	buf   []float32
	lab   []int
}

// Next implements Batches.
func (s *SliceBatches) Next() (*tensor.Tensor, []int, bool) {
	n := len(s.Y)
	if s.order == nil {
		s.order = make([]int, n)
		for i := range s.order {
			s.order[i] = i
		}
	}
	if s.pos == 0 && s.Shuffle != nil {
		s.Shuffle(n, func(i, j int) { s.order[i], s.order[j] = s.order[j], s.order[i] })
	}
	if s.pos >= n {
		s.pos = 0
		return nil, nil, false
	}
	k := min(s.Size, n-s.pos)
	f := tensor.Numel(s.Shape)
	s.buf, s.lab = s.buf[:0], s.lab[:0]
	for _, i := range s.order[s.pos : s.pos+k] {
		s.buf = append(s.buf, s.X[i*f:(i+1)*f]...)
		s.lab = append(s.lab, s.Y[i])
	}
	s.pos += k
	return tensor.FromData(s.buf, append([]int{k}, s.Shape...)...), s.lab, true
}
