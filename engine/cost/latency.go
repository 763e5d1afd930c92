package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"time"

	"nasbook/engine/ag"
	"nasbook/engine/compute"
	"nasbook/engine/nn"
	"nasbook/engine/tensor"
	"nasbook/internal/limit"
)

// Entry is one measured layer configuration.
type Entry struct {
	MS    float64 `json:"ms"`    // median forward time at batch 1
	Kind  string  `json:"kind"`  // predictor group: the Kind, or act:<activation>
	MACs  int64   `json:"macs"`  // the layer's multiply-accumulates
	Elems int64   `json:"elems"` // input plus output elements
}

// LatencyTable is a lookup table of per-layer forward times on one device,
// keyed by Layer.Key, with a predictor for layers not in it. The zero value
// is an empty table; it is safe to encode as JSON and load again.
type LatencyTable struct {
	Device  string           `json:"device,omitempty"`
	Entries map[string]Entry `json:"entries"`
	// Repeats is the number of timed runs per measurement (median taken);
	// zero means 5.
	Repeats int `json:"-"`
	// Kernels computes measured layers; nil means compute.Default().
	Kernels *compute.Set `json:"-"`
}

func group(l *Layer) string {
	if l.Kind == Act {
		return "act:" + l.Act.String()
	}
	return l.Kind.String()
}

func elems(l *Layer) int64 { return numel(l.In) + numel(l.Out) }

// Latency returns the predicted forward time in milliseconds of n at batch
// 1, without auxiliary heads: the table's time for each layer it holds,
// after measuring those it does not when measure is set, and the
// predictor's otherwise.
func (t *LatencyTable) Latency(n *Net, measure bool) float64 {
	var ms float64
	for i := range n.Layers {
		l := &n.Layers[i]
		if l.Aux {
			continue
		}
		if e, ok := t.Entries[l.Key()]; ok {
			ms += e.MS
			continue
		}
		if measure {
			if v, err := t.Measure(l); err == nil {
				ms += v
				continue
			}
		}
		ms += t.Predict(l)
	}
	return ms
}

// Measure times the layer's forward pass at batch 1 on this device, stores
// the median in the table and returns it. It returns an error for layers
// the engine cannot run (pooling windows that are not square).
func (t *LatencyTable) Measure(l *Layer) (float64, error) {
	fwd, err := runner(l)
	if err != nil {
		return 0, err
	}
	ks := t.Kernels
	if ks == nil {
		ks = compute.Default()
	}
	reps := t.Repeats
	if reps <= 0 {
		reps = 5
	}
	tp := ag.NewTape(ks)
	fwd(tp) // warm up: pooled buffers, caches
	times := make([]float64, reps)
	for i := range times {
		tp.Reset()
		start := time.Now()
		fwd(tp)
		times[i] = float64(time.Since(start).Nanoseconds()) / 1e6
	}
	sort.Float64s(times)
	ms := times[reps/2]
	if t.Entries == nil {
		t.Entries = map[string]Entry{}
	}
	t.Entries[l.Key()] = Entry{MS: ms, Kind: group(l), MACs: l.MACs, Elems: elems(l)}
	return ms, nil
}

