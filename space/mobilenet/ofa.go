package mobilenet

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"nasbook/space"
	"nasbook/space/spec"
)

// OFA is Once-for-All's space (Cai et al., ICLR 2020) on its MobileNetV3
// base, block by block: a width multiplier for the whole network (0.75,
// 1.0, 1.2; Once-for-All trains 1.0 and 1.2), and for each of the five
// stages (widths 24, 40, 80, 112, 160, first strides 2, 2, 2, 1, 2) its depth
// (2, 3, 4), squeeze-excitation on or off, and for each of its blocks the
// depthwise kernel (3, 5, 7) and the expansion ratio (3, 4, 6). The
// activations are the base's: ReLU in the first two stages, hard swish
// after. Around the stages: a Conv3×3/2 stem to 16 channels, a 3×3 block
// without expansion, a 1×1 convolution to 960 channels, pooling and a
// 1280-unit hidden layer, all widths times the multiplier (MakeDivisible
// by 8).
//
// An architecture is written with its blocks, their count giving the
// depth, a stage per "|" after the width:
//
//	w1.0|k3e4,k5e6|k5e3,k5e4,k7e6+se|k3e6,k3e6,k3e4,k3e3|k5e6,k5e6+se|k7e6,k7e6,k7e6,k7e6+se
//
// Its encoding has room for four blocks a stage; the choices of the blocks
// past a stage's depth do not matter, and the space's own Sample, Mutate
// and Parse leave them at their first option (Canonical names an
// architecture without them). Space, beside it, chooses kernel and
// expansion once per stage and the activation too.
type OFA struct {
	Classes int // zero means 1000
	Size    int // input size; zero means 224
}

var (
	_ space.Space         = OFA{}
	_ space.Specifier     = OFA{}
	_ space.Sampler       = OFA{}
	_ space.Mutator       = OFA{}
	_ space.Canonicalizer = OFA{}
)

// The choices of the OFA space, and its layout: the width, then per stage
// the depth, squeeze-excitation, and kernel and expansion of each of
// MaxDepth blocks.
var (
	ofaWidths  = []string{"0.75", "1.0", "1.2"}
	ofaDepths  = []string{"2", "3", "4"}
	ofaSE      = []string{"off", "on"}
	ofaKernels = []string{"3", "5", "7"}
	ofaExpands = []string{"3", "4", "6"}
	ofaActs    = []string{"relu", "relu", "hswish", "hswish", "hswish"}
)

const (
	// MaxDepth is the most blocks an OFA stage has.
	MaxDepth = 4
	perStage = 2 + 2*MaxDepth
)

func (OFA) Name() string { return "ofa" }

func (OFA) Dims() []space.Dim {
	ds := []space.Dim{{Name: "width", Options: ofaWidths}}
	for i := range ofaStages {
		ds = append(ds, space.Dim{Name: fmt.Sprintf("stage %d depth", i+1), Options: ofaDepths},
			space.Dim{Name: fmt.Sprintf("stage %d se", i+1), Options: ofaSE})
		for j := range MaxDepth {
			ds = append(ds, space.Dim{Name: fmt.Sprintf("stage %d block %d kernel", i+1, j+1), Options: ofaKernels},
				space.Dim{Name: fmt.Sprintf("stage %d block %d expand", i+1, j+1), Options: ofaExpands})
		}
	}
	return ds
}

func (OFA) Check(space.Arch) error { return nil }

// stage returns the choices of stage i of a: depth, squeeze-excitation and
// the blocks' kernel and expansion pairs.
func ofaStage(a space.Arch, i int) []int { return a[1+i*perStage : 1+(i+1)*perStage] }

func depthOf(st []int) int { return st[0] + 2 }

// canonical sets the choices of the blocks past each stage's depth to their
// first option.
func canonical(a space.Arch) space.Arch {
	for i := range ofaStages {
		st := ofaStage(a, i)
		for j := depthOf(st); j < MaxDepth; j++ {
			st[2+2*j], st[3+2*j] = 0, 0
		}
	}
	return a
}

