package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	netbuild "nasbook/engine/build"
	"nasbook/engine/export"
	"nasbook/internal/limit"
	"nasbook/space/darts"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

func exportCmd(args []string) error { return runExport(args, os.Stdout) }

func runExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "pytorch", "pytorch (a Python file and its weights as .safetensors), onnx (opset 13, weights inside) or json (the spec)")
	out := fs.String("o", "", "the output `file`; with pytorch its weights go beside it, the extension replaced by .safetensors")
	weights := fs.String("weights", "", "a .safetensors `file` of trained weights (as nasbook exports them) to export instead of initial ones")
	seed := fs.Int64("seed", 0, "seed of the initial weights")
	nb201 := fs.String("nb201", "", "an NAS-Bench-201 architecture string")
	dartsArch := fs.String("darts", "", "a DARTS genotype: a published name ("+list(darts.Names())+") or a Genotype(...) string")
	specFile := fs.String("spec", "", "a JSON architecture spec `file` (nb.Spec writes one for any model or cell of a notebook)")
	arch := fs.String("arch", "", "an architecture in any notation (also MobileNetV2, MobileNetV3-Large, k5-e6-d4-w1.0-se-hswish|..., L4-H2-D64-R4)")
	c := fs.Int("C", 0, "channels: DARTS C (default 36) or NB201 C (default 16)")
	layers := fs.Int("layers", 0, "DARTS cells (default 20) or NB201 cells per stage (default 5)")
	aux := fs.Bool("auxiliary", false, "DARTS: with the auxiliary head")
	imagenet := fs.Bool("imagenet", false, "DARTS: the ImageNet network")
	input := fs.String("input", "", "input shape CxHxW (or TxF), overriding the architecture's")
	classes := fs.Int("classes", 0, "classifier outputs, overriding the architecture's (0: keep)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook export -nb201|-darts|-arch|-spec ARCH [flags] -o OUT\n\nWrites one architecture as a PyTorch module (a self-contained Python file defining\nclass Net, and its weights as safetensors, which the file's load_weights reads with\ntorch alone), as an ONNX model (opset 13, in evaluation mode, weights inside) or as\nits JSON spec. The weights are the initial ones drawn from -seed,\nor those of -weights.\n\nspaces: "+list(spaces.Names())+"\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkAll(atLeast("C", *c, 0), atLeast("layers", *layers, 0), atLeast("classes", *classes, 0)); err != nil {
		return err
	}
	if *format != "pytorch" && *format != "onnx" && *format != "json" {
		return fmt.Errorf("-format %q: want pytorch, onnx or json", *format)
	}
	if *out == "" {
		return errors.New("-o: the output file is missing")
	}
	if *format == "json" && *weights != "" {
		return errors.New("-weights: a JSON spec holds no weights; use -format pytorch")
	}
	shape, err := parseShape(*input)
	if err != nil {
		return err
	}
	set := spaces.Settings{C: *c, Layers: *layers, Auxiliary: *aux, ImageNet: *imagenet}
	var s *spec.Spec
	switch given := nonEmpty(*nb201, *dartsArch, *arch, *specFile); {
	case given == 0:
		return errors.New("no architecture: give -nb201, -darts, -arch or -spec")
	case given > 1:
		return errors.New("more than one architecture: give one of -nb201, -darts, -arch and -spec")
	case *specFile != "":
		b, err := limit.ReadFile(*specFile, spec.MaxBytes)
		if err != nil {
			return fmt.Errorf("-spec: %w", err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return fmt.Errorf("-spec %s: empty file, want a JSON architecture spec", *specFile)
		}
		if s, err = spec.Parse(b); err != nil {
			return fmt.Errorf("-spec %s: %w", *specFile, err)
		}
	default:
		if s, err = spaces.Spec(*nb201+*dartsArch+*arch, set); err != nil {
			return err
		}
	}
	if shape != nil {
		s.Input = shape
	}
	if *classes > 0 {
		s.SetClasses(*classes)
	}
	if *format == "json" {
		if _, err := spec.Lower(s); err != nil {
			return err
		}
		if err := writeFileAtomic(*out, append(s.JSON(), '\n')); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
		return nil
	}
	net, err := netbuild.Build(s, rand.New(rand.NewSource(*seed)))
	if err != nil {
		return err
	}
	if *weights != "" {
		b, err := limit.ReadFile(*weights, export.MaxWeightsBytes)
		if err != nil {
			return fmt.Errorf("-weights: %w", err)
		}
		if err := export.LoadWeights(net, b); err != nil {
			return fmt.Errorf("-weights %s: %w", *weights, err)
		}
	}
	title := s.Arch
	if title == "" {
		title = "a " + string(s.Kind) + " network"
	}
	if *format == "onnx" {
		m, err := export.ToONNX(net, title)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*out, m); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %d parameters\n", *out, net.Params.Len())
		return nil
	}
	pt, err := export.ToPyTorch(net, title)
	if err != nil {
		return err
	}
	wfile := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".safetensors"
	if wfile == *out {
		return fmt.Errorf("-o %s: the weights would overwrite the module; name it .py", *out)
	}
	if err := writeFileAtomic(*out, pt.Source); err != nil {
		return err
	}
	if err := writeFileAtomic(wfile, pt.Weights); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s: %d parameters\n", *out, wfile, pt.Params)
	return nil
}

func nonEmpty(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}
