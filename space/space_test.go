package space_test

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"nasbook/space"
	"nasbook/space/nb201"
)

// pairs is a toy space: two choices of three options whose sum must be even.
type pairs struct{}

func (pairs) Name() string { return "pairs" }
func (pairs) Dims() []space.Dim {
	o := []string{"a", "b", "c"}
	return []space.Dim{{Name: "first", Options: o}, {Name: "second", Options: o}}
}
func (pairs) Check(a space.Arch) error {
	if (a[0]+a[1])%2 != 0 {
		return fmt.Errorf("pairs: choices %d and %d have an odd sum", a[0], a[1])
	}
	return nil
}
func (pairs) Format(a space.Arch) string       { return fmt.Sprint(a) }
func (pairs) Parse(string) (space.Arch, error) { return nil, errors.New("pairs: no notation") }

type never struct{ pairs }

func (never) Check(space.Arch) error { return errors.New("never: the width must exceed the depth") }

func TestGenericOps(t *testing.T) {
	s := pairs{}
	var all []string
	space.Enumerate(s, func(a space.Arch) bool { all = append(all, a.Key()); return true })
	if got := strings.Join(all, " "); got != "0.0 0.2 1.1 2.0 2.2" {
		t.Errorf("Enumerate = %s", got)
	}
	if space.Size(s) != 9 {
		t.Errorf("Size = %d", space.Size(s))
	}
	r := rand.New(rand.NewSource(1))
	for range 100 {
		a, err := space.Sample(s, r)
		if err != nil || space.Valid(s, a) != nil {
			t.Fatalf("Sample = %v, %v", a, err)
		}
		b := space.Mutate(s, a, r)
		isolated := len(space.Neighbours(s, a)) == 0 // 1.1 has no valid neighbour
		if space.Valid(s, b) != nil || (b.Key() == a.Key()) != isolated {
			t.Fatalf("Mutate(%v) = %v", a, b)
		}
	}
	var ns []string
	for _, n := range space.Neighbours(s, space.Arch{1, 1}) {
		ns = append(ns, n.Key())
	}
	if got := strings.Join(ns, " "); got != "" {
		t.Errorf("Neighbours(1.1) = %q: a single change makes the sum odd", got)
	}
	if got := space.Encode(s, space.Arch{2, 0}); fmt.Sprint(got) != "[0 0 1 1 0 0]" {
		t.Errorf("Encode = %v", got)
	}
	if err := space.Valid(s, space.Arch{3, 1}); err == nil || !strings.Contains(err.Error(), `choice "first" = 3, want 0 to 2`) {
		t.Errorf("Valid out of range: %v", err)
	}
	if err := space.Valid(s, space.Arch{0}); err == nil || !strings.Contains(err.Error(), "1 choices, want 2") {
		t.Errorf("Valid short: %v", err)
	}
}

func TestUnsatisfiable(t *testing.T) {
	_, err := space.Sample(never{}, rand.New(rand.NewSource(1)))
	if !errors.Is(err, space.ErrNoArch) || !strings.Contains(err.Error(), "the width must exceed the depth") {
		t.Errorf("Sample of an unsatisfiable space: %v", err)
	}
}

func TestNB201Space(t *testing.T) {
	s := nb201.Space{}
	if space.Size(s) != nb201.Size {
		t.Fatalf("Size = %d", space.Size(s))
	}
	n := 0
	space.Enumerate(s, func(a space.Arch) bool {
		if got, _ := s.Parse(s.Format(a)); got.Key() != a.Key() {
			t.Fatalf("Parse(Format(%v)) = %v", a, got)
		}
		n++
		return true
	})
	if n != nb201.Size {
		t.Errorf("enumerated %d", n)
	}
	a, _ := s.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	if len(space.Neighbours(s, a)) != 6*4 {
		t.Errorf("%d neighbours, want 24", len(space.Neighbours(s, a)))
	}
}
