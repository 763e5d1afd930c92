package space

import (
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"nasbook/space/spec"
)

// Dim is one choice of a space.
type Dim struct {
	Name    string   // e.g. "edge 0-1", "stage 2 kernel"
	Options []string // labels of the options, in order; at least one
}

// Arch is an architecture: for each Dim of its space, the index of the chosen
// option. An Arch is a value: functions here never modify their arguments.
type Arch []int

// Key is a compact string of the choices, usable as a map key. Isomorphic
// architectures have different keys; see Hash for a key that merges them.
func (a Arch) Key() string {
	var b strings.Builder
	for i, c := range a {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(c))
	}
	return b.String()
}

// Clone returns a copy of a.
func (a Arch) Clone() Arch { return append(Arch(nil), a...) }

// Space is a search space.
type Space interface {
	// Name names the space, e.g. "nb201".
	Name() string
	// Dims lists the choices. The result must not change.
	Dims() []Dim
	// Check returns nil if a is an architecture of the space, and otherwise
	// an error naming the choice or constraint at fault. Check need not
	// repeat the range checks of Valid.
	Check(a Arch) error
	// Format writes a in the space's own notation (an NB201 string, a DARTS
	// genotype, ...); Parse reads it back.
	Format(a Arch) string
	Parse(s string) (Arch, error)
}

// Specifier is a space whose architectures are networks: Spec describes one
// as an architecture spec (the data a pool worker builds and trains), and
// FromSpec reads it back.
type Specifier interface {
	Spec(a Arch) (*spec.Spec, error)
	FromSpec(s *spec.Spec) (Arch, error)
}

// ToSpec returns the spec of a in s, or an error if s has no networks.
func ToSpec(s Space, a Arch) (*spec.Spec, error) {
	sp, ok := s.(Specifier)
	if !ok {
		return nil, fmt.Errorf("space %s: its architectures have no network spec", s.Name())
	}
	if err := Valid(s, a); err != nil {
		return nil, err
	}
	return sp.Spec(a)
}

// Canonicalizer is a space whose different Archs can be the same network
// (isomorphic cells, unused edges): Canonical returns one string for all
// Archs of a network.
type Canonicalizer interface {
	Canonical(a Arch) string
}

// Encoder is a space with its own vector encoding for predictors and
// Bayesian optimisation; the default is one-hot per choice.
type Encoder interface {
	Encode(a Arch) []float64
}

// Mutator is a space with its own mutation; the default changes one choice.
type Mutator interface {
	Mutate(a Arch, r *rand.Rand) Arch
}

// Sampler is a space with its own sampling distribution; the default draws
// each choice uniformly and rejects architectures that fail Check.
type Sampler interface {
	Sample(r *rand.Rand) Arch
}

// maxRejections bounds rejection sampling before a space's constraints are
// declared unsatisfiable in practice.
const maxRejections = 10000

// ErrNoArch is wrapped by errors of spaces whose constraints no sampled
// architecture satisfied.
var ErrNoArch = errors.New("no architecture satisfies the space's constraints")

// Valid reports whether a has one in-range choice per Dim and passes Check.
func Valid(s Space, a Arch) error {
	dims := s.Dims()
	if len(a) != len(dims) {
		return fmt.Errorf("space %s: %d choices, want %d", s.Name(), len(a), len(dims))
	}
	for i, c := range a {
		if c < 0 || c >= len(dims[i].Options) {
			return fmt.Errorf("space %s: choice %q = %d, want 0 to %d", s.Name(), dims[i].Name, c, len(dims[i].Options)-1)
		}
	}
	return s.Check(a)
}

// Sample draws an architecture of s.
func Sample(s Space, r *rand.Rand) (Arch, error) {
	if sm, ok := s.(Sampler); ok {
		return sm.Sample(r), nil
	}
	dims := s.Dims()
	a := make(Arch, len(dims))
	var last error
	for range maxRejections {
		for i, d := range dims {
			a[i] = r.Intn(len(d.Options))
		}
		if last = s.Check(a); last == nil {
			return a, nil
		}
	}
	return nil, fmt.Errorf("space %s: %w in %d samples (the last failed with: %v)", s.Name(), ErrNoArch, maxRejections, last)
}

// Mutate returns a copy of a with one choice changed to another option (the
// space's own Mutator if it has one), such that the result passes Check. It
// returns a copy of a unchanged only when a has no valid neighbour.
func Mutate(s Space, a Arch, r *rand.Rand) Arch {
	if m, ok := s.(Mutator); ok {
		return m.Mutate(a, r)
	}
	dims := s.Dims()
	// Try random single changes first; fall back to the full neighbourhood.
	for range 64 {
		i := r.Intn(len(dims))
		n := len(dims[i].Options)
		if n < 2 {
			continue
		}
		b := a.Clone()
		b[i] = (a[i] + 1 + r.Intn(n-1)) % n
		if s.Check(b) == nil {
			return b
		}
	}
	if ns := Neighbours(s, a); len(ns) > 0 {
		return ns[r.Intn(len(ns))]
	}
	return a.Clone()
}

// Neighbours lists the valid architectures that differ from a in exactly one
// choice, in order of choice and option.
func Neighbours(s Space, a Arch) []Arch {
	var out []Arch
	for i, d := range s.Dims() {
		for o := range d.Options {
			if o == a[i] {
				continue
			}
			b := a.Clone()
			b[i] = o
			if s.Check(b) == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// Size is the number of choice combinations of s (before constraints), or -1
// if it exceeds 2^62.
func Size(s Space) int64 {
	n := int64(1)
	for _, d := range s.Dims() {
		k := int64(len(d.Options))
		if n > (1<<62)/k {
			return -1
		}
		n *= k
	}
	return n
}

// Enumerate calls f with every valid architecture of s in lexicographic
// order of choices (the last choice varies fastest) until f returns false.
// The Arch passed to f is reused: clone it to keep it.
func Enumerate(s Space, f func(Arch) bool) {
	dims := s.Dims()
	a := make(Arch, len(dims))
	for {
		if s.Check(a) == nil && !f(a) {
			return
		}
		i := len(a) - 1
		for ; i >= 0; i-- {
			a[i]++
			if a[i] < len(dims[i].Options) {
				break
			}
			a[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// Encode returns a's vector encoding: the space's own, or one-hot per choice.
func Encode(s Space, a Arch) []float64 {
	if e, ok := s.(Encoder); ok {
		return e.Encode(a)
	}
	var v []float64
	for i, d := range s.Dims() {
		oh := make([]float64, len(d.Options))
		oh[a[i]] = 1
		v = append(v, oh...)
	}
	return v
}

// Hash returns a key under which architectures of the same network are
// equal: the space's Canonical form, or Format when it has none.
func Hash(s Space, a Arch) string {
	if c, ok := s.(Canonicalizer); ok {
		return c.Canonical(a)
	}
	return s.Format(a)
}
