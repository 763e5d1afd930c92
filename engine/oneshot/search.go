package oneshot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"time"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/data"
	"nasbook/engine/optim"
	"nasbook/engine/tensor"
)

// Method is a one-shot search method.
type Method uint8

// The methods.
const (
	DARTS  Method = iota // first-order DARTS: α follows ∇α Lvalid(w, α)
	DARTS2               // second-order DARTS: the unrolled gradient, with the finite-difference Hessian-vector product
	GDAS                 // Gumbel-softmax sampling of one op per edge, straight-through gradient
	SPOS                 // single-path one-shot: uniform paths train the weights; no α
	NumMethods
)

var methodNames = [NumMethods]string{"darts", "darts2", "gdas", "spos"}

func (m Method) String() string {
	if m < NumMethods {
		return methodNames[m]
	}
	return "oneshot.Method(" + strconv.Itoa(int(m)) + ")"
}

// ParseMethod returns the method called s (darts, darts2, gdas or spos).
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("oneshot: unknown method %q (want darts, darts2, gdas or spos)", s)
}

// Config sets up a search. Zero fields take the defaults in their comments;
// DARTS's own settings are quoted where ours differ.
type Config struct {
	Method Method
	Epochs int // zero means 10
	Batch  int // zero means 32 (DARTS: 64)

	// The network weights: SGD with momentum 0.9 and this weight decay, the
	// learning rate annealed by a cosine from LR to LR/25 over the run,
	// gradients clipped to norm 5. Zero means LR 0.025, decay 3e-4 (DARTS).
	LR, WeightDecay float64
	// The architecture weights: Adam (β = 0.5, 0.999) with this learning
	// rate and L2 weight decay. Zero means 3e-3 and 1e-3; a negative decay
	// means none. DARTS uses 3e-4 and 1e-3 for 50 epochs of 25,000 images.
	// Adam moves each α by about the learning rate a step at most, so in the
	// hundred or so steps of a lesson's run 3e-3 leaves the weights uniform
	// to the eye; and the decay, which Adam scales up with the gradient's
	// noise, holds α near zero once the gradient's mean is small.
	ArchLR, ArchWeightDecay float64
	// ArchSteps is the number of architecture steps, each on its own
	// validation batch, before every weight step; zero means 1 (DARTS).
	ArchSteps int
	// Xi is the virtual step of second-order DARTS; zero means the weights'
	// current learning rate, as DARTS.
	Xi float64
	// TauMax and TauMin bound GDAS's Gumbel-softmax temperature, annealed
	// linearly from TauMax at the first epoch to TauMin at the last; zero
	// means 10 and 0.1 (GDAS).
	TauMax, TauMin float64

	// Remedies for the collapse to parameter-free operations.
	//
	// MaxSkips caps the skip connections of the derived normal cell (as
	// P-DARTS, which keeps M = 2 in a DARTS cell): the weakest surplus skips
	// are replaced by their edge's next best op. Zero means no cap.
	MaxSkips int
	// MaxParamFree caps, in the same way, all parameter-free ops of the
	// derived normal cell (skips and pools): on small images a shallow
	// supernet drifts to average pooling rather than to skips.
	MaxParamFree int
	// StopSkips ends the search after the first epoch whose derived normal
	// cell has this many skip connections or more (as DARTS+, which stops at
	// 2). Zero means never.
	StopSkips int
	// AuxSkip adds β·x to every stride-1 edge, β decaying linearly from 1 to
	// 0 over the run (DARTS-): the auxiliary skip carries the gradient flow,
	// so the skip op need not win the edge to do so.
	AuxSkip bool

	// Latency, if set, makes the search latency-aware (see Latency): its
	// Weight times the expected latency joins the architecture loss.
	Latency *Latency

	// SPOSBudget is the number of architectures that regularized evolution
	// scores with the trained supernet to pick SPOS's result; zero means 50.
	SPOSBudget int

	Seed    int64
	Kernels *compute.Set // nil means compute.Default()

	// OnWeights, if set, receives the architecture weights at most every
	// WeightsEvery (zero means 200 ms) during the search, and at its start
	// and end. It runs on the search's goroutine: keep it short.
	OnWeights    func(Snapshot)
	WeightsEvery time.Duration
	// OnEpoch, if set, is called after every epoch.
	OnEpoch func(EpochLog)
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.Batch == 0 {
		c.Batch = 32
	}
	if c.ArchSteps == 0 {
		c.ArchSteps = 1
	}
	def(&c.LR, 0.025)
	def(&c.WeightDecay, 3e-4)
	def(&c.ArchLR, 3e-3)
	def(&c.ArchWeightDecay, 1e-3)
	c.ArchWeightDecay = max(c.ArchWeightDecay, 0)
	def(&c.TauMax, 10)
	def(&c.TauMin, 0.1)
	if c.SPOSBudget == 0 {
		c.SPOSBudget = 50
	}
	if c.WeightsEvery == 0 {
		c.WeightsEvery = 200 * time.Millisecond
	}
	if c.Kernels == nil {
		c.Kernels = compute.Default()
	}
	return c
}

