package timing

import (
	"fmt"
	"math"
	"math/rand"
	"time"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/cost"
	"nasbook/engine/nn"
	"nasbook/engine/tensor"
)

// Forward times a layer's forward pass at batch 1 on random data with the
// engine's kernels: warm-up runs (at least 3, and at least 2 ms of them),
// then the fastest of Repeats measurements, each of as many runs as take
// 1 ms or more, divided by their number. Other work on the machine only
// adds time to a run, and a browser swaps in its optimised code for the
// kernels a while after their first runs, so the fastest is the layer's
// time; and a browser's clock, unless the page is cross-origin isolated,
// moves in steps of 0.1 ms, longer than many a layer takes at batch 1. It
// implements cost.Timer.
type Forward struct {
	// Kernels computes the layers; nil means compute.Default().
	Kernels *compute.Set
	// Repeats is the number of measurements (fastest taken); zero means 5.
	Repeats int
}

// warmUp is the least time the warm-up runs take, unless warmUpRuns of them
// take longer; span is the least time of a measurement, ten steps of a
// browser's coarse clock, unless it would take more than maxRuns runs.
const (
	warmUp     = 2 * time.Millisecond
	warmUpRuns = 3
	maxWarmUps = 100
	span       = time.Millisecond
	maxRuns    = 1 << 14
)

// now is the clock Forward reads (a coarser one in tests).
var now = time.Now

var _ cost.Timer = Forward{}

// Time implements cost.Timer. It returns an error for layers the engine
// cannot run (pooling windows that are not square).
func (f Forward) Time(l *cost.Layer) (float64, error) {
	fwd, err := runner(l)
	if err != nil {
		return 0, err
	}
	ks := f.Kernels
	if ks == nil {
		ks = compute.Default()
	}
	reps := f.Repeats
	if reps <= 0 {
		reps = 5
	}
	tp := ag.NewTape(ks)
	// measure runs the layer n times and returns how long that took.
	measure := func(n int) time.Duration {
		start := now()
		for range n {
			tp.Reset()
			fwd(tp)
		}
		return now().Sub(start)
	}
	// Warm up (pooled buffers, caches, the kernels' optimised code), which
	// also tells how many runs take a span.
	runs, start := 0, now()
	for runs < maxWarmUps && (runs < warmUpRuns || now().Sub(start) < warmUp) {
		measure(1)
		runs++
	}
	n := maxRuns
	if took := now().Sub(start); took > 0 {
		n = int(min(max(int64(span)*int64(runs)/int64(took)+1, 1), maxRuns))
	}
	best := math.Inf(1)
	for range reps {
		best = min(best, float64(measure(n).Nanoseconds())/1e6/float64(n))
	}
	return best, nil
}

