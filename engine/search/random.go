package search

import (
	"math/rand"

	"nasbook/space"
)

// Random is random search: each proposal is an independent draw from the
// space's sampling distribution (space.Sample: uniform over the choices for
// NAS-Bench-201), with replacement, so an architecture may be evaluated twice.
type Random struct{}

var (
	_ Strategy = (*Random)(nil)
	_ Stateful = (*Random)(nil)
)

func (*Random) Propose(p *Problem, r *rand.Rand) (space.Arch, error) { return space.Sample(p.Space, r) }
func (*Random) Observe(*Problem, Evaluation)                         {}

// MarshalState returns an empty state: random search keeps none.
func (*Random) MarshalState() ([]byte, error)         { return []byte("{}"), nil }
func (*Random) UnmarshalState(*Problem, []byte) error { return nil }

// Exhaustive proposes every valid architecture once, in the order of
// space.Enumerate, then reports ErrExhausted. It is meant for small spaces
// (NAS-Bench-201's 15,625) and for computing reference results.
type Exhaustive struct {
	st struct {
		Next    space.Arch `json:"next"` // the next combination to try; nil before the first
		Started bool       `json:"started"`
		Done    bool       `json:"done"`
	}
}

var (
	_ Strategy = (*Exhaustive)(nil)
	_ Stateful = (*Exhaustive)(nil)
)

func (x *Exhaustive) Propose(p *Problem, _ *rand.Rand) (space.Arch, error) {
	dims := p.Space.Dims()
	if !x.st.Started {
		x.st.Started, x.st.Next = true, make(space.Arch, len(dims))
	}
	for !x.st.Done {
		a := x.st.Next.Clone()
		// Advance the cursor like an odometer, the last choice fastest.
		i := len(dims) - 1
		for ; i >= 0; i-- {
			if x.st.Next[i]++; x.st.Next[i] < len(dims[i].Options) {
				break
			}
			x.st.Next[i] = 0
		}
		x.st.Done = i < 0
		if p.Space.Check(a) == nil {
			return a, nil
		}
	}
	return nil, ErrExhausted
}

func (*Exhaustive) Observe(*Problem, Evaluation) {}

func (x *Exhaustive) MarshalState() ([]byte, error) { return marshalState(&x.st) }
func (x *Exhaustive) UnmarshalState(p *Problem, data []byte) error {
	return unmarshalState("exhaustive", data, &x.st)
}
