package nb_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"nasbook/engine/estimate"
	"nasbook/nb"
)

// nb201Fidelity is a search of NAS-Bench-201's CIFAR-10 with the shipped
// 12-epoch table as the low fidelity of the 200-epoch one.
func nb201Fidelity(s *nb.Session, strategy string) nb.SearchConfig {
	return nb.SearchConfig{Strategy: strategy, Table: s.OpenTable("nb201/accuracy-200ep"), Metric: "cifar10_test",
		LowTable: s.OpenTable("nb201/accuracy-12ep"), LowMetric: "cifar10_valid", EpochBudget: 10000, Seeds: 10, Quiet: true}
}

// Hyperband and BOHB at an equal budget of epochs find better cells than
// random search (engine/search's TestHyperbandAndBOHBRegretOnNB201 holds the
// published ordering over more seeds); the same seed gives the same result.
func TestHyperbandAndBOHBOnTheShippedTables(t *testing.T) {
	s, _, _ := session()
	s.Files = nb.NativeFiles()
	final := func(r nb.SearchResult) float64 { m, _, _ := r.Regret(); return m[len(m)-1] }
	rs := s.Search(nb201Fidelity(s, "rs"))
	for _, name := range []string{"hyperband", "bohb"} {
		r := s.Search(nb201Fidelity(s, name))
		t.Logf("%s: mean regret %.3f; rs %.3f", name, final(r), final(rs))
		if final(r) > final(rs) {
			t.Errorf("%s's mean regret %.3f is more than random search's %.3f", name, final(r), final(rs))
		}
		if again := s.Search(nb201Fidelity(s, name)); fmt.Sprint(again.Runs) != fmt.Sprint(r.Runs) {
			t.Errorf("%s: the same seeds give another result", name)
		}
	}
	cfg := nb201Fidelity(s, "bohb")
	cfg.LowTable = nil
	func() {
		defer func() {
			if e, ok := recover().(*nb.Error); !ok || !strings.Contains(e.Error(), "LowTable and LowMetric go with Table") {
				t.Errorf("LowMetric without LowTable: %v", e)
			}
		}()
		s.Search(cfg)
	}()
}

// Hyperband by training: one bracket on tiny shapes, 2 networks for 1 epoch
// and the better for 2.
func TestHyperbandByTraining(t *testing.T) {
	s, _, _ := session()
	r := s.Search(nb.SearchConfig{Strategy: "hyperband", Train: s.Shapes(120, 8, 3, 1), TrainEpochs: []int{1, 2}, EpochBudget: 4, Quiet: true})
	if r.Objectives[0] != "val_acc" || len(r.Runs) != 1 || len(r.Runs[0].Curve) != 1 || r.Runs[0].Value <= 0 {
		t.Errorf("result %+v", r)
	}
}

// A search by training and successive halving give the same results on one
// pool worker and on two.
func TestTrainingIsTheSameOnOneWorkerAndTwo(t *testing.T) {
	var want []string
	for _, n := range []int{1, 2} {
		s, _, _ := session()
		s.TrainPool = &estimate.Local{N: n}
		d := s.Shapes(120, 8, 3, 1)
		r := s.Search(nb.SearchConfig{Strategy: "bohb", Train: d, TrainEpochs: []int{1, 3}, EpochBudget: 12, Quiet: true})
		h := s.Halving(s.SampleNB201(4, 1), d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4})
		got := []string{fmt.Sprint(r.Runs), h.String()}
		if n == 1 {
			want = got
		} else if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("2 workers:\n%s\n1 worker:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if h.Workers != n {
			t.Errorf("halving on a pool of %d trained on %d workers", n, h.Workers)
		}
	}
}

// A search with a Checkpoint that a stopped cell ended (here its Score
// panics, as Stop ends it at any point) goes on, in the same session or in a
// new one given the states the old one kept, to the result of an
// uninterrupted run.
func TestResumeAfterStop(t *testing.T) {
	s, _, _ := session()
	values := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(tiny), "\n")[1:] {
		f := strings.Split(line, ",")
		var v float64
		fmt.Sscan(f[2], &v)
		values[f[1]] = v
	}
	calls, stopAt := 0, -1
	cfg := nb.SearchConfig{Strategy: "re", Budget: 30, Seeds: 4, Quiet: true, Checkpoint: "re",
		Score: func(a nb.Arch) float64 {
			if calls++; calls == stopAt {
				panic("stopped")
			}
			return values[a.Text] + float64(len(a.Text)%7)
		}}
	want := fmt.Sprint(s.Search(func() nb.SearchConfig { c := cfg; c.Checkpoint = ""; return c }()).Runs)

	var saved string
	for _, stop := range []int{40, 75} {
		s, _, _ := session()
		kept := map[string]string{}
		s.OnSearchSaved = func(name, state string) { kept[name] = state }
		calls, stopAt = 0, stop
		func() {
			defer func() { recover() }()
			s.Search(cfg)
			t.Fatal("the search was not stopped")
		}()
		var st struct{ Runs []json.RawMessage }
		if err := json.Unmarshal([]byte(kept["re"]), &st); err != nil || len(st.Runs) != stop/30 {
			t.Fatalf("stopped at evaluation %d, the kept state has %d runs (%v)", stop, len(st.Runs), err)
		}
		saved = kept["re"]
		// The next session of the notebook, given what the host kept.
		next, _, _ := session()
		for n, state := range kept {
			next.KeepSearch(n, state)
		}
		calls, stopAt = 0, -1
		if got := fmt.Sprint(next.Resume(cfg).Runs); got != want {
			t.Errorf("stopped at evaluation %d and resumed: %s, want %s", stop, got, want)
		}
		if calls > 4*30-30*(stop/30) {
			t.Errorf("resumed after %d runs, it scored %d architectures", stop/30, calls)
		}
		// Resume from the state string, in any session.
		calls = 0
		c := cfg
		c.Checkpoint, c.Resume = "", s.SavedSearch("re")
		if got := fmt.Sprint(nb.Resume(c).Runs); got != want {
			t.Errorf("Resume from the saved text: %s", got)
		}
	}
	other := cfg
	other.Budget = 31
	for _, c := range []struct {
		cfg  nb.SearchConfig
		want string
	}{
		{nb.SearchConfig{Strategy: "re", Score: cfg.Score, Checkpoint: "none"}, `no search is saved under "none"`},
		{func() nb.SearchConfig { c := other; c.Resume = saved; return c }(), "budget 30"},
	} {
		func() {
			defer func() {
				if e, ok := recover().(*nb.Error); !ok || !strings.Contains(e.Error(), c.want) {
					t.Errorf("got %v, want %q", e, c.want)
				}
			}()
			s.Resume(c.cfg)
		}()
	}
}
