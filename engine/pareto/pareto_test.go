package pareto_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"nasbook/engine/pareto"
)

func TestHelpers(t *testing.T) {
	fs := [][]float64{{1, 5}, {2, 4}, {2, 4}, {1, 1}, {3, 1}, {0, 6}, {2, 2}}
	got := fmt.Sprint(pareto.NonDominatedSort(fs))
	if want := "[[0 1 2 4 5] [6] [3]]"; got != want {
		t.Errorf("NonDominatedSort = %s, want %s", got, want)
	}
	// Front 0 sorted by the first objective: 5 (0,6), 0 (1,5), 1 and 2 (2,4), 4 (3,1).
	// Ranges 3 and 5; point 0: (2-0)/3 + (6-4)/5 = 1.0667.
	d := pareto.Crowding(fs, []int{0, 1, 2, 4, 5})
	if !math.IsInf(d[3], 1) || !math.IsInf(d[4], 1) || math.Abs(d[0]-(2.0/3+2.0/5)) > 1e-12 {
		t.Errorf("Crowding = %v", d)
	}
	// Boxes from (0,0): (3,1) area 3, (2,4) adds 2*3, (1,5) adds 1, (0,6) adds 0.
	if hv := pareto.Hypervolume2D(fs, []float64{0, 0}); hv != 10 {
		t.Errorf("Hypervolume2D = %v, want 10", hv)
	}
}

// Front is the first front of the quadratic sort, and every point that no
// other dominates, on random points with many ties and duplicates.
func TestFront(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		ps := make([][]float64, r.IntN(200))
		for i := range ps {
			ps[i] = []float64{float64(r.IntN(20)), float64(r.IntN(20)), float64(r.IntN(5))}[:2+trial%2]
		}
		var want []int
		for i := range ps {
			dominated := false
			for j := range ps {
				dominated = dominated || pareto.Dominates(ps[j], ps[i])
			}
			if !dominated {
				want = append(want, i)
			}
		}
		got := pareto.Front(ps)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Front = %v, want %v", got, want)
		}
		if len(ps) > 0 && !reflect.DeepEqual(got, pareto.NonDominatedSort(ps)[0]) {
			t.Fatalf("Front = %v, NonDominatedSort's first front %v", got, pareto.NonDominatedSort(ps)[0])
		}
	}
	if f := pareto.Front(nil); len(f) != 0 {
		t.Errorf("Front(nil) = %v", f)
	}
}

func TestDominates(t *testing.T) {
	for _, c := range []struct {
		a, b []float64
		want bool
	}{
		{[]float64{2, 2}, []float64{1, 2}, true},
		{[]float64{2, 2}, []float64{2, 2}, false}, // equal points do not dominate each other
		{[]float64{3, 1}, []float64{1, 3}, false},
		{[]float64{1, 2}, []float64{2, 2}, false},
	} {
		if got := pareto.Dominates(c.a, c.b); got != c.want {
			t.Errorf("Dominates(%v, %v) = %v", c.a, c.b, got)
		}
	}
}
