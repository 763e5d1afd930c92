package nb

import (
	"fmt"
	"strings"
	"testing"

	"nasbook/viz/scene"
)

// recorder is a session that keeps its rich outputs.
func recorder() (*Session, *[]Output) {
	var outs []Output
	s := NewSession(&strings.Builder{}, func(o Output) { outs = append(outs, o) })
	return s, &outs
}

func TestDefineCellSpaceWithAnExtraOp(t *testing.T) {
	s, outs := recorder()
	sp := s.DefineCellSpace(CellSpaceDef{
		Name:      "nb201+conv5",
		Ops:       []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "conv_5x5"},
		CustomOps: map[string][]Layer{"conv_5x5": {ReLU(), Conv(0, 5), BatchNorm()}},
	})
	if got := sp.String(); got != "nb201+conv5: 6 choices, 46656 combinations" {
		t.Errorf("String = %q", got)
	}
	a := s.Sample(sp, 1)
	b := s.Mutate(a, 2)
	if a.Space != "nb201+conv5" || a.Text == b.Text {
		t.Errorf("Sample %v, Mutate %v", a, b)
	}
	c := s.Cost(a)
	if c.Params <= 0 || c.MACs <= 0 {
		t.Errorf("Cost(%v) = %+v", a, c)
	}
	s.Show(a)
	if len(*outs) != 1 {
		t.Fatalf("Show made %d outputs", len(*outs))
	}
	sc := (*outs)[0][scene.MIMEType].(*scene.Scene)
	if len(sc.Cell.Edges) != 6 || len(sc.Cell.Nodes) != 4 {
		t.Errorf("scene of %v: %+v", a, sc.Cell)
	}
	if got := sp.Parse(a.Text); got.Text != a.Text {
		t.Errorf("parse back: %v", got)
	}
}

func TestDefineSpaceStack(t *testing.T) {
	s, _ := recorder()
	sp := s.DefineSpace(SpaceDef{
		Name:    "stack",
		Choices: []Choice{IntRange("depth", 1, 3, 1), Options("width", "8", "16", "32"), FloatGrid("dropout", 0, 0.4, 3)},
		Check: func(p Picked) error {
			if p.Int("depth")*p.Int("width") > 64 {
				return fmt.Errorf("depth %d x width %d is over budget", p.Int("depth"), p.Int("width"))
			}
			return nil
		},
		Build: func(p Picked) Model {
			var ls []Layer
			for i := 0; i < p.Int("depth"); i++ {
				ls = append(ls, Conv(p.Int("width"), 3), ReLU(), MaxPool(2))
			}
			return Sequential(append(ls, Dropout(p.Float("dropout")))...)
		},
	})
	for seed := int64(0); seed < 20; seed++ {
		a := s.Sample(sp, seed)
		if !strings.Contains(a.Text, "depth=") {
			t.Fatalf("Sample = %v", a)
		}
		var depth, width int
		fmt.Sscanf(a.Text, "depth=%d,width=%d", &depth, &width)
		if depth*width > 64 {
			t.Errorf("Sample broke the constraint: %v", a)
		}
		if s.Cost(a).Params <= 0 {
			t.Errorf("no cost for %v", a)
		}
	}
}

func TestDefineErrors(t *testing.T) {
	s, _ := recorder()
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { s.DefineCellSpace(CellSpaceDef{Name: "x", Ops: []string{"nor_conv_3x3", "conv_9x9"}}) }, `operation "conv_9x9" is neither built in`},
		{func() {
			s.DefineCellSpace(CellSpaceDef{Name: "x", Ops: []string{"wide"}, CustomOps: map[string][]Layer{"wide": {Conv(7, 1)}}})
		}, `operation "wide" does not fit`},
		{func() {
			s.DefineSpace(SpaceDef{Name: "x", Choices: []Choice{IntRange("depth", 3, 1, 1)}, Build: func(Picked) Model { return MLP() }})
		}, `choice "depth" has no options`},
		{func() {
			sp := s.DefineSpace(SpaceDef{Name: "x", Choices: []Choice{IntRange("depth", 1, 2, 1)},
				Check: func(Picked) error { return fmt.Errorf("nothing fits the budget") }, Build: func(Picked) Model { return MLP() }})
			s.Sample(sp, 1)
		}, "no architecture satisfies the space's constraints"},
		{func() {
			sp := s.DefineSpace(SpaceDef{Name: "x", Choices: []Choice{IntRange("pool", 4, 8, 4)},
				Build: func(p Picked) Model { return Sequential(MaxPool(p.Int("pool")), MaxPool(p.Int("pool"))) }})
			s.Cost(s.Sample(sp, 3))
		}, "does not fit the"},
		{func() {
			sp := s.DefineSpace(SpaceDef{Name: "x", Choices: []Choice{IntRange("depth", 1, 2, 1)},
				Build: func(p Picked) Model { return Sequential(Conv(p.Int("width"), 3)) }})
			s.Cost(s.Sample(sp, 3))
		}, `no choice "width" (choices: depth)`},
	} {
		func() {
			defer func() {
				r := recover()
				e, ok := r.(*Error)
				if !ok || !strings.Contains(e.Error(), c.want) {
					t.Errorf("got %v, want an nb.Error with %q", r, c.want)
				}
			}()
			c.f()
		}()
	}
}

