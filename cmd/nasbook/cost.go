package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"nasbook/engine/cost"
	"nasbook/internal/limit"
	"nasbook/space"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

// costLine is one architecture's line of `nasbook cost`.
type costLine struct {
	Space string `json:"space,omitempty"`
	Arch  string `json:"arch,omitempty"`
	cost.Report
	NASLibFLOPs int64  `json:"naslib_flops,omitempty"` // NB201 only: NASLib's FLOP convention (cost.Net.NASLibFLOPs)
	Error       string `json:"error,omitempty"`
}

func costCmd(args []string) error {
	fs := flag.NewFlagSet("cost", flag.ExitOnError)
	nb201 := fs.String("nb201", "", "an NAS-Bench-201 architecture string")
	darts := fs.String("darts", "", "a DARTS genotype: a published name (DARTS_V2, NASNet, ...) or a Genotype(...) string")
	specFile := fs.String("spec", "", "a JSON architecture spec file")
	arch := fs.String("arch", "", "an architecture in any notation (also MobileNetV2, MobileNetV3-Large, k5-e6-d4-w1.0-se-hswish|..., L4-H2-D64-R4)")
	c := fs.Int("C", 0, "channels: DARTS C (default 36) or NB201 C (default 16)")
	layers := fs.Int("layers", 0, "DARTS cells (default 20) or NB201 cells per stage (default 5)")
	aux := fs.Bool("auxiliary", false, "DARTS: with the auxiliary head (counted apart, as aux_params)")
	imagenet := fs.Bool("imagenet", false, "DARTS: the ImageNet network")
	input := fs.String("input", "", "input shape CxHxW (or TxF), overriding the architecture's")
	classes := fs.Int("classes", 0, "classifier outputs, overriding the architecture's")
	batch := fs.Int("batch", 1, "batch size of peak_train_bytes")
	latency := fs.Bool("latency", false, "measure latency_ms on this machine, layer by layer")
	table := fs.String("latency-table", "", "a JSON latency table to read and extend (with -latency)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook cost [flags]\n\nPrints one JSON object per architecture: params, macs, flops (2 x macs),\nactivation_bytes, peak_train_bytes, latency_ms with -latency, naslib_flops for NB201 (as NASLib counts them).\nWithout -nb201, -darts, -spec or -arch it reads architectures from standard input, one per line.")
		fs.PrintDefaults()
	}
	fs.Parse(args)

	set := spaces.Settings{C: *c, Layers: *layers, Auxiliary: *aux, ImageNet: *imagenet}
	shape, err := parseShape(*input)
	if err != nil {
		return err
	}
	var lat *cost.LatencyTable
	if *latency {
		lat = &cost.LatencyTable{}
		if *table != "" {
			if b, err := limit.ReadFile(*table, cost.MaxLatencyTableBytes); err == nil {
				if lat, err = cost.LoadLatencyTable(b); err != nil {
					return err
				}
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	out := json.NewEncoder(os.Stdout)
	failed := 0
	emit := func(s *spec.Spec, err error) {
		line := costLine{}
		if err == nil {
			line, err = costOf(s, shape, *classes, *batch, lat)
		}
		if err != nil {
			line.Error = err.Error()
			failed++
		}
		out.Encode(line)
	}
	switch {
	case *nb201 != "":
		emit(spaces.Spec(*nb201, set))
	case *darts != "":
		emit(spaces.Spec(*darts, set))
	case *specFile != "":
		b, err := limit.ReadFile(*specFile, spec.MaxBytes)
		if err != nil {
			return err
		}
		emit(spec.Parse(b))
	case *arch != "":
		emit(spaces.Spec(*arch, set))
	default:
		if err := eachLine(os.Stdin, func(l string) { emit(spaces.Spec(l, set)) }); err != nil {
			return err
		}
	}
	if lat != nil && *table != "" {
		b, err := json.MarshalIndent(lat, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*table, b, 0o644); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d architecture(s) could not be costed", failed)
	}
	return nil
}

// eachLine calls f on each line of r that is not blank or a # comment. A
// line longer than space.MaxNotation is an error naming it.
func eachLine(r io.Reader, f func(string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), space.MaxNotation+1)
	n := 0
	for sc.Scan() {
		n++
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			f(l)
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("standard input: line %d is longer than %s", n+1, limit.Bytes(space.MaxNotation))
	}
	return sc.Err()
}

func costOf(s *spec.Spec, shape []int, classes, batch int, lat *cost.LatencyTable) (costLine, error) {
	line := costLine{Space: s.Space, Arch: s.Arch}
	if shape != nil {
		s.Input = shape
	}
	if classes > 0 {
		s.SetClasses(classes)
	}
	if batch < 0 || batch > cost.MaxBatch {
		return line, fmt.Errorf("-batch %d: want 1 to %d", batch, cost.MaxBatch)
	}
	n, err := spec.Lower(s)
	if err != nil {
		return line, err
	}
	line.Report = n.Count(batch)
	if s.Space == "nb201" {
		line.NASLibFLOPs = n.NASLibFLOPs()
	}
	if lat != nil {
		line.LatencyMS = lat.Latency(n, true)
	}
	return line, nil
}