// Format writes the width and a stage per "|": its blocks as k<kernel>e<expand>
// joined by ",", and "+se" when it has squeeze-excitation.
func (OFA) Format(a space.Arch) string {
	parts := []string{"w" + ofaWidths[a[0]]}
	for i := range ofaStages {
		st := ofaStage(a, i)
		var bs []string
		for j := range depthOf(st) {
			bs = append(bs, "k"+ofaKernels[st[2+2*j]]+"e"+ofaExpands[st[3+2*j]])
		}
		p := strings.Join(bs, ",")
		if st[1] == 1 {
			p += "+se"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "|")
}

// Canonical is Format: it writes only the blocks a stage has.
func (s OFA) Canonical(a space.Arch) string { return s.Format(a) }

func index(opts []string, v string) int {
	for i, o := range opts {
		if o == v {
			return i
		}
	}
	return -1
}

// Parse reads the form Format writes.
func (s OFA) Parse(str string) (space.Arch, error) {
	if err := space.CheckNotation("ofa", str); err != nil {
		return nil, err
	}
	parts := strings.Split(strings.TrimSpace(str), "|")
	if len(parts) != 1+len(ofaStages) {
		return nil, fmt.Errorf("ofa: %d parts, want the width and %d stages joined by '|', such as w1.0|k3e4,k5e6|...", len(parts), len(ofaStages))
	}
	a := make(space.Arch, len(s.Dims()))
	w := strings.TrimSpace(parts[0])
	if a[0] = index(ofaWidths, strings.TrimPrefix(w, "w")); !strings.HasPrefix(w, "w") || a[0] < 0 {
		return nil, fmt.Errorf("ofa: width %q, want w%s", space.Clip(w), strings.Join(ofaWidths, ", w"))
	}
	for i, p := range parts[1:] {
		p = strings.TrimSpace(p)
		st := ofaStage(a, i)
		if q, ok := strings.CutSuffix(p, "+se"); ok {
			p, st[1] = q, 1
		}
		bs := strings.Split(p, ",")
		if st[0] = index(ofaDepths, strconv.Itoa(len(bs))); st[0] < 0 {
			return nil, fmt.Errorf("ofa: stage %d has %d blocks, want 2 to %d", i+1, len(bs), MaxDepth)
		}
		for j, b := range bs {
			b = strings.TrimSpace(b)
			k, e, ok := strings.Cut(strings.TrimPrefix(b, "k"), "e")
			st[2+2*j], st[3+2*j] = index(ofaKernels, k), index(ofaExpands, e)
			if !strings.HasPrefix(b, "k") || !ok || st[2+2*j] < 0 || st[3+2*j] < 0 {
				return nil, fmt.Errorf("ofa: stage %d, block %d: %q, want k<kernel>e<expand> with a kernel of %s and an expansion of %s, such as k5e6",
					i+1, j+1, space.Clip(b), strings.Join(ofaKernels, ", "), strings.Join(ofaExpands, ", "))
			}
		}
	}
	return a, nil
}

// Sample draws every choice uniformly, those of the blocks a stage has not
// left at their first option.
func (s OFA) Sample(r *rand.Rand) space.Arch {
	dims := s.Dims()
	a := make(space.Arch, len(dims))
	for i, d := range dims {
		a[i] = r.Intn(len(d.Options))
	}
	return canonical(a)
}

// Mutate changes one choice that matters (the width, a stage's depth or
// squeeze-excitation, a kernel or expansion of a block it has) to another
// option; a stage made deeper gains blocks of the first options.
func (s OFA) Mutate(a space.Arch, r *rand.Rand) space.Arch {
	b := canonical(a.Clone())
	live := []int{0}
	for i := range ofaStages {
		at := 1 + i*perStage
		live = append(live, at, at+1)
		for j := range 2 * depthOf(ofaStage(b, i)) {
			live = append(live, at+2+j)
		}
	}
	dims := s.Dims()
	k := live[r.Intn(len(live))]
	n := len(dims[k].Options)
	b[k] = (b[k] + 1 + r.Intn(n-1)) % n
	return canonical(b)
}

// Net returns the network of a.
func (s OFA) Net(a space.Arch) Net {
	w, _ := strconv.ParseFloat(ofaWidths[a[0]], 64)
	ch := func(c int) int { return spec.MakeDivisible(float64(c)*w, 8) }
	stem := ch(16)
	n := Net{Name: s.Format(a), StemOut: stem, StemAct: "hswish", HeadConv: ch(960), HeadAct: "hswish", HeadLinear: ch(1280), Classes: s.Classes, Size: s.Size}
	n.Blocks = append(n.Blocks, Block{Out: stem, Hidden: stem, Kernel: 3, Stride: 1, Act: "relu"})
	in := stem
	for i, base := range ofaStages {
		st := ofaStage(a, i)
		out := ch(base.Width)
		for j := range depthOf(st) {
			k, _ := strconv.Atoi(ofaKernels[st[2+2*j]])
			e, _ := strconv.Atoi(ofaExpands[st[3+2*j]])
			stride := 1
			if j == 0 {
				stride = base.Stride
			}
			n.Blocks = append(n.Blocks, Block{Out: out, Hidden: spec.MakeDivisible(float64(in*e), 8), Kernel: k, Stride: stride, SE: st[1] == 1, Act: ofaActs[i]})
			in = out
		}
	}
	return n
}

// Spec returns the network of a (space.Specifier).
func (s OFA) Spec(a space.Arch) (*spec.Spec, error) {
	sp, err := s.Net(a).Spec()
	if err == nil {
		sp.Space = s.Name()
	}
	return sp, err
}

// FromSpec reads an architecture from a spec's Arch string.
func (s OFA) FromSpec(sp *spec.Spec) (space.Arch, error) { return s.Parse(sp.Arch) }
