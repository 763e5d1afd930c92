package search

import (
	"math/rand"
	"slices"

	"nasbook/space"
)

// Evolution is regularized (aging) evolution (Real et al., AAAI 2019): the
// first Size proposals are random; after that each proposal mutates
// (space.Mutate: one choice changed) the fittest of Tournament members drawn
// at random, with replacement, from the population, and each evaluated child
// joins the population while its oldest member dies. It maximises the first
// objective.
type Evolution struct {
	// Size is the number of members of the population; 0 means 10.
	Size int
	// Tournament is the number of members drawn to pick a parent; 0 means 3.
	// The defaults are those of NAS-Bench-201's REA experiments.
	Tournament int

	st struct {
		Members []Evaluation `json:"members"` // oldest first
	}
}

var (
	_ Strategy  = (*Evolution)(nil)
	_ Stateful  = (*Evolution)(nil)
	_ Populator = (*Evolution)(nil)
)

func (ev *Evolution) size() (pop, tour int) {
	pop, tour = ev.Size, ev.Tournament
	if pop <= 0 {
		pop = 10
	}
	if tour <= 0 {
		tour = 3
	}
	return pop, tour
}

func (ev *Evolution) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	pop, tour := ev.size()
	if len(ev.st.Members) < pop {
		return space.Sample(p.Space, r)
	}
	parent := -1
	for range tour {
		i := r.Intn(len(ev.st.Members))
		if parent < 0 || ev.st.Members[i].Fitness[0] > ev.st.Members[parent].Fitness[0] {
			parent = i
		}
	}
	return space.Mutate(p.Space, ev.st.Members[parent].Arch, r), nil
}

func (ev *Evolution) Observe(_ *Problem, e Evaluation) {
	pop, _ := ev.size()
	ev.st.Members = append(ev.st.Members, e)
	if len(ev.st.Members) > pop {
		ev.st.Members = slices.Delete(ev.st.Members, 0, 1)
	}
}

// Population returns a copy of the members, oldest first.
func (ev *Evolution) Population() []Evaluation { return slices.Clone(ev.st.Members) }

func (ev *Evolution) MarshalState() ([]byte, error) { return marshalState(&ev.st) }
func (ev *Evolution) UnmarshalState(p *Problem, data []byte) error {
	if err := unmarshalState("evolution", data, &ev.st); err != nil {
		return err
	}
	for _, m := range ev.st.Members {
		if err := checkEvaluation(p, m); err != nil {
			return err
		}
	}
	return nil
}
