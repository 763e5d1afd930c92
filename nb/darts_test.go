package nb

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/oneshot"
	"nasbook/viz/figure"
	"nasbook/viz/layout"
)

// runeWidth measures text as a fixed-pitch font: 0.55 em a rune.
type runeWidth struct{}

func (runeWidth) Measure(s string, size float64) (w, h float64) {
	return 0.55 * size * float64(len([]rune(s))), 1.2 * size
}

// TestWeightsSceneDrawsWeights: on the canvas, each op of a relaxed edge is
// drawn as wide and as opaque as its weight, relative to its edge's
// strongest op: an op with a quarter of the top weight is clearly thinner and
// fainter, and the ops are named once, in a legend.
func TestWeightsSceneDrawsWeights(t *testing.T) {
	net, err := oneshot.NewSupernet(oneshot.Skeleton{C: 4, Input: []int{1, 8, 8}, Classes: 3}, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	// ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3
	w := make([][]float64, len(net.Edges))
	for e := range w {
		w[e] = []float64{0.1, 0.1, 0.1, 0.1, 0.1}
		w[e][1+e%4] = 0.6 // the favourite: 6 times the others
	}
	sc := weightsScene(net, w, "test")
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	l := layout.Compute(sc.Title, sc.Cell, 800, 700, runeWidth{}, layout.Options{})
	if len(l.Legend) != 5 {
		t.Errorf("%d legend items, want the 5 ops", len(l.Legend))
	}
	for e := range net.Edges {
		row := l.Edges[5*e : 5*e+5]
		best := row[1+e%4]
		for o, d := range row {
			if o == 0 || o == 1+e%4 {
				continue
			}
			if d.Width > best.Width/2 || d.Alpha > best.Alpha/2 {
				t.Errorf("edge %d: %s of weight 0.1 drawn %.1f px wide, alpha %.2f; %s of weight 0.6 %.1f px, %.2f: want at most half",
					e, d.Op, d.Width, d.Alpha, best.Op, best.Width, best.Alpha)
			}
		}
	}
	// A none that gains weight is drawn wider and stronger too.
	w[0][0] = 0.6
	l2 := layout.Compute(sc.Title, weightsScene(net, w, "test").Cell, 800, 700, runeWidth{}, layout.Options{})
	if a, b := l.Edges[0], l2.Edges[0]; b.Width <= a.Width || b.Alpha <= a.Alpha {
		t.Errorf("none at weight 0.1: %.1f px alpha %.2f; at 0.6: %.1f px alpha %.2f: want wider and stronger", a.Width, a.Alpha, b.Width, b.Alpha)
	}
}

// A small search: Cap derives again without searching again, and PlotWeights
// draws one panel per edge.
func TestDARTSCapAndPlots(t *testing.T) {
	s, outs := capture()
	d := s.Shapes(200, 8, 3, 1)
	r := s.DARTS(DARTSConfig{Data: d, Images: 96, Epochs: 2, C: 2, Seed: 1, ArchLR: 0.2, ArchDecay: -1, Quiet: true})
	if len(r.Start) != 6 || r.Entropy <= 0 || r.Entropy > 1.61 || r.Contrast() < 1 {
		t.Errorf("start %v, entropy %g, contrast %g", r.Start, r.Entropy, r.Contrast())
	}
	if r.InheritedAcc <= 0 || r.InheritedAcc > 1 {
		t.Errorf("accuracy on the supernet's weights %g", r.InheritedAcc)
	}
	for _, m := range []int{0, 1} {
		c := r.Cap(0, m)
		if m > 0 && c.ParamFree > m || c.Genotype == "" || len(c.Epochs) != len(r.Epochs) {
			t.Errorf("Cap(0, %d): %s with %d parameter-free ops", m, c.Genotype, c.ParamFree)
		}
		if m == 0 && c.Genotype != r.Genotype {
			t.Errorf("Cap(0, 0) derived %s, the search %s", c.Genotype, r.Genotype)
		}
	}
	if r.Cap(0, 1) == r {
		t.Error("Cap changed the result in place")
	}
	n := len(*outs)
	s.PlotWeights(r)
	s.PlotWeights(r, 5)
	if len(*outs) != n+2 {
		t.Fatalf("%d outputs for two figures", len(*outs)-n)
	}
	all, one := (*outs)[n][figure.MIMEType].(*figure.Spec), (*outs)[n+1][figure.MIMEType].(*figure.Spec)
	if all.Kind != figure.KindPanels || len(all.Panels) != 6 || one.Kind != figure.KindLine || len(one.Series) != 5 || len(one.Series[0].X) != 3 {
		t.Errorf("PlotWeights drew %s with %d panels, and for one edge %s with %d series", all.Kind, len(all.Panels), one.Kind, len(one.Series))
	}
}

// N stacks more cells per stage into the nb201 supernet: a deeper network
// with more weights and the same cell. Other spaces set their own network.
func TestDARTSCellsPerStage(t *testing.T) {
	s, _ := capture()
	d := s.Shapes(120, 8, 3, 1)
	cfg := DARTSConfig{Data: d, Images: 64, Epochs: 1, C: 2, Seed: 1, Quiet: true, NoCanvas: true}
	one := s.DARTS(cfg)
	cfg.N = 2
	two := s.DARTS(cfg)
	if two.net.Skeleton.N != 2 || len(two.net.Weights.Data) <= len(one.net.Weights.Data) || len(two.Edges) != 6 {
		t.Errorf("N 2: %d cells per stage, %d weights (N 1: %d), %d edges", two.net.Skeleton.N, len(two.net.Weights.Data), len(one.net.Weights.Data), len(two.Edges))
	}
	cfg.Space = "darts"
	defer func() {
		if e, ok := recover().(*Error); !ok || !strings.Contains(e.Error(), "cells per stage") {
			t.Errorf("N with the darts space: %v", e)
		}
	}()
	s.DARTS(cfg)
}
