package cost

import (
	"encoding/json"
	"fmt"
	"math"

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
}

// A Timer times one layer's forward pass at batch 1 on this device and
// returns milliseconds. Package engine/timing runs layers on the engine's
// kernels; this package only keeps and predicts times, so that it imports
// nothing of the autograd.
type Timer interface {
	Time(l *Layer) (float64, error)
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
// after timing those it does not with timer when timer is not nil, and the
// predictor's otherwise.
func (t *LatencyTable) Latency(n *Net, timer Timer) float64 {
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
		if timer != nil {
			if v, err := t.Measure(l, timer); err == nil {
				ms += v
				continue
			}
		}
		ms += t.Predict(l)
	}
	return ms
}

// Measure times the layer's forward pass with timer, stores the time in
// the table and returns it. It returns the timer's error for layers the
// engine cannot run (pooling windows that are not square).
func (t *LatencyTable) Measure(l *Layer, timer Timer) (float64, error) {
	ms, err := timer.Time(l)
	if err != nil {
		return 0, err
	}
	if t.Entries == nil {
		t.Entries = map[string]Entry{}
	}
	t.Entries[l.Key()] = Entry{MS: ms, Kind: group(l), MACs: l.MACs, Elems: elems(l)}
	return ms, nil
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
