package main

import (
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
	af := addArchFlags(fs, "DARTS: with the auxiliary head")
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
	if err := checkAll(af.checks()...); err != nil {
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
	shape, err := parseShape(*af.input)
	if err != nil {
		return err
	}
	var s *spec.Spec
	switch given := af.given(); {
	case given == 0:
		return errors.New("no architecture: give -nb201, -darts, -arch or -spec")
	case given > 1:
		return errors.New("more than one architecture: give one of -nb201, -darts, -arch and -spec")
	case *af.specFile != "":
		b, err := af.readSpec()
		if err != nil {
			return err
		}
		if s, err = spec.Parse(b); err != nil {
			return fmt.Errorf("-spec %s: %w", *af.specFile, err)
		}
	default:
		if s, err = spaces.Spec(af.text(), af.settings()); err != nil {
			return err
		}
	}
	if shape != nil {
		s.Input = shape
	}
	if *af.classes > 0 {
		s.SetClasses(*af.classes)
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
