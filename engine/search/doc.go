// Package search runs neural architecture search: one loop in which a
// Strategy proposes architectures of a space.Space, an Estimator scores them
// on one or more objectives, and a Budget ends the run.
//
// # The loop
//
// New makes a Search from a Config; Step proposes, scores and observes one
// architecture, Run steps until the budget (evaluations, simulated seconds
// from the estimator, or wall time) is spent. Every random choice draws from
// the search's one stream, a counter-based Source seeded by Config.Seed, so a
// seed fixes the whole run. The search keeps the history of evaluations, the
// incumbent (best on the first objective) and the Pareto front of all
// evaluations, and reports them as typed events (Evaluated, Incumbent,
// PopulationChanged, FrontChanged, Finished) to Config.OnEvent, which a
// notebook's progress output or the canvas consumes.
//
// A Search marshals to JSON between steps (history, budget used, the
// position of its random stream, the strategy's state) and Resume continues
// it to exactly the result of an uninterrupted run.
//
// # Runs over seeds
//
// Repeat is what a notebook's Search and the command line's search run: a
// strategy named as NewStrategy takes, once per seed with a new strategy
// each time, against one estimator. It returns each run's best, front and
// curve of the best so far, the mean and standard deviation of the bests,
// the band of the curves (Band) and the front of all runs together
// (PooledFront). Regret turns the curves into regret against a known
// optimum, such as a benchmark table's best. Given Save, Repeat hands out its
// state as it goes (the runs done and the run in progress); given that state
// back, it continues to exactly the result of an uninterrupted Repeat, and
// refuses a state of another request.
//
// # Budgets of epochs
//
// A Fidelity estimator scores an architecture after one of several numbers
// of training epochs (tables of results after 12 and after 200 epochs, or a
// training run). A search over one counts the epochs of each evaluation
// against Budget.Epochs; Hyperband and BOHB (Schedulers) choose the budget of
// each evaluation, the other strategies always train for the full one, so
// that all compare at an equal cost. The incumbent, the front and the curves
// count evaluations at the full budget only.
//
// # Strategies
//
// A Strategy proposes and observes; it sees fitness (values oriented so that
// larger is better) and uses only the generic operations of package space,
// so it works on every space. Extra abilities are interfaces found by type
// assertion: Stateful (save and restore), Populator (report a population),
// Checker (refuse a problem it cannot search, as NSGA2 one objective).
//
//	Random       random search, uniform with replacement (space.Sample)
//	Exhaustive   every valid architecture once, for small spaces
//	Evolution    regularized evolution: aging, tournament, mutation (Real et al. 2019)
//	Reinforce    REINFORCE with a softmax per choice and a moving-average baseline
//	BO           Bayesian optimisation, expected improvement over a Surrogate:
//	             GP (default) or Ensemble of MLPs (BANANAS, NewBananas)
//	LocalSearch  hill climbing over space.Neighbours with restarts
//	NSGA2        NSGA-II for two or more objectives
//	Hyperband    brackets of successive halving over a Fidelity's budgets (Li et al. 2018)
//	BOHB         Hyperband drawing from a tree-structured Parzen estimator (Falkner et al. 2018)
//
// Single-objective strategies maximise the first objective; NSGA2 uses all.
// Dominance, fronts and crowding are package pareto's, which the charts of
// package viz/layout share.
// Package tabular provides an Estimator that looks architectures up in a
// benchmark table.
package search
