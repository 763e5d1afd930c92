package tabular_test

import (
	"slices"
	"strings"
	"testing"

	"nasbook/engine/search/tabular"
	"nasbook/space/nb201"
)

// Fidelities looks each budget up in its own table, costs nothing in
// seconds, and refuses levels that do not make one benchmark.
func TestFidelities(t *testing.T) {
	low := read(t, "low.csv", "index,arch,cifar10_valid\n0,"+a0+",60.5\n1,"+a1+",80.25\n")
	full := read(t, "full.csv", accCSV)
	f, err := tabular.NewFidelities(nb201.Space{}, false,
		tabular.Level{Epochs: 200, Table: full, Column: "cifar10_test"},
		tabular.Level{Epochs: 12, Table: low, Column: "cifar10_valid"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Epochs(), []int{12, 200}) || f.Objectives()[0].Name != "cifar10_test" {
		t.Fatalf("epochs %v, objectives %v", f.Epochs(), f.Objectives())
	}
	a, _ := nb201.Space{}.Parse(a1)
	for _, c := range []struct {
		epochs int
		want   float64
	}{{12, 80.25}, {200, 93.66}} {
		sc, err := f.EstimateAt(a, c.epochs)
		if err != nil || sc.Values[0] != c.want || sc.Seconds != 0 {
			t.Errorf("at %d epochs: %v, %v; want %v", c.epochs, sc, err, c.want)
		}
	}
	if sc, _ := f.Estimate(a); sc.Values[0] != 93.66 {
		t.Errorf("Estimate is %v, not the full budget's", sc.Values)
	}
	if _, err := f.EstimateAt(a, 50); err == nil || !strings.Contains(err.Error(), "no table at 50 epochs (there are [12 200])") {
		t.Errorf("at 50 epochs: %v", err)
	}
	short := read(t, "short.csv", "index,arch,cifar10_valid\n0,"+a0+",60.5\n")
	for _, c := range []struct {
		levels []tabular.Level
		want   string
	}{
		{[]tabular.Level{{Epochs: 12, Table: short, Column: "cifar10_valid"}, {Epochs: 200, Table: full, Column: "cifar10_test"}},
			"short.csv, at 12 epochs, has no row for " + a1},
		{[]tabular.Level{{Epochs: 12, Table: low, Column: "cifar10_valid"}, {Epochs: 12, Table: full, Column: "cifar10_test"}}, "are both at 12 epochs"},
		{[]tabular.Level{{Epochs: 0, Table: low, Column: "cifar10_valid"}}, "a budget of 0 epochs"},
		{[]tabular.Level{{Epochs: 12, Table: low, Column: "acc"}}, `no column "acc"`},
		{nil, "no levels"},
	} {
		if _, err := tabular.NewFidelities(nb201.Space{}, false, c.levels...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
}
