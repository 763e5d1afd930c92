package nb

import (
	"fmt"
	"strings"

	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/viz/scene"
)

// Show draws an architecture on the canvas beside the notebook: the cell of
// an NAS-Bench-201 architecture, the normal and reduction cells of a DARTS
// genotype, the chain of blocks of a MobileNet or transformer. x is an
// nb.Arch, an nb201.Arch, or a string in any built-in notation, e.g.
//
//	nb.Show("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
//	nb.Show("DARTS_V2")
//	nb.Show(nb.Sample(nb.Space("mobilenet"), 1))
func Show(x any) { Default.Show(x) }

// Show draws an architecture on the canvas; see the package-level Show.
func (s *Session) Show(x any) {
	var scs []*scene.Scene
	switch v := x.(type) {
	case nb201.Arch:
		scs = []*scene.Scene{nb201Editable(v)}
	case string:
		if strings.HasPrefix(strings.TrimSpace(v), "|") {
			a, err := nb201.Parse(v)
			if err != nil {
				fail("Show", err)
			}
			scs = []*scene.Scene{nb201Editable(a)}
			break
		}
		scs = s.scenes(x)
		if d, err := spaces.ByName("darts"); err == nil {
			if a, err := d.Parse(v); err == nil {
				editable(&SearchSpace{Name: d.Name(), s: d}, a, scs)
			}
		}
	case Arch:
		scs = s.scenes(x)
		editable(s.spaceOf("Show", v), v.Choices, scs)
	default:
		failf("Show", "cannot draw a %T; pass an nb.Arch, an nb201.Arch or an architecture string", x)
	}
	for _, sc := range scs {
		s.Display(Output{
			scene.MIMEType: sc,
			"text/plain":   sc.Title,
		})
	}
}

func (s *Session) scenes(x any) []*scene.Scene {
	scs, err := scenesOf(s.specOf("Show", x))
	if err != nil {
		fail("Show", err)
	}
	return scs
}

// NB201 parses an architecture in NAS-Bench-201's string form.
func NB201(s string) nb201.Arch { return Default.NB201(s) }

// NB201 parses an architecture; see the package-level NB201.
func (*Session) NB201(s string) nb201.Arch {
	a, err := nb201.Parse(s)
	if err != nil {
		fail("NB201", err)
	}
	return a
}

// nb201Scene is the cell of a as the canvas draws it: nodes 0..3 with the input
// and output labelled, one edge per operation (none edges included, with weight
// 0, so the canvas shows that they were considered and dropped).
func nb201Scene(a nb201.Arch) *scene.Scene {
	c := &scene.Cell{}
	for i := 0; i < nb201.NumNodes; i++ {
		label := fmt.Sprint(i)
		switch i {
		case 0:
			label = "in"
		case nb201.NumNodes - 1:
			label = "out"
		}
		c.Nodes = append(c.Nodes, scene.Node{ID: i, Label: label})
	}
	for k, e := range nb201.Edges {
		w := 1.0
		if a[k] == nb201.None {
			w = 0
		}
		c.Edges = append(c.Edges, scene.Edge{From: e.From, To: e.To, Op: a[k].String(), Weight: w})
	}
	return &scene.Scene{Kind: scene.KindCell, Title: "NAS-Bench-201 cell " + a.String(), Cell: c}
}
