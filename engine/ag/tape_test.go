package ag

import (
	"fmt"
	"math"
	"testing"

	"nasbook/engine/tensor"
)

func TestBatchNormRunningStats(t *testing.T) {
	// One channel, values 1,2,3,4: batch mean 2.5, biased var 1.25, unbiased
	// var 5/3. With momentum 0.1 from (0, 1): mean 0.25, var 0.9+0.1·5/3.
	tp := NewTape(nil)
	tp.Train = true
	run := NewRunningStats(1)
	x := Const(tensor.FromData([]float32{1, 2, 3, 4}, 4, 1))
	y := tp.BatchNorm(x, nil, nil, run, 0)
	if d := math.Abs(float64(run.Mean[0]) - 0.25); d > 1e-6 {
		t.Errorf("running mean %v, want 0.25", run.Mean[0])
	}
	if d := math.Abs(float64(run.Var[0]) - (0.9 + 0.1*5.0/3)); d > 1e-6 {
		t.Errorf("running var %v, want %v", run.Var[0], 0.9+0.1*5.0/3)
	}
	want := (1 - 2.5) / math.Sqrt(1.25+1e-5)
	if d := math.Abs(float64(y.Value.Data[0]) - want); d > 1e-6 {
		t.Errorf("y[0] = %v, want %v", y.Value.Data[0], want)
	}
}

func TestParamsFlatViews(t *testing.T) {
	var ps Params
	w := ps.Add("w", 2, 3)
	var bs []*Var
	for i := 0; i < 300; i++ { // force the flat buffers to grow
		bs = append(bs, ps.Add(fmt.Sprint("b", i), 4))
	}
	if ps.Len() != 6+1200 {
		t.Fatalf("Len = %d", ps.Len())
	}
	w.Value.Set(7, 1, 2)
	w.Grad.Data[0] = 3
	bs[299].Value.Data[3] = 9
	if ps.Data[5] != 7 || ps.Grad[0] != 3 || ps.Data[len(ps.Data)-1] != 9 {
		t.Fatal("parameter views do not alias the flat buffers after growth")
	}
	if v, ok := ps.Lookup("b7"); !ok || v != bs[7] {
		t.Fatal("Lookup")
	}
	ps.ZeroGrad()
	if w.Grad.Data[0] != 0 {
		t.Fatal("ZeroGrad")
	}
}

func TestTapeReuseAndAccumulate(t *testing.T) {
	var ps Params
	w := ps.Add("w", 1, 2)
	copy(w.Value.Data, []float32{1, -2})
	x := Const(tensor.FromData([]float32{3, 4}, 1, 2))
	tp := NewTape(nil)
	for step := 0; step < 2; step++ {
		tp.Reset()
		y := tp.Linear(x, w, nil) // y = 3·1 + 4·(−2) = −5, shape [1 1]
		tp.Backward(tp.Reshape(tp.Add(y, y)))
	}
	// Two steps without ZeroGrad accumulate: d(2y)/dw = 2x, twice = 4x.
	if fmt.Sprint(w.Grad.Data) != "[12 16]" {
		t.Fatalf("grad %v, want [12 16]", w.Grad.Data)
	}
	if len(tp.free) == 0 {
		t.Fatal("tape did not recycle buffers")
	}
}
