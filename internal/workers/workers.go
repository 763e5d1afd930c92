// Package workers runs numbered jobs on a fixed number of goroutines: the
// local pools of the proxies and of training share it.
package workers

import (
	"context"
	"sync"
)

// Run calls work(w, i) for every job i in [0, n) on min(workers, n)
// goroutines, w being the number of the goroutine that runs it. It hands
// out the jobs in order and none after ctx ends, and returns once every job
// handed out has ended: with ctx's error if ctx ended before the last was
// handed out, else nil.
func Run(ctx context.Context, workers, n int, work func(w, i int)) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := range max(min(workers, n), 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				work(w, i)
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return err
}
