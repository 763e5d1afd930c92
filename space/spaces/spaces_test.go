package spaces

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/space"
	"nasbook/space/spec"
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
	if _, err := Spec("resnet51", Settings{}); err == nil || !strings.Contains(err.Error(), "no known notation") {
		t.Errorf("unknown notation: %v", err)
	}
}

func FuzzSpec(f *testing.F) {
	for _, s := range []string{
		"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
		"DARTS_V2", "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], normal_concat=[2], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=range(2, 3))",
		"MobileNetV2", "MobileNetV3-Large", "k5-e6-d4-w1.0-se-hswish|k3-e3-d2-w0.75-nose-relu|k7-e4-d3-w1.25-se-relu|k5-e6-d4-w1.0-se-hswish|k3-e3-d2-w1.0-nose-relu",
		"L4-H2-D64-R4", `{"kind":"sequential","input":[3,8,8],"classes":2,"layers":[{"op":"gap"},{"op":"linear","out":2}]}`,
	} {
		f.Add(s, 0, 0)
	}
	f.Add("DARTS_V2", 100000000, 20)
	f.Add("DARTS_V2", 36, 100000000)
	f.Fuzz(func(t *testing.T, text string, c, layers int) {
		s, err := Spec(text, Settings{C: c % (1 << 30), Layers: layers % (1 << 30)})
		if err != nil {
			return
		}
		if _, err := spec.Cost(s, 1); err == nil {
			if _, err := spec.Parse(s.JSON()); err != nil {
				t.Fatalf("the spec of %q does not read back: %v", text, err)
			}
		}
	})
}
