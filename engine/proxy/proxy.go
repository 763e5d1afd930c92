package proxy

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/compute"
	"nasbook/engine/data"
	"nasbook/engine/tensor"
	"nasbook/space/spec"
)

// Proxy is one zero-cost proxy. Higher scores predict higher accuracy for
// every proxy (the reference's signs).
type Proxy uint8

// The proxies.
const (
	// Synflow (Tanaka et al., NeurIPS 2020, "Pruning neural networks
	// without any data by iteratively conserving synaptic flow"): with
	// every parameter replaced by its absolute value, batch norm removed
	// and a single all-ones input, R = sum of the logits; the score is
	// sum over layer weights of |w · ∂R/∂w|. No data. Reported as ln of
	// the sum (0 when the sum is 0), as NASLib's ZeroCost does. The
	// reference runs in float64 to avoid overflow (NAS-Bench-201 scores
	// reach e^115, beyond float32); we scale the input and the biases by
	// one power of two and the backward seed by another, chosen from a
	// probe pass, which is exact because the linearised network is
	// positively homogeneous in (input, biases).
	Synflow Proxy = iota
	// SNIP (Lee et al., ICLR 2019, "SNIP: Single-shot network pruning based
	// on connection sensitivity"): sum over layer weights of |w · ∂L/∂w|,
	// L the cross-entropy of one batch.
	SNIP
	// GraSP (Wang et al., ICLR 2020, "Picking winning tickets before
	// training by preserving gradient flow"): sum over layer weights of
	// -w · (Hg), g = ∂L/∂w and H the Hessian of L in the layer weights.
	// The reference differentiates twice, which sees every ReLU and max
	// pool as fixed by the unperturbed pass. We use w·Hg = g·Hw, the
	// derivative of φ(s) = g·∇L((1+s)w) at 0, by a central difference at
	// s = ±1e-3 with those choices replayed (ag.Gates); error O(s²).
	// Scaling every layer weight by one factor keeps the step the same
	// size for every layer, and with the gates fixed the gradient is smooth
	// in s (differences of plain gradients jump wherever a unit changes
	// sides).
	GraSP
	// Fisher (Turner et al., ICLR 2020, "BlockSwap", after Theis et al.
	// 2018): for each layer output channel k, Δ_k = ½·mean over the batch
	// of (Σ_spatial a·∂L/∂a)², a the layer's output; the reference spreads
	// Δ_k over the channel's weights, so a layer adds Σ_k Δ_k times the
	// weights per output channel.
	Fisher
	// GradNorm: the sum over layers of the Euclidean norm of ∂L/∂w
	// (Abdelfattah et al. 2021).
	GradNorm
	// JacobCov (Mellor et al., "Neural architecture search without
	// training", 2020, first version): J = ∂(Σ logits)/∂x per example,
	// C its correlation matrix across the batch, eigenvalues λ; the score
	// is -Σ ln(λ+k) + 1/(λ+k), k = 1e-5.
	JacobCov
	// NASWOT (Mellor et al., ICML 2021, second version): the binary codes
	// c (input > 0) of every ReLU (and GELU, whose input's sign splits it
	// likewise into a nearly linear and a nearly zero part) over the batch
	// give the kernel
	// K_ij = Σ_ReLUs (number of units where c_i and c_j agree); the score
	// is ln |det K|.
	NASWOT
	// Params is the number of parameters of the inference network, in
	// millions (NASLib's "params").
	Params
	// FLOPs is the forward FLOPs per example, in millions (NASLib's
	// "flops"): for NAS-Bench-201 networks as the benchmark counts them
	// (cost.Net.NASLibFLOPs), otherwise 2 × multiply-accumulates.
	FLOPs

	numProxies
)

var names = [numProxies]string{"synflow", "snip", "grasp", "fisher", "grad_norm", "jacob_cov", "naswot", "params", "flops"}

