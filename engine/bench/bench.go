package bench

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"time"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/nn"
	"nasbook/engine/tensor"
)

// Protocol is the timing protocol of WORKLOADS.md. Zero fields mean its
// defaults: 5 repetitions of 20 steps after 5 warm-up steps, and GEMM
// repetitions of at least 0.25 s.
type Protocol struct {
	Reps           int
	Steps          int
	WarmupSteps    int
	GemmRepSeconds float64
}

func (p Protocol) norm() Protocol {
	if p.Reps <= 0 {
		p.Reps = 5
	}
	if p.Steps <= 0 {
		p.Steps = 20
	}
	if p.WarmupSteps <= 0 {
		p.WarmupSteps = 5
	}
	if p.GemmRepSeconds <= 0 {
		p.GemmRepSeconds = 0.25
	}
	return p
}

// FromEnv returns p with the fields named by REPS, STEPS, WARMUP_STEPS and
// GEMM_REP_SECONDS replaced by their values from getenv (os.Getenv natively)
// where they are set and valid.
func (p Protocol) FromEnv(getenv func(string) string) Protocol {
	atoi := func(k string, dst *int) {
		if v, err := strconv.Atoi(getenv(k)); err == nil && v > 0 {
			*dst = v
		}
	}
	atoi("REPS", &p.Reps)
	atoi("STEPS", &p.Steps)
	atoi("WARMUP_STEPS", &p.WarmupSteps)
	if v, err := strconv.ParseFloat(getenv("GEMM_REP_SECONDS"), 64); err == nil && v > 0 {
		p.GemmRepSeconds = v
	}
	return p
}

// Result is the outcome of one workload.
type Result struct {
	Workload string    // "W1", "W2", "W3"
	Metric   string    // "images/s" or "GFLOP/s"
	Value    float64   // median over repetitions
	Reps     []float64 // every repetition's figure
	Kernels  string    // name of the kernel Set
}

// String formats the result as "<workload> <metric>=<median>".
func (r Result) String() string {
	return fmt.Sprintf("%s %s=%.*f", r.Workload, r.Metric, digits(r.Value), r.Value)
}

func digits(v float64) int {
	if v >= 100 {
		return 0
	}
	return 2
}

// Median returns the median of xs (the mean of the middle two of an even
// number).
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Batch is the batch size of W1 and W2.
const Batch = 64

// Trainer is one workload's training step, built and ready to run.
type Trainer struct {
	params *ag.Params
	model  nn.Module
	tape   *ag.Tape
	x      *ag.Var
	labels []int
	lr     float32
}

// Step runs forward, backward and the SGD update, and returns the loss.
func (tr *Trainer) Step() float32 {
	tp := tr.tape
	tp.Reset()
	loss := tp.SoftmaxCrossEntropy(tr.model.Forward(tp, tr.x), tr.labels)
	l := loss.Value.Data[0]
	tr.params.ZeroGrad()
	tp.Backward(loss)
	tp.K.Axpy(-tr.lr, tr.params.Grad, tr.params.Data) // w ← w − lr·g, one pass over the flat buffers
	return l
}

// Params returns the trainer's parameters.
func (tr *Trainer) Params() *ag.Params { return tr.params }

func newTrainer(ks *compute.Set, ps *ag.Params, m nn.Module, x *tensor.Tensor, r *rand.Rand) *Trainer {
	labels := make([]int, Batch)
	for i := range labels {
		labels[i] = r.Intn(10)
	}
	tp := ag.NewTape(ks)
	tp.Train = true
	return &Trainer{params: ps, model: m, tape: tp, x: ag.Const(x), labels: labels, lr: 0.01}
}

// NewW1 builds W1 "ref-cnn": conv 3×3 1→16 + ReLU, max-pool 2, conv 3×3
// 16→32 + ReLU, max-pool 2, dense 1568→10, softmax cross-entropy, on a random
// 64×1×28×28 batch. ks nil means compute.Default().
func NewW1(ks *compute.Set, seed int64) *Trainer {
	r := rand.New(rand.NewSource(seed))
	var ps ag.Params
	m := nn.Sequential{
		nn.NewConv2D(&ps, "conv1", r, nn.Conv2DConfig{In: 1, Out: 16, Kernel: 3, Padding: 1, Bias: true}),
		nn.ReLU{}, nn.MaxPool{Kernel: 2},
		nn.NewConv2D(&ps, "conv2", r, nn.Conv2DConfig{In: 16, Out: 32, Kernel: 3, Padding: 1, Bias: true}),
		nn.ReLU{}, nn.MaxPool{Kernel: 2},
		nn.Flatten{},
		nn.NewLinear(&ps, "fc", r, 32*7*7, 10, true),
	}
	x := tensor.New(Batch, 1, 28, 28).Uniform(r, 0, 1)
	return newTrainer(ks, &ps, m, x, r)
}

