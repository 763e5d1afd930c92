// Package spaces names the built-in search spaces and reads an architecture
// written in any of their notations, for the command line and notebooks.
package spaces

import (
	"fmt"
	"strings"

	"nasbook/space"
	"nasbook/space/darts"
	"nasbook/space/mobilenet"
	"nasbook/space/nb201"
	"nasbook/space/resnet"
	"nasbook/space/spec"
	"nasbook/space/transformer"
)

// Names lists the built-in spaces.
func Names() []string { return []string{"nb201", "darts", "mobilenet", "ofa", "transformer"} }

// ByName returns a built-in space with its default macro settings.
func ByName(name string) (space.Space, error) {
	switch strings.ToLower(name) {
	case "nb201", "nas-bench-201", "nasbench201":
		return nb201.Space{}, nil
	case "darts":
		return darts.Space{}, nil
	case "mobilenet", "proxyless":
		return mobilenet.Space{}, nil
	case "ofa", "once-for-all":
		return mobilenet.OFA{}, nil
	case "transformer", "vit":
		return transformer.Space{}, nil
	}
	return nil, fmt.Errorf("spaces: no space %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Settings are macro settings applied where an architecture's notation
// leaves them open. Zero fields keep each space's defaults.
type Settings struct {
	C, Layers int  // DARTS channels and cells; NB201 channels (C) and cells per stage (Layers)
	Auxiliary bool // DARTS auxiliary head
	ImageNet  bool // DARTS ImageNet network
}

// named are the published networks, by name, at the input size of their
// papers (224×224 but for EfficientNet-B1 and up) with 1000 classes.
var named = []struct {
	name string
	net  func() (*spec.Spec, error)
}{
	{"MobileNetV2", mobilenet.MobileNetV2().Spec},
	{"MobileNetV3-Large", mobilenet.MobileNetV3Large().Spec},
	{"MobileNetV3-Small", mobilenet.MobileNetV3Small().Spec},
	{"ResNet-18", resnet.ResNet18().Spec},
	{"ResNet-34", resnet.ResNet34().Spec},
	{"ResNet-50", resnet.ResNet50().Spec},
	{"EfficientNet-B0", efficientNet(0)}, {"EfficientNet-B1", efficientNet(1)},
	{"EfficientNet-B2", efficientNet(2)}, {"EfficientNet-B3", efficientNet(3)},
	{"EfficientNet-B4", efficientNet(4)}, {"EfficientNet-B5", efficientNet(5)},
	{"EfficientNet-B6", efficientNet(6)}, {"EfficientNet-B7", efficientNet(7)},
}

func efficientNet(i int) func() (*spec.Spec, error) {
	return func() (*spec.Spec, error) {
		n, err := mobilenet.EfficientNetB(i)
		if err != nil {
			return nil, err
		}
		return n.Spec()
	}
}

// NamedNets lists the published networks that Spec takes by name.
func NamedNets() []string {
	ns := make([]string, len(named))
	for i, n := range named {
		ns[i] = n.name
	}
	return ns
}

// fold is a name without case, hyphens and underscores: "resnet50" and
// "ResNet_50" name ResNet-50.
func fold(s string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
}

// Named returns the spec of a published network (NamedNets), its name
// compared without case, hyphens and underscores; MobileNetV3 is
// MobileNetV3-Large.
func Named(name string) (*spec.Spec, bool, error) {
	f := fold(name)
	if f == "mobilenetv3" {
		f = "mobilenetv3large"
	}
	for _, n := range named {
		if fold(n.name) == f {
			s, err := n.net()
			return s, true, err
		}
	}
	return nil, false, nil
}

// Spec reads one architecture and returns its spec. It takes an NB201
// string (|op~0|+...), a DARTS genotype (Genotype(...)) or published name
// (DARTS_V2, ...), a published network (NamedNets: MobileNetV2,
// ResNet-50, EfficientNet-B3, ...), an architecture of the mobilenet space
// (k5-e6-d4-w1.0-se-hswish|...), the ofa space (w1.0|k3e4,k5e6|...) or the
// transformer space (L4-H2-D64-R4), or a JSON spec ({...}).
func Spec(text string, set Settings) (*spec.Spec, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, fmt.Errorf("spaces: empty architecture")
	case strings.HasPrefix(text, "{"):
		return spec.Parse([]byte(text))
	case strings.HasPrefix(text, "|"):
		a, err := nb201.Parse(text)
		if err != nil {
			return nil, err
		}
		return a.Spec(nb201.Macro{C: set.C, N: set.Layers}), nil
	case strings.HasPrefix(text, "Genotype") || isDARTSName(text):
		g, err := darts.Lookup(text)
		if err != nil {
			return nil, err
		}
		return g.Spec(darts.Macro{C: set.C, Layers: set.Layers, Auxiliary: set.Auxiliary, ImageNet: set.ImageNet}), nil
	}
	if s, ok, err := Named(text); ok {
		return s, err
	}
	switch {
	case strings.HasPrefix(text, "L"):
		s := transformer.Space{}
		a, err := s.Parse(text)
		if err != nil {
			return nil, err
		}
		return s.Spec(a)
	case strings.HasPrefix(text, "w"):
		s := mobilenet.OFA{}
		a, err := s.Parse(text)
		if err != nil {
			return nil, err
		}
		return s.Spec(a)
	case strings.HasPrefix(text, "k"):
		s := mobilenet.Space{}
		a, err := s.Parse(text)
		if err != nil {
			return nil, err
		}
		return s.Spec(a)
	}
	return nil, fmt.Errorf("spaces: %q is in no known notation (an NB201 string, a DARTS genotype or name, a published network (%s), a mobilenet, ofa or transformer architecture, or a JSON spec)", short(text), strings.Join(NamedNets(), ", "))
}

func isDARTSName(s string) bool {
	for _, n := range darts.Names() {
		if s == n {
			return true
		}
	}
	return false
}

func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
