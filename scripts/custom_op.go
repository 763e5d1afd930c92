//go:build ignore

// The go command reads a script's header, so it names a package; the notebook drops the line.
package main

// %% A DARTS-style space with operations of your own. Each node of the cell takes two earlier nodes, each through one of four operations: two built in, and two composed here from layers. The network has reductions, so the normal and the reduction cell are chosen apart.
import (
	"fmt"

	"nasbook/nb"
)

sp := nb.DefineCellSpace(nb.CellSpaceDef{
	Name: "my-darts",
	Ops:  []string{"skip_connect", "sep_conv_3x3", "conv_5x5", "pool_then_1x1"},
	CustomOps: map[string][]nb.Layer{
		"conv_5x5":      {nb.ReLU(), nb.Conv(0, 5), nb.BatchNorm()},
		"pool_then_1x1": {nb.AvgPool(3), nb.ReLU(), nb.Conv(0, 1), nb.BatchNorm()},
	},
	Nodes:         3,
	InputsPerNode: 2,
	Network:       "darts",
	C:             8,
	Layers:        3,
})
fmt.Println(sp)
a := nb.Sample(sp, 11)
fmt.Println(nb.Cost(a))
nb.Show(a) // both cells, on the canvas

// %% Scored by a zero-cost proxy (NASWOT, on random inputs), random search against regularized evolution.
for _, strategy := range []string{"rs", "re"} {
	r := nb.Search(nb.SearchConfig{In: sp, Strategy: strategy, Budget: 12, Seed: 1, Quiet: true, Proxy: "naswot"})
	fmt.Printf("%s: the best of 12 architectures by naswot scores %.1f\n", strategy, r.Runs[0].Value)
}

// %% The pool: every network goes to a worker as a spec (in the browser, one Web Worker per core), never as this script.
var sample []nb.Arch
for seed := int64(0); seed < 8; seed++ {
	sample = append(sample, nb.Sample(sp, seed))
}
scores := nb.ProxiesOf(sample, "naswot", "params")
fmt.Println(scores)

// %% The relaxation: every edge a softmax mixture of the four operations, trained on generated shapes.
d := nb.Shapes(300, 16, 3, 1)
res := nb.DARTS(nb.DARTSConfig{In: sp, Data: d, Epochs: 1, Images: 96, Seed: 1, Quiet: true})
fmt.Println("the relaxation derived these cells, drawn on the canvas:")
nb.Show(sp.Parse(res.Genotype))

// Output:
// my-darts: 24 choices, 5566277615616 combinations
// 0.082M params, 3.0M MACs, 6.0M FLOPs, 0.9 MB activations, 118.0 MB peak training memory at batch 64
// my-darts normal cell
// my-darts reduction cell
// rs: the best of 12 architectures by naswot scores ...
// re: the best of 12 architectures by naswot scores ...
// 8 architectures, proxies naswot, params
// the relaxation derived these cells, drawn on the canvas:
// my-darts normal cell
// my-darts reduction cell