// All returns every proxy in order.
func All() []Proxy {
	ps := make([]Proxy, numProxies)
	for i := range ps {
		ps[i] = Proxy(i)
	}
	return ps
}

func (p Proxy) String() string {
	if p < numProxies {
		return names[p]
	}
	return fmt.Sprintf("Proxy(%d)", uint8(p))
}

// Parse returns the proxy called name; it also takes NASLib's column names
// "jacov" and "nwot".
func Parse(name string) (Proxy, error) {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "jacov":
		return JacobCov, nil
	case "nwot":
		return NASWOT, nil
	default:
		for i, s := range names {
			if s == n {
				return Proxy(i), nil
			}
		}
	}
	return 0, fmt.Errorf("proxy: unknown proxy %q (want one of %s)", name, strings.Join(names[:], ", "))
}

// ParseList parses a comma-separated list of proxy names.
func ParseList(s string) ([]Proxy, error) {
	var ps []Proxy
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		p, err := Parse(f)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("proxy: no proxies in %q", s)
	}
	return ps, nil
}

// MarshalText implements encoding.TextMarshaler.
func (p Proxy) MarshalText() ([]byte, error) {
	if p >= numProxies {
		return nil, fmt.Errorf("proxy: unknown proxy %d", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Proxy) UnmarshalText(b []byte) error {
	q, err := Parse(string(b))
	*p = q
	return err
}

// needsNetwork reports whether p builds the network (not only costs it).
func (p Proxy) needsNetwork() bool { return p != Params && p != FLOPs }

// Init is how the network's weights are initialised.
type Init uint8

const (
	// InitTorch rescales the convolution and linear weights of build.Build
	// to PyTorch's default U(±1/sqrt(fan_in)), the reference networks'
	// initialisation. Biases stay 0.
	InitTorch Init = iota
	// InitBuild keeps build.Build's He-uniform weights.
	InitBuild
)

// Config configures scoring. The zero value is the reference setting with a
// Gaussian batch of 64.
type Config struct {
	// Batch is the number of examples of the data-dependent proxies; zero
	// means 64.
	Batch int `json:"batch,omitempty"`
	// Seed seeds the weights and the batch.
	Seed int64 `json:"seed,omitempty"`
	Init Init  `json:"init,omitempty"`
	// Data, if set, gives the batch: Batch examples drawn with Seed. Its
	// examples must have the spec's input shape. Nil means N(0,1) noise.
	Data *data.Dataset `json:"-"`
	// Examples, if set, is the batch itself (Data and Batch are then
	// ignored): what a Job carries to a worker in another process, which
	// has no dataset. ScoreAll draws it from Data once for all jobs.
	Examples *Examples `json:"examples,omitempty"`
	// Kernels computes; nil means compute.Default().
	Kernels *compute.Set `json:"-"`
}

func (c Config) batch() int {
	if c.Batch <= 0 {
		return 64
	}
	return c.Batch
}

// Examples is a batch given whole: N examples of shape Shape[1:] in X (NCHW),
// their classes in Y.
type Examples struct {
	Shape []int     `json:"shape"`
	X     []float32 `json:"x"`
	Y     []int     `json:"y"`
}

// Draw returns the batch the data-dependent proxies score for the network
// s: Batch examples of Data drawn with Seed, or, without Data, Gaussian
// noise (token ids uniform over the vocabulary, for a network of token ids)
// with uniform labels over its classes, shaped [Batch, s.Input...].
func (c Config) Draw(s *spec.Spec) (*Examples, error) {
	if c.Examples != nil {
		return c.Examples, nil
	}
	in, classes, vocab := s.Input, s.Classes, s.Vocab()
	n := c.batch()
	r := rand.New(rand.NewSource(c.Seed ^ 0x5eed))
	ex := &Examples{Shape: append([]int{n}, in...), Y: make([]int, n)}
	if d := c.Data; d != nil {
		if !s.TakesData(d.C, d.H, d.W) {
			return nil, fmt.Errorf("data %s has examples %dx%dx%d, the network takes %v", d.Name, d.C, d.H, d.W, in)
		}
		if vocab > 0 && (d.Vocab <= 0 || d.Vocab > vocab) {
			return nil, fmt.Errorf("data %s is not token ids within the network's vocabulary of %d", d.Name, vocab)
		}
		if d.Len() < n {
			return nil, fmt.Errorf("data %s has %d examples, the batch needs %d", d.Name, d.Len(), n)
		}
		f := d.Features()
		ex.X = make([]float32, 0, n*f)
		for i, j := range r.Perm(d.Len())[:n] {
			ex.X = append(ex.X, d.Example(j)...)
			ex.Y[i] = d.Y[j]
		}
		return ex, nil
	}
	size := n
	for _, v := range in {
		size *= v
	}
	ex.X = make([]float32, size)
	for i := range ex.X {
		if vocab > 0 {
			ex.X[i] = float32(r.Intn(vocab))
		} else {
			ex.X[i] = float32(r.NormFloat64())
		}
	}
	for i := range ex.Y {
		ex.Y[i] = r.Intn(max(classes, 1))
	}
	return ex, nil
}

// Score returns the scores of the network s describes, one per proxy in ps.
// A proxy whose value is not finite scores NaN (NASLib stores -1e8). Errors
// come from specs that do not build or data that does not fit.
func Score(s *spec.Spec, ps []Proxy, cfg Config) ([]float64, error) {
	out := make([]float64, len(ps))
	var sc *scorer
	for i, p := range ps {
		var v float64
		var err error
		switch p {
		case Params, FLOPs:
			v, err = costProxy(s, p)
		default:
			if p >= numProxies {
				return nil, fmt.Errorf("proxy: unknown proxy %d", p)
			}
			if sc == nil {
				if sc, err = newScorer(s, cfg); err != nil {
					return nil, err
				}
				sc.gates = slices.Contains(ps, GraSP)
				// NASWOT shares the pass only if it runs anyway.
				sc.nwot = slices.Contains(ps, NASWOT) && slices.ContainsFunc(ps, func(p Proxy) bool {
					return p == SNIP || p == GradNorm || p == Fisher || p == GraSP
				})
			}
			v, err = sc.score(p)
		}
		if err != nil {
			return nil, fmt.Errorf("proxy: %s of %s: %w", p, name(s), err)
		}
		if math.IsInf(v, 0) {
			v = math.NaN()
		}
		out[i] = v
	}
	return out, nil
}

func name(s *spec.Spec) string {
	if s.Arch != "" {
		return s.Arch
	}
	return "the spec"
}

func costProxy(s *spec.Spec, p Proxy) (float64, error) {
	n, err := spec.Lower(s)
	if err != nil {
		return 0, err
	}
	r := n.Count(1)
	if p == Params {
		return float64(r.Params) / 1e6, nil
	}
	if s.Cells != nil && s.Cells.Macro == spec.MacroNB201 {
		return float64(n.NASLibFLOPs()) / 1e6, nil
	}
	return float64(r.FLOPs) / 1e6, nil
}

// scorer holds one built network, its initial weights and the batch.
type scorer struct {
	s      *spec.Spec
	cfg    Config
	net    *build.Network
	init   []float32 // the initial Params.Data
	x      *tensor.Tensor
	labels []int
	tape   *ag.Tape
	// gates makes the cross-entropy pass record its gates, for GraSP, and
	// nwot makes it take NASWOT's codes.
	gates, nwot bool
	ce          *cePass       // SNIP, GradNorm, Fisher and GraSP share one backward pass
	relu        func(*ag.Var) // a ReLU hook for lossGrad's pass
}

// cePass is what the proxies take from one cross-entropy gradient at the
// initial weights: SNIP, GradNorm and Fisher, and for GraSP the layer
// weights, their gradient and the gates of the pass (if recorded).
type cePass struct {
	snip, gradNorm, fisher float64

	ws    []*ag.Var
	g     [][]float32
	gates *ag.Gates
	nwot  *nwotKernel // if asked for
}

// cePass runs the cross-entropy forward and backward pass, once.
func (sc *scorer) cePass() (*cePass, error) {
	if sc.ce != nil {
		return sc.ce, nil
	}
	var l layers
	var gates *ag.Gates
	if sc.gates {
		gates = &ag.Gates{}
	}
	var nwot *nwotKernel
	if sc.nwot {
		x, _, err := sc.batch()
		if err != nil {
			return nil, err
		}
		nwot = newNWOTKernel(x.Shape[0])
		sc.relu = nwot.add
	}
	_, err := sc.lossGrad(&l, gates)
	sc.relu = nil
	if err != nil {
		return nil, err
	}
	ce := &cePass{fisher: fisherOf(&l), ws: unique(l.w), gates: gates, nwot: nwot}
	for _, w := range ce.ws {
		var q float64
		for i, v := range w.Value.Data {
			g := float64(w.Grad.Data[i])
			ce.snip += math.Abs(float64(v) * g)
			q += g * g
		}
		ce.gradNorm += math.Sqrt(q)
		if gates != nil {
			ce.g = append(ce.g, append([]float32(nil), w.Grad.Data...))
		}
	}
	sc.ce = ce
	return ce, nil
}

func newScorer(s *spec.Spec, cfg Config) (*scorer, error) {
	net, err := build.Build(s, rand.New(rand.NewSource(cfg.Seed)))
	if err != nil {
		return nil, err
	}
	if cfg.Init == InitTorch {
		k := float32(1 / math.Sqrt(6))
		for _, p := range net.Params.List() {
			if len(p.Var.Shape()) >= 2 && strings.HasSuffix(p.Name, "weight") {
				for i := range p.Var.Value.Data {
					p.Var.Value.Data[i] *= k
				}
			}
		}
	}
	sc := &scorer{s: s, cfg: cfg, net: net, init: append([]float32(nil), net.Params.Data...), tape: ag.NewTape(cfg.Kernels)}
	// The measures are defined on the network's output and the task's loss:
	// a mixture of experts' load-balancing term is training's business.
	sc.tape.SkipAuxLoss = true
	return sc, nil
}

// restore puts the initial weights back and clears the gradients.
func (sc *scorer) restore() {
	copy(sc.net.Params.Data, sc.init)
	sc.net.Params.ZeroGrad()
	sc.tape.Reset()
	watch(sc.tape, nil, nil, false)
}

// batch returns the data batch, drawn on first use.
func (sc *scorer) batch() (*tensor.Tensor, []int, error) {
	if sc.x != nil {
		return sc.x, sc.labels, nil
	}
	ex, err := sc.cfg.Draw(sc.s)
	if err != nil {
		return nil, nil, err
	}
	size := 1
	for _, v := range ex.Shape {
		size *= v
	}
	if len(ex.Shape) != len(sc.s.Input)+1 || fmt.Sprint(ex.Shape[1:]) != fmt.Sprint(sc.s.Input) || ex.Shape[0] < 1 || len(ex.X) != size || len(ex.Y) != ex.Shape[0] {
		return nil, nil, fmt.Errorf("a batch of shape %v (%d values, %d labels) for a network that takes %v", ex.Shape, len(ex.X), len(ex.Y), sc.s.Input)
	}
	for _, y := range ex.Y {
		if y < 0 || y >= sc.s.Classes {
			return nil, nil, fmt.Errorf("a label %d in the batch for a network of %d classes", y, sc.s.Classes)
		}
	}
	sc.x, sc.labels = tensor.FromData(ex.X, ex.Shape...), ex.Y
	return sc.x, sc.labels, nil
}

// sumAll returns the sum of every element of y as a scalar Var.
func sumAll(t *ag.Tape, y *ag.Var) *ag.Var {
	n := y.Value.Len()
	m := t.GlobalAvgPool(t.Reshape(y, 1, 1, n, 1))
	return t.Scale(m, float32(n))
}

// layers records the weights and outputs of the layers a forward pass runs.
type layers struct {
	w, y []*ag.Var
}

// observer is what the proxies watch a forward pass with: it records the
// layers' weights and outputs when layers is set, and passes the input of
// every ReLU to relu when that is set.
type observer struct {
	layers *layers
	relu   func(x *ag.Var)
}

var _ ag.Observer = (*observer)(nil)

// Observe implements ag.Observer.
func (o *observer) Observe(op ag.Op, y *ag.Var, in ...*ag.Var) {
	switch op {
	case ag.OpConv2D, ag.OpLinear:
		// A weight without a gradient is a constant (a mean over tokens is
		// a convolution with one), not a layer's parameter.
		if o.layers != nil && in[1].Grad != nil {
			o.layers.w, o.layers.y = append(o.layers.w, in[1]), append(o.layers.y, y)
		}
	case ag.OpReLU, ag.OpGELU:
		if o.relu != nil {
			o.relu(in[0])
		}
	}
}

// watch sets how t's next passes are watched: by o (nil: not at all), with
// the gates g (nil: none), and with the batch norms skipped or not.
func watch(t *ag.Tape, o *observer, g *ag.Gates, skipBatchNorm bool) {
	t.Observer, t.Gates, t.SkipBatchNorm = nil, g, skipBatchNorm
	if o != nil {
		t.Observer = o
	}
}

// lossGrad runs one training-mode forward and backward of the batch's
// cross-entropy, recording the layers if l is set and recording or replaying
// the gates if g is.
func (sc *scorer) lossGrad(l *layers, g *ag.Gates) (float32, error) {
	x, labels, err := sc.batch()
	if err != nil {
		return 0, err
	}
	sc.net.Params.ZeroGrad()
	sc.tape.Reset()
	sc.tape.Train = true
	var o *observer
	if l != nil {
		*l = layers{}
		o = &observer{layers: l}
	}
	if sc.relu != nil {
		if o == nil {
			o = &observer{}
		}
		o.relu = sc.relu
	}
	if g != nil {
		g.Rewind()
	}
	watch(sc.tape, o, g, false)
	loss := sc.tape.SoftmaxCrossEntropy(sc.net.Forward(sc.tape, ag.Const(x)), labels)
	sc.tape.Backward(loss)
	return loss.Value.Data[0], nil
}

// ErrTokenInput is the error of Synflow and JacobCov on a network of token
// ids: Synflow scales its input and JacobCov differentiates by it, and ids
// can be neither scaled nor differentiated.
var ErrTokenInput = errors.New("needs a continuous input, and this network's input is token ids (score it with snip, grasp, fisher, grad_norm, naswot, params or flops)")

func (sc *scorer) score(p Proxy) (float64, error) {
	defer sc.restore()
	if (p == Synflow || p == JacobCov) && sc.s.Vocab() > 0 {
		return 0, ErrTokenInput
	}
	switch p {
	case Synflow:
		return sc.synflow()
	case SNIP, GradNorm, Fisher:
		ce, err := sc.cePass()
		if err != nil {
			return 0, err
		}
		return map[Proxy]float64{SNIP: ce.snip, GradNorm: ce.gradNorm, Fisher: ce.fisher}[p], nil
	case GraSP:
		return sc.grasp()
	case JacobCov:
		return sc.jacobCov()
	case NASWOT:
		return sc.naswot()
	}
	return 0, fmt.Errorf("no such proxy")
}

// unique returns ws without repeats (a layer run twice has one weight).
func unique(ws []*ag.Var) []*ag.Var {
	seen := map[*ag.Var]bool{}
	var out []*ag.Var
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
