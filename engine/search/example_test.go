package search_test

import (
	"context"
	"encoding/json"
	"fmt"

	"nasbook/engine/search"
)

// A search of the toy grid space by regularized evolution, stopped after 20
// evaluations, saved, and resumed to its budget of 60.
func Example() {
	cfg := search.Config{Space: grid{}, Strategy: &search.Evolution{}, Estimator: oneObjective,
		Budget: search.Budget{Evaluations: 60}, Seed: 1}
	s, _ := search.New(cfg)
	for range 20 {
		s.Step()
	}
	saved, _ := json.Marshal(s)

	cfg.Strategy = &search.Evolution{} // a fresh strategy takes the saved state
	cfg.OnEvent = func(e search.Event) {
		if inc, ok := e.(*search.Incumbent); ok {
			fmt.Printf("evaluation %d: %s scores %.2f\n", inc.N, inc.Arch.Key(), inc.Values[0])
		}
	}
	s, _ = search.Resume(cfg, saved)
	s.Run(context.Background())
	best, _ := s.Best()
	fmt.Printf("best of %d: %s\n", len(s.History()), best.Arch.Key())
	// Output:
	// evaluation 31: 3.1.1.0.3 scores 92.47
	// evaluation 36: 3.0.1.0.3 scores 93.20
	// evaluation 40: 3.1.2.0.3 scores 94.06
	// best of 60: 3.1.2.0.3
}
