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
	"nasbook/space/spec"
	"nasbook/space/transformer"
)

// Names lists the built-in spaces.
func Names() []string { return []string{"nb201", "darts", "mobilenet", "transformer"} }

// ByName returns a built-in space with its default macro settings.
func ByName(name string) (space.Space, error) {
	switch strings.ToLower(name) {
	case "nb201", "nas-bench-201", "nasbench201":
		return nb201.Space{}, nil
	case "darts":
		return darts.Space{}, nil
	case "mobilenet", "ofa", "proxyless":
		return mobilenet.Space{}, nil
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

// Spec reads one architecture and returns its spec. It takes an NB201
// string (|op~0|+...), a DARTS genotype (Genotype(...)) or published name
// (DARTS_V2, ...), MobileNetV2 or MobileNetV3-Large, an architecture of the
// mobilenet space (k5-e6-d4-w1.0-se-hswish|...) or of the transformer space
// (L4-H2-D64-R4), or a JSON spec ({...}).
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
	case strings.EqualFold(text, "MobileNetV2"):
		return mobilenet.MobileNetV2().Spec()
	case strings.EqualFold(text, "MobileNetV3-Large"), strings.EqualFold(text, "MobileNetV3"):
		return mobilenet.MobileNetV3Large().Spec()
	case strings.HasPrefix(text, "L"):
		s := transformer.Space{}
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
	return nil, fmt.Errorf("spaces: %q is in no known notation (an NB201 string, a DARTS genotype or name, MobileNetV2, MobileNetV3-Large, a mobilenet or transformer architecture, or a JSON spec)", short(text))
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
