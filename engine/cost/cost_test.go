package cost

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestInfer(t *testing.T) {
	for _, c := range []struct {
		l            Layer
		out          string
		params, macs int64
	}{
		// 3×3 conv 16→32, stride 2, padding 1 on 32×32: 16·32·9 weights, 16·16 outputs of 16·9·32 MACs.
		{Layer{Kind: Conv, In: []int{16, 32, 32}, Width: 32, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}, "[32 16 16]", 4608, 16 * 16 * 32 * 144},
		// Depthwise 5×5, dilation 2, padding 4: C·25 weights.
		{Layer{Kind: Conv, In: []int{8, 10, 10}, Width: 8, KH: 5, KW: 5, PH: 4, PW: 4, Dilation: 2, Groups: 8}, "[8 10 10]", 200, 100 * 8 * 25},
		{Layer{Kind: Linear, In: []int{5, 6}, Width: 4, Bias: true}, "[5 4]", 28, 120},
		{Layer{Kind: Attention, In: []int{10, 24}, Heads: 2}, "[10 8]", 0, 2 * 10 * 10 * 8},
		{Layer{Kind: Zero, In: []int{4, 7, 7}, Width: 8, SH: 2, SW: 2}, "[8 4 4]", 0, 0},
		{Layer{Kind: BatchNorm, In: []int{4, 7, 7}, Affine: true}, "[4 7 7]", 8, 0},
	} {
		if err := c.l.Infer(); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(c.l.Out) != c.out || c.l.Params != c.params || c.l.MACs != c.macs {
			t.Errorf("%s: out %v params %d MACs %d; want %s %d %d", c.l.Key(), c.l.Out, c.l.Params, c.l.MACs, c.out, c.params, c.macs)
		}
	}
	bad := Layer{Kind: Conv, Name: "c", In: []int{3, 2, 2}, Width: 4, KH: 5, KW: 5}
	if err := bad.Infer(); err == nil || !strings.Contains(err.Error(), "conv c on input [3 2 2]: a 5x5 window leaves no output") {
		t.Errorf("error %v", err)
	}
}

func smallNet(t *testing.T) *Net {
	n := &Net{Input: []int{3, 8, 8}}
	x := n.Input
	for _, l := range []Layer{
		{Kind: Conv, In: x, Width: 8, KH: 3, KW: 3, PH: 1, PW: 1},
		{Kind: BatchNorm, Affine: true}, {Kind: Act, Act: ReLU},
		{Kind: MaxPool, KH: 2, KW: 2, SH: 2, SW: 2},
		{Kind: GlobalPool}, {Kind: Linear, Width: 10, Bias: true},
		{Kind: Linear, Width: 10, Aux: true},
	} {
		l.In = x
		var err error
		if x, err = n.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func TestCount(t *testing.T) {
	r := smallNet(t).Count(4)
	// conv 216 + bn 16 + linear 90 = 322; aux linear 100.
	if r.Params != 322 || r.AuxParams != 100 || r.MACs != 64*8*27+80 || r.FLOPs != 2*r.MACs {
		t.Errorf("%+v", r)
	}
	acts := int64(4 * (512 + 512 + 512 + 128 + 8 + 10 + 10))
	if r.ActivationBytes != acts || r.PeakTrainBytes != 12*422+4*2*acts {
		t.Errorf("memory %+v, want activations %d", r, acts)
	}
}

// macsTimer times a layer as one millisecond per thousand MACs plus one
// per thousand elements, and fails on pools, as the engine fails on pools
// that are not square.
type macsTimer struct{ calls int }

func (m *macsTimer) Time(l *Layer) (float64, error) {
	m.calls++
	if l.Kind == MaxPool && l.KH != l.KW {
		return 0, fmt.Errorf("cannot run %s", l.Key())
	}
	return float64(l.MACs)/1000 + float64(numel(l.In)+numel(l.Out))/1000, nil
}

func TestLatency(t *testing.T) {
	n := smallNet(t)
	var tab LatencyTable
	timer := &macsTimer{}
	ms := tab.Latency(n, timer)
	if ms <= 0 || len(tab.Entries) != 6 || timer.calls != 6 {
		t.Fatalf("latency %g ms, %d entries, %d timed", ms, len(tab.Entries), timer.calls)
	}
	if again := tab.Latency(n, timer); again != ms || timer.calls != 6 {
		t.Errorf("cached latency %g, first %g; %d timed", again, ms, timer.calls)
	}
	if again := tab.Latency(n, nil); again != ms {
		t.Errorf("latency without a timer %g, first %g", again, ms)
	}
	// An unmeasured, larger convolution is predicted from the measured one.
	big := Layer{Kind: Conv, In: []int{3, 16, 16}, Width: 8, KH: 3, KW: 3, PH: 1, PW: 1}
	if err := big.Infer(); err != nil {
		t.Fatal(err)
	}
	small := tab.Entries[n.Layers[0].Key()].MS
	if p := tab.Predict(&big); p < 3*small || p > 5*small {
		t.Errorf("predicted %g ms for 4x the MACs of a %g ms layer", p, small)
	}
	// A layer the timer cannot run is predicted, not stored.
	pool := Layer{Kind: MaxPool, In: []int{4, 8, 8}, KH: 1, KW: 3, SH: 1, SW: 1}
	if err := pool.Infer(); err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Measure(&pool, timer); err == nil {
		t.Errorf("a 1x3 max pool was timed")
	}
	if _, ok := tab.Entries[pool.Key()]; ok {
		t.Errorf("a failed timing was stored")
	}
	b, _ := json.Marshal(&tab)
	back, err := LoadLatencyTable(b)
	if err != nil || back.Latency(n, nil) != ms {
		t.Errorf("reloaded table: %v", err)
	}
}

// Counts that do not fit are errors naming the layer, never wrapped
// figures; the bounds of Add hold a network's totals.
func TestOverflowIsAnError(t *testing.T) {
	for _, c := range []struct {
		l    Layer
		want string
	}{
		{Layer{Kind: Conv, Name: "c", In: []int{1 << 20, 64, 64}, Width: 1 << 20, KH: 3, KW: 3, PH: 1, PW: 1},
			"cost: conv c on input [1048576 64 64]: more than 70368744177664 parameters or multiply-accumulates"},
		{Layer{Kind: Linear, Name: "l", In: []int{1 << 24, 1 << 24}, Width: 4},
			"more than 70368744177664 input elements"},
		{Layer{Kind: Conv, Name: "k", In: []int{3, 8, 8}, Width: 4, KH: 1 << 30, KW: 3},
			"kernel height 1073741824 outside [0, 16777216]"},
		{Layer{Kind: Attention, Name: "a", In: []int{1 << 24, 3 << 10}, Heads: 1},
			"more than 70368744177664 multiply-accumulates"},
		{Layer{Kind: MaxPool, Name: "p", In: []int{1 << 10, 1 << 12, 1 << 12}, KH: 1 << 12, KW: 1 << 12, SH: 1, SW: 1, PH: 1 << 11, PW: 1 << 11},
			"more than 70368744177664 window elements"},
	} {
		if err := c.l.Infer(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.l.Name, err, c.want)
		}
	}
	var n Net
	l := Layer{Kind: Linear, Name: "fc", In: []int{1 << 23}, Width: 1 << 22}
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		_, err = n.Add(l)
	}
	if err == nil || !strings.Contains(err.Error(), "cost: linear fc: the network passes 70368744177664 parameters") || len(n.Layers) != 2 {
		t.Errorf("%d layers, %v", len(n.Layers), err)
	}
	var deep Net
	for i := 0; i <= MaxLayers; i++ {
		if _, err = deep.Add(Layer{Kind: Act, In: []int{1}}); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "more than 262144 layers") {
		t.Errorf("deep: %v", err)
	}
}