// Snapshot is the state of the architecture weights during a search.
type Snapshot struct {
	Epoch       int           // from 0
	Step, Steps int           // steps done and in all
	Weights     [][][]float64 // softmax(α) per cell kind, edge and op
	Entropy     float64       // mean over edges of the entropy of Weights, in nats
	Tau         float64       // GDAS's temperature; 0 for the other methods
	Loss        float64       // of the last training batch
}

// EpochLog is what one epoch of a search leaves behind.
type EpochLog struct {
	Epoch               int // from 0
	TrainLoss, TrainAcc float64
	ValidAcc            float64       // of the batches the architecture step saw (the supernet's path)
	Weights             [][][]float64 // softmax(α) at the end of the epoch
	Entropy             float64
	Derived             string // the cell derived at the end of the epoch, in the space's notation
	// Latency is the expected latency in ms under Weights, with
	// Config.Latency set.
	Latency float64
	Diagnostics
}

// errStop ends a search early without an error.
var errStop = errors.New("stop")

// Search runs cfg.Method on the supernet n: the weights learn from train, the
// architecture weights from valid (the bilevel split; DARTS halves CIFAR-10's
// training set), and returns the derived architecture. ctx cancels it.
func Search(ctx context.Context, n *Supernet, train, valid *data.Dataset, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	if cfg.Method >= NumMethods {
		return nil, fmt.Errorf("oneshot: %s", cfg.Method)
	}
	if cfg.ArchSteps < 0 {
		return nil, fmt.Errorf("oneshot: %d architecture steps per weight step", cfg.ArchSteps)
	}
	if cfg.Latency != nil {
		if err := cfg.Latency.check(n); err != nil {
			return nil, err
		}
	}
	if train.Len() < cfg.Batch || (cfg.Method != SPOS && valid.Len() < cfg.Batch) {
		return nil, fmt.Errorf("oneshot: %d training and %d validation images for batches of %d", train.Len(), valid.Len(), cfg.Batch)
	}
	start := time.Now()
	s := &searcher{n: n, cfg: cfg, rng: rand.New(rand.NewSource(cfg.Seed))}
	s.tp = ag.NewTape(cfg.Kernels)
	s.tp.Train = true
	s.wopt = &optim.SGD{Momentum: 0.9, WeightDecay: float32(cfg.WeightDecay)}
	s.aopt = &optim.Adam{Beta1: 0.5, Beta2: 0.999, WeightDecay: float32(cfg.ArchWeightDecay)}
	s.trainIt = data.NewBatcher(train, cfg.Batch, rand.New(rand.NewSource(cfg.Seed+1)))
	s.trainIt.DropLast = true
	s.validIt = data.NewBatcher(valid, cfg.Batch, rand.New(rand.NewSource(cfg.Seed+2)))
	s.validIt.DropLast = true
	perEpoch := s.trainIt.Len()
	s.steps = cfg.Epochs * perEpoch
	s.sched = optim.Cosine{Base: float32(cfg.LR), Min: float32(cfg.LR / 25), Steps: s.steps}

	res := &Result{Method: cfg.Method, Kinds: n.Kinds, Edges: n.Edges, Ops: n.Skeleton.Ops}
	s.emit(0, 0, true)
	var err error
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		s.epoch = epoch
		if cfg.Method == GDAS {
			s.tau = cfg.TauMax
			if cfg.Epochs > 1 {
				s.tau -= (cfg.TauMax - cfg.TauMin) * float64(epoch) / float64(cfg.Epochs-1)
			}
		}
		var lossSum, accSum, vaccSum float64
		var nb, nv int
		for s.trainIt.Next(&s.bt) {
			if err = ctx.Err(); err != nil {
				return nil, err
			}
			for range s.archSteps() {
				s.validIt.Cycle(&s.bv)
				vacc, err := s.archStep()
				if err != nil {
					return nil, err
				}
				vaccSum += vacc
				nv++
			}
			loss, acc, err := s.weightStep()
			if err != nil {
				return nil, err
			}
			lossSum += loss
			accSum += acc
			nb++
			s.step++
			s.lastLoss = loss
			s.emit(epoch, s.step, false)
		}
		log := EpochLog{Epoch: epoch, TrainLoss: lossSum / float64(max(nb, 1)), TrainAcc: accSum / float64(max(nb, 1)),
			ValidAcc: math.NaN(), Weights: n.Probabilities()}
		if nv > 0 {
			log.ValidAcc = vaccSum / float64(nv)
		}
		log.Entropy = MeanEntropy(log.Weights)
		if cfg.Latency != nil {
			log.Latency = cfg.Latency.Expected(log.Weights)
		}
		if cfg.Method != SPOS {
			d := n.Derive(log.Weights, Cap{})
			log.Derived, log.Diagnostics = d.Notation, d.Diagnostics
		}
		res.History = append(res.History, log)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(log)
		}
		if cfg.StopSkips > 0 && cfg.Method != SPOS && log.Skips >= cfg.StopSkips {
			res.StoppedEarly = true
			break
		}
	}
	s.emit(s.epoch, s.step, true)
	res.Weights = n.Probabilities()
	if cfg.Method == SPOS {
		d, err := sposPick(ctx, n, valid, cfg)
		if err != nil {
			return nil, err
		}
		res.Derived = d
	} else {
		res.Derived = n.Derive(res.Weights, Cap{Skips: cfg.MaxSkips, ParamFree: cfg.MaxParamFree})
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

type searcher struct {
	n          *Supernet
	cfg        Config
	rng        *rand.Rand
	tp         *ag.Tape
	wopt, aopt optim.Optimizer
	sched      optim.Schedule

	trainIt, validIt *data.Batcher
	bt, bv           data.Batch

	epoch, step, steps int
	tau                float64
	lastLoss           float64
	lastEmit           time.Time

	// second-order buffers
	w0, v, dalpha []float32
}

func (s *searcher) beta() float32 {
	if !s.cfg.AuxSkip {
		return 0
	}
	return float32(1 - float64(s.step)/float64(s.steps))
}

// archSteps returns the number of architecture steps before each weight
// step: none for SPOS, which has no α.
func (s *searcher) archSteps() int {
	if s.cfg.Method == SPOS {
		return 0
	}
	return s.cfg.ArchSteps
}

func (s *searcher) lr() float32 { return s.sched.LR(s.step) }

// path returns the path of one forward pass on the current tape.
func (s *searcher) path() *Path {
	var p *Path
	switch s.cfg.Method {
	case DARTS, DARTS2:
		p = s.n.SoftmaxPath(s.tp)
	case GDAS:
		p = s.n.GumbelPath(s.tp, s.tau, s.rng)
	case SPOS:
		p = s.n.RandomPath(s.rng)
	}
	p.Beta = s.beta()
	return p
}

// loss runs a forward and backward pass of batch b and returns the loss and
// accuracy. Gradients accumulate into both parameter sets.
func (s *searcher) pass(b *data.Batch) (float64, float64, error) {
	s.tp.Reset()
	p := s.path()
	x := ag.Const(tensor.FromData(b.X, b.N, b.C, b.H, b.W))
	logits := s.n.ForwardPath(s.tp, x, p)
	loss := s.tp.SoftmaxCrossEntropy(logits, b.Y)
	l := float64(loss.Value.Data[0])
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return 0, 0, fmt.Errorf("oneshot: %s: loss is %v at epoch %d step %d", s.cfg.Method, l, s.epoch, s.step)
	}
	acc := ag.Accuracy(logits, b.Y)
	s.tp.Backward(loss)
	return l, acc, nil
}

