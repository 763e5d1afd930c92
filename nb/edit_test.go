package nb

import (
	"slices"
	"strings"
	"testing"

	"nasbook/viz/edit"
	"nasbook/viz/scene"
)

// shown returns the scenes of outs.
func shown(outs []Output) []*scene.Scene {
	var out []*scene.Scene
	for _, o := range outs {
		if sc, ok := o[scene.MIMEType].(*scene.Scene); ok {
			out = append(out, sc)
		}
	}
	return out
}

// TestShowEditable: the cells of NAS-Bench-201, DARTS and a notebook's cell
// space are drawn editable, each edge on the choice that shows it; a
// network of blocks is not.
func TestShowEditable(t *testing.T) {
	s, outs := capture()
	cs := s.DefineCellSpace(CellSpaceDef{Name: "tiny", Ops: []string{"skip_connect", "nor_conv_3x3", "avg_pool_3x3"}, Nodes: 2, InputsPerNode: 1, Network: "darts"})
	for _, x := range []any{
		"|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
		s.Sample(s.Space("nb201"), 3),
		"DARTS_V2",
		s.Sample(s.Space("darts"), 1),
		s.Sample(cs, 1),
	} {
		*outs = nil
		s.Show(x)
		for _, sc := range shown(*outs) {
			if sc.Cell.Edit == nil {
				t.Errorf("%v: %s is not editable", x, sc.Title)
				continue
			}
			if err := sc.Validate(); err != nil {
				t.Errorf("%v: %v", x, err)
			}
		}
	}
	*outs = nil
	s.Show(s.Sample(s.Space("mobilenet"), 1))
	if sc := shown(*outs); len(sc) != 1 || sc[0].Cell.Edit != nil {
		t.Error("a mobilenet network is drawn editable")
	}
}

// TestEdited: an edge clicked on the canvas gives the figures nb.Cost and
// the open tables give for the edited architecture, the point on the
// chart's axes, and nb.Selected returns it.
func TestEdited(t *testing.T) {
	s, outs := capture()
	s.Files = NativeFiles()
	acc := s.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")
	lat := s.OpenTable("nb201/latency").ByArch("pixel3")
	if err := recovered(func() { s.Selected() }); err == nil || !strings.Contains(err.Error(), "nb.Selected") {
		t.Errorf("Selected before any cell: %v", err)
	}
	s.Show("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	cell := edit.Clone(shown(*outs)[0].Cell)
	edit.Op(cell, 1, 1) // none -> skip_connect
	edit.SetOp(cell, 5, "nor_conv_1x1")
	want := "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
	ans := s.Edited(EditRequest{Space: cell.Edit.Space, Choices: cell.Edit.Choices, X: "pixel3", Y: "cifar10_test"})
	if ans.Error != "" || ans.Arch != want {
		t.Fatalf("edited to %q (error %q), want %s", ans.Arch, ans.Error, want)
	}
	c := s.Cost(want)
	if !strings.Contains(ans.Lines[0], sigfig(float64(c.Params)/1e6)+" M params") || !strings.Contains(ans.Lines[0], sigfig(float64(c.MACs)/1e6)+" M MACs") {
		t.Errorf("cost line %q, want %d params and %d MACs", ans.Lines[0], c.Params, c.MACs)
	}
	joined := strings.Join(ans.Lines, "\n")
	if !strings.Contains(joined, "cifar10_test "+sigfig(acc[want])) || !strings.Contains(joined, "pixel3 "+sigfig(lat[want])) {
		t.Errorf("figures %q lack cifar10_test %g or pixel3 %g", joined, acc[want], lat[want])
	}
	if !slices.Equal(ans.Point, []float64{lat[want], acc[want]}) {
		t.Errorf("point %v, want (%g, %g)", ans.Point, lat[want], acc[want])
	}
	if ans.Parse != `nb.Parse("nb201", "`+want+`")` {
		t.Errorf("parse text %s", ans.Parse)
	}
	if got := s.Selected(); got.Text != want || got.Space != "nb201" {
		t.Errorf("Selected() = %v", got)
	}
	if a := s.Edited(EditRequest{Space: "nb201", Choices: []int{9, 0, 0, 0, 0, 0}}); a.Error == "" {
		t.Error("an option out of range gave no error")
	}
	if a := s.Edited(EditRequest{Space: "nope", Choices: []int{0}}); !strings.Contains(a.Error, "nope") {
		t.Errorf("an unknown space: %q", a.Error)
	}
}

// TestEditedDARTS: moving an edge's input in a DARTS cell gives the
// genotype with that input.
func TestEditedDARTS(t *testing.T) {
	s, outs := capture()
	s.Show("DARTS_V2")
	normal := edit.Clone(shown(*outs)[0].Cell)
	i := slices.IndexFunc(normal.Edges, func(e scene.Edge) bool { return e.To == 4 && e.From == 0 })
	if i < 0 || !edit.Input(normal, i, 1) {
		t.Fatalf("DARTS_V2's node 2 has no movable edge from c_{k-2}: %+v", normal.Edges)
	}
	ans := s.Edited(EditRequest{Space: "darts", Choices: normal.Edit.Choices})
	if ans.Error != "" || ans.Arch == "" || len(ans.Lines) == 0 {
		t.Fatalf("answer %+v", ans)
	}
	if s.Selected().Text == s.Parse("darts", "DARTS_V2").Text {
		t.Error("the edited genotype is DARTS_V2's")
	}
}

func recovered(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	f()
	return nil
}
