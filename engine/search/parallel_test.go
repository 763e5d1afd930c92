package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"math/rand"
	"regexp"
	"slices"
	"sync"
	"testing"

	"nasbook/engine/search"
	"nasbook/space"
)

// staged scores grid architectures after 1, 3 or 9 epochs: bumpy's values,
// less a penalty that fades with the epochs and differs per architecture.
type staged struct{ bumpy }

func (staged) Epochs() []int                                 { return []int{1, 3, 9} }
func (s staged) Estimate(a space.Arch) (search.Score, error) { return s.EstimateAt(a, 9) }
func (s staged) EstimateAt(a space.Arch, epochs int) (search.Score, error) {
	sc, err := s.bumpy.Estimate(a)
	h := 0
	for _, c := range a {
		h = h*7 + c
	}
	sc.Values[0] -= float64(h%5) * 3 / float64(epochs)
	return sc, err
}

// pooled is staged scoring in parallel on goroutines, each taking one of
// the waiting jobs at random, so that the scores come in a shuffled order.
type pooled struct {
	staged
	workers int
	batches *[]int // the size of each EstimateAll call's first jobs
}

func (p pooled) Workers() int { return p.workers }
func (p pooled) EstimateAll(_ context.Context, jobs []search.Job, done func(int, search.Score, error) []search.Job) error {
	*p.batches = append(*p.batches, len(jobs))
	var mu sync.Mutex
	more := sync.NewCond(&mu)
	waiting := make([]int, len(jobs))
	for i := range waiting {
		waiting[i] = i
	}
	running := 0
	var wg sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			for {
				for len(waiting) == 0 && running > 0 {
					more.Wait()
				}
				if len(waiting) == 0 {
					more.Broadcast()
					return
				}
				k := rand.Intn(len(waiting))
				i, j := waiting[k], jobs[waiting[k]]
				waiting = slices.Delete(waiting, k, k+1)
				running++
				mu.Unlock()
				sc, err := p.EstimateAt(j.Arch, j.Epochs)
				mu.Lock()
				for _, m := range done(i, sc, err) {
					waiting = append(waiting, len(jobs))
					jobs = append(jobs, m)
				}
				running--
				more.Broadcast()
			}
		}()
	}
	wg.Wait()
	return nil
}

// A search over a Parallel estimator is the search one evaluation at a
// time, evaluation for evaluation, whatever the number of workers and the
// order in which the scores come; the strategies that can propose ahead
// do so in batches larger than one.
func TestParallelScoringKeepsTheSearch(t *testing.T) {
	for _, name := range search.StrategyNames {
		trace := func(est search.Estimator) []string {
			var out []string
			_, err := search.Repeat(context.Background(), search.RepeatConfig{Space: grid{}, Strategy: name, Estimator: est,
				Budget: search.Budget{Epochs: 150}, Seed: 3, Seeds: 2,
				OnEvent: func(k int, e search.Event) {
					if ev, ok := e.(*search.Evaluated); ok {
						out = append(out, fmt.Sprint(k, ev.N, ev.Arch.Key(), ev.Epochs, ev.Values))
					}
				}})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return out
		}
		one := trace(staged{twoObjective})
		largest := 0
		for _, w := range []int{1, 3} {
			var batches []int
			got := trace(pooled{staged{twoObjective}, w, &batches})
			if !slices.Equal(got, one) {
				t.Errorf("%s with %d workers: %d evaluations, first difference from one at a time:\n%s", name, w, len(got), firstDiff(got, one))
			}
			largest = max(largest, slices.Max(batches))
		}
		if want := name != "reinforce" && name != "ls"; want != (largest > 1) {
			t.Errorf("%s: largest batch %d", name, largest)
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			at := func(s []string) string {
				if i < len(s) {
					return s[i]
				}
				return "(none)"
			}
			return fmt.Sprintf("%s\nwant %s", at(a), at(b))
		}
	}
	return ""
}

// clocked is scoring on workers simulated on a clock: a job takes as many
// ticks as its epochs, a free worker takes the waiting job of least N, and
// a job's score comes at its end. It logs when each job starts.
type clocked struct {
	search.Fidelity
	workers int
	now     int
	log     []string // "tick:N@epochs", in the order the jobs start
}

func (c *clocked) Workers() int { return c.workers }
func (c *clocked) EstimateAll(_ context.Context, jobs []search.Job, done func(int, search.Score, error) []search.Job) error {
	type run struct{ i, end int }
	var running []run
	waiting := make([]int, len(jobs))
	for i := range waiting {
		waiting[i] = i
	}
	for len(waiting)+len(running) > 0 {
		for len(running) < c.workers && len(waiting) > 0 {
			k := 0
			for n, i := range waiting {
				if jobs[i].N < jobs[waiting[k]].N {
					k = n
				}
			}
			i := waiting[k]
			waiting = slices.Delete(waiting, k, k+1)
			running = append(running, run{i, c.now + jobs[i].Epochs})
			c.log = append(c.log, fmt.Sprintf("%d:%d@%d", c.now, jobs[i].N, jobs[i].Epochs))
		}
		if len(running) == 0 {
			return fmt.Errorf("no job runs, %d wait", len(waiting))
		}
		slices.SortStableFunc(running, func(a, b run) int {
			if a.end != b.end {
				return a.end - b.end
			}
			return jobs[a.i].N - jobs[b.i].N
		})
		r := running[0]
		running = running[1:]
		c.now = r.end
		sc, err := c.EstimateAt(jobs[r.i].Arch, jobs[r.i].Epochs)
		for _, j := range done(r.i, sc, err) {
			waiting = append(waiting, len(jobs))
			jobs = append(jobs, j)
		}
	}
	return nil
}

