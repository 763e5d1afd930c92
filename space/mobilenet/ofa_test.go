package mobilenet

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/pareto"
	"nasbook/engine/search"
	"nasbook/engine/tensor"
	"nasbook/space"
	"nasbook/space/spacetest"
	"nasbook/space/spec"
)

func TestOFASpace(t *testing.T) {
	s := OFA{}
	if got := len(s.Dims()); got != 1+5*(2+2*MaxDepth) {
		t.Fatalf("%d choices", got)
	}
	r := rand.New(rand.NewSource(1))
	for range 200 {
		a, err := space.Sample(s, r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.Parse(s.Format(a))
		if err != nil || back.Key() != a.Key() {
			t.Fatalf("Parse(Format(%v)) = %v, %v", a, back, err)
		}
		m := space.Mutate(s, a, r)
		if space.Hash(s, m) == space.Hash(s, a) {
			t.Fatalf("Mutate(%s) changed nothing that matters", s.Format(a))
		}
		if back, _ := s.Parse(s.Format(m)); back.Key() != m.Key() {
			t.Fatalf("Mutate left unused choices set: %v", m)
		}
	}
	// The choices of blocks past a stage's depth do not change the network.
	a, err := s.Parse("w1.0|k3e3,k3e3|k5e4,k5e4,k5e4+se|k3e6,k3e6,k3e6,k3e6|k3e6,k5e6+se|k7e6,k7e6,k7e6,k7e6+se")
	if err != nil {
		t.Fatal(err)
	}
	b := a.Clone()
	ofaStage(b, 0)[2+2*3] = 2 // stage 1 has two blocks; set its fourth's kernel
	if space.Hash(s, a) != space.Hash(s, b) {
		t.Errorf("an unused choice changes the hash")
	}
	for _, bad := range []string{
		"w1.0|k3e3|k5e4,k5e4|k3e6,k3e6|k3e6,k5e6|k7e6,k7e6",
		"w1.1|k3e3,k3e3|k5e4,k5e4|k3e6,k3e6|k3e6,k5e6|k7e6,k7e6",
		"w1.0|k3e3,k3e3|k5e4,k5e4|k3e6,k3e6|k3e6,k5e6|k7e6,k9e6",
		"w1.0|k3e3,k3e3|k5e4,k5e4|k3e6,k3e6|k3e6,k5e6+SE|k7e6,k7e6",
		"w1.0|k3e3,k3e3|k5e4,k5e4|k3e6,k3e6|k3e6,k5e6",
	} {
		if _, err := s.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// The smallest and largest networks of the space at 224×224: width 0.75,
// two k3e3 blocks a stage, no squeeze-excitation; width 1.2, four k7e6
// blocks a stage, all with it. Once-for-All's own range at width 1.0 is
// about 100M to 600M multiply-adds; a network of the space builds and
// runs, with the parameters the cost model counts.
func TestOFANetworks(t *testing.T) {
	s := OFA{}
	small, err := s.Parse("w0.75|k3e3,k3e3|k3e3,k3e3|k3e3,k3e3|k3e3,k3e3|k3e3,k3e3")
	if err != nil {
		t.Fatal(err)
	}
	large, err := s.Parse("w1.2" + strings.Repeat("|k7e6,k7e6,k7e6,k7e6+se", 5))
	if err != nil {
		t.Fatal(err)
	}
	var macs []int64
	for _, a := range []space.Arch{small, large} {
		sp, err := s.Spec(a)
		if err != nil {
			t.Fatal(err)
		}
		c, err := spec.Cost(sp, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d params, %d MACs", s.Format(a), c.Params, c.MACs)
		macs = append(macs, c.MACs)
	}
	if macs[0] > 100e6 || macs[1] < 600e6 {
		t.Errorf("multiply-adds from %d to %d, want the range to cover 100M to 600M", macs[0], macs[1])
	}
	sp, err := OFA{Classes: 10, Size: 32}.Spec(large)
	if err != nil {
		t.Fatal(err)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(2)))
	if err != nil {
		t.Fatal(err)
	}
	if rp := net.Cost.Count(1); int64(net.Params.Len()) != rp.Params {
		t.Errorf("built %d parameters, cost model %d", net.Params.Len(), rp.Params)
	}
	if y := net.Forward(ag.NewTape(nil), ag.Const(tensor.New(1, 3, 32, 32))); fmt.Sprint(y.Shape()) != "[1 10]" {
		t.Errorf("logits %v", y.Shape())
	}
}

// byCost scores an architecture of s by the cost model at 224×224:
// parameters (maximised) and multiply-adds (minimised); with a budget,
// one objective: the parameters of a network within budget multiply-adds,
// and minus its multiply-adds above it.
type byCost struct {
	s      OFA
	budget int64
}

func (e byCost) Objectives() []search.Objective {
	if e.budget > 0 {
		return []search.Objective{{Name: "params within budget"}}
	}
	return []search.Objective{{Name: "params"}, {Name: "macs", Minimize: true}}
}

func (e byCost) Estimate(a space.Arch) (search.Score, error) {
	sp, err := e.s.Spec(a)
	if err != nil {
		return search.Score{}, err
	}
	c, err := spec.Cost(sp, 1)
	if err != nil {
		return search.Score{}, err
	}
	if e.budget == 0 {
		return search.Score{Values: []float64{float64(c.Params), float64(c.MACs)}}, nil
	}
	if c.MACs > e.budget {
		return search.Score{Values: []float64{-float64(c.MACs)}}, nil
	}
	return search.Score{Values: []float64{float64(c.Params)}}, nil
}

// Strategies search the space by its cost: regularized evolution and local
// search find a network of more parameters within 300M multiply-adds than
// the first 20 they try; NSGA-II's front of parameters against
// multiply-adds spans a range of both. (Every strategy runs on the space in
// engine/search's tests, on an additive score.)
func TestOFASearchByCost(t *testing.T) {
	for _, name := range []string{"re", "ls"} {
		st, err := search.NewStrategy(name)
		if err != nil {
			t.Fatal(err)
		}
		sr, err := search.New(search.Config{Space: OFA{}, Strategy: st, Estimator: byCost{budget: 300e6}, Budget: search.Budget{Evaluations: 150}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := sr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		first := 0.0
		for _, e := range sr.History()[:20] {
			first = max(first, e.Values[0])
		}
		best, _ := sr.Best()
		t.Logf("%s: %.0f params within 300M MACs (the first 20: %.0f): %s", name, best.Values[0], first, OFA{}.Format(best.Arch))
		if best.Values[0] <= first || best.Values[0] <= 0 {
			t.Errorf("%s: best %.0f, the first 20 random %.0f", name, best.Values[0], first)
		}
	}
	st, err := search.NewStrategy("nsga2")
	if err != nil {
		t.Fatal(err)
	}
	sr, err := search.New(search.Config{Space: OFA{}, Strategy: st, Estimator: byCost{}, Budget: search.Budget{Evaluations: 120}, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := sr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	front := sr.Front()
	lo, hi := front[0].Values[1], front[0].Values[1]
	for _, e := range front {
		lo, hi = min(lo, e.Values[1]), max(hi, e.Values[1])
		for _, f := range front {
			if pareto.Dominates(f.Fitness, e.Fitness) {
				t.Fatalf("the front holds %v, dominated by %v", e.Values, f.Values)
			}
		}
	}
	t.Logf("nsga2: a front of %d from %.0fM to %.0fM multiply-adds", len(front), lo/1e6, hi/1e6)
	if len(front) < 5 || hi < 2*lo {
		t.Errorf("a front of %d architectures from %.0f to %.0f multiply-adds", len(front), lo, hi)
	}
}

func FuzzParseOFA(f *testing.F) {
	s := OFA{}
	f.Add(s.Format(make(space.Arch, len(s.Dims()))))
	f.Add("w1.0|k3e4,k5e6|k5e3,k5e4,k7e6+se|k3e6,k3e6,k3e4,k3e3|k5e6,k5e6+se|k7e6,k7e6,k7e6,k7e6+se")
	f.Add("w1.2|k3e3,,|+se|k|e|k7e6,k7e6,k7e6,k7e6,k7e6")
	f.Fuzz(func(t *testing.T, text string) { spacetest.CheckParse(t, s, text) })
}