func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// runner returns a forward pass of l on random data.
func runner(l *cost.Layer) (func(tp *ag.Tape), error) {
	r := rand.New(rand.NewSource(1))
	batch := func(s []int) *ag.Var {
		return ag.Const(tensor.New(append([]int{1}, s...)...).Uniform(r, -1, 1))
	}
	x := batch(l.In)
	square := l.KH == l.KW && l.SH == l.SW && l.PH == l.PW
	switch l.Kind {
	case cost.Conv:
		g := max(1, l.Groups)
		w := ag.Const(tensor.New(l.Width, l.In[0]/g, l.KH, l.KW).Uniform(r, -1, 1))
		var b *ag.Var
		if l.Bias {
			b = ag.Const(tensor.New(l.Width))
		}
		o := ag.ConvOpts{Stride: l.SH, Padding: l.PH, Dilation: l.Dilation, Groups: g, Rect: !square, StrideW: l.SW, PaddingW: l.PW}
		return func(tp *ag.Tape) { tp.Conv2D(x, w, b, o) }, nil
	case cost.Linear:
		f := l.In[len(l.In)-1]
		x2 := ag.Const(tensor.New(numel(l.In)/f, f).Uniform(r, -1, 1))
		w := ag.Const(tensor.New(l.Width, f).Uniform(r, -1, 1))
		var b *ag.Var
		if l.Bias {
			b = ag.Const(tensor.New(l.Width))
		}
		return func(tp *ag.Tape) { tp.Linear(x2, w, b) }, nil
	case cost.BatchNorm:
		run := ag.NewRunningStats(l.In[0])
		g, b := ag.Const(tensor.New(l.In[0])), ag.Const(tensor.New(l.In[0]))
		return func(tp *ag.Tape) { tp.BatchNorm(x, g, b, run, 0) }, nil
	case cost.LayerNorm:
		d := l.In[len(l.In)-1]
		g, b := ag.Const(tensor.New(d)), ag.Const(tensor.New(d))
		return func(tp *ag.Tape) { tp.LayerNorm(x, g, b, 0) }, nil
	case cost.Act:
		var m nn.Module
		switch l.Act {
		case cost.ReLU:
			m = nn.ReLU{}
		case cost.ReLU6:
			m = nn.ReLU6{}
		case cost.HSwish:
			m = nn.HSwish{}
		case cost.HSigmoid:
			m = nn.HSigmoid{}
		case cost.GELU:
			m = nn.GELU{}
		case cost.Swish:
			m = nn.Swish{}
		case cost.Sigmoid:
			m = nn.Sigmoid{}
		default:
			return nil, fmt.Errorf("timing: cannot run %s", l.Key())
		}
		return func(tp *ag.Tape) { m.Forward(tp, x) }, nil
	case cost.MaxPool, cost.AvgPool:
		if !square {
			return nil, fmt.Errorf("timing: cannot run %s", l.Key())
		}
		if l.Kind == cost.MaxPool {
			return func(tp *ag.Tape) { tp.MaxPool2D(x, l.KH, max(1, l.SH), l.PH) }, nil
		}
		return func(tp *ag.Tape) { tp.AvgPool2D(x, l.KH, max(1, l.SH), l.PH) }, nil
	case cost.GlobalPool:
		if len(l.In) == 2 {
			return func(tp *ag.Tape) { nn.MeanTokens{}.Forward(tp, x) }, nil
		}
		return func(tp *ag.Tape) { tp.GlobalAvgPool(x) }, nil
	case cost.Add:
		xs := []*ag.Var{x}
		for len(xs) < max(l.Inputs, 2) {
			xs = append(xs, batch(l.In))
		}
		return func(tp *ag.Tape) { tp.Sum(xs...) }, nil
	case cost.Concat:
		k := max(l.Inputs, 2)
		var xs []*ag.Var
		for i := 0; i < k; i++ {
			s := append([]int(nil), l.Out...)
			s[0] = l.Width/k + map[bool]int{true: l.Width % k, false: 0}[i == 0]
			xs = append(xs, batch(s))
		}
		return func(tp *ag.Tape) { tp.Concat(xs...) }, nil
	case cost.Scale:
		s := ag.Const(tensor.New(1, l.In[0]).Uniform(r, 0, 1))
		return func(tp *ag.Tape) { nn.ScaleChannels(tp, x, s) }, nil
	case cost.Attention:
		return func(tp *ag.Tape) { tp.Attention(x, l.Heads, false) }, nil
	case cost.Zero:
		return func(tp *ag.Tape) { tp.Zeros(append([]int{1}, l.Out...)...) }, nil
	case cost.Rearrange, cost.PosEmbed, cost.Dropout:
		return func(tp *ag.Tape) { tp.Scale(x, 1) }, nil // one pass over the data
	case cost.Lookup:
		table := ag.Const(tensor.New(l.Vocab, l.Width).Uniform(r, -1, 1))
		ids := make([]int, l.In[0])
		for i := range ids {
			ids[i] = r.Intn(l.Vocab)
		}
		return func(tp *ag.Tape) { tp.Embedding(table, ids, 1, len(ids)) }, nil
	}
	return nil, fmt.Errorf("timing: cannot run %s", l.Key())
}
