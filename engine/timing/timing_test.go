package timing

import (
	"testing"
	"time"

	"nasbook/engine/cost"
)

func layer(t *testing.T, l cost.Layer) *cost.Layer {
	t.Helper()
	if err := l.Infer(); err != nil {
		t.Fatal(err)
	}
	return &l
}

func TestForward(t *testing.T) {
	f := Forward{Repeats: 3}
	// Every kind the cost model has runs, with a positive time.
	for _, l := range []*cost.Layer{
		layer(t, cost.Layer{Kind: cost.Conv, In: []int{3, 8, 8}, Width: 8, KH: 3, KW: 3, PH: 1, PW: 1}),
		// A 1×7 convolution strided across: half of conv_7x1_1x7.
		layer(t, cost.Layer{Kind: cost.Conv, In: []int{4, 8, 8}, Width: 4, KH: 1, KW: 7, SW: 2, PW: 3}),
		layer(t, cost.Layer{Kind: cost.Linear, In: []int{5, 6}, Width: 4, Bias: true}),
		layer(t, cost.Layer{Kind: cost.BatchNorm, In: []int{4, 8, 8}, Affine: true}),
		layer(t, cost.Layer{Kind: cost.LayerNorm, In: []int{5, 6}, Affine: true}),
		layer(t, cost.Layer{Kind: cost.Act, Act: cost.HSwish, In: []int{4, 8, 8}}),
		layer(t, cost.Layer{Kind: cost.AvgPool, In: []int{4, 8, 8}, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}),
		layer(t, cost.Layer{Kind: cost.GlobalPool, In: []int{4, 8, 8}}),
		layer(t, cost.Layer{Kind: cost.Add, In: []int{4, 8, 8}, Inputs: 3}),
		layer(t, cost.Layer{Kind: cost.Attention, In: []int{10, 24}, Heads: 2}),
	} {
		ms, err := f.Time(l)
		if err != nil || ms < 0 {
			t.Errorf("%s: %g ms, %v", l.Key(), ms, err)
		}
	}
	pool := layer(t, cost.Layer{Kind: cost.MaxPool, In: []int{4, 8, 8}, KH: 1, KW: 3, SH: 1, SW: 1})
	if _, err := f.Time(pool); err == nil {
		t.Errorf("a 1x3 max pool was timed")
	}
}

// TestForwardOnACoarseClock: on a clock that moves in steps of 0.1 ms, as a
// browser's does in a page that is not cross-origin isolated, a layer that
// takes well under a step gets about the time the fine clock gives it, and
// a larger layer a larger time (timed one run at a time, both read 0 or
// 0.1 ms).
func TestForwardOnACoarseClock(t *testing.T) {
	small := layer(t, cost.Layer{Kind: cost.Act, Act: cost.ReLU, In: []int{4, 8, 8}})
	large := layer(t, cost.Layer{Kind: cost.Conv, In: []int{16, 16, 16}, Width: 16, KH: 3, KW: 3, PH: 1, PW: 1})
	times := func() (s, l float64) {
		t.Helper()
		var err1, err2 error
		s, err1 = Forward{}.Time(small)
		l, err2 = Forward{}.Time(large)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return s, l
	}
	fineSmall, fineLarge := times()
	now = func() time.Time { return time.Now().Truncate(100 * time.Microsecond) }
	defer func() { now = time.Now }()
	coarseSmall, coarseLarge := times()
	t.Logf("fine clock: %.5f and %.5f ms; coarse: %.5f and %.5f ms", fineSmall, fineLarge, coarseSmall, coarseLarge)
	if !(coarseSmall > fineSmall/4 && coarseSmall < fineSmall*4) {
		t.Errorf("on the coarse clock the small layer takes %g ms, on the fine one %g ms", coarseSmall, fineSmall)
	}
	if !(coarseSmall < coarseLarge) {
		t.Errorf("on the coarse clock the small layer takes %g ms, the large one %g ms", coarseSmall, coarseLarge)
	}
}

// A table timed by Forward holds the times it measured.
func TestTable(t *testing.T) {
	var tab cost.LatencyTable
	l := layer(t, cost.Layer{Kind: cost.Conv, In: []int{3, 8, 8}, Width: 8, KH: 3, KW: 3, PH: 1, PW: 1})
	n := &cost.Net{Input: l.In, Layers: []cost.Layer{*l}}
	ms := tab.Latency(n, Forward{Repeats: 3})
	if e, ok := tab.Entries[l.Key()]; !ok || e.MS != ms || e.MACs != l.MACs {
		t.Errorf("latency %g ms, entry %+v", ms, e)
	}
}