func (s *searcher) zero() {
	s.n.Weights.ZeroGrad()
	s.n.Arch.ZeroGrad()
}

// weightStep trains the weights on one training batch.
func (s *searcher) weightStep() (loss, acc float64, err error) {
	s.zero()
	if loss, acc, err = s.pass(&s.bt); err != nil {
		return
	}
	optim.ClipGradNorm(s.n.Weights.Grad, 5)
	s.wopt.Step(s.n.Weights.Data, s.n.Weights.Grad, s.lr())
	return
}

// archStep updates α on one validation batch and returns the batch's
// accuracy before the update.
func (s *searcher) archStep() (float64, error) {
	if s.cfg.Method == DARTS2 {
		return s.unrolledArchStep()
	}
	s.zero()
	_, acc, err := s.pass(&s.bv)
	if err != nil {
		return 0, err
	}
	if s.cfg.Latency != nil {
		s.cfg.Latency.addGrad(s.n)
	}
	s.aopt.Step(s.n.Arch.Data, s.n.Arch.Grad, float32(s.cfg.ArchLR))
	return acc, nil
}

// unrolledArchStep is second-order DARTS (Liu et al. 2019, eq. 6-8):
//
//	w' = w − ξ ∇w Ltrain(w, α)
//	∇α ≈ ∇α Lval(w', α) − ξ (∇α Ltrain(w⁺, α) − ∇α Ltrain(w⁻, α)) / 2ε
//	w± = w ± ε ∇w' Lval(w', α),  ε = 0.01 / ‖∇w' Lval(w', α)‖
//
// The virtual step includes the weight decay, as DARTS's does. The passes
// at w± replay the ReLU and max-pool choices of the training pass at w
// (ag.Gates), so the difference measures the Hessian-vector product that
// double backward defines; with the choices free to change, units that
// cross zero between w⁻ and w⁺ add jumps that the division by 2ε blows up.
func (s *searcher) unrolledArchStep() (float64, error) {
	W, A := s.n.Weights, s.n.Arch
	xi := float32(s.cfg.Xi)
	if xi == 0 {
		xi = s.lr()
	}
	s.w0 = append(s.w0[:0], W.Data...)
	// Virtual step on the training batch, recording its choices.
	gates := &ag.Gates{}
	s.tp.Gates = gates
	s.zero()
	_, _, err := s.pass(&s.bt)
	s.tp.Gates = nil
	if err != nil {
		return 0, err
	}
	wd := float32(s.cfg.WeightDecay)
	for i, g := range W.Grad {
		W.Data[i] -= xi * (g + wd*s.w0[i])
	}
	// Validation gradients at w'.
	s.zero()
	_, acc, err := s.pass(&s.bv)
	if err != nil {
		return 0, err
	}
	gates.Replay = true
	s.dalpha = append(s.dalpha[:0], A.Grad...)
	s.v = append(s.v[:0], W.Grad...)
	var norm float64
	for _, g := range s.v {
		norm += float64(g) * float64(g)
	}
	norm = math.Sqrt(norm)
	if norm > 0 {
		eps := float32(0.01 / norm)
		// ∇α Ltrain at w⁺ and w⁻, the finite difference of eq. 8.
		grads := [2][]float32{}
		for j, sign := range [2]float32{1, -1} {
			for i := range W.Data {
				W.Data[i] = s.w0[i] + sign*eps*s.v[i]
			}
			gates.Rewind()
			s.tp.Gates = gates
			s.zero()
			_, _, err := s.pass(&s.bt)
			s.tp.Gates = nil
			if err != nil {
				return 0, err
			}
			grads[j] = append([]float32(nil), A.Grad...)
		}
		for i := range s.dalpha {
			s.dalpha[i] -= xi * (grads[0][i] - grads[1][i]) / (2 * eps)
		}
	}
	copy(W.Data, s.w0)
	copy(A.Grad, s.dalpha)
	clear(W.Grad)
	if s.cfg.Latency != nil {
		s.cfg.Latency.addGrad(s.n)
	}
	s.aopt.Step(A.Data, A.Grad, float32(s.cfg.ArchLR))
	return acc, nil
}

