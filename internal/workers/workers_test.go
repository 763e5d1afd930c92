package workers

import (
	"context"
	"sync"
	"testing"
)

func TestRunsEveryJobOnce(t *testing.T) {
	var mu sync.Mutex
	ran := map[int]int{}
	workersSeen := map[int]bool{}
	if err := Run(context.Background(), 3, 50, func(w, i int) {
		mu.Lock()
		defer mu.Unlock()
		ran[i]++
		workersSeen[w] = true
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if ran[i] != 1 {
			t.Errorf("job %d ran %d times", i, ran[i])
		}
	}
	for w := range workersSeen {
		if w < 0 || w >= 3 {
			t.Errorf("worker number %d of 3", w)
		}
	}
}

func TestStopsHandingOutJobsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	ran := 0
	err := Run(ctx, 2, 100, func(w, i int) {
		mu.Lock()
		defer mu.Unlock()
		if ran++; ran == 5 {
			cancel()
		}
	})
	if err != context.Canceled {
		t.Errorf("error %v, want context.Canceled", err)
	}
	// Once ctx has ended, each further job goes out only if the feeder's
	// select picks it over ctx (one chance in two): 25 more, about 3e-8.
	if ran >= 30 {
		t.Errorf("%d of 100 jobs ran after the context ended at the fifth", ran)
	}
}
