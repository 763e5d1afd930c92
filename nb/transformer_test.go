package nb

import (
	"strings"
	"testing"
)

// TestTransformerOnLookup goes through the lesson's calls on a small
// scale: the space made for the lookup task costs, trains and searches
// networks of token ids, keeps to a parameter budget, and proxies that
// cannot read token ids say so.
func TestTransformerOnLookup(t *testing.T) {
	s, _ := quiet()
	d := s.Lookup(6000, 1)
	if d.Train.Vocab != 72 || d.Train.H != 5 || d.Train.Classes != 8 || d.Train.Len() != 4200 {
		t.Fatalf("data %v, vocabulary %d", d, d.Train.Vocab)
	}
	sp := s.Space("transformer").For(d)
	a := sp.Parse("L2-H4-D32-R2")
	if c := s.Cost(a); c.Params != 72*32+5*32+2*(8*32*32+11*32)+2*32+32*8+8 {
		t.Errorf("L2-H4-D32-R2 on lookup: %d parameters", c.Params)
	}
	r := s.TrainArch(a, d, TrainConfig{Epochs: 2, Batch: 32, LR: 0.003, Seed: 1, Quiet: true})
	t.Logf("%s", r)
	if r.TestAcc < 0.5 || r.Model != "L2-H4-D32-R2" {
		t.Errorf("%s: test accuracy %.3f, want above 0.5", r.Model, r.TestAcc)
	}
	small := sp.WithinParams(25000)
	for seed := int64(1); seed <= 20; seed++ {
		if c := s.Cost(s.Sample(small, seed)); c.Params > 25000 {
			t.Fatalf("a sample of %d parameters within a budget of 25000", c.Params)
		}
	}
	res := s.Search(SearchConfig{In: small, Train: d, TrainEpochs: []int{1}, Strategy: "rs", Budget: 2, Seed: 1, Quiet: true})
	if res.Runs[0].Value <= 0 || res.Runs[0].Value > 1 {
		t.Errorf("search by training: best %v", res.Runs[0])
	}
	p := s.Search(SearchConfig{In: small, Proxy: "naswot", Strategy: "rs", Budget: 3, Seed: 1, Quiet: true})
	if p.Runs[0].Arch == "" {
		t.Errorf("search by naswot: %+v", p.Runs[0])
	}
	func() {
		defer func() {
			if e, ok := recover().(*Error); !ok || !strings.Contains(e.Error(), "token ids") {
				t.Errorf("synflow on token ids: %v", e)
			}
		}()
		s.Search(SearchConfig{In: small, Proxy: "synflow", Strategy: "rs", Budget: 1, Quiet: true})
	}()
	func() {
		defer func() {
			if e, ok := recover().(*Error); !ok || !strings.Contains(e.Error(), "For(d)") {
				t.Errorf("training the image space's architecture on token ids: %v", e)
			}
		}()
		s.TrainArch(s.Parse("transformer", "L1-H1-D32-R2"), d, TrainConfig{Quiet: true})
	}()
}
