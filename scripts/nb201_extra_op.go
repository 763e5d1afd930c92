//go:build ignore

// The go command reads a script's header, so it names a package; the notebook drops the line.
package main

// %% NAS-Bench-201 with one more operation. The cell space below is NAS-Bench-201's (an edge from every earlier node, five operations) plus a 3x3 separable convolution, in a small network for 16x16 images.
import (
	"fmt"

	"nasbook/nb"
)

sp := nb.DefineCellSpace(nb.CellSpaceDef{
	Name: "nb201+sep3",
	Ops:  []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "sep_conv_3x3"},
	C:    8,
})
fmt.Println(sp)
a := nb.Sample(sp, 7)
fmt.Println(a)
fmt.Println(nb.Cost(a))
nb.Show(a)

// %% Regularized evolution, scoring a cell by its capacity (parameters) under a budget of 1.5M multiply-accumulates per image.
capacity := func(a nb.Arch) float64 {
	c := nb.Cost(a)
	if c.MACs > 1500000 {
		return -float64(c.MACs)
	}
	return float64(c.Params)
}
r := nb.Search(nb.SearchConfig{In: sp, Strategy: "re", Budget: 60, Seed: 1, Quiet: true, Score: capacity})
fmt.Printf("best %s: %.0f parameters\n", r.Runs[0].Arch, r.Runs[0].Value)

// %% The same space relaxed as DARTS does, on generated shapes: the canvas animates the cell while it trains.
d := nb.Shapes(300, 16, 3, 1)
res := nb.DARTS(nb.DARTSConfig{In: sp, Data: d, Epochs: 2, Images: 128, Seed: 1, Quiet: true})
derived := sp.Parse(res.Genotype)
fmt.Println("the relaxation derived a cell of", len(derived.Choices), "edges, drawn on the canvas")

// Output:
// nb201+sep3: 6 choices, 46656 combinations
// edge 0-1=nor_conv_1x1,edge 0-2=none,edge 1-2=nor_conv_3x3,edge 0-3=nor_conv_3x3,edge 1-3=nor_conv_1x1,edge 2-3=nor_conv_1x1
// 0.047M params, 1.5M MACs, 3.0M FLOPs, 0.3 MB activations, 43.7 MB peak training memory at batch 64
// nb201+sep3 cell edge 0-1=nor_conv_1x1,edge 0-2=none,edge 1-2=nor_conv_3x3,edge 0-3=nor_conv_3x3,edge 1-3=nor_conv_1x1,edge 2-3=nor_conv_1x1
// best edge 0-1=nor_conv_1x1,edge 0-2=nor_conv_1x1,edge 1-2=nor_conv_3x3,edge 0-3=none,edge 1-3=avg_pool_3x3,edge 2-3=nor_conv_3x3: 45922 parameters
// the relaxation derived a cell of 6 edges, drawn on the canvas
