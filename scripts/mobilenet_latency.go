//go:build ignore

// The go command reads a script's header, so it names a package; the notebook drops the line.
package main

// %% A MobileNet-like macro space with a latency budget. Two stages of inverted residual blocks; each stage chooses its kernel size, expansion ratio and depth, as ProxylessNAS and Once-for-All do. An architecture is allowed only if it runs within a latency budget measured on this very machine (your browser tab, or natively).
import (
	"fmt"

	"nasbook/nb"
)

build := func(p nb.Picked) nb.Model {
	ls := []nb.Layer{nb.Conv(8, 3)}
	for s := 1; s <= 2; s++ {
		k, e, d := p.Int(fmt.Sprint("kernel ", s)), p.Float(fmt.Sprint("expand ", s)), p.Int(fmt.Sprint("depth ", s))
		for i := 0; i < d; i++ {
			stride := 1
			if i == 0 {
				stride = 2
			}
			ls = append(ls, nb.MBConv(8*s, k, e, stride, s == 2, "hswish"))
		}
	}
	return nb.Sequential(append(ls, nb.GlobalAvgPool())...)
}
var choices []nb.Choice
for s := 1; s <= 2; s++ {
	choices = append(choices, nb.Options(fmt.Sprint("kernel ", s), "3", "5", "7"),
		nb.Options(fmt.Sprint("expand ", s), "3", "4", "6"), nb.IntRange(fmt.Sprint("depth ", s), 1, 3, 1))
}

// Latency is measured once per architecture and remembered.
measured := map[string]float64{}
latency := func(p nb.Picked) float64 {
	key := p.String()
	if ms, ok := measured[key]; ok {
		return ms
	}
	s, err := build(p).Spec(1, 16, 16, 10)
	if err != nil {
		panic(err)
	}
	measured[key] = nb.Latency(s)
	return measured[key]
}
free := nb.DefineSpace(nb.SpaceDef{Name: "mobile", Choices: choices, Build: build})
smallest, largest := free.Parse("kernel 1=3,expand 1=3,depth 1=1,kernel 2=3,expand 2=3,depth 2=1"), free.Parse("kernel 1=7,expand 1=6,depth 1=3,kernel 2=7,expand 2=6,depth 2=3")
lo, hi := nb.Latency(smallest), nb.Latency(largest)
budget := (lo + hi) / 2 // halfway between the smallest and the largest network
yes := func(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
fmt.Printf("budget %.3f ms, halfway between the smallest network (%.3f ms) and the largest (%.3f ms)\n", budget, lo, hi)
fmt.Println("the smallest network fits the budget:", yes(lo <= budget), "- the largest:", yes(hi <= budget))

// %% The space with its constraint, searched by regularized evolution for the most parameters within the budget.
sp := nb.DefineSpace(nb.SpaceDef{Name: "mobile-budget", Choices: choices, Build: build,
	Check: func(p nb.Picked) error {
		if ms := latency(p); ms > budget {
			return fmt.Errorf("%.3f ms is over the budget of %.3f ms", ms, budget)
		}
		return nil
	}})
ok := true
for seed := int64(0); seed < 5; seed++ {
	a := nb.Sample(sp, seed)
	ok = ok && measured[fmt.Sprint(a.Choices)] <= budget
}
fmt.Println("every sampled architecture fits the budget:", yes(ok))
r := nb.Search(nb.SearchConfig{In: sp, Strategy: "re", Budget: 20, Seed: 1, Quiet: true,
	Score: func(a nb.Arch) float64 { return float64(nb.Cost(a).Params) }})
best := sp.Parse(r.Runs[0].Arch)
fmt.Println("the architecture with the most parameters found fits the budget:", yes(measured[fmt.Sprint(best.Choices)] <= budget))
nb.Show(best)

// Output:
// budget ...
// the smallest network fits the budget: yes - the largest: no
// every sampled architecture fits the budget: yes
// the architecture with the most parameters found fits the budget: yes
// mobile-budget kernel 1=...
