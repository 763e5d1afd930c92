// Package transformer is a small vision/sequence transformer space: the
// number of layers, attention heads, embedding width and MLP ratio, and the
// mixture of experts that may replace each block's MLP (experts, top-k).
//
// A network embeds its input as tokens — non-overlapping P×P patches of a
// [C,H,W] image (ViT), the rows of a [T,F] sequence, or token ids [T,1]
// looked up in a learned table — with a learned position embedding, runs
// pre-norm transformer blocks, normalises, averages the tokens and
// classifies. With more than one expert, each block's MLP is that many MLPs
// of the same shape and a router that sends each token to the top k of them
// (spec.Layer's Experts, TopK): the parameters grow with the experts, the
// compute per token with k.
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
	Input   []int // [C,H,W] images, [T,F] sequences or [T,1] token ids; nil means [3,32,32]
	Patch   int   // patch size for images; zero means 4
	Classes int   // zero means 10
	// Vocab, when positive, makes the input [T,1] token ids in [0, Vocab),
	// embedded by a lookup.
	Vocab int
	// MaxParams, when positive, is a parameter budget: architectures whose
	// networks have more parameters fail Check, so that every strategy
	// searches only the ones within it.
	MaxParams int64
}

var _ space.Space = Space{}
var _ space.Specifier = Space{}

// The choices, in Dims order.
var (
	layers  = []string{"1", "2", "3", "4", "6"}
	heads   = []string{"1", "2", "4"}
	widths  = []string{"32", "64", "96", "128"}
	ratios  = []string{"2", "3", "4"}
	experts = []string{"1", "2", "4", "8"}
	topk    = []string{"1", "2"}
	choices = [][]string{layers, heads, widths, ratios, experts, topk}
	prefix  = []string{"L", "H", "D", "R", "E", "K"}
	dims    = []space.Dim{{Name: "layers", Options: layers}, {Name: "heads", Options: heads}, {Name: "width", Options: widths},
		{Name: "mlp ratio", Options: ratios}, {Name: "experts", Options: experts}, {Name: "top-k", Options: topk}}
)

// dense is the number of fields of a dense architecture's notation: the
// experts and top-k are left out when there is one expert.
const dense = 4

func (Space) Name() string      { return "transformer" }
func (Space) Dims() []space.Dim { return dims }

// Check requires the heads to divide the width, top-k to be at most the
// experts, and the network to keep within MaxParams.
func (s Space) Check(a space.Arch) error {
	c := s.Config(a)
	if c.Width%c.Heads != 0 {
		return fmt.Errorf("transformer: %d heads do not divide width %d", c.Heads, c.Width)
	}
	if c.TopK > c.Experts {
		return fmt.Errorf("transformer: top-%d routing to %d expert(s); want k at most the experts", c.TopK, c.Experts)
	}
	if s.MaxParams > 0 {
		sp, err := s.Spec(a)
		if err != nil {
			return err
		}
		r, err := spec.Cost(sp, 1)
		if err != nil {
			return err
		}
		if r.Params > s.MaxParams {
			return fmt.Errorf("transformer: %s has %d parameters, more than the budget of %d", s.Format(a), r.Params, s.MaxParams)
		}
	}
	return nil
}

// Format writes a as L4-H2-D64-R4 (dense), or L4-H2-D64-R4-E8-K2 with 8
// experts per block and each token routed to 2 of them.
func (Space) Format(a space.Arch) string {
	var fs []string
	for c, opts := range choices {
		fs = append(fs, prefix[c]+opts[a[c]])
	}
	if a[4] == 0 && a[5] == 0 {
		fs = fs[:dense]
	}
	return strings.Join(fs, "-")
}

// Parse reads the form Format writes.
func (s Space) Parse(str string) (space.Arch, error) {
	if err := space.CheckNotation("transformer", str); err != nil {
		return nil, err
	}
	str = strings.TrimSpace(str)
	if n := strings.Count(str, "-") + 1; n != dense && n != len(choices) {
		return nil, fmt.Errorf("transformer: %q, want L-H-D-R such as L4-H2-D64-R4, or L-H-D-R-E-K such as L4-H2-D64-R4-E8-K2", space.Clip(str))
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
	for len(a) < len(choices) {
		a = append(a, 0) // one expert, top-1
	}
	return a, s.Check(a)
}

// Config is one transformer network.
type Config struct {
	Layers, Heads, Width, MLPRatio int
	Experts, TopK                  int // MLPs per block and per token; 1, 1 is dense
}

// Config returns the settings of a.
func (Space) Config(a space.Arch) Config {
	v := func(c int) int { n, _ := strconv.Atoi(choices[c][a[c]]); return n }
	return Config{Layers: v(0), Heads: v(1), Width: v(2), MLPRatio: v(3), Experts: v(4), TopK: v(5)}
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
		if s.Vocab > 0 && in[1] != 1 {
			return nil, fmt.Errorf("transformer: token ids are an input [T,1], not %v", in)
		}
	default:
		return nil, fmt.Errorf("transformer: input %v is neither [C,H,W] nor [T,F]", in)
	}
	if s.Vocab > 0 && len(in) != 2 {
		return nil, fmt.Errorf("transformer: token ids are an input [T,1], not %v", in)
	}
	ls = append(ls, spec.Layer{Op: spec.Embed, Out: c.Width, Positions: true, Vocab: s.Vocab})
	for range c.Layers {
		l := spec.Layer{Op: spec.Transformer, Heads: c.Heads, MLPRatio: c.MLPRatio}
		if c.Experts > 1 {
			l.Experts, l.TopK = c.Experts, c.TopK
		}
		ls = append(ls, l)
	}
	ls = append(ls, spec.Layer{Op: spec.LayerNorm}, spec.Layer{Op: spec.GlobalPool}, spec.Layer{Op: spec.Linear, Out: classes, Bias: true})
	return &spec.Spec{Space: "transformer", Arch: s.Format(a), Kind: spec.KindSequential, Input: in, Classes: classes, Layers: ls}, nil
}

// FromSpec reads an architecture from a spec's Arch string.
func (s Space) FromSpec(sp *spec.Spec) (space.Arch, error) { return s.Parse(sp.Arch) }
