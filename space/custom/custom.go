package custom

import (
	"errors"
	"fmt"
	"strings"

	"nasbook/space"
	"nasbook/space/spec"
)

// Space is a search space of choices made of data and functions.
type Space struct {
	SpaceName string
	Choices   []space.Dim
	// Constraint, if set, returns an error naming the choice at fault when
	// an architecture is not allowed (too deep, too wide, ...).
	Constraint func(space.Arch) error
	// Build returns the network of an architecture. The spec's Space and
	// Arch are filled in by Spec.
	Build func(space.Arch) (*spec.Spec, error)
}

var (
	_ space.Space     = (*Space)(nil)
	_ space.Specifier = (*Space)(nil)
)

// New checks a space's definition: a name, at least one choice, every
// choice named once with at least one option, each option once, and a Build.
func New(s *Space) (*Space, error) {
	if strings.TrimSpace(s.SpaceName) == "" {
		return nil, errors.New("custom: the space has no name")
	}
	if err := checkDims(s.SpaceName, s.Choices); err != nil {
		return nil, err
	}
	if s.Build == nil {
		return nil, fmt.Errorf("custom: space %s: no Build function to make a network of an architecture", s.SpaceName)
	}
	return s, nil
}

func checkDims(name string, dims []space.Dim) error {
	if len(dims) == 0 {
		return fmt.Errorf("custom: space %s has no choices", name)
	}
	seen := map[string]bool{}
	for i, d := range dims {
		if d.Name == "" {
			return fmt.Errorf("custom: space %s: choice %d has no name", name, i+1)
		}
		if seen[d.Name] {
			return fmt.Errorf("custom: space %s: two choices are called %q", name, d.Name)
		}
		seen[d.Name] = true
		if len(d.Options) == 0 {
			return fmt.Errorf("custom: space %s: choice %q has no options", name, d.Name)
		}
		opts := map[string]bool{}
		for _, o := range d.Options {
			if opts[o] {
				return fmt.Errorf("custom: space %s: choice %q lists option %q twice", name, d.Name, o)
			}
			if strings.ContainsAny(o, "=,") {
				return fmt.Errorf("custom: space %s: choice %q: option %q may not contain '=' or ','", name, d.Name, o)
			}
			opts[o] = true
		}
	}
	return nil
}

// Name implements space.Space.
func (s *Space) Name() string { return s.SpaceName }

// Dims implements space.Space.
func (s *Space) Dims() []space.Dim { return s.Choices }

// Check implements space.Space with the Constraint.
func (s *Space) Check(a space.Arch) error {
	if s.Constraint == nil {
		return nil
	}
	return call(s.SpaceName, "constraint", s.Format(a), func() error { return s.Constraint(a) })
}

// Format writes a as "choice=option,choice=option,...".
func (s *Space) Format(a space.Arch) string { return formatDims(s.Choices, a) }

// Parse reads the form Format writes.
func (s *Space) Parse(text string) (space.Arch, error) {
	return parseDims(s.SpaceName, s.Choices, text)
}

// Spec implements space.Specifier with Build.
func (s *Space) Spec(a space.Arch) (*spec.Spec, error) {
	var sp *spec.Spec
	err := call(s.SpaceName, "build", s.Format(a), func() error {
		var err error
		sp, err = s.Build(a)
		return err
	})
	if err != nil {
		return nil, err
	}
	if sp == nil {
		return nil, fmt.Errorf("custom: space %s: build of %s returned no network", s.SpaceName, s.Format(a))
	}
	sp.Space, sp.Arch = s.SpaceName, s.Format(a)
	// Shape mistakes surface here, naming the layer, rather than later in
	// a worker that trains it.
	if _, err := spec.Lower(sp); err != nil {
		return nil, fmt.Errorf("custom: space %s: the network of %s: %w", s.SpaceName, s.Format(a), err)
	}
	return sp, nil
}

// FromSpec implements space.Specifier: it reads the spec's Arch.
func (s *Space) FromSpec(sp *spec.Spec) (space.Arch, error) {
	if sp.Space != s.SpaceName {
		return nil, fmt.Errorf("custom: a spec of space %q is not of space %s", sp.Space, s.SpaceName)
	}
	return s.Parse(sp.Arch)
}

// call runs a function of a space's definition, turning its panic into an
// error that names the space, the function and the architecture.
func call(spaceName, what, arch string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("custom: space %s: the %s panicked on %s: %v", spaceName, what, arch, r)
		}
	}()
	if err := f(); err != nil {
		return fmt.Errorf("custom: space %s: %s: %w", spaceName, arch, err)
	}
	return nil
}

func formatDims(dims []space.Dim, a space.Arch) string {
	var b strings.Builder
	for i, d := range dims {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d.Name)
		b.WriteByte('=')
		if i < len(a) && a[i] >= 0 && a[i] < len(d.Options) {
			b.WriteString(d.Options[a[i]])
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

func parseDims(name string, dims []space.Dim, text string) (space.Arch, error) {
	if err := space.CheckNotation("custom: space "+name, text); err != nil {
		return nil, err
	}
	a := make(space.Arch, len(dims))
	set := make([]bool, len(dims))
	for _, part := range strings.Split(strings.TrimSpace(text), ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("custom: space %s: %q is not choice=option", name, space.Clip(part))
		}
		i := indexOfDim(dims, strings.TrimSpace(k))
		if i < 0 {
			return nil, fmt.Errorf("custom: space %s has no choice %q", name, space.Clip(strings.TrimSpace(k)))
		}
		o := indexOf(dims[i].Options, strings.TrimSpace(v))
		if o < 0 {
			return nil, fmt.Errorf("custom: space %s: choice %q has no option %q (options: %s)", name, dims[i].Name, space.Clip(strings.TrimSpace(v)), strings.Join(dims[i].Options, ", "))
		}
		a[i], set[i] = o, true
	}
	for i, ok := range set {
		if !ok {
			return nil, fmt.Errorf("custom: space %s: %q leaves choice %q open", name, space.Clip(text), dims[i].Name)
		}
	}
	return a, nil
}

func indexOfDim(dims []space.Dim, name string) int {
	for i, d := range dims {
		if d.Name == name {
			return i
		}
	}
	return -1
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
