package nb201

import (
	"strings"
	"testing"
)

// The first two architectures of NAS-Bench-201's table (../shared/data/nb201, index 0 and 1).
const (
	arch0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
	arch1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
)

func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{arch0, arch1} {
		a, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.String(); got != s {
			t.Errorf("round trip: got %s, want %s", got, s)
		}
	}
	a, _ := Parse(arch1)
	want := Arch{Conv3x3, Conv3x3, AvgPool3x3, Skip, Conv3x3, Skip}
	if a != want {
		t.Errorf("Parse(%s) = %v, want %v", arch1, a, want)
	}
}

func TestIndexBijection(t *testing.T) {
	seen := make(map[Arch]bool, Size)
	for i := 0; i < Size; i++ {
		a := FromIndex(i)
		if a.Index() != i {
			t.Fatalf("FromIndex(%d).Index() = %d", i, a.Index())
		}
		seen[a] = true
	}
	if len(seen) != Size {
		t.Fatalf("%d distinct architectures, want %d", len(seen), Size)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "want 3 node groups"},
		{"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|", "want 3 node groups"},
		{"|conv~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", `node 1, input 0: nb201: unknown operation "conv"`},
		{"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~2|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", "node 2: input 1 is written as"},
		{"|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", "node 2: want 2 inputs, found 1"},
		{"nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", "node 1: \"nor_conv_3x3~0|\" must start and end with '|'"},
		{"|nor_conv_3x3|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", "is not op~input"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", c.in, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(arch0)
	f.Add(arch1)
	f.Add("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
	f.Add(" |skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|\n")
	f.Add("|nor_conv_3x3~00|+|~0|x~1|+||||")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if len(err.Error()) > 1000 { // two quotes of 60 bytes, each byte at most 4 when escaped
				t.Fatalf("an error of %d bytes: %.100s...", len(err.Error()), err)
			}
			return
		}
		// The canonical string reads back to the same architecture, and
		// the architecture is one of the 15,625.
		b, err := Parse(a.String())
		if err != nil || b != a || FromIndex(a.Index()) != a {
			t.Fatalf("round trip of %q: %v, %v", s, b, err)
		}
	})
}