func FuzzInfer(f *testing.F) {
	f.Add(uint8(Conv), 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0)
	f.Add(uint8(Linear), 1<<24, 1, 1, 1<<24, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	f.Add(uint8(MaxPool), 8, 7, 7, 0, 3, 3, 2, 2, 1, 1, 0, 0, 0)
	f.Add(uint8(Attention), 16, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4)
	f.Add(uint8(Conv), 1<<20, 1<<12, 1<<12, 1<<20, 1<<12, 1<<12, 1, 1, 1<<11, 1<<11, 1<<10, 1<<20, 0)
	f.Fuzz(func(t *testing.T, kind uint8, c, h, w, width, kh, kw, sh, sw, ph, pw, dil, groups, heads int) {
		in := []int{c, h, w}
		if w == 0 {
			in = in[:2]
		}
		l := Layer{Kind: Kind(kind % uint8(NumKinds)), In: in, Inputs: 2, Width: width, KH: kh, KW: kw, SH: sh, SW: sw,
			PH: ph, PW: pw, Dilation: dil, Groups: groups, Heads: heads, Bias: true, Affine: true}
		if l.Kind == Rearrange {
			l.Out = []int{h, c, w}
		}
		var n Net
		if _, err := n.Add(l); err != nil {
			return
		}
		l = n.Layers[0]
		if l.Params < 0 || l.MACs < 0 || l.Params > MaxCount || l.MACs > MaxCount {
			t.Fatalf("%s: params %d, MACs %d", l.Key(), l.Params, l.MACs)
		}
		for _, d := range l.Out {
			if d <= 0 {
				t.Fatalf("%s: output %v", l.Key(), l.Out)
			}
		}
		r := n.Count(MaxBatch)
		if r.PeakTrainBytes < 0 || r.FLOPs < 0 || n.NASLibFLOPs() < 0 {
			t.Fatalf("%s: %+v", l.Key(), r)
		}
	})
}

func FuzzLoadLatencyTable(f *testing.F) {
	f.Add([]byte(`{"device":"d","entries":{"conv in=[3 8 8] w=4 k=3x3 s=1x1 p=1x1":{"ms":0.5,"kind":"conv","macs":6912,"elems":448}}}`))
	f.Add([]byte(`{"entries":{"a":{"ms":-1}}}`))
	f.Add([]byte(`{"entries":{"a":{"ms":1e308,"kind":"act:relu","elems":9223372036854775807}}}`))
	f.Add([]byte(`{"entries":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := LoadLatencyTable(b)
		if err != nil {
			return
		}
		// What encoding/json writes loads back the same.
		out, err := json.Marshal(tab)
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadLatencyTable(out)
		if err != nil || len(back.Entries) != len(tab.Entries) {
			t.Fatalf("round trip: %v", err)
		}
		for k, e := range tab.Entries {
			if back.Entries[k] != e {
				t.Fatalf("entry %q: %+v, reloaded %+v", k, e, back.Entries[k])
			}
		}
		l := Layer{Kind: Conv, In: []int{3, 8, 8}, Width: 4, KH: 3, KW: 3, PH: 1, PW: 1}
		if err := l.Infer(); err != nil {
			t.Fatal(err)
		}
		if ms := tab.Predict(&l); ms < 0 || ms != ms {
			t.Fatalf("predicted %v ms", ms)
		}
	})
}
