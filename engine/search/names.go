package search

import (
	"fmt"
	"strings"
)

// StrategyNames are the names NewStrategy takes, one per strategy, as the
// command line and notebooks spell them.
var StrategyNames = []string{"rs", "re", "reinforce", "bo", "bananas", "ls", "nsga2", "exhaustive", "hyperband", "bohb"}

// StrategyName returns the short name, one of StrategyNames, of a name
// NewStrategy takes in any case or spelling: "re" for "Evolution", say.
func StrategyName(name string) (string, error) {
	switch n := strings.ToLower(name); n {
	case "rs", "random":
		return "rs", nil
	case "re", "rea", "evolution":
		return "re", nil
	case "ls", "local":
		return "ls", nil
	case "nsga2", "nsga-ii":
		return "nsga2", nil
	case "hb":
		return "hyperband", nil
	case "reinforce", "bo", "bananas", "exhaustive", "hyperband", "bohb":
		return n, nil
	}
	return "", fmt.Errorf("search: unknown strategy %q (want one of %s)", name, strings.Join(StrategyNames, ", "))
}

// NewStrategy returns a new strategy with default settings by its name
// (StrategyName): rs (Random), re (Evolution), reinforce, bo (BO with a
// GP), bananas (BO with an Ensemble), ls (LocalSearch), nsga2, exhaustive,
// hyperband (or hb) and bohb; the last two need a Fidelity estimator.
func NewStrategy(name string) (Strategy, error) {
	short, err := StrategyName(name)
	if err != nil {
		return nil, err
	}
	switch short {
	case "rs":
		return &Random{}, nil
	case "re":
		return &Evolution{}, nil
	case "reinforce":
		return &Reinforce{}, nil
	case "bo":
		return &BO{}, nil
	case "bananas":
		return NewBananas(), nil
	case "ls":
		return &LocalSearch{}, nil
	case "nsga2":
		return &NSGA2{}, nil
	case "exhaustive":
		return &Exhaustive{}, nil
	case "hyperband":
		return &Hyperband{}, nil
	case "bohb":
		return &BOHB{}, nil
	}
	panic("search: StrategyName gave " + short + ", which NewStrategy does not make")
}
