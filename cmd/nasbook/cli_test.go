package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/space/spaces"
)

const index1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

// search -h lists every strategy, one-shot method, proxy, space and dataset
// the engine knows, and the flags of both kinds of search.
func TestSearchUsageListsTheEngine(t *testing.T) {
	var b bytes.Buffer
	fs, _ := searchFlags()
	searchUsage(&b, fs)
	usage := b.String()
	var names []string
	names = append(names, strategyNames()...)
	names = append(names, oneshotNames()...)
	names = append(names, proxyNames()...)
	names = append(names, spaces.Names()...)
	names = append(names, searchDataNames...)
	for _, n := range names {
		if !strings.Contains(usage, n) {
			t.Errorf("search -h does not name %q", n)
		}
	}
	ofs, _ := oneshotFlags()
	for _, set := range []*flag.FlagSet{fs, ofs} {
		set.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(usage, "  -"+f.Name+" ") && !strings.Contains(usage, "  -"+f.Name+"\t") && !strings.Contains(usage, "  -"+f.Name+"\n") {
				t.Errorf("search -h does not list -%s", f.Name)
			}
		})
	}
	for _, m := range oneshotNames() {
		if !oneshotStrategy([]string{"-strategy", m}) || !oneshotStrategy([]string{"-strategy=" + m}) {
			t.Errorf("-strategy %s is not taken for one-shot", m)
		}
	}
}

