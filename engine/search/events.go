package search

// Event is one thing that happened in a search; its concrete type says what:
// *Evaluated, *Incumbent, *PopulationChanged, *FrontChanged or *Finished. A
// search sends events in that order after each evaluation (those that apply),
// to Config.OnEvent, synchronously: a slow handler slows the search.
type Event interface{ event() }

// Usage is how much of its budget a search has used.
type Usage struct {
	Evaluations int     `json:"evaluations"`
	Epochs      int     `json:"epochs,omitempty"` // of training, with a Fidelity estimator
	Seconds     float64 `json:"seconds"`          // simulated, the sum of Score.Seconds
	WallSeconds float64 `json:"wall"`             // spent in Step, over all resumed parts
	Fraction    float64 `json:"fraction"`         // of the tightest limit of the budget, in [0, 1]
}

// Evaluated is sent after every evaluation.
type Evaluated struct {
	Evaluation
	Used Usage
}

// Incumbent is sent when an evaluation is the best so far on the first
// objective.
type Incumbent struct{ Evaluation }

// PopulationChanged is sent after an evaluation changed the population of a
// Populator strategy.
type PopulationChanged struct {
	N       int          // the evaluation after which this is the population
	Members []Evaluation // shared with the strategy: do not modify
}

// FrontChanged is sent when an evaluation enters the Pareto front of all
// evaluations so far (for one objective, the front is the incumbent and its
// ties).
type FrontChanged struct {
	N     int
	Front []Evaluation // sorted by the first objective, best first
}

// Finished is sent once, when the budget is spent or the strategy exhausted.
type Finished struct {
	Reason string // "budget" or "exhausted"
	Used   Usage
}

func (*Evaluated) event()         {}
func (*Incumbent) event()         {}
func (*PopulationChanged) event() {}
func (*FrontChanged) event()      {}
func (*Finished) event()          {}
