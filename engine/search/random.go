package search

import (
	"fmt"
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
// (NAS-Bench-201's 15,625) and for computing reference results: it refuses a
// space of more than MaxCombinations choice combinations (valid or not), where
// it could spend hours stepping over invalid ones.
type Exhaustive struct {
	// MaxCombinations bounds space.Size; 0 means 1<<24 (about 16.8 million).
	MaxCombinations int64

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
	limit := x.MaxCombinations
	if limit <= 0 {
		limit = 1 << 24
	}
	if n := space.Size(p.Space); n < 0 || n > limit {
		return nil, fmt.Errorf("exhaustive: space %s has more than %d combinations of choices; search it with another strategy", p.Space.Name(), limit)
	}
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