// Every numeric flag out of its range is an error that names the flag.
func TestFlagRanges(t *testing.T) {
	d := t.TempDir()
	table := filepath.Join(d, "t.csv")
	os.WriteFile(table, []byte("index,arch,acc\n1,"+index1+",90\n"), 0o644)
	none := strings.NewReader("")
	arch := func() *strings.Reader { return strings.NewReader(index1 + "\n") }
	for _, c := range []struct {
		run  func() error
		want string
	}{
		{func() error { return runScore([]string{"-classes", "-3"}, arch(), &bytes.Buffer{}) }, "-classes -3: want 0 or more"},
		{func() error { return runScore([]string{"-workers", "-1"}, arch(), &bytes.Buffer{}) }, "-workers -1"},
		{func() error { return runScore([]string{"-batch", "0"}, arch(), &bytes.Buffer{}) }, "-batch 0"},
		{func() error { return runScore([]string{"-C", "-4"}, arch(), &bytes.Buffer{}) }, "-C -4"},
		{func() error { return runCost([]string{"-batch", "-2", "-nb201", index1}, none, &bytes.Buffer{}) }, "-batch -2"},
		{func() error { return runCost([]string{"-classes", "-10", "-nb201", index1}, none, &bytes.Buffer{}) }, "-classes -10"},
		{func() error { return runCost([]string{"-layers", "-1", "-nb201", index1}, none, &bytes.Buffer{}) }, "-layers -1"},
		{func() error {
			return runSearch([]string{"-table", table, "-metric", "acc", "-budget", "-5"}, &bytes.Buffer{})
		}, "-budget -5"},
		{func() error {
			return runSearch([]string{"-table", table, "-metric", "acc", "-seeds", "0"}, &bytes.Buffer{})
		}, "-seeds 0"},
		{func() error {
			return runSearch([]string{"-table", table, "-metric", "acc", "-seconds", "NaN"}, &bytes.Buffer{})
		}, "-seconds NaN"},
		{func() error {
			return runSearch([]string{"-table", table, "-metric", "acc", "-wall", "-1s"}, &bytes.Buffer{})
		}, "-wall -1s"},
		{func() error { return runSearch([]string{"-strategy", "darts", "-epochs", "-1"}, &bytes.Buffer{}) }, "-epochs -1"},
		{func() error { return runSearch([]string{"-strategy", "gdas", "-batch", "0"}, &bytes.Buffer{}) }, "-batch 0"},
		{func() error { return runSearch([]string{"-strategy", "spos", "-images", "10"}, &bytes.Buffer{}) }, "-images 10: want 64 or more"},
		{func() error { return runSearch([]string{"-strategy", "darts", "-C", "0"}, &bytes.Buffer{}) }, "-C 0"},
		{func() error { return runSearch([]string{"-strategy", "darts", "-retrain", "-2"}, &bytes.Buffer{}) }, "-retrain -2"},
		{func() error { return runSearch([]string{"-strategy", "darts", "-max-skips", "-1"}, &bytes.Buffer{}) }, "-max-skips -1"},
		{func() error { return runSearch([]string{"-strategy", "darts", "-arch-lr", "-0.1"}, &bytes.Buffer{}) }, "-arch-lr -0.1"},
		{func() error { return runCmd([]string{"-timeout", "-1s", "x.ipynb"}) }, "-timeout -1s"},
	} {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// No architecture on standard input, an empty spec or notebook file: errors
// that say what was wanted.
func TestEmptyInput(t *testing.T) {
	d := t.TempDir()
	empty := filepath.Join(d, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	emptyNB := filepath.Join(d, "empty.ipynb")
	os.WriteFile(emptyNB, []byte("\n"), 0o644)
	for _, c := range []struct {
		err  error
		want string
	}{
		{runScore(nil, strings.NewReader("# only a comment\n\n"), &bytes.Buffer{}), "no architectures on standard input: want one per line"},
		{runCost(nil, strings.NewReader(""), &bytes.Buffer{}), "no architectures on standard input"},
		{runCost([]string{"-spec", empty}, nil, &bytes.Buffer{}), "empty file, want a JSON architecture spec"},
		{runCmd([]string{emptyNB}), "empty file, want a notebook"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

// -where on a column no table has names it and lists the columns;
// -objectives with two columns is NSGA-II's, and another strategy named with
// them is an error.
func TestSearchColumnsAndObjectives(t *testing.T) {
	d := t.TempDir()
	acc := filepath.Join(d, "acc.csv")
	lat := filepath.Join(d, "lat.csv")
	os.WriteFile(acc, []byte("index,arch,acc\n1,"+index1+",90\n2,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n"), 0o644)
	os.WriteFile(lat, []byte("index,arch,ms\n1,"+index1+",5\n2,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\n"), 0o644)
	var out bytes.Buffer
	err := runSearch([]string{"-table", acc, "-table", lat, "-metric", "acc", "-where", "dataset=cifar10"}, &out)
	if err == nil || !strings.Contains(err.Error(), `no table has a column "dataset" (the columns: acc, ms)`) {
		t.Errorf("-where on an unknown column: %v", err)
	}
	err = runSearch([]string{"-table", acc, "-metric", "accuracy"}, &out)
	if err == nil || !strings.Contains(err.Error(), `no column "accuracy"`) {
		t.Errorf("-metric on an unknown column: %v", err)
	}
	err = runSearch([]string{"-table", acc, "-table", lat, "-objectives", "acc,ms", "-minimize", "ms", "-strategy", "bo"}, &out)
	if err == nil || !strings.Contains(err.Error(), "-strategy bo optimises one objective") {
		t.Errorf("-objectives with bo: %v", err)
	}
	out.Reset()
	if err := runSearch([]string{"-table", acc, "-table", lat, "-objectives", "acc,ms", "-minimize", "ms", "-budget", "2", "-json", "-q"}, &out); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Strategy string
		Front    []map[string]any
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Strategy != "nsga2" || len(r.Front) != 2 {
		t.Errorf("-objectives without -strategy: %+v, %v\n%s", r, err, out.Bytes())
	}
}

// -latency-table reads and extends a table it wrote, atomically, and leaves
// any other file as it was.
func TestLatencyTableFile(t *testing.T) {
	if testing.Short() {
		t.Skip("measures layer latencies")
	}
	d := t.TempDir()
	file := filepath.Join(d, "lat.json")
	args := []string{"-latency", "-latency-table", file, "-nb201", index1, "-C", "4", "-layers", "1", "-input", "3x8x8", "-q"}
	var out bytes.Buffer
	if err := runCost(args, nil, &out); err != nil {
		t.Fatal(err)
	}
	var tab struct{ Entries map[string]any }
	b, _ := os.ReadFile(file)
	if err := json.Unmarshal(b, &tab); err != nil || len(tab.Entries) == 0 {
		t.Fatalf("table written: %v\n%s", err, b)
	}
	if err := runCost(args, nil, &out); err != nil {
		t.Fatalf("reading back the table written: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(d, "*.tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	for _, other := range []string{`{"name": "my settings", "entries": {}}`, `{"device": "x"}`, `[1, 2]`, "", "not json"} {
		os.WriteFile(file, []byte(other), 0o600)
		err := runCost(args, nil, &out)
		if err == nil || !strings.Contains(err.Error(), "the file is left as it is") {
			t.Errorf("%q: error %v", other, err)
		}
		if b, _ := os.ReadFile(file); string(b) != other {
			t.Errorf("%q was overwritten with %q", other, b)
		}
	}
	if err := runCost([]string{"-latency-table", file, "-nb201", index1}, nil, &out); err == nil || !strings.Contains(err.Error(), "add -latency") {
		t.Errorf("-latency-table without -latency: %v", err)
	}
}

// parseShape takes positive sizes joined by x, or nothing, and refuses
// anything else without a panic.
func FuzzParseShape(f *testing.F) {
	for _, s := range []string{"3x32x32", "", "0x1", "3x", "x", "-1x2", "64x128"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shape, err := parseShape(s)
		if err != nil {
			return
		}
		for _, d := range shape {
			if d <= 0 {
				t.Fatalf("%q: shape %v", s, shape)
			}
		}
		if (s == "") != (shape == nil) {
			t.Fatalf("%q: shape %v", s, shape)
		}
	})
}

// readLatencyTable accepts only a JSON object of device and entries, which
// the engine then loads, and refuses the rest without a panic.
func FuzzReadLatencyTable(f *testing.F) {
	for _, s := range []string{`{"entries":{}}`, `{"device":"x","entries":{"conv":{"ms":1,"kind":"conv","macs":2,"elems":3}}}`, `{"entries":{}, "x":1}`, `{}`, ``, `[]`, `{"entries":{}}{}`} {
		f.Add([]byte(s))
	}
	file := filepath.Join(f.TempDir(), "lat.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := readLatencyTable(file)
		if err != nil {
			return
		}
		if tab == nil || tab.Entries == nil {
			t.Fatalf("%q: accepted as %+v", b, tab)
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(b, &probe) != nil {
			t.Fatalf("%q: accepted, but not a JSON object", b)
		}
		for k := range probe {
			if k != "device" && k != "entries" {
				t.Fatalf("%q: accepted with a field %q", b, k)
			}
		}
	})
}

// capture runs f with standard output and error going to files it returns.
func capture(t *testing.T, f func()) (stdout, stderr string) {
	t.Helper()
	d := t.TempDir()
	o, _ := os.Create(filepath.Join(d, "stdout"))
	e, _ := os.Create(filepath.Join(d, "stderr"))
	oldO, oldE := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = o, e
	defer func() { os.Stdout, os.Stderr = oldO, oldE }()
	f()
	o.Close()
	e.Close()
	ob, _ := os.ReadFile(o.Name())
	eb, _ := os.ReadFile(e.Name())
	return string(ob), string(eb)
}

// nasbook, nasbook -h, nasbook help and nasbook help <command> print usage;
// an unknown command or a wrong flag is exit status 2 with what was wrong.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args     []string
		status   int
		out, err string
	}{
		{nil, 2, "", "usage: nasbook <command>"},
		{[]string{"-h"}, 0, "usage: nasbook <command>", ""},
		{[]string{"--help"}, 0, "  score    score architectures", ""},
		{[]string{"help"}, 0, "  search   search a space", ""},
		{[]string{"help", "search"}, 0, "darts, darts2, gdas, spos", ""},
		{[]string{"help", "score"}, 0, "jacob_cov", ""},
		{[]string{"search", "-h"}, 0, "-max-skips", ""},
		{[]string{"search", "-strategy", "gdas", "-h"}, 0, "-budget", ""},
		{[]string{"cost", "-h"}, 0, "DARTS_V2", ""},
		{[]string{"help", "frob"}, 2, "", `unknown command "frob"`},
		{[]string{"frob"}, 2, "", `nasbook: unknown command "frob"`},
		{[]string{"score", "-batch", "x"}, 2, "", "Run 'nasbook help score' for its usage."},
		{[]string{"search", "-seeds", "0"}, 1, "", "nasbook search: -seeds 0: want 1 or more"},
	} {
		var status int
		out, err := capture(t, func() { status = nasbook(c.args) })
		if status != c.status || !strings.Contains(out, c.out) || !strings.Contains(err, c.err) {
			t.Errorf("nasbook %v: status %d\nstdout:\n%s\nstderr:\n%s", c.args, status, out, err)
		}
	}
}
