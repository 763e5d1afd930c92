package mobilenet

import (
	"fmt"
	"strconv"
	"strings"

	"nasbook/space"
	"nasbook/space/spec"
)

// Stage is one stage of a base network: its width and first stride; the
// search chooses the rest.
type Stage struct {
	Width, Stride int
}

// Space is the per-stage macro space. The zero value searches Once-for-All's
// MobileNetV3 base for ImageNet: a Conv3×3/2 16-channel hswish stem, a fixed
// 16→16 3×3 block, five searched stages of widths 24, 40, 80, 112, 160
// (strides 2, 2, 2, 1, 2), a 960-channel head and a 1280-unit hidden layer.
type Space struct {
	Stages  []Stage // zero means the Once-for-All base
	Classes int     // zero means 1000
	Size    int     // input size; zero means 224
}

var _ space.Space = Space{}
var _ space.Specifier = Space{}

var ofaStages = []Stage{{24, 2}, {40, 2}, {80, 2}, {112, 1}, {160, 2}}

func (s Space) stages() []Stage {
	if len(s.Stages) == 0 {
		return ofaStages
	}
	return s.Stages
}

// The choices of a stage, in Dims order, with their options.
var (
	kernels = []string{"3", "5", "7"}
	expands = []string{"3", "4", "6"}
	depths  = []string{"2", "3", "4"}
	widths  = []string{"0.75", "1.0", "1.25"}
	ses     = []string{"nose", "se"}
	acts    = []string{"relu", "hswish"}
	choices = [][]string{kernels, expands, depths, widths, ses, acts}
	prefix  = []string{"k", "e", "d", "w", "", ""}
	names   = []string{"kernel", "expand", "depth", "width", "se", "act"}
)

// PerStage is the number of choices of each stage.
const PerStage = 6

func (Space) Name() string { return "mobilenet" }

func (s Space) Dims() []space.Dim {
	var ds []space.Dim
	for i := range s.stages() {
		for c, opts := range choices {
			ds = append(ds, space.Dim{Name: fmt.Sprintf("stage %d %s", i+1, names[c]), Options: opts})
		}
	}
	return ds
}

func (Space) Check(space.Arch) error { return nil }

// Format writes a stage per "|" as k5-e6-d4-w1.0-se-hswish.
func (s Space) Format(a space.Arch) string {
	var parts []string
	for i := range s.stages() {
		var fs []string
		for c, opts := range choices {
			fs = append(fs, prefix[c]+opts[a[i*PerStage+c]])
		}
		parts = append(parts, strings.Join(fs, "-"))
	}
	return strings.Join(parts, "|")
}

// Parse reads the form Format writes.
func (s Space) Parse(str string) (space.Arch, error) {
	if err := space.CheckNotation("mobilenet", str); err != nil {
		return nil, err
	}
	str = strings.TrimSpace(str)
	if n := strings.Count(str, "|") + 1; n != len(s.stages()) {
		return nil, fmt.Errorf("mobilenet: %d stages, want %d joined by '|'", n, len(s.stages()))
	}
	parts := strings.Split(str, "|")
	var a space.Arch
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if strings.Count(p, "-")+1 != PerStage {
			return nil, fmt.Errorf("mobilenet: stage %d: %q, want k-e-d-w-se-act such as k5-e6-d4-w1.0-se-hswish", i+1, space.Clip(p))
		}
		fs := strings.Split(p, "-")
		for c, f := range fs {
			k := -1
			for j, o := range choices[c] {
				if prefix[c]+o == f {
					k = j
				}
			}
			if k < 0 {
				return nil, fmt.Errorf("mobilenet: stage %d: %s %q, want one of %s%s", i+1, names[c], space.Clip(f), prefix[c], strings.Join(choices[c], ", "+prefix[c]))
			}
			a = append(a, k)
		}
	}
	return a, nil
}

// Net returns the network of a.
func (s Space) Net(a space.Arch) Net {
	n := Net{Name: s.Format(a), StemOut: 16, StemAct: "hswish", HeadConv: 960, HeadAct: "hswish", HeadLinear: 1280, Classes: s.Classes, Size: s.Size}
	n.Blocks = append(n.Blocks, Block{Out: 16, Hidden: 16, Kernel: 3, Stride: 1, Act: "relu"})
	in := 16
	for i, st := range s.stages() {
		c := a[i*PerStage:]
		k, _ := strconv.Atoi(kernels[c[0]])
		e, _ := strconv.Atoi(expands[c[1]])
		d, _ := strconv.Atoi(depths[c[2]])
		w, _ := strconv.ParseFloat(widths[c[3]], 64)
		out := spec.MakeDivisible(float64(st.Width)*w, 8)
		for j := 0; j < d; j++ {
			stride := 1
			if j == 0 {
				stride = st.Stride
			}
			n.Blocks = append(n.Blocks, Block{Out: out, Hidden: spec.MakeDivisible(float64(in*e), 8), Kernel: k, Stride: stride, SE: c[4] == 1, Act: acts[c[5]]})
			in = out
		}
	}
	return n
}

// Spec returns the network of a (space.Specifier).
func (s Space) Spec(a space.Arch) (*spec.Spec, error) { return s.Net(a).Spec() }

// FromSpec reads an architecture from a spec's Arch string.
func (s Space) FromSpec(sp *spec.Spec) (space.Arch, error) { return s.Parse(sp.Arch) }
