package tabular_test

import (
	"context"
	"strings"
	"testing"

	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/space/nb201"
)

const (
	a0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
	a1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
)

var (
	accCSV = "index,arch,cifar10_test,cifar100_test\n0," + a0 + ",85.8633,52.9133\n1," + a1 + ",93.66,70.2933\n"
	latCSV = "index,arch,pixel3\n1," + a1 + ",17.238\n0," + a0 + ",3.6058\n2,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,0.5\n"
)

func read(t *testing.T, name, text string) *tabular.Table {
	t.Helper()
	tb, err := tabular.Read(name, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestJoinAndEstimate(t *testing.T) {
	j, err := tabular.Join(read(t, "acc.csv", accCSV), read(t, "lat.csv", latCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Rows) != 2 || strings.Join(j.Columns, ",") != "cifar10_test,cifar100_test,pixel3" {
		t.Fatalf("join: %d rows, columns %v", len(j.Rows), j.Columns)
	}
	est, err := tabular.NewEstimator(j, nb201.Space{}, []search.Objective{{Name: "cifar10_test"}, {Name: "pixel3", Minimize: true}}, "pixel3")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := nb201.Space{}.Parse(a1)
	sc, err := est.Estimate(a)
	if err != nil || sc.Values[0] != 93.66 || sc.Values[1] != 17.238 || sc.Seconds != 17.238 {
		t.Errorf("Estimate(%s) = %+v, %v", a1, sc, err)
	}
	none, _ := nb201.Space{}.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
	if _, err := est.Estimate(none); err == nil || !strings.Contains(err.Error(), "not in the table") {
		t.Errorf("Estimate of an architecture missing from the join: %v", err)
	}
}

func TestWhere(t *testing.T) {
	zc := read(t, "zc.csv", "dataset,index,arch,synflow\ncifar10,0,"+a0+",1.5\ncifar100,0,"+a0+",2.5\ncifar10,1,"+a1+",3\n")
	if _, err := tabular.NewEstimator(zc, nb201.Space{}, []search.Objective{{Name: "synflow"}}, ""); err == nil || !strings.Contains(err.Error(), "line 3, field index: index 0 is also on line 2") {
		t.Errorf("an index listed twice: %v", err)
	}
	c10, err := zc.Where("dataset", "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	v, err := c10.Numbers("synflow")
	if err != nil || len(v) != 2 || v[0] != 1.5 || v[1] != 3 {
		t.Errorf("synflow on cifar10 = %v, %v", v, err)
	}
}

// Errors name the table, line and field at fault.
func TestErrorsNameLineAndField(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"", "t.csv: empty table"},
		{"index,acc\n0,1\n", "t.csv: line 1: the header"},
		{"index,arch,acc,acc\n", "t.csv: line 1: column \"acc\" appears twice"},
		{"index,arch,acc\nx," + a0 + ",1\n", "t.csv: line 2, field index: \"x\" is not an integer"},
		{"index,arch,acc\n0," + a0 + ",1\n1," + a1 + "\n", "t.csv: record on line 3: wrong number of fields"},
	} {
		_, err := tabular.Read("t.csv", strings.NewReader(c.csv))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Read(%q) = %v, want %q", c.csv, err, c.want)
		}
	}
	for _, c := range []struct{ csv, col, want string }{
		{"index,arch,acc\n0," + a0 + ",1\n1," + a1 + ",n/a\n", "acc", "t.csv: line 3, field acc: \"n/a\" is not a finite number"},
		{"index,arch,acc\n0,|conv~0|+|x|,1\n", "acc", "t.csv: line 2, field arch: "},
		{"index,arch,acc\n0," + a0 + ",1\n", "top1", "t.csv: no column \"top1\" (it has acc)"},
		{"index,arch,acc\n0," + a0 + ",1\n1," + a0 + ",2\n", "acc", "t.csv: line 3, field arch: " + a0 + " is also index 0"},
	} {
		tb := read(t, "t.csv", c.csv)
		_, err := tabular.NewEstimator(tb, nb201.Space{}, []search.Objective{{Name: c.col}}, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewEstimator on %q = %v, want %q", c.csv, err, c.want)
		}
	}
	_, err := tabular.Join(read(t, "a.csv", accCSV), read(t, "b.csv", "index,arch,x\n0,"+a1+",1\n"))
	if err == nil || !strings.Contains(err.Error(), "index 0 is "+a0+" on a.csv line 2 but "+a1+" on b.csv line 2") {
		t.Errorf("join of disagreeing tables: %v", err)
	}
}

// A table that lists some architectures narrows the space to them, so that
// every strategy proposes only what it can score.
func TestSpaceOfAPartialTable(t *testing.T) {
	est, err := tabular.NewEstimator(read(t, "lat.csv", latCSV), nb201.Space{}, []search.Objective{{Name: "pixel3", Minimize: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range search.StrategyNames {
		if name == "nsga2" || name == "reinforce" || name == "hyperband" || name == "bohb" {
			continue // two objectives; a controller that draws 3 of 15,625 by rejection; budgets of epochs
		}
		st, err := search.NewStrategy(name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := search.New(search.Config{Space: est.Space(), Strategy: st, Estimator: est, Budget: search.Budget{Evaluations: 12}, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b, _ := s.Best(); b.Values[0] != 0.5 {
			t.Errorf("%s: best latency %v, want 0.5", name, b.Values[0])
		}
	}
}

// zeros is /dev/zero: NUL bytes without end.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A file that is no table, such as /dev/zero, ends at its first MiB with
// an error that names it, as do over-wide headers.
func TestReadBounds(t *testing.T) {
	_, err := tabular.Read("/dev/zero", zeros{})
	if err == nil || err.Error() != "/dev/zero: line 1 is longer than 1 MiB (is it a text file?)" {
		t.Errorf("/dev/zero: %v", err)
	}
	wide := "index,arch," + strings.Repeat("c,", tabular.MaxColumns) + "\n"
	_, err = tabular.Read("w.csv", strings.NewReader(wide))
	if err == nil || err.Error() != "w.csv: line 1: 4099 columns, more than 4096" {
		t.Errorf("wide: %v", err)
	}
	_, err = tabular.Read("h.csv", strings.NewReader(strings.Repeat("x", 1000)+"\n"))
	if err == nil || err.Error() != `h.csv: line 1: the header "`+strings.Repeat("x", 60)+`..." needs an index and an arch column` {
		t.Errorf("long header: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(accCSV)
	f.Add(latCSV)
	f.Add("index,arch,acc\n0," + a0 + ",1\n1," + a1 + ",n/a\n")
	f.Add("\ufeffindex,arch,dataset,acc\n0," + a0 + ",cifar10,1\n0," + a0 + ",cifar100,2\n")
	f.Add("index,arch\n\"0\"\"\",x\n")
	f.Fuzz(func(t *testing.T, text string) {
		tb, err := tabular.Read("f.csv", strings.NewReader(text))
		if err != nil {
			return
		}
		if len(tb.Rows) == 0 || len(tb.Rows) > tabular.MaxRows || len(tb.Columns) > tabular.MaxColumns {
			t.Fatalf("%d rows, %d columns", len(tb.Rows), len(tb.Columns))
		}
		for _, r := range tb.Rows {
			if len(r.Fields) != len(tb.Columns) || r.Line < 2 {
				t.Fatalf("row %+v of a table of columns %q", r, tb.Columns)
			}
		}
		for _, c := range tb.Columns {
			tb.Numbers(c)
			if w, err := tb.Where(c, tb.Rows[0].Fields[0]); err == nil && len(w.Rows) == 0 {
				t.Fatalf("Where found no row without an error")
			}
		}
		if len(tb.Columns) > 0 {
			tabular.NewEstimator(tb, nb201.Space{}, []search.Objective{{Name: tb.Columns[0]}}, "")
		}
		tabular.Join(tb, tb)
	})
}
