package main

import (
	"bytes"
	"flag"
	"fmt"

	"nasbook/internal/limit"
	"nasbook/space/darts"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

// archFlags name one architecture and shape its network: the flags that
// cost and export share.
type archFlags struct {
	nb201, darts, arch, specFile, input *string
	c, layers, classes                  *int
	aux, imagenet                       *bool
}

// addArchFlags defines the architecture flags on fs; auxHelp tells what
// -auxiliary does for the command.
func addArchFlags(fs *flag.FlagSet, auxHelp string) *archFlags {
	return &archFlags{
		nb201:    fs.String("nb201", "", "an NAS-Bench-201 architecture string"),
		darts:    fs.String("darts", "", "a DARTS genotype: a published name ("+list(darts.Names())+") or a Genotype(...) string"),
		specFile: fs.String("spec", "", "a JSON architecture spec `file` (nb.Spec writes one for any model or cell of a notebook)"),
		arch:     fs.String("arch", "", "an architecture in any notation (also a published network: "+list(spaces.NamedNets())+"; k5-e6-d4-w1.0-se-hswish|..., w1.0|k3e4,k5e6|..., L4-H2-D64-R4)"),
		c:        fs.Int("C", 0, "channels: DARTS C (default 36) or NB201 C (default 16)"),
		layers:   fs.Int("layers", 0, "DARTS cells (default 20) or NB201 cells per stage (default 5)"),
		aux:      fs.Bool("auxiliary", false, auxHelp),
		imagenet: fs.Bool("imagenet", false, "DARTS: the ImageNet network"),
		input:    fs.String("input", "", "input shape CxHxW (or TxF), overriding the architecture's"),
		classes:  fs.Int("classes", 0, "classifier outputs, overriding the architecture's (0: keep)"),
	}
}

// checks are the range checks of the numeric flags.
func (a *archFlags) checks() []check {
	return []check{atLeast("C", *a.c, 0), atLeast("layers", *a.layers, 0), atLeast("classes", *a.classes, 0)}
}

func (a *archFlags) settings() spaces.Settings {
	return spaces.Settings{C: *a.c, Layers: *a.layers, Auxiliary: *a.aux, ImageNet: *a.imagenet}
}

// given is the number of architecture flags set.
func (a *archFlags) given() int { return nonEmpty(*a.nb201, *a.darts, *a.arch, *a.specFile) }

// text is the architecture of -nb201, -darts or -arch.
func (a *archFlags) text() string { return *a.nb201 + *a.darts + *a.arch }

// readSpec reads the -spec file, bounded and not empty.
func (a *archFlags) readSpec() ([]byte, error) {
	b, err := limit.ReadFile(*a.specFile, spec.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("-spec: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("-spec %s: empty file, want a JSON architecture spec", *a.specFile)
	}
	return b, nil
}
