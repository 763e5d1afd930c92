package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"nasbook/internal/shared"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nb201Dir is ../shared/data/nb201 beside the repository.
func nb201Dir(t *testing.T) string { return shared.Dir(t, "nb201") }

func TestSearchJSON(t *testing.T) {
	d := nb201Dir(t)
	var out bytes.Buffer
	err := runSearch([]string{"-space", "nb201", "-table", filepath.Join(d, "accuracy-200ep.csv"), "-table", filepath.Join(d, "latency-help-ms.csv"),
		"-objectives", "cifar10_test,raspi4", "-minimize", "raspi4", "-strategy", "nsga2", "-budget", "200", "-seeds", "2", "-json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Mean, Std *float64
		Runs      []struct {
			Seed  int64
			Arch  string
			Value *float64
		}
		Front []map[string]any
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Mean == nil || r.Std == nil || len(r.Runs) != 2 || r.Runs[1].Seed != 2 || r.Runs[0].Value == nil || !strings.HasPrefix(r.Runs[0].Arch, "|") || len(r.Front) == 0 {
		t.Fatalf("output lacks a field:\n%s", out.Bytes())
	}
	for _, m := range r.Front {
		if _, ok := m["cifar10_test"].(float64); !ok {
			t.Fatalf("front member without cifar10_test: %v", m)
		}
		if _, ok := m["raspi4"].(float64); !ok {
			t.Fatalf("front member without raspi4: %v", m)
		}
	}
}

func TestSearchTable(t *testing.T) {
	d := nb201Dir(t)
	var out bytes.Buffer
	err := runSearch([]string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "rs", "-budget", "20", "-seeds", "3"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "best cifar10_test: mean") || strings.Count(out.String(), "|nor_conv") < 1 {
		t.Errorf("output:\n%s", out.String())
	}
	err = runSearch([]string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "nsga2"}, &out)
	if err == nil || !strings.Contains(err.Error(), "two or more") {
		t.Errorf("nsga2 with one objective: %v", err)
	}
}

// -proxy searches by a zero-cost proxy; with a table and -metric each run's
// best architecture is also looked up in the table, as the benchmark judges it.
func TestSearchByProxy(t *testing.T) {
	d := nb201Dir(t)
	var out bytes.Buffer
	err := runSearch([]string{"-proxy", "synflow", "-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test",
		"-strategy", "rs", "-budget", "6", "-seeds", "2", "-json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Objectives []struct{ Name string }
		Metric     string
		MetricMean *float64 `json:"metric_mean"`
		Runs       []struct {
			Arch        string
			Value       float64
			MetricValue *float64 `json:"metric_value"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Objectives) != 1 || r.Objectives[0].Name != "synflow" || r.Metric != "cifar10_test" || r.MetricMean == nil || len(r.Runs) != 2 {
		t.Fatalf("output:\n%s", out.Bytes())
	}
	for _, run := range r.Runs {
		if run.MetricValue == nil || *run.MetricValue < 10 || *run.MetricValue > 95 || run.Value <= 0 || !strings.HasPrefix(run.Arch, "|") {
			t.Errorf("run %+v", run)
		}
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"-proxy", "synflow", "-objectives", "a,b"}, "-proxy is the one objective"},
		{[]string{"-proxy", "synflow", "-table", filepath.Join(d, "accuracy-200ep.csv")}, "needs -metric"},
		{[]string{"-proxy", "zen"}, `proxy "zen"`},
		{[]string{"-strategy", "re"}, "no -table or -proxy"},
	} {
		if err := runSearch(bad.args, &out); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want %q", bad.args, err, bad.want)
		}
	}
}

// -strategy hyperband and bohb search NAS-Bench-201 with the 12-epoch table
// as the low fidelity, at a budget of epochs; they need that table.
func TestSearchHyperbandAndBOHB(t *testing.T) {
	d := nb201Dir(t)
	base := []string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test",
		"-low-table", filepath.Join(d, "accuracy-12ep.csv"), "-low-metric", "cifar10_valid", "-epoch-budget", "4000", "-seeds", "2", "-q"}
	for _, st := range []string{"hyperband", "bohb", "rs"} {
		var out bytes.Buffer
		if err := runSearch(append([]string{"-strategy", st, "-json"}, base...), &out); err != nil {
			t.Fatal(err)
		}
		var r struct {
			EpochBudget int `json:"epoch_budget"`
			Runs        []struct {
				Value       float64
				Evaluations int
				Epochs      int
			}
		}
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.EpochBudget != 4000 || len(r.Runs) != 2 {
			t.Fatalf("%s: %s", st, out.Bytes())
		}
		for _, run := range r.Runs {
			if run.Epochs < 4000 || run.Epochs >= 4200 || run.Value < 80 {
				t.Errorf("%s: a run of %d epochs, best %v", st, run.Epochs, run.Value)
			}
			if st == "rs" && run.Evaluations != 20 {
				t.Errorf("rs: %d evaluations of 200 epochs in 4000", run.Evaluations)
			}
			if st != "rs" && run.Evaluations <= 20 {
				t.Errorf("%s: %d evaluations in 4000 epochs, none at 12", st, run.Evaluations)
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-strategy", "bohb", "-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test"}, "give -low-table and -low-metric"},
		{append([]string{"-strategy", "bohb", "-low-epochs", "300"}, base...), "-low-epochs 300 is not less than -table-epochs 200"},
		{append(append([]string{"-strategy", "bohb"}, base...), "-low-metric", "cifar10_tset"), `no column "cifar10_tset"`},
	} {
		if err := runSearch(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// -train scores by training: one tiny Hyperband bracket on shapes, and
// the errors of its flags.
func TestSearchByTraining(t *testing.T) {
	var out, one bytes.Buffer
	args := []string{"-strategy", "hyperband", "-train", "shapes", "-train-epochs", "1,2", "-epoch-budget", "3", "-train-images", "60", "-q", "-json"}
	if err := runSearch(args, &out); err != nil {
		t.Fatal(err)
	}
	if err := runSearch(append(args, "-workers", "1"), &one); err != nil {
		t.Fatal(err)
	}
	if one.String() != out.String() {
		t.Errorf("-workers 1:\n%s\none per CPU:\n%s", one.Bytes(), out.Bytes())
	}
	var r struct {
		Objectives []struct{ Name string }
		Runs       []struct {
			Value       float64
			Evaluations int
			Epochs      int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// Eta 2 (2/1): 2 architectures at 1 epoch, then the better at 2.
	if len(r.Runs) != 1 || r.Objectives[0].Name != "val_acc" || r.Runs[0].Evaluations != 3 || r.Runs[0].Epochs != 4 || r.Runs[0].Value <= 0 {
		t.Errorf("output:\n%s", out.Bytes())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-train", "mnist14"}, "-train mnist14: its 14x14 images do not fit"},
		{[]string{"-train", "shapes", "-train-epochs", "3,1"}, "-train-epochs 3,1: want ascending"},
		{[]string{"-train", "cifar"}, `-train: dataset "cifar": want one of shapes`},
		{[]string{"-train", "shapes", "-proxy", "synflow"}, "-train scores by training"},
		{[]string{"-train", "shapes", "-workers", "-1"}, "-workers"},
	} {
		if err := runSearch(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// writeIDX writes an IDX file of unsigned bytes, gzip-compressed.
func writeIDX(t *testing.T, name string, dims []int, v []byte) {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(z, binary.BigEndian, uint32(d))
	}
	z.Write(v)
	z.Close()
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// -train and -data read a user's own dataset: two IDX files, or a CSV.
func TestSearchOnOwnData(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	pix, labels := make([]byte, n*64), make([]byte, n)
	for i := range n {
		labels[i] = byte(i % 3)
		for j := range 64 {
			pix[i*64+j] = byte((int(labels[i])*80 + 7*j + i) % 256)
		}
	}
	images, lab := filepath.Join(dir, "images.idx.gz"), filepath.Join(dir, "labels.idx.gz")
	writeIDX(t, images, []int{n, 8, 8}, pix)
	writeIDX(t, lab, []int{n}, labels)
	var out bytes.Buffer
	if err := runSearch([]string{"-strategy", "rs", "-budget", "2", "-train", images + "," + lab, "-train-epochs", "1", "-q", "-json"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"val_acc"`) {
		t.Errorf("output:\n%s", out.Bytes())
	}
	csv := filepath.Join(dir, "table.csv")
	os.WriteFile(csv, []byte("x,y,label\n1,2,a\n3,oops,b\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-train", images + "," + filepath.Join(dir, "missing.idx")}, "missing.idx: no such file"},
		{[]string{"-train", lab + "," + lab}, "want 2 to 4"},
		{[]string{"-train", csv}, `table.csv: data: csv line 3, field "y": "oops" is not a number`},
		{[]string{"-strategy", "darts", "-data", csv}, `"oops" is not a number`},
	} {
		if err := runSearch(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// -train lookup searches the transformer space on the key-value lookup
// task's token ids; another space cannot read them.
func TestSearchTransformerOnLookup(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-space", "transformer", "-strategy", "rs", "-budget", "2", "-train", "lookup", "-train-epochs", "1", "-train-images", "200", "-q", "-json"}
	if err := runSearch(args, &out); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Runs []struct {
			Arch  string
			Value float64
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Runs) != 1 || !strings.HasPrefix(r.Runs[0].Arch, "L") || r.Runs[0].Value <= 0 || r.Runs[0].Value > 1 {
		t.Errorf("output:\n%s", out.Bytes())
	}
	if err := runSearch([]string{"-train", "lookup", "-train-epochs", "1", "-q"}, &out); err == nil || !strings.Contains(err.Error(), "only the transformer space") {
		t.Errorf("nb201 on token ids: %v", err)
	}
}
