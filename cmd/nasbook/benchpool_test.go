package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// parsePoolLine reads a line of the pool workload as poolLine writes it:
// "PREFIX pool-SEARCH name=value ...", each value a number or numbers
// separated by commas.
func parsePoolLine(t *testing.T, line string) (prefix, search string, values map[string][]float64) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 3 || !strings.HasPrefix(f[1], "pool-") {
		t.Fatalf("line %q: want \"PREFIX pool-SEARCH name=value ...\"", line)
	}
	values = map[string][]float64{}
	for _, nv := range f[2:] {
		name, v, ok := strings.Cut(nv, "=")
		if !ok {
			t.Fatalf("line %q: %q is no name=value", line, nv)
		}
		for _, s := range strings.Split(v, ",") {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || !(x > 0) {
				t.Fatalf("line %q: %s=%s is not positive numbers", line, name, v)
			}
			values[name] = append(values[name], x)
		}
	}
	return f[0], strings.TrimPrefix(f[1], "pool-"), values
}

// TestPoolWorkloadRunsNatively runs the pool workload's tiny cell natively,
// two runs on each pool size, and reads its lines back: a ratio, the two
// medians and each run's seconds for each search, the ratio that of the
// medians. No figure is held to a speed: that is what the workload measures.
func TestPoolWorkloadRunsNatively(t *testing.T) {
	lines, err := benchPoolNative(2, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(poolSearches) {
		t.Fatalf("%d lines, want one per search:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		t.Log(l)
		prefix, search, v := parsePoolLine(t, l)
		if prefix != "nasbook-native" || search != poolSearches[i] {
			t.Errorf("line %q: want nasbook-native pool-%s", l, poolSearches[i])
		}
		for _, name := range []string{"ratio", "s/1-worker", "s/2-workers"} {
			if len(v[name]) != 1 {
				t.Errorf("line %q: want one %s", l, name)
			}
		}
		for _, name := range []string{"runs/1-worker", "runs/2-workers"} {
			if len(v[name]) != 2 {
				t.Errorf("line %q: want 2 %s", l, name)
			}
		}
		if t.Failed() {
			continue
		}
		// The medians of two runs are their means, to the line's 2 decimals.
		for _, n := range []string{"1-worker", "2-workers"} {
			r := v["runs/"+n]
			if m := v["s/"+n][0]; math.Abs(m-(r[0]+r[1])/2) > 0.0101 {
				t.Errorf("line %q: median %v of runs %v", l, m, r)
			}
		}
		// The ratio is that of the medians before they were rounded to the
		// line's 2 decimals.
		m1, m2 := v["s/1-worker"][0], v["s/2-workers"][0]
		if r := m2 / m1; math.Abs(r-v["ratio"][0]) > r*(0.005/m1+0.005/m2)+0.0005 {
			t.Errorf("line %q: ratio %v, the medians' %v", l, v["ratio"][0], r)
		}
	}
}

// TestPoolWorkloadFailsOnOtherResults: a run whose results differ from the
// first run's, or whose halving used other workers than its pool's, ends
// the workload with an error that names the pool size and the run.
func TestPoolWorkloadFailsOnOtherResults(t *testing.T) {
	out := func(workers int, acc string) string {
		return fmt.Sprintf("rung 1: ...\nresult halving 1 epochs #0 %s\nseconds halving 1.5 on %d workers\nresult hyperband x 0.5 after 3 evaluations\nseconds hyperband 2.25\n", acc, workers)
	}
	for _, c := range []struct {
		name string
		run  func(i, rep int) string
		want string
	}{
		{"same", func(i, _ int) string { return out(poolSizes[i], "0.5000") }, ""},
		{"other accuracy on 2", func(i, _ int) string { return out(poolSizes[i], []string{"0.5000", "0.5100"}[i]) }, "results on 2 worker(s), run 1, differ"},
		{"other accuracy in run 2", func(i, rep int) string { return out(poolSizes[i], []string{"0.5000", "0.5100"}[rep]) }, "results on 1 worker(s), run 2, differ"},
		{"one worker of 2", func(int, int) string { return out(1, "0.5000") }, "2 worker(s), run 1: the halving's candidates were trained on 1 worker(s)"},
		{"no time", func(int, int) string { return "result halving 1 epochs #0 0.5\n" }, "1 worker(s), run 1: no time of the halving search"},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := map[int]int{}
			lines, err := measurePool("x", 2, false, func(i int, warm bool) (string, error) {
				if warm {
					return "warm", nil
				}
				calls[i]++
				return c.run(i, calls[i]-1), nil
			})
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := "x pool-halving ratio=1.000 s/1-worker=1.50 s/2-workers=1.50 runs/1-worker=1.50,1.50 runs/2-workers=1.50,1.50"
				if lines[0] != want {
					t.Errorf("got %q, want %q", lines[0], want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}
