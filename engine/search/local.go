package search

import (
	"math/rand"

	"nasbook/space"
)

// LocalSearch is hill climbing over space.Neighbours (architectures one
// choice away) with random restarts, as NASLib's local search (White et al.,
// 2021): from a random architecture it evaluates the neighbours in random
// order and moves to the first that is better (or, with BestImprovement, to
// the best of all of them if it is better); at a local optimum it restarts
// from a new random architecture. Architectures evaluated before are not
// proposed again: their remembered fitness is used. It maximises the first
// objective.
type LocalSearch struct {
	// BestImprovement evaluates the whole neighbourhood before moving; the
	// default moves at the first improvement.
	BestImprovement bool

	st struct {
		Current  *Evaluation        `json:"current"`  // nil: a restart is due
		Queue    []space.Arch       `json:"queue"`    // neighbours of Current still to try
		Expanded bool               `json:"expanded"` // Queue was filled for Current
		Best     *Evaluation        `json:"best"`     // best neighbour so far (BestImprovement)
		Seen     map[string]float64 `json:"seen"`     // Arch.Key -> first fitness
		Restarts int                `json:"restarts"`
	}
}

var (
	_ Strategy = (*LocalSearch)(nil)
	_ Stateful = (*LocalSearch)(nil)
)

// maxIdle bounds the restarts in one Propose that find nothing new (a small
// space seen whole).
const maxIdle = 1000

func (ls *LocalSearch) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	if ls.st.Seen == nil {
		ls.st.Seen = map[string]float64{}
	}
	for idle := 0; idle < maxIdle; {
		if ls.st.Current == nil {
			a, err := space.Sample(p.Space, r)
			if err != nil {
				return nil, err
			}
			f, seen := ls.st.Seen[a.Key()]
			if !seen {
				return a, nil
			}
			ls.st.Current = &Evaluation{Arch: a, Fitness: []float64{f}}
			idle++
			continue
		}
		if !ls.st.Expanded {
			ns := space.Neighbours(p.Space, ls.st.Current.Arch)
			r.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
			ls.st.Queue, ls.st.Expanded, ls.st.Best = ns, true, nil
		}
		if len(ls.st.Queue) == 0 {
			// The neighbourhood is done: move to its best, or restart.
			if b := ls.st.Best; ls.BestImprovement && b != nil && b.Fitness[0] > ls.st.Current.Fitness[0] {
				ls.moveTo(b)
			} else {
				ls.st.Current = nil
				ls.st.Restarts++
			}
			continue
		}
		a := ls.st.Queue[0]
		ls.st.Queue = ls.st.Queue[1:]
		if f, seen := ls.st.Seen[a.Key()]; seen {
			ls.neighbour(&Evaluation{Arch: a, Fitness: []float64{f}})
			continue
		}
		return a, nil
	}
	return nil, ErrExhausted
}

func (ls *LocalSearch) moveTo(e *Evaluation) {
	ls.st.Current, ls.st.Queue, ls.st.Expanded, ls.st.Best = e, nil, false, nil
}

// neighbour takes the fitness of a neighbour of Current.
func (ls *LocalSearch) neighbour(e *Evaluation) {
	if ls.BestImprovement {
		if ls.st.Best == nil || e.Fitness[0] > ls.st.Best.Fitness[0] {
			ls.st.Best = e
		}
		return
	}
	if e.Fitness[0] > ls.st.Current.Fitness[0] {
		ls.moveTo(e)
	}
}

func (ls *LocalSearch) Observe(_ *Problem, e Evaluation) {
	if ls.st.Seen == nil {
		ls.st.Seen = map[string]float64{}
	}
	ls.st.Seen[e.Arch.Key()] = e.Fitness[0]
	if ls.st.Current == nil {
		ls.st.Current = &e
		return
	}
	ls.neighbour(&e)
}

func (ls *LocalSearch) MarshalState() ([]byte, error) { return marshalState(&ls.st) }
func (ls *LocalSearch) UnmarshalState(p *Problem, data []byte) error {
	if err := unmarshalState("local search", data, &ls.st); err != nil {
		return err
	}
	for _, e := range []*Evaluation{ls.st.Current, ls.st.Best} {
		if e != nil {
			if err := checkEvaluation(p, *e); err != nil {
				return err
			}
		}
	}
	for _, a := range ls.st.Queue {
		if err := checkArch(p, a); err != nil {
			return err
		}
	}
	return nil
}