func TestTransformerModel(t *testing.T) {
	s, _ := quiet()
	d := s.Shapes(200, 8, 3, 1)
	m := Sequential(Patches(2), Embed(16), Transformer(2, 2), Transformer(2, 2), LayerNorm(), GlobalAvgPool())
	res := s.Train(m, d, TrainConfig{Epochs: 2, Quiet: true})
	if res.Params <= 0 || len(res.Epochs) != 2 {
		t.Errorf("%v", res)
	}
	for _, c := range []struct {
		m    Model
		want string
	}{
		{Sequential(Conv(4, 3), Patches(2)), "must be the first layer"},
		{Sequential(Patches(3)), "tile the 8x8 image"},
		{Sequential(Patches(2), Embed(10), Transformer(3, 2)), "3 heads do not divide the token width 10"},
		{Sequential(Transformer(2, 2)), "needs tokens"},
		{Sequential(Patches(2), Embed(8), BatchNorm()), "use LayerNorm on tokens"},
	} {
		if _, err := c.m.Spec(1, 8, 8, 3); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.m, err, c.want)
		}
	}
}

func TestSearchADefinedSpace(t *testing.T) {
	s, _ := recorder()
	sp := s.DefineCellSpace(CellSpaceDef{
		Name:      "nb201+conv5",
		Ops:       []string{"none", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "conv_5x5"},
		CustomOps: map[string][]Layer{"conv_5x5": {ReLU(), Conv(0, 5), BatchNorm()}},
	})
	// A score of the costs: the search must find the cell with the most
	// parameters, five 5x5 convolutions and one more.
	r := s.Search(SearchConfig{In: sp, Strategy: "re", Budget: 200, Seed: 1, Quiet: true,
		Score: func(a Arch) float64 { return float64(s.Cost(a).Params) }})
	if !strings.Contains(r.Runs[0].Arch, "conv_5x5") || strings.Count(r.Runs[0].Arch, "conv_5x5") != 6 {
		t.Errorf("RE on params found %s (%g)", r.Runs[0].Arch, r.Runs[0].Value)
	}
	p := s.Search(SearchConfig{In: sp, Strategy: "rs", Budget: 8, Seed: 1, Quiet: true, Proxy: "synflow"})
	if len(p.Runs) != 1 || p.Objectives[0] != "synflow" {
		t.Errorf("proxy search: %+v", p)
	}
}

func TestDARTSOnADefinedCellSpace(t *testing.T) {
	s, outs := recorder()
	sp := s.DefineCellSpace(CellSpaceDef{
		Name:      "nb201+conv5",
		Ops:       []string{"none", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "conv_5x5"},
		CustomOps: map[string][]Layer{"conv_5x5": {ReLU(), Conv(0, 5), BatchNorm()}},
		C:         4,
	})
	d := s.Shapes(300, 16, 3, 1)
	r := s.DARTS(DARTSConfig{In: sp, Data: d, Epochs: 2, Images: 128, Seed: 1, Quiet: true})
	a := sp.Parse(r.Genotype) // the derived cell, in the space's notation
	if len(a.Choices) != 6 || len(r.Ops) != 5 || r.Ops[4] != "conv_5x5" {
		t.Errorf("derived %v with ops %v", a, r.Ops)
	}
	scenes := 0
	for _, o := range *outs {
		if _, ok := o[scene.MIMEType]; ok {
			scenes++
		}
	}
	if scenes < 2 {
		t.Errorf("%d scenes: want the relaxed cell while it trains and the derived one", scenes)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "not cell-based") {
			t.Errorf("DARTS on a DefineSpace space: %v", r)
		}
	}()
	stack := s.DefineSpace(SpaceDef{Name: "stack", Choices: []Choice{IntRange("depth", 1, 2, 1)}, Build: func(Picked) Model { return MLP(8) }})
	s.DARTS(DARTSConfig{In: stack, Data: d, Epochs: 1, Quiet: true})
}

func TestMBConvModel(t *testing.T) {
	m := Sequential(Conv(8, 3), MBConv(16, 5, 4, 2, true, "hswish"), MBConv(16, 3, 3, 1, false, "relu"), GlobalAvgPool())
	sp, err := m.Spec(1, 16, 16, 10)
	if err != nil {
		t.Fatal(err)
	}
	if c := Default.Cost(sp); c.Params <= 0 {
		t.Errorf("cost %+v", c)
	}
	if _, err := Sequential(MBConv(8, 4, 2, 1, false, "")).Spec(1, 8, 8, 2); err == nil || !strings.Contains(err.Error(), "odd kernel") {
		t.Errorf("even kernel: %v", err)
	}
}
