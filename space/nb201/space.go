package nb201

import (
	"math/rand"

	"nasbook/space"
	"nasbook/space/spec"
)

// Space is the NAS-Bench-201 cell space as a space.Space: one choice per edge,
// in string order, with the five operations as options. Macro sets the
// network of its specs; the zero value is the benchmark's CIFAR-10 network.
type Space struct{ Macro Macro }

var _ space.Space = Space{}

var dims = func() []space.Dim {
	ds := make([]space.Dim, NumEdges)
	for k, e := range Edges {
		ds[k] = space.Dim{Name: "edge " + string(rune('0'+e.From)) + "-" + string(rune('0'+e.To)), Options: opNames[:]}
	}
	return ds
}()

func (Space) Name() string           { return "nb201" }
func (Space) Dims() []space.Dim      { return dims }
func (Space) Check(space.Arch) error { return nil }

// Format writes the architecture as a NAS-Bench-201 string.
func (Space) Format(a space.Arch) string { return FromChoices(a).String() }

// Parse reads a NAS-Bench-201 string.
func (Space) Parse(s string) (space.Arch, error) {
	a, err := Parse(s)
	if err != nil {
		return nil, err
	}
	return a.Choices(), nil
}

// Sample draws each edge's operation uniformly, as the benchmark's random
// search does.
func (Space) Sample(r *rand.Rand) space.Arch {
	a := make(space.Arch, NumEdges)
	for k := range a {
		a[k] = r.Intn(NumOps)
	}
	return a
}

// Spec returns the network of the architecture (space.Specifier).
func (s Space) Spec(c space.Arch) (*spec.Spec, error) { return FromChoices(c).Spec(s.Macro), nil }

// FromSpec reads an architecture from a spec (space.Specifier).
func (Space) FromSpec(sp *spec.Spec) (space.Arch, error) {
	a, err := FromSpec(sp)
	if err != nil {
		return nil, err
	}
	return a.Choices(), nil
}

// Choices returns a as a space.Arch.
func (a Arch) Choices() space.Arch {
	c := make(space.Arch, NumEdges)
	for k, op := range a {
		c[k] = int(op)
	}
	return c
}

// FromChoices converts a space.Arch of this space (as Valid accepts) to an Arch.
func FromChoices(c space.Arch) Arch {
	var a Arch
	for k := range a {
		a[k] = Op(c[k])
	}
	return a
}
