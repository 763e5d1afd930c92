package nb201

import (
	"encoding/csv"
	"nasbook/internal/shared"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"nasbook/space/spec"
)

// sharedData returns ../shared/data/<name>, or skips the test.
func sharedData(t *testing.T, name string) string { return shared.Dir(t, name) }

// The parameter and FLOP counts of zero-cost-naslib.csv (columns "params"
// and "flops", in millions) for every row: the NAS-Bench-201 network (C=16,
// N=5) with CIFAR-10's 32×32 input and 10 classes, CIFAR-100's 100 classes
// and ImageNet16-120's 16×16 input and 120 classes. The file prints six
// significant digits; our counts, rounded the same way, must equal them.
// FLOPs follow NASLib's counter (cost.Net.NASLibFLOPs).
func TestPublishedCosts(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedData(t, "nb201"), "zero-cost-naslib.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	macros := map[string]Macro{"cifar10": {}, "cifar100": {Classes: 100}, "imagenet16_120": {Classes: 120, Size: 16}}
	n, seen := 0, map[string]int{}
	for _, row := range rows[1:] {
		m, ok := macros[row[col["dataset"]]]
		if !ok {
			t.Fatalf("unknown dataset %q", row[col["dataset"]])
		}
		seen[row[col["dataset"]]]++
		a, err := Parse(row[col["arch"]])
		if err != nil {
			t.Fatal(err)
		}
		wantF, _ := strconv.ParseFloat(row[col["flops"]], 64)
		wantP, _ := strconv.ParseFloat(row[col["params"]], 64)
		net, err := spec.Lower(a.Spec(m))
		if err != nil {
			t.Fatal(err)
		}
		r := net.Count(1)
		gotP, gotF := float64(r.Params)/1e6, float64(net.NASLibFLOPs())/1e6
		if !shared.SixDigits(gotP, wantP) || !shared.SixDigits(gotF, wantF) {
			t.Errorf("%s %s: params %.6gM flops %.6gM, the table %gM %gM", row[col["dataset"]], a, gotP, gotF, wantP, wantF)
			if n++; n > 5 {
				t.FailNow()
			}
		}
	}
	for d := range macros {
		if seen[d] < 700 {
			t.Errorf("%d %s rows, want all 724", seen[d], d)
		}
	}
}