func (s *searcher) emit(epoch, step int, force bool) {
	if s.cfg.OnWeights == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(s.lastEmit) < s.cfg.WeightsEvery {
		return
	}
	s.lastEmit = now
	w := s.n.Probabilities()
	s.cfg.OnWeights(Snapshot{Epoch: epoch, Step: step, Steps: s.steps, Weights: w, Entropy: MeanEntropy(w), Tau: s.tau, Loss: s.lastLoss})
}

// GumbelPath samples GDAS's path: on every edge, one op o = argmax(α + g)
// with g Gumbel noise, weighted by h = onehot(o) + p − stop_gradient(p),
// p = softmax((α + g)/τ); h is the one-hot vector in the forward pass and
// carries p's gradient in the backward pass (straight-through).
func (n *Supernet) GumbelPath(t *ag.Tape, tau float64, r *rand.Rand) *Path {
	p := &Path{}
	K := len(n.Skeleton.Ops)
	for k := range n.Kinds {
		var ws []*ag.Var
		var sel []int
		for e := range n.Edges {
			a := n.alpha[k][e]
			g := tensor.New(K)
			for i := range g.Data {
				u := r.Float64()
				for u == 0 {
					u = r.Float64()
				}
				g.Data[i] = float32(-math.Log(-math.Log(u)))
			}
			soft := t.Softmax(t.Scale(t.Add(a, ag.Const(g)), float32(1/tau)))
			best := 0
			for i, v := range soft.Value.Data {
				if v > soft.Value.Data[best] {
					best = i
				}
			}
			d := tensor.New(K)
			for i, v := range soft.Value.Data {
				d.Data[i] = -v
			}
			d.Data[best]++
			ws = append(ws, t.Add(soft, ag.Const(d)))
			sel = append(sel, best)
		}
		p.W, p.Sel = append(p.W, ws), append(p.Sel, sel)
	}
	return p
}

