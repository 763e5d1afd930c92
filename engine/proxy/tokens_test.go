package proxy

import (
	"errors"
	"math"
	"testing"

	"nasbook/engine/data"
	"nasbook/space"
	"nasbook/space/transformer"
)

// TestTokenNetworks scores transformers of token ids: the proxies that
// need a gradient by the input or a scaled input refuse with
// ErrTokenInput, the others give finite scores from random ids or from the
// data's, and NASWOT, which reads the GELUs' codes, separates two networks.
func TestTokenNetworks(t *testing.T) {
	d := data.Lookup{N: 40, Pairs: 3, Seed: 1}.Generate()
	s := transformer.Space{Input: []int{d.H, 1}, Classes: d.Classes, Vocab: d.Vocab}
	nwot := map[string]float64{}
	for _, arch := range []string{"L1-H1-D32-R2", "L2-H4-D32-R4"} {
		a, err := s.Parse(arch)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := space.ToSpec(s, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []Proxy{Synflow, JacobCov} {
			if _, err := Score(sp, []Proxy{p}, Config{Batch: 8}); !errors.Is(err, ErrTokenInput) {
				t.Errorf("%s of %s: %v, want ErrTokenInput", p, arch, err)
			}
		}
		ps := []Proxy{SNIP, GraSP, Fisher, GradNorm, NASWOT, Params}
		for _, cfg := range []Config{{Batch: 8, Seed: 1}, {Batch: 8, Seed: 1, Data: d}} {
			v, err := Score(sp, ps, cfg)
			if err != nil {
				t.Fatalf("%s (data %v): %v", arch, cfg.Data != nil, err)
			}
			for i, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
					t.Errorf("%s of %s (data %v): %v", ps[i], arch, cfg.Data != nil, x)
				}
			}
			nwot[arch] = v[4]
		}
	}
	if nwot["L1-H1-D32-R2"] == nwot["L2-H4-D32-R4"] {
		t.Errorf("NASWOT gives two networks the same score %v", nwot["L1-H1-D32-R2"])
	}
	img := data.Shapes{N: 10, Size: 8, Seed: 1}.Generate()
	a, _ := s.Parse("L1-H1-D32-R2")
	sp, _ := space.ToSpec(s, a)
	if _, err := Score(sp, []Proxy{SNIP}, Config{Batch: 4, Data: img}); err == nil {
		t.Error("images scored a network of token ids")
	}
}
