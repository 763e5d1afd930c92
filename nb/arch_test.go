package nb

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"nasbook/viz/scene"
)

func capture() (*Session, *[]Output) {
	var outs []Output
	return NewSession(&bytes.Buffer{}, func(o Output) { outs = append(outs, o) }), &outs
}

// A cell can sample, mutate, show and cost an architecture of every space.
func TestEverySpaceInANotebook(t *testing.T) {
	for _, c := range []struct {
		space  string
		scenes int
	}{{"nb201", 1}, {"darts", 2}, {"mobilenet", 1}, {"transformer", 1}} {
		s, outs := capture()
		sp := s.Space(c.space)
		a := s.Sample(sp, 1)
		if again := s.Sample(sp, 1); again.Text != a.Text {
			t.Errorf("%s: the same seed sampled %s and %s", c.space, a, again)
		}
		b := s.Mutate(a, 2)
		if b.Text == a.Text {
			t.Errorf("%s: Mutate left %s unchanged", c.space, a)
		}
		if back := s.Parse(c.space, b.Text); back.Text != b.Text {
			t.Errorf("%s: Parse(%s) = %s", c.space, b.Text, back.Text)
		}
		s.Show(b)
		if len(*outs) != c.scenes {
			t.Fatalf("%s: %d outputs, want %d scenes", c.space, len(*outs), c.scenes)
		}
		for _, o := range *outs {
			sc := o[scene.MIMEType].(*scene.Scene)
			if err := sc.Validate(); err != nil || len(sc.Cell.Edges) == 0 {
				t.Errorf("%s: scene %q: %v", c.space, sc.Title, err)
			}
		}
		cost := s.Cost(b)
		if cost.Params <= 0 || cost.MACs <= 0 || cost.FLOPs != 2*cost.MACs {
			t.Errorf("%s: %v", c.space, cost)
		}
		if !strings.Contains(s.Spec(b), `"kind"`) {
			t.Errorf("%s: spec %s", c.space, s.Spec(b))
		}
	}
}

func TestShowDARTSCells(t *testing.T) {
	s, outs := capture()
	s.Show("DARTS_V2")
	var titles []string
	for _, o := range *outs {
		sc := o[scene.MIMEType].(*scene.Scene)
		titles = append(titles, sc.Title)
		var labels []string
		for _, n := range sc.Cell.Nodes {
			labels = append(labels, n.Label)
		}
		if got := strings.Join(labels, " "); got != "c_{k-2} c_{k-1} 0 1 2 3 c_{k}" {
			t.Errorf("%s: nodes %s", sc.Title, got)
		}
		if len(sc.Cell.Edges) != 8+4 {
			t.Errorf("%s: %d edges, want 8 operations and 4 concatenations", sc.Title, len(sc.Cell.Edges))
		}
	}
	if fmt.Sprint(titles) != "[DARTS normal cell DARTS reduction cell]" {
		t.Errorf("titles %v", titles)
	}
	a := "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|"
	ms := s.Latency(a)
	if ms <= 0 {
		t.Errorf("Latency = %g ms", ms)
	}
	// The session keeps what it timed: the same network costs the same.
	if again := s.Latency(a); again != ms {
		t.Errorf("Latency = %g ms, then %g ms", ms, again)
	}
	if c := s.Cost("DARTS_V2"); c.Params != 3349342 {
		t.Errorf("Cost(DARTS_V2) = %v", c)
	}
}

func TestArchMistakesPanic(t *testing.T) {
	s, _ := capture()
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { s.Space("resnet") }, `nb.Space: spaces: no space "resnet"`},
		{func() { s.Cost(42) }, "nb.Cost: cannot read a int"},
		{func() { s.Parse("darts", "DARTS_V9") }, `nb.Parse: darts: no published genotype "DARTS_V9"`},
		{func() { s.Mutate(Arch{Space: "nb201", Choices: []int{9}}, 1) }, "nb.Mutate: space nb201: 1 choices, want 6"},
		{func() { s.Show("|nor_conv_3x3~0|") }, "nb.Show: nb201:"},
	} {
		func() {
			defer func() {
				e, _ := recover().(*Error)
				if e == nil || !strings.Contains(e.Error(), c.want) {
					t.Errorf("panic %v, want %q", e, c.want)
				}
			}()
			c.f()
		}()
	}
}

// A mixture of experts shows what a token uses beside what is stored, and a
// trained model reports the same costs as nb.Cost.
func TestCostOfAMixtureOfExperts(t *testing.T) {
	s, _ := capture()
	dense, moe := s.Cost("L2-H2-D32-R2"), s.Cost("L2-H2-D32-R2-E4-K1")
	if dense.ActiveParams != dense.Params || dense.TotalMACs != dense.MACs || strings.Contains(dense.String(), "active") {
		t.Errorf("dense: %+v, %s", dense, dense)
	}
	// Top-1 of four experts: a token uses one expert MLP, as the dense block
	// does, and the router (D·E = 128 weights a block, T·D·E = 8192 MACs a
	// block for the default 64 tokens).
	if moe.ActiveParams != dense.Params+2*128 || moe.MACs != dense.MACs+2*8192 || moe.Params <= moe.ActiveParams || moe.TotalMACs <= moe.MACs {
		t.Errorf("4 experts, top-1: %+v against dense %+v", moe, dense)
	}
	if want := "M active), "; !strings.Contains(moe.String(), want) || !strings.Contains(moe.String(), "with every expert") {
		t.Errorf("%s", moe)
	}
	// A token of the 64 costs the router's 2·128 MACs more than the dense
	// one's; a network on images has no tokens.
	if moe.Tokens != 64 || dense.Tokens != 64 || moe.MACsPerToken-dense.MACsPerToken != 256 || !strings.Contains(moe.String(), "k a token of 64; ") {
		t.Errorf("tokens %d and %d, %v and %v MACs a token: %s", moe.Tokens, dense.Tokens, moe.MACsPerToken, dense.MACsPerToken, moe)
	}
	if c := s.Cost("DARTS_V2"); c.Tokens != 0 || c.MACsPerToken != 0 || strings.Contains(c.String(), "token") {
		t.Errorf("DARTS_V2: %+v, %s", c, c)
	}
	m := Sequential(Patches(4), Embed(16), MoETransformer(2, 2, 4, 2), LayerNorm(), GlobalAvgPool())
	r := s.Train(m, s.Shapes(60, 8, 2, 1), TrainConfig{Quiet: true})
	sp, err := m.Spec(1, 8, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Cost(sp); r.Cost != c || int64(r.Params) != c.Params || c.ActiveParams >= c.Params {
		t.Errorf("trained: %+v, %d params; nb.Cost: %+v", r.Cost, r.Params, c)
	}
}
