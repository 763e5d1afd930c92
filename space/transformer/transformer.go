// Package transformer is a small vision/sequence transformer space: the
// number of layers, attention heads, embedding width and MLP ratio.
//
// A network embeds its input as tokens — non-overlapping P×P patches of a
// [C,H,W] image (ViT), or the rows of a [T,F] sequence — with a linear
// layer and a learned position embedding, runs pre-norm transformer blocks,
// normalises, averages the tokens and classifies.
package transformer

import (
	"fmt"
	"strconv"
	"strings"

	"nasbook/space"
	"nasbook/space/spec"
)

// Space is the transformer space. The zero value takes 3×32×32 images in
// 4×4 patches (64 tokens) and 10 classes.
type Space struct {
	Input   []int // [C,H,W] images or [T,F] sequences; nil means [3,32,32]
	Patch   int   // patch size for images; zero means 4
	Classes int   // zero means 10
}

var _ space.Space = Space{}
var _ space.Specifier = Space{}

// The choices, in Dims order.
var (
	layers  = []string{"1", "2", "3", "4", "6"}
	heads   = []string{"1", "2", "4"}
	widths  = []string{"32", "64", "96", "128"}
	ratios  = []string{"2", "3", "4"}
	choices = [][]string{layers, heads, widths, ratios}
	prefix  = []string{"L", "H", "D", "R"}
	dims    = []space.Dim{{Name: "layers", Options: layers}, {Name: "heads", Options: heads}, {Name: "width", Options: widths}, {Name: "mlp ratio", Options: ratios}}
)

func (Space) Name() string      { return "transformer" }
func (Space) Dims() []space.Dim { return dims }

// Check requires the heads to divide the width.
func (Space) Check(a space.Arch) error {
	h, _ := strconv.Atoi(heads[a[1]])
	d, _ := strconv.Atoi(widths[a[2]])
	if d%h != 0 {
		return fmt.Errorf("transformer: %d heads do not divide width %d", h, d)
	}
	return nil
}

// Format writes a as L4-H2-D64-R4.
func (Space) Format(a space.Arch) string {
	var fs []string
	for c, opts := range choices {
		fs = append(fs, prefix[c]+opts[a[c]])
	}
	return strings.Join(fs, "-")
}

// Parse reads the form Format writes.
func (s Space) Parse(str string) (space.Arch, error) {
	if err := space.CheckNotation("transformer", str); err != nil {
		return nil, err
	}
	str = strings.TrimSpace(str)
	if strings.Count(str, "-")+1 != len(choices) {
		return nil, fmt.Errorf("transformer: %q, want L-H-D-R such as L4-H2-D64-R4", space.Clip(str))
	}
	fs := strings.Split(str, "-")
	var a space.Arch
	for c, f := range fs {
		k := -1
		for j, o := range choices[c] {
			if prefix[c]+o == f {
				k = j
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("transformer: %s %q, want one of %s%s", dims[c].Name, space.Clip(f), prefix[c], strings.Join(choices[c], ", "+prefix[c]))
		}
		a = append(a, k)
	}
	return a, s.Check(a)
}

// Config is one transformer network.
type Config struct {
	Layers, Heads, Width, MLPRatio int
}

// Config returns the settings of a.
func (Space) Config(a space.Arch) Config {
	v := func(c int) int { n, _ := strconv.Atoi(choices[c][a[c]]); return n }
	return Config{Layers: v(0), Heads: v(1), Width: v(2), MLPRatio: v(3)}
}

// Spec returns the network of a (space.Specifier).
func (s Space) Spec(a space.Arch) (*spec.Spec, error) {
	in, patch, classes := s.Input, s.Patch, s.Classes
	if in == nil {
		in = []int{3, 32, 32}
	}
	if patch == 0 {
		patch = 4
	}
	if classes == 0 {
		classes = 10
	}
	c := s.Config(a)
	var ls []spec.Layer
	switch len(in) {
	case 3:
		ls = append(ls, spec.Layer{Op: spec.Patches, Kernel: patch})
	case 2:
	default:
		return nil, fmt.Errorf("transformer: input %v is neither [C,H,W] nor [T,F]", in)
	}
	ls = append(ls, spec.Layer{Op: spec.Embed, Out: c.Width, Positions: true})
	for range c.Layers {
		ls = append(ls, spec.Layer{Op: spec.Transformer, Heads: c.Heads, MLPRatio: c.MLPRatio})
	}
	ls = append(ls, spec.Layer{Op: spec.LayerNorm}, spec.Layer{Op: spec.GlobalPool}, spec.Layer{Op: spec.Linear, Out: classes, Bias: true})
	return &spec.Spec{Space: "transformer", Arch: s.Format(a), Kind: spec.KindSequential, Input: in, Classes: classes, Layers: ls}, nil
}

// FromSpec reads an architecture from a spec's Arch string.
func (s Space) FromSpec(sp *spec.Spec) (space.Arch, error) { return s.Parse(sp.Arch) }
