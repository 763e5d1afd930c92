// Package estimate measures how good an architecture is by training it: from
// scratch with a given budget (Train), as a search's estimator at several
// budgets of epochs for its Hyperband and BOHB (Trainer), with early stopping (Config.Patience),
// over a set of candidates by successive halving and Hyperband (Halving,
// Hyperband), and once more from a fresh initialisation for the architecture a
// search picked (Retrain), reported apart from the score the search saw.
//
// Every run is deterministic: weights, data order and subset come from
// Config.Seed combined with the candidate's position, never from a global
// generator, so a rung trained on 1 or 8 goroutines gives the same numbers.
// Learning curves stream through Config.OnEpoch as each epoch ends, so a
// notebook can draw them live.
//
// Successive halving resumes each survivor of a rung where it stopped, with
// a learning-rate schedule laid out over the largest budget, so the winner's
// run is exactly a Train of MaxEpochs; Halving.Restart trains each rung from
// scratch instead. A held run moves to another process, such as another
// of a browser's pool workers, as a snapshot of its state (Runs.Export,
// Runs.Import), and goes on there exactly as it would have where it was.
package estimate
