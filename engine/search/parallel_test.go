package search_test

import (
	"context"
	"fmt"

	"math/rand"
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