// RandomPath draws a single-path architecture uniformly: in the NB201 macro
// one op per edge; in the DARTS macro, for every node two distinct inputs
// and an op for each (the DARTS space's architectures).
func (n *Supernet) RandomPath(r *rand.Rand) *Path {
	p := &Path{}
	K := len(n.Skeleton.Ops)
	inputs := n.Skeleton.inputs()
	for range n.Kinds {
		sel := make([]int, len(n.Edges))
		if inputs == 1 {
			for e := range sel {
				sel[e] = r.Intn(K)
			}
		} else {
			e := 0
			for to := inputs; to < inputs+n.Skeleton.Nodes; to++ {
				a := r.Intn(to)
				b := r.Intn(to - 1)
				if b >= a {
					b++
				}
				for from := 0; from < to; from++ {
					sel[e] = Absent
					if from == a || from == b {
						sel[e] = r.Intn(K)
					}
					e++
				}
			}
		}
		p.Sel = append(p.Sel, sel)
	}
	return p
}

// softmax returns softmax(x/τ) in float64.
func softmax(x []float32, tau float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v)/tau)
	}
	out := make([]float64, len(x))
	var s float64
	for i, v := range x {
		out[i] = math.Exp(float64(v)/tau - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// entropy returns −Σ p log p in nats.
func entropy(p []float64) float64 {
	var h float64
	for _, v := range p {
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	return h
}

// MeanEntropy returns the mean over cell kinds and edges of the entropy of
// the weights w[kind][edge], in nats.
func MeanEntropy(w [][][]float64) float64 {
	var h float64
	n := 0
	for _, kind := range w {
		for _, e := range kind {
			h += entropy(e)
			n++
		}
	}
	return h / float64(max(n, 1))
}
