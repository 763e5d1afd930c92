package spaces

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/space"
)

func TestEverySpace(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range Names() {
		s, err := ByName(n)
		if err != nil {
			t.Fatal(err)
		}
		a, err := space.Sample(s, r)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := Spec(s.Format(a), Settings{})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if sp.Space != n {
			t.Errorf("%s: spec of space %q", n, sp.Space)
		}
		if _, err := space.ToSpec(s, a); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := Spec("resnet50", Settings{}); err == nil || !strings.Contains(err.Error(), "no known notation") {
		t.Errorf("unknown notation: %v", err)
	}
}
