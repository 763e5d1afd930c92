package nb

import (
	"fmt"

	"nasbook/space/nb201"
	"nasbook/viz/scene"
)

// Show draws an architecture on the canvas beside the notebook. x is an
// nb201.Arch or its NAS-Bench-201 string, e.g.
//
//	nb.Show("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
func Show(x any) { Default.Show(x) }

// Show draws an architecture on the canvas; see the package-level Show.
func (s *Session) Show(x any) {
	var sc *scene.Scene
	switch v := x.(type) {
	case nb201.Arch:
		sc = nb201Scene(v)
	case string:
		a, err := nb201.Parse(v)
		if err != nil {
			fail("Show", err)
		}
		sc = nb201Scene(a)
	default:
		failf("Show", "cannot draw a %T; pass an nb201.Arch or a NAS-Bench-201 string", x)
	}
	s.Display(Output{
		scene.MIMEType: sc,
		"text/plain":   sc.Title,
	})
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