// budgets13 is staged scoring at budgets of 1 and 3 epochs.
type budgets13 struct{ staged }

func (budgets13) Epochs() []int { return []int{1, 3} }

// Hyperband trains the first rungs of the brackets after a rung beside it
// while the rung after it waits for its scores, and each rung as soon as
// the scores it waits for are in. With budgets of 1 and 3 epochs (Eta 3),
// bracket 1 is 3 architectures for 1 epoch (evaluations 1-3) and the best
// for 3 (4); bracket 0, 2 for 3 epochs (5, 6); over again, 7-9, 10 and 11,
// 12: 24 epochs, on two workers in 13 ticks instead of 24. BOHB, whose
// draws come from a model of the scores, waits for them where its model
// would change.
func TestHyperbandTrainsAroundTheRungsThatWait(t *testing.T) {
	for _, c := range []struct {
		strategy string
		workers  int
		ticks    int
		log      string
	}{
		{"hyperband", 1, 24, "0:1@1 1:2@1 2:3@1 3:4@3 6:5@3 9:6@3 12:7@1 13:8@1 14:9@1 15:10@3 18:11@3 21:12@3"},
		{"hyperband", 2, 13, "0:1@1 0:2@1 1:3@1 1:5@3 2:4@3 4:6@3 5:7@1 6:8@1 7:9@1 7:11@3 8:10@3 10:12@3"},
		{"bohb", 2, 16, "0:1@1 0:2@1 1:3@1 2:4@3 5:5@3 5:6@3 8:7@1 8:8@1 9:9@1 10:10@3 13:11@3 13:12@3"},
	} {
		est := &clocked{Fidelity: budgets13{staged{twoObjective}}, workers: c.workers}
		_, err := search.Repeat(context.Background(), search.RepeatConfig{Space: grid{}, Strategy: c.strategy,
			Estimator: est, Budget: search.Budget{Epochs: 24}, Seed: 3, Seeds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if log := strings.Join(est.log, " "); est.now != c.ticks || log != c.log {
			t.Errorf("%s on %d workers: %d ticks, want %d; jobs started\n%s\nwant\n%s", c.strategy, c.workers, est.now, c.ticks, log, c.log)
		}
	}
}

// stopping is pooled scoring that stops, as a Stop in the page does, once
// it has scored left architectures: the search's step fails with those
// before observed and the rest proposed, unscored.
type stopping struct {
	staged
	left int
}

func (s *stopping) Workers() int { return 2 }
func (s *stopping) EstimateAll(ctx context.Context, jobs []search.Job, done func(int, search.Score, error) []search.Job) error {
	for i := 0; i < len(jobs); i++ {
		if s.left == 0 {
			return context.Canceled
		}
		s.left--
		sc, err := s.EstimateAt(jobs[i].Arch, jobs[i].Epochs)
		jobs = append(jobs, done(i, sc, err)...)
	}
	return nil
}

var wallTime = regexp.MustCompile(`"wall_ns":[0-9]+,`)

// A Hyperband search stopped with members drawn ahead for the next
// bracket, saved and resumed, ends as the search never stopped: the members
// are proposed again, the random stream not drawn again.
func TestHyperbandResumesWhatItDrewAhead(t *testing.T) {
	final := func(est search.Estimator, resumed func(*search.Search) *search.Search) []byte {
		s, err := search.New(search.Config{Space: grid{}, Strategy: &search.Hyperband{}, Estimator: est, Budget: search.Budget{Epochs: 200}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Run(context.Background())
		if resumed != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("the stopped search ended with %v", err)
			}
			s = resumed(s)
			err = s.Run(context.Background())
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return wallTime.ReplaceAll(b, nil)
	}
	var batches []int
	want := final(pooled{staged{twoObjective}, 2, &batches}, nil)
	// The third batch is bracket 2's last rung (1 architecture) and bracket
	// 1's first (5, ahead); the fourth bracket 1's last, 0's only and 2's
	// first (1 + 3 + 9), after 9 + 3 + 6 evaluations.
	for _, at := range []int{12, 13, 15, 18, 19, 22} {
		got := final(&stopping{staged{twoObjective}, at}, func(s *search.Search) *search.Search {
			saved, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if at == 12 && !strings.Contains(string(saved), `"ahead":[`) {
				t.Errorf("stopped after 12 evaluations, the saved state holds no members drawn ahead: %s", saved)
			}
			r, err := search.Resume(search.Config{Space: grid{}, Strategy: &search.Hyperband{}, Estimator: pooled{staged{twoObjective}, 2, &batches},
				Budget: search.Budget{Epochs: 200}}, saved)
			if err != nil {
				t.Fatal(err)
			}
			return r
		})
		if !bytes.Equal(got, want) {
			t.Errorf("stopped after %d evaluations and resumed, the search ends\n%.400s\nwant\n%.400s", at, got, want)
		}
	}
}
