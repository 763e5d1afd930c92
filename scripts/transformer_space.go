//go:build ignore

// The go command reads a script's header, so it names a package; the notebook drops the line.
package main

// %% A small transformer space. A vision transformer on 16x16 images cut into 4x4 patches chooses its depth, heads, embedding width and MLP ratio; the heads must divide the width.
import (
	"fmt"

	"nasbook/nb"
)

sp := nb.DefineSpace(nb.SpaceDef{
	Name: "tiny-vit",
	Choices: []nb.Choice{
		nb.IntRange("layers", 1, 3, 1), nb.Options("heads", "1", "2", "4", "8"),
		nb.Options("width", "12", "16", "24", "32"), nb.Options("mlp ratio", "2", "4"),
	},
	Check: func(p nb.Picked) error {
		if p.Int("width")%p.Int("heads") != 0 {
			return fmt.Errorf("%d heads do not divide a width of %d", p.Int("heads"), p.Int("width"))
		}
		return nil
	},
	Build: func(p nb.Picked) nb.Model {
		ls := []nb.Layer{nb.Patches(4), nb.Embed(p.Int("width"))}
		for i := 0; i < p.Int("layers"); i++ {
			ls = append(ls, nb.Transformer(p.Int("heads"), p.Int("mlp ratio")))
		}
		return nb.Sequential(append(ls, nb.LayerNorm(), nb.GlobalAvgPool())...)
	},
	Input: []int{1, 16, 16},
})
fmt.Println(sp)
a := nb.Sample(sp, 3)
fmt.Println(a, "·", nb.Cost(a))
nb.Show(a)

// %% Search for the widest model within 150,000 multiply-accumulates per image, by local search and by regularized evolution.
within := func(a nb.Arch) float64 {
	c := nb.Cost(a)
	if c.MACs > 150000 {
		return -float64(c.MACs)
	}
	return float64(c.Params)
}
for _, strategy := range []string{"ls", "re"} {
	r := nb.Search(nb.SearchConfig{In: sp, Strategy: strategy, Budget: 40, Seed: 2, Quiet: true, Score: within})
	fmt.Printf("%s: %s with %.0f parameters\n", strategy, r.Runs[0].Arch, r.Runs[0].Value)
}

// Output:
// tiny-vit: 4 choices, 96 combinations
// layers=2,heads=2,width=12,mlp ratio=2 · 0.003M params, 0.1M MACs (3.3k a token of 16), 0.1M FLOPs, 0.0 MB activations, 3.2 MB peak training memory at batch 64
// tiny-vit layers=2,heads=2,width=12,mlp ratio=2
// ls: layers=1,heads=2,width=24,mlp ratio=4 with 8314 parameters
// re: layers=1,heads=8,width=24,mlp ratio=4 with 8314 parameters
