// Package spacetest holds checks that the tests of every search space make
// of it.
package spacetest

import (
	"testing"

	"nasbook/space"
)

// CheckParse holds what any text makes of a space's Parse, as its fuzz
// target asks: a short error, or a valid architecture that Format writes
// back as itself. It returns the architecture, and whether Parse took the
// text.
func CheckParse(t testing.TB, s space.Space, text string) (space.Arch, bool) {
	t.Helper()
	a, err := s.Parse(text)
	if err != nil {
		if len(err.Error()) > 1000 { // two quotes of 60 bytes, each byte at most 4 when escaped
			t.Fatalf("an error of %d bytes: %.100s...", len(err.Error()), err)
		}
		return a, false
	}
	if err := space.Valid(s, a); err != nil {
		t.Fatalf("Parse(%q) is not valid: %v", text, err)
	}
	b, err := s.Parse(s.Format(a))
	if err != nil || b.Key() != a.Key() {
		t.Fatalf("round trip of %q: %v, %v", text, b, err)
	}
	return a, true
}