// NewW2 builds W2 "sepconv-cell": DARTS SepConv(16, 16, 3, 1, 1) with affine
// batch norms in training mode (no running statistics), global average pool,
// dense 16→10, softmax cross-entropy, on a random 64×16×8×8 batch.
func NewW2(ks *compute.Set, seed int64) *Trainer {
	r := rand.New(rand.NewSource(seed))
	var ps ag.Params
	m := nn.Sequential{
		nn.NewSepConv(&ps, "sep", r, nn.OpConfig{In: 16, Out: 16, Kernel: 3, Padding: 1, Affine: true, Untracked: true}),
		nn.GlobalAvgPool{},
		nn.NewLinear(&ps, "fc", r, 16, 10, true),
	}
	x := tensor.New(Batch, 16, 8, 8).Uniform(r, -1, 1)
	return newTrainer(ks, &ps, m, x, r)
}

func runTraining(name string, tr *Trainer, p Protocol, ks *compute.Set) (Result, error) {
	p = p.norm()
	if l := tr.Step(); math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) {
		return Result{}, fmt.Errorf("bench: %s: loss %v on the check step", name, l)
	}
	for i := 0; i < p.WarmupSteps; i++ {
		tr.Step()
	}
	res := Result{Workload: name, Metric: "images/s", Kernels: ks.Name}
	for rep := 0; rep < p.Reps; rep++ {
		start := time.Now()
		for i := 0; i < p.Steps; i++ {
			tr.Step()
		}
		res.Reps = append(res.Reps, float64(Batch*p.Steps)/time.Since(start).Seconds())
	}
	res.Value = Median(res.Reps)
	return res, nil
}

func orDefault(ks *compute.Set) *compute.Set {
	if ks == nil {
		return compute.Default()
	}
	return ks
}

// RunW1 measures W1 with protocol p and returns images per second.
func RunW1(ks *compute.Set, p Protocol) (Result, error) {
	ks = orDefault(ks)
	return runTraining("W1", NewW1(ks, 1), p, ks)
}

// RunW2 measures W2 with protocol p and returns images per second.
func RunW2(ks *compute.Set, p Protocol) (Result, error) {
	ks = orDefault(ks)
	return runTraining("W2", NewW2(ks, 1), p, ks)
}

// GemmN is the matrix size of W3.
const GemmN = 256

// W3 is the GEMM workload: C = A·B with 256×256 row-major float32 matrices.
type W3 struct {
	A, B, C []float32
	K       *compute.Set
}

// NewW3 returns W3 with A and B uniform in [−1, 1).
func NewW3(ks *compute.Set, seed int64) *W3 {
	r := rand.New(rand.NewSource(seed))
	n := GemmN * GemmN
	w := &W3{A: make([]float32, n), B: make([]float32, n), C: make([]float32, n), K: orDefault(ks)}
	for i := range w.A {
		w.A[i], w.B[i] = 2*r.Float32()-1, 2*r.Float32()-1
	}
	return w
}

// Call computes C = A·B once.
func (w *W3) Call() {
	w.K.Gemm(false, false, GemmN, GemmN, GemmN, 1, w.A, GemmN, w.B, GemmN, 0, w.C, GemmN)
}

// Check computes C once and returns max|C − C_ref| / max|C_ref| against a
// float64 reference product.
func (w *W3) Check() float64 {
	w.Call()
	n := GemmN
	var maxErr, maxRef float64
	row := make([]float64, n)
	for i := 0; i < n; i++ {
		clear(row)
		for p := 0; p < n; p++ {
			a := float64(w.A[i*n+p])
			for j, b := range w.B[p*n : (p+1)*n] {
				row[j] += a * float64(b)
			}
		}
		for j, v := range row {
			maxErr = math.Max(maxErr, math.Abs(float64(w.C[i*n+j])-v))
			maxRef = math.Max(maxRef, math.Abs(v))
		}
	}
	return maxErr / maxRef
}

// FLOP is the floating-point operation count of one W3 call, 2·256³.
const FLOP = 2 * GemmN * GemmN * GemmN

// RunW3 measures W3 with protocol p and returns GFLOP/s.
func RunW3(ks *compute.Set, p Protocol) (Result, error) {
	p = p.norm()
	w := NewW3(ks, 1)
	if e := w.Check(); !(e < 1e-4) {
		return Result{}, fmt.Errorf("bench: W3: relative error %g against the float64 reference", e)
	}
	// Warm up for at least 10 calls and 300 ms, which also calibrates.
	calls, start := 0, time.Now()
	for calls < 10 || time.Since(start) < 300*time.Millisecond {
		w.Call()
		calls++
	}
	perCall := time.Since(start).Seconds() / float64(calls)
	n := max(20, int(math.Ceil(p.GemmRepSeconds/perCall)))
	res := Result{Workload: "W3", Metric: "GFLOP/s", Kernels: w.K.Name}
	for rep := 0; rep < p.Reps; rep++ {
		start := time.Now()
		for i := 0; i < n; i++ {
			w.Call()
		}
		res.Reps = append(res.Reps, FLOP*float64(n)/time.Since(start).Seconds()/1e9)
	}
	res.Value = Median(res.Reps)
	return res, nil
}
