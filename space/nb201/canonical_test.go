package nb201

import "testing"

// NAS-Bench-201 (Dong & Yang, ICLR 2020), Section 2.1: of the 15,625 cells,
// 6,466 are unique after removing isomorphic ones (the count that the
// benchmark's to_unique_str(consider_zero=True) gives).
func TestCanonicalUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < Size; i++ {
		seen[FromIndex(i).Canonical()] = true
	}
	if len(seen) != 6466 {
		t.Errorf("%d unique architectures, want 6466", len(seen))
	}
}

func TestCanonicalMerges(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		// Pooling and convolution on different paths: different functions.
		{"|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|",
			"|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|", false},
		{"|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|",
			"|nor_conv_1x1~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|", true},
		// An edge out of a node that the input does not reach is dead.
		{"|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
			"|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|skip_connect~2|", true},
		// skip_connect is the identity: skip then conv is conv then skip.
		{"|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|",
			"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|", true},
		{"|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|",
			"|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|", true},
		{"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
			"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|", false},
	} {
		a, _ := Parse(c.a)
		b, _ := Parse(c.b)
		if (a.Canonical() == b.Canonical()) != c.same {
			t.Errorf("Canonical(%s) = %s\nCanonical(%s) = %s\nwant equal: %v", c.a, a.Canonical(), c.b, b.Canonical(), c.same)
		}
	}
}
