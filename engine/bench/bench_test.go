package bench

import (
	"fmt"
	"testing"

	"nasbook/engine/compute"
)

func TestWorkloadShapes(t *testing.T) {
	// Parameter counts from WORKLOADS.md: W1 20,490, W2 1,034.
	if n := NewW1(nil, 1).Params().Len(); n != 20490 {
		t.Errorf("W1 has %d parameters, want 20490", n)
	}
	if n := NewW2(nil, 1).Params().Len(); n != 1034 {
		t.Errorf("W2 has %d parameters, want 1034", n)
	}
	if e := NewW3(nil, 1).Check(); !(e < 1e-4) {
		t.Errorf("W3 relative error %g", e)
	}
}

func TestTrainingDecreasesLoss(t *testing.T) {
	for _, tr := range []*Trainer{NewW1(compute.Go(), 2), NewW2(compute.Go(), 2)} {
		first := tr.Step()
		var last float32
		for i := 0; i < 10; i++ {
			last = tr.Step()
		}
		if !(last < first) {
			t.Errorf("loss went from %v to %v on a fixed batch", first, last)
		}
	}
}

func TestRunProtocol(t *testing.T) {
	p := Protocol{Reps: 1, Steps: 1, WarmupSteps: 1, GemmRepSeconds: 0.01}
	for _, run := range []func(*compute.Set, Protocol) (Result, error){RunW2, RunW3} {
		res, err := run(nil, p)
		if err != nil || !(res.Value > 0) || len(res.Reps) != 1 {
			t.Fatalf("%v: %v", res, err)
		}
	}
	env := map[string]string{"REPS": "3", "STEPS": "x", "GEMM_REP_SECONDS": "0.5"}
	q := Protocol{}.FromEnv(func(k string) string { return env[k] })
	if q.Reps != 3 || q.Steps != 0 || q.GemmRepSeconds != 0.5 {
		t.Fatalf("FromEnv: %+v", q)
	}
}

func ExampleResult() {
	fmt.Println("nasbook-native", Result{Workload: "W1", Metric: "images/s", Value: 1234.4})
	// Output: nasbook-native W1 images/s=1234
}

func benchTraining(b *testing.B, tr *Trainer) {
	tr.Step()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Step()
	}
	b.ReportMetric(float64(Batch*b.N)/b.Elapsed().Seconds(), "images/s")
}

func BenchmarkW1(b *testing.B) { benchTraining(b, NewW1(nil, 1)) }

func BenchmarkW2(b *testing.B) { benchTraining(b, NewW2(nil, 1)) }

func BenchmarkW3(b *testing.B) {
	w := NewW3(nil, 1)
	w.Call()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Call()
	}
	b.ReportMetric(FLOP*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
