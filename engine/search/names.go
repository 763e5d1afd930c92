package search

import (
	"fmt"
	"strings"
)

// StrategyNames are the names NewStrategy takes, one per strategy, as the
// command line and notebooks spell them.
var StrategyNames = []string{"rs", "re", "reinforce", "bo", "bananas", "ls", "nsga2", "exhaustive"}

// NewStrategy returns a new strategy with default settings by its short
// name: rs (Random), re (Evolution), reinforce, bo (BO with a GP), bananas
// (BO with an Ensemble), ls (LocalSearch), nsga2, exhaustive.
func NewStrategy(name string) (Strategy, error) {
	switch strings.ToLower(name) {
	case "rs", "random":
		return &Random{}, nil
	case "re", "rea", "evolution":
		return &Evolution{}, nil
	case "reinforce":
		return &Reinforce{}, nil
	case "bo":
		return &BO{}, nil
	case "bananas":
		return NewBananas(), nil
	case "ls", "local":
		return &LocalSearch{}, nil
	case "nsga2", "nsga-ii":
		return &NSGA2{}, nil
	case "exhaustive":
		return &Exhaustive{}, nil
	}
	return nil, fmt.Errorf("search: unknown strategy %q (want one of %s)", name, strings.Join(StrategyNames, ", "))
}
