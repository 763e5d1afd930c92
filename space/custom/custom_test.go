package custom

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/build"
	"nasbook/space"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

var nb201Ops = []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

func nb201Like(t *testing.T, ops []string, custom map[string][]spec.Layer) *CellSpace {
	t.Helper()
	c, err := NewCellSpace(&CellSpace{SpaceName: "mine", Ops: ops, Nodes: 3,
		Network: spec.Cells{Macro: spec.MacroNB201, C: 16, N: 5}, Input: []int{3, 32, 32}, Classes: 10, CustomOps: custom})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A cell space written out as NAS-Bench-201 is NAS-Bench-201: the same
// choices in the same order, and the same network for every architecture
// (checked on costs, which the benchmark's own figures pin down).
func TestCellSpaceReproducesNB201(t *testing.T) {
	c := nb201Like(t, nb201Ops, nil)
	if space.Size(c) != nb201.Size || len(c.Dims()) != 6 || c.Dims()[2].Name != "edge 1-2" {
		t.Fatalf("size %d, dims %v", space.Size(c), c.Dims())
	}
	r := rand.New(rand.NewSource(1))
	for range 20 {
		a, _ := space.Sample(c, r)
		mine, err := c.Spec(a)
		if err != nil {
			t.Fatal(err)
		}
		want := nb201.FromChoices(a).Spec(nb201.Macro{})
		got, _ := spec.Cost(mine, 1)
		ref, _ := spec.Cost(want, 1)
		if got.Params != ref.Params || got.MACs != ref.MACs {
			t.Errorf("%s: params %d MACs %d, NB201 %s: %d %d", c.Format(a), got.Params, got.MACs, nb201.FromChoices(a), ref.Params, ref.MACs)
		}
		back, err := c.FromSpec(mine)
		if err != nil || back.Key() != a.Key() {
			t.Errorf("FromSpec(Spec(%v)) = %v, %v", a, back, err)
		}
	}
}

func TestCellSpaceWithACustomOp(t *testing.T) {
	conv5 := []spec.Layer{{Op: spec.ReLU}, {Op: spec.Conv, Kernel: 5, Same: true}, {Op: spec.BatchNorm}}
	c := nb201Like(t, append(append([]string{}, nb201Ops...), "conv_5x5"), map[string][]spec.Layer{"conv_5x5": conv5})
	if space.Size(c) != 6*6*6*6*6*6 {
		t.Fatalf("size %d", space.Size(c))
	}
	a, err := c.Parse("edge 0-1=conv_5x5,edge 0-2=none,edge 1-2=nor_conv_3x3,edge 0-3=skip_connect,edge 1-3=none,edge 2-3=conv_5x5")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := c.Spec(a)
	if err != nil {
		t.Fatal(err)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	// Two 5x5 convolutions of 16 channels per cell (no bias) in the first
	// stage's 5 cells weigh 2*5*16*16*25 more than with the edges absent.
	plain, _ := c.Parse("edge 0-1=skip_connect,edge 0-2=none,edge 1-2=nor_conv_3x3,edge 0-3=skip_connect,edge 1-3=none,edge 2-3=skip_connect")
	spPlain, _ := c.Spec(plain)
	cost, _ := spec.Cost(spPlain, 1)
	extra := int64(net.Params.Len()) - cost.Params
	// Per stage: C·C·25 weights and 2C batch-norm parameters, twice a cell,
	// N=5 cells, stages of 16, 32 and 64 channels.
	var want int64
	for _, ch := range []int64{16, 32, 64} {
		want += 5 * 2 * (ch*ch*25 + 2*ch)
	}
	if extra != want {
		t.Errorf("the custom op adds %d parameters, want %d", extra, want)
	}
}

func TestDARTSStyleCellSpace(t *testing.T) {
	c, err := NewCellSpace(&CellSpace{SpaceName: "small-darts", Ops: []string{"skip_connect", "sep_conv_3x3", "max_pool_3x3"},
		Nodes: 2, InputsPerNode: 2, Network: spec.Cells{Macro: spec.MacroDARTS, C: 8, Layers: 3}, Input: []int{1, 14, 14}, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Per cell: node 2 picks 2 inputs of {0,1}, node 3 picks 2 of {0,1,2}.
	if len(c.Dims()) != 2*2*4 {
		t.Fatalf("%d dims: %v", len(c.Dims()), c.Dims())
	}
	r := rand.New(rand.NewSource(3))
	for range 10 {
		a, err := space.Sample(c, r)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := c.Spec(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := build.Build(sp, r); err != nil {
			t.Fatalf("%s: %v", c.Format(a), err)
		}
		if sp.Cells.Reduce == nil || len(sp.Cells.Normal.Concat) != 2 {
			t.Fatalf("cells %+v", sp.Cells)
		}
	}
	a, _ := space.Sample(c, r)
	a[2] = a[0] // node 2's second input = its first
	if err := c.Check(a); err == nil || !strings.Contains(err.Error(), "pick the same node") {
		t.Errorf("duplicate inputs: %v", err)
	}
}

// The mistakes users make each get an error naming the choice or the op.
func TestMistakes(t *testing.T) {
	net := spec.Cells{Macro: spec.MacroNB201, C: 16, N: 1}
	for _, c := range []struct {
		def  CellSpace
		want string
	}{
		{CellSpace{SpaceName: "s", Ops: []string{"nor_conv_3x3", "conv9"}, Nodes: 3, Network: net, Input: []int{3, 32, 32}, Classes: 10},
			`operation "conv9" is neither built in`},
		{CellSpace{SpaceName: "s", Ops: []string{"widen"}, Nodes: 3, Network: net, Input: []int{3, 32, 32}, Classes: 10,
			CustomOps: map[string][]spec.Layer{"widen": {{Op: spec.Conv, Out: 7, Kernel: 1}}}},
			`operation "widen" does not fit a cell of this network`},
		{CellSpace{SpaceName: "s", Ops: []string{"skip_connect"}, Nodes: 0, Network: net, Input: []int{3, 32, 32}, Classes: 10},
			"0 nodes"},
		{CellSpace{SpaceName: "s", Ops: []string{"skip_connect", "skip_connect"}, Nodes: 2, Network: net, Input: []int{3, 32, 32}, Classes: 10},
			`lists option "skip_connect" twice`},
	} {
		def := c.def
		if _, err := NewCellSpace(&def); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.def.Ops, err, c.want)
		}
	}

	depth := space.Dim{Name: "depth", Options: []string{"1", "2", "3"}}
	width := space.Dim{Name: "width", Options: []string{"8", "16"}}
	build := func(pool int) func(space.Arch) (*spec.Spec, error) {
		return func(a space.Arch) (*spec.Spec, error) {
			ls := []spec.Layer{}
			for range a[0] + 1 {
				ls = append(ls, spec.Layer{Op: spec.Conv, Out: 8 << a[1], Kernel: 3, Same: true}, spec.Layer{Op: spec.ReLU}, spec.Layer{Op: spec.MaxPool, Kernel: pool})
			}
			ls = append(ls, spec.Layer{Op: spec.GlobalPool}, spec.Layer{Op: spec.Linear, Out: 10, Bias: true})
			return &spec.Spec{Kind: spec.KindSequential, Input: []int{1, 14, 14}, Classes: 10, Layers: ls}, nil
		}
	}
	s, err := New(&Space{SpaceName: "stack", Choices: []space.Dim{depth, width}, Build: build(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Spec(space.Arch{2, 1}); err != nil {
		t.Errorf("three pools of 2 on 14x14 fit: %v", err)
	}
	s.Build = build(5) // 14 -> 2 -> 0: a zero-sized tensor
	if _, err := s.Spec(space.Arch{2, 0}); err == nil || !strings.Contains(err.Error(), "depth=3,width=8") {
		t.Errorf("zero-sized map: %v", err)
	} else {
		t.Logf("zero-sized map: %v", err)
	}
	s.Constraint = func(a space.Arch) error { return fmt.Errorf("width %s is too narrow", width.Options[a[1]]) }
	if _, err := space.Sample(s, rand.New(rand.NewSource(1))); !errors.Is(err, space.ErrNoArch) || !strings.Contains(err.Error(), "too narrow") {
		t.Errorf("unsatisfiable constraint: %v", err)
	}
	s.Constraint = func(a space.Arch) error { panic("index out of range") }
	if err := s.Check(space.Arch{0, 0}); err == nil || !strings.Contains(err.Error(), "the constraint panicked on depth=1,width=8") {
		t.Errorf("panicking constraint: %v", err)
	}
	if _, err := s.Parse("depth=4,width=8"); err == nil || !strings.Contains(err.Error(), `choice "depth" has no option "4"`) {
		t.Errorf("bad option: %v", err)
	}
	if _, err := New(&Space{SpaceName: "x", Choices: []space.Dim{depth, depth}, Build: build(2)}); err == nil || !strings.Contains(err.Error(), `two choices are called "depth"`) {
		t.Errorf("duplicate choice: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	c, err := NewCellSpace(&CellSpace{SpaceName: "mine", Ops: nb201Ops, Nodes: 3,
		Network: spec.Cells{Macro: spec.MacroNB201, C: 16, N: 5}, Input: []int{3, 32, 32}, Classes: 10})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("edge 0-1=skip_connect,edge 0-2=none,edge 1-2=nor_conv_3x3,edge 0-3=skip_connect,edge 1-3=none,edge 2-3=skip_connect")
	f.Add(" edge 0-1 = none , edge 0-2=none,edge 1-2=none,edge 0-3=none,edge 1-3=none,edge 2-3=none,edge 0-1=avg_pool_3x3")
	f.Add("edge 0-1=,=,,")
	f.Fuzz(func(t *testing.T, text string) {
		a, err := c.Parse(text)
		if err != nil {
			if len(err.Error()) > 1000 {
				t.Fatalf("an error of %d bytes: %.100s...", len(err.Error()), err)
			}
			return
		}
		b, err := c.Parse(c.Format(a))
		if err != nil || b.Key() != a.Key() {
			t.Fatalf("round trip of %q: %v, %v", text, b, err)
		}
	})
}
