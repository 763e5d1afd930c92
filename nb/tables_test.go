package nb_test

import (
	"math"
	"strings"
	"testing"

	"nasbook/nb"
	"nasbook/viz/figure"
)

// TestOpenTable opens every shipped table natively (built into the
// program) and checks its size and a value NAS-Bench-201 publishes.
func TestOpenTable(t *testing.T) {
	s, _, _ := session()
	s.Files = nb.NativeFiles()
	rows := map[string]int{"nb201/accuracy-200ep": 15625, "nb201/accuracy-12ep": 15625, "nb201/latency": 15625, "nb201/zero-cost": 2173}
	for _, name := range nb.Tables() {
		tb := s.OpenTable(name)
		if tb.Len() != rows[name] {
			t.Errorf("%s: %d rows, want %d", name, tb.Len(), rows[name])
		}
		if s.OpenTable(name) != tb {
			t.Errorf("%s: opened twice", name)
		}
	}
	acc := s.OpenTable("nb201/accuracy-200ep").Column("cifar10_test")
	best := 0.0
	for _, v := range acc {
		best = math.Max(best, v)
	}
	// NAS-Bench-201 (Dong & Yang, ICLR 2020): the best CIFAR-10 test
	// accuracy in the space is 94.37.
	if math.Abs(best-94.37) > 0.005 {
		t.Errorf("best cifar10_test %.4f, want 94.37", best)
	}
	err := catch(func() { s.OpenTable("nb201/cifar10") })
	if err == nil || !strings.Contains(err.Error(), "nb201/accuracy-200ep") || !strings.Contains(err.Error(), "nb.OpenTable") {
		t.Errorf("an unknown table: %v", err)
	}
}

func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	f()
	return nil
}

// TestLessonRegret runs lesson 4's comparison (100 queries, 10 seeds, on
// the shipped 200-epoch table) and checks what the lesson says: random
// search is left with more regret at 100 queries than regularized
// evolution, and the figure is regret against queries on log axes with a
// band for each strategy.
func TestLessonRegret(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 40 searches")
	}
	s, _, shown := session()
	s.Files = nb.NativeFiles()
	cfg := nb.SearchConfig{Table: s.OpenTable("nb201/accuracy-200ep"), Metric: "cifar10_test", Budget: 100, Seeds: 10, Seed: 1, Quiet: true}
	rs := s.CompareSearch(cfg, "rs", "re", "reinforce", "bo")
	final := map[string]float64{}
	for _, r := range rs {
		if math.Abs(r.Optimum-94.37) > 0.005 {
			t.Errorf("%s: optimum %v, want 94.37", r.Strategy, r.Optimum)
		}
		m, _, _ := r.Regret()
		final[r.Strategy] = m[len(m)-1]
		t.Logf("%s: mean regret at 100 queries %.3f", r.Strategy, m[len(m)-1])
	}
	if final["rs"] <= final["re"] {
		t.Errorf("mean regret at 100 queries: rs %.3f, re %.3f; want random search behind evolution", final["rs"], final["re"])
	}
	spec := (*shown)[len(*shown)-1][figure.MIMEType].(*figure.Spec)
	if !spec.LogX || !spec.LogY || len(spec.Series) != 4 || !strings.Contains(spec.Title, "regret") {
		t.Errorf("figure %q: log x %v, log y %v, %d series", spec.Title, spec.LogX, spec.LogY, len(spec.Series))
	}
	for _, se := range spec.Series {
		if se.Lower == nil {
			t.Errorf("%s: no band", se.Name)
		}
	}
}