// runner returns a forward pass of l on random data.
func runner(l *Layer) (func(tp *ag.Tape), error) {
	r := rand.New(rand.NewSource(1))
	batch := func(s []int) *ag.Var {
		return ag.Const(tensor.New(append([]int{1}, s...)...).Uniform(r, -1, 1))
	}
	x := batch(l.In)
	square := l.KH == l.KW && l.SH == l.SW && l.PH == l.PW
	switch l.Kind {
	case Conv:
		g := one(l.Groups)
		w := ag.Const(tensor.New(l.Width, l.In[0]/g, l.KH, l.KW).Uniform(r, -1, 1))
		var b *ag.Var
		if l.Bias {
			b = ag.Const(tensor.New(l.Width))
		}
		o := ag.ConvOpts{Stride: l.SH, Padding: l.PH, Dilation: l.Dilation, Groups: g, Rect: !square, StrideW: l.SW, PaddingW: l.PW}
		return func(tp *ag.Tape) { tp.Conv2D(x, w, b, o) }, nil
	case Linear:
		f := l.In[len(l.In)-1]
		x2 := ag.Const(tensor.New(int(numel(l.In))/f, f).Uniform(r, -1, 1))
		w := ag.Const(tensor.New(l.Width, f).Uniform(r, -1, 1))
		var b *ag.Var
		if l.Bias {
			b = ag.Const(tensor.New(l.Width))
		}
		return func(tp *ag.Tape) { tp.Linear(x2, w, b) }, nil
	case BatchNorm:
		run := ag.NewRunningStats(l.In[0])
		g, b := ag.Const(tensor.New(l.In[0])), ag.Const(tensor.New(l.In[0]))
		return func(tp *ag.Tape) { tp.BatchNorm(x, g, b, run, 0) }, nil
	case LayerNorm:
		d := l.In[len(l.In)-1]
		g, b := ag.Const(tensor.New(d)), ag.Const(tensor.New(d))
		return func(tp *ag.Tape) { tp.LayerNorm(x, g, b, 0) }, nil
	case Act:
		var m nn.Module
		switch l.Act {
		case ReLU:
			m = nn.ReLU{}
		case ReLU6:
			m = nn.ReLU6{}
		case HSwish:
			m = nn.HSwish{}
		case HSigmoid:
			m = nn.HSigmoid{}
		case GELU:
			m = nn.GELU{}
		default:
			return nil, fmt.Errorf("cost: cannot run %s", l.Key())
		}
		return func(tp *ag.Tape) { m.Forward(tp, x) }, nil
	case MaxPool, AvgPool:
		if !square {
			return nil, fmt.Errorf("cost: cannot run %s", l.Key())
		}
		if l.Kind == MaxPool {
			return func(tp *ag.Tape) { tp.MaxPool2D(x, l.KH, one(l.SH), l.PH) }, nil
		}
		return func(tp *ag.Tape) { tp.AvgPool2D(x, l.KH, one(l.SH), l.PH) }, nil
	case GlobalPool:
		if len(l.In) == 2 {
			return func(tp *ag.Tape) { nn.MeanTokens{}.Forward(tp, x) }, nil
		}
		return func(tp *ag.Tape) { tp.GlobalAvgPool(x) }, nil
	case Add:
		xs := []*ag.Var{x}
		for len(xs) < max(l.Inputs, 2) {
			xs = append(xs, batch(l.In))
		}
		return func(tp *ag.Tape) { tp.Sum(xs...) }, nil
	case Concat:
		k := max(l.Inputs, 2)
		var xs []*ag.Var
		for i := 0; i < k; i++ {
			s := append([]int(nil), l.Out...)
			s[0] = l.Width/k + map[bool]int{true: l.Width % k, false: 0}[i == 0]
			xs = append(xs, batch(s))
		}
		return func(tp *ag.Tape) { tp.Concat(xs...) }, nil
	case Scale:
		s := ag.Const(tensor.New(1, l.In[0]).Uniform(r, 0, 1))
		return func(tp *ag.Tape) { nn.ScaleChannels(tp, x, s) }, nil
	case Attention:
		return func(tp *ag.Tape) { tp.Attention(x, l.Heads, false) }, nil
	case Zero:
		return func(tp *ag.Tape) { tp.Zeros(append([]int{1}, l.Out...)...) }, nil
	case Rearrange, PosEmbed, Dropout:
		return func(tp *ag.Tape) { tp.Scale(x, 1) }, nil // one pass over the data
	}
	return nil, fmt.Errorf("cost: cannot run %s", l.Key())
}

// Predict returns the table's time for l, or a prediction: a least-squares
// line in MACs (for layers with MACs) or in elements (the others) fitted to
// the measured layers of its group, scaled from a single one, or from all
// measured layers when its group has none. An empty table predicts from
// 1 GMAC/s and 1 G elements/s.
func (t *LatencyTable) Predict(l *Layer) float64 {
	if e, ok := t.Entries[l.Key()]; ok {
		return e.MS
	}
	x := func(macs, el int64) float64 {
		if macs > 0 {
			return float64(macs)
		}
		return float64(el)
	}
	var xs, ys, allX, allY []float64
	g := group(l)
	for _, e := range t.Entries {
		allX, allY = append(allX, x(e.MACs, e.Elems)), append(allY, e.MS)
		if e.Kind == g {
			xs, ys = append(xs, x(e.MACs, e.Elems)), append(ys, e.MS)
		}
	}
	if len(xs) == 0 {
		xs, ys = allX, allY
	}
	v := x(l.MACs, elems(l))
	switch len(xs) {
	case 0:
		return v / 1e6
	case 1:
		if xs[0] == 0 {
			return ys[0]
		}
		return ys[0] * v / xs[0]
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	if sxx == 0 {
		return my
	}
	b := sxy / sxx
	return max(my+b*(v-mx), 0)
}

// Bounds on a latency table that LoadLatencyTable reads. A device's
// table holds one entry per distinct layer configuration it timed: the
// 15,625 NAS-Bench-201 networks have a few hundred; an entry is about
// 150 bytes of JSON.
const (
	MaxLatencyTableBytes = 64 << 20 // 64 MiB
	MaxLatencyEntries    = 1 << 20
)

// LoadLatencyTable reads a table written with encoding/json. Errors name
// the entry at fault: a time that is negative or not finite, a negative
// count, or a table over MaxLatencyTableBytes or MaxLatencyEntries.
func LoadLatencyTable(data []byte) (*LatencyTable, error) {
	if len(data) > MaxLatencyTableBytes {
		return nil, fmt.Errorf("cost: latency table: %d bytes, more than %d MiB", len(data), MaxLatencyTableBytes>>20)
	}
	var t LatencyTable
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("cost: latency table: %w", err)
	}
	if len(t.Entries) > MaxLatencyEntries {
		return nil, fmt.Errorf("cost: latency table: %d entries, more than %d", len(t.Entries), MaxLatencyEntries)
	}
	for k, e := range t.Entries {
		if math.IsNaN(e.MS) || math.IsInf(e.MS, 0) || e.MS < 0 || e.MACs < 0 || e.Elems < 0 || e.MACs > MaxCount || e.Elems > MaxCount {
			return nil, fmt.Errorf("cost: latency table: entry %q: ms %v, macs %d, elems %d; want a finite time and counts from 0 to %d", limit.Clip(k), e.MS, e.MACs, e.Elems, int64(MaxCount))
		}
	}
	return &t, nil
}
