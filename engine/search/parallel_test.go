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

// pooled is staged scoring in parallel on goroutines, handing the scores
// back in a shuffled order.
type pooled struct {
	staged
	workers int
	batches *[]int // the size of each EstimateAll call
}

func (p pooled) Workers() int { return p.workers }
func (p pooled) EstimateAll(_ context.Context, archs []space.Arch, epochs []int, done func(int, search.Score, error)) error {
	*p.batches = append(*p.batches, len(archs))
	order := rand.Perm(len(archs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sc, err := p.EstimateAt(archs[i], epochs[i])
				mu.Lock()
				done(i, sc, err)
				mu.Unlock()
			}
		}()
	}
	for _, i := range order {
		next <- i
	}
	close(next)
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

// Hyperband sends a bracket's last rung together with the first rung of
// the bracket after it, and past a bracket of one rung, of the one after
// that: with budgets of 1, 3 and 9 epochs (Eta 3), bracket 2 is 9
// architectures for 1 epoch, 3 for 3 and 1 for 9; bracket 1 is 5 for 3 and
// 1 for 9; bracket 0 is 3 for 9. BOHB, whose draws come from a model of the
// scores, waits for them (and splits its first rung where the model would
// change).
func TestHyperbandDrawsTheNextBracketAhead(t *testing.T) {
	for name, want := range map[string][]int{"hyperband": {9, 3, 1 + 5, 1 + 3 + 9, 3, 1 + 5}, "bohb": {8, 1, 3, 1, 5, 1, 3}} {
		var batches []int
		_, err := search.Repeat(context.Background(), search.RepeatConfig{Space: grid{}, Strategy: name,
			Estimator: pooled{staged{twoObjective}, 3, &batches}, Budget: search.Budget{Epochs: 200}, Seed: 3, Seeds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) < len(want) || !slices.Equal(batches[:len(want)], want) {
			t.Errorf("%s: batches %v, want them to start %v", name, batches, want)
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
func (s *stopping) EstimateAll(ctx context.Context, archs []space.Arch, epochs []int, done func(int, search.Score, error)) error {
	for i := range archs {
		if s.left == 0 {
			return context.Canceled
		}
		s.left--
		sc, err := s.EstimateAt(archs[i], epochs[i])
		done(i, sc, err)
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
