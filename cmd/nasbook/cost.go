package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"nasbook/engine/cost"
	"nasbook/engine/timing"
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

func costCmd(args []string) error { return runCost(args, os.Stdin, os.Stdout) }

func runCost(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	af := addArchFlags(fs, "DARTS: with the auxiliary head (counted apart, as aux_params)")
	batch := fs.Int("batch", 1, "batch size of peak_train_bytes")
	latency := fs.Bool("latency", false, "measure latency_ms on this machine, layer by layer")
	table := fs.String("latency-table", "", "a JSON latency table `file` to read and extend (with -latency); it is created if absent,\nand a file that is not a latency table is left alone")
	quiet := fs.Bool("q", false, "show no progress on standard error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook cost [flags] [< architectures]\n\nPrints one JSON object per architecture: params, active_params (per token: with a mixture of experts,\nthe router and the top-k experts), macs (what runs), total_macs (with every expert), flops (2 x macs),\nactivation_bytes, peak_train_bytes, latency_ms with -latency, naslib_flops for NB201 (as NASLib counts them);\nof a network on a sequence (a transformer), tokens and macs_per_token (macs / tokens).\nWithout -nb201, -darts, -spec or -arch it reads architectures from standard input, one per line.\n\nspaces: "+list(spaces.Names())+"\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkAll(append(af.checks(), within("batch", *batch, 1, cost.MaxBatch))...); err != nil {
		return err
	}
	if *table != "" && !*latency {
		return errors.New("-latency-table is read and extended by -latency measurements: add -latency")
	}

	set := af.settings()
	shape, err := parseShape(*af.input)
	if err != nil {
		return err
	}
	var lat *cost.LatencyTable
	if *latency {
		if lat, err = readLatencyTable(*table); err != nil {
			return err
		}
	}
	// The architectures, as text to read or as a spec file.
	var archs []string
	if af.given() > 1 {
		return errors.New("more than one architecture: give one of -nb201, -darts, -arch and -spec, or none to read them from standard input")
	}
	switch {
	case af.text() != "":
		archs = []string{af.text()}
	case *af.specFile != "":
		b, err := af.readSpec()
		if err != nil {
			return err
		}
		archs = []string{string(b)}
	default:
		promptIfTerminal(stdin)
		if err := eachLine(stdin, func(l string) { archs = append(archs, l) }); err != nil {
			return err
		}
		if len(archs) == 0 {
			return errNoArchs
		}
	}
	out := json.NewEncoder(stdout)
	m := newMeter("cost", *quiet || !*latency) // only measuring takes long
	failed := 0
	for i, a := range archs {
		m.Count(i, len(archs), "architectures")
		var s *spec.Spec
		var err error
		if *af.specFile != "" {
			s, err = spec.Parse([]byte(a))
		} else {
			s, err = spaces.Spec(a, set)
		}
		line := costLine{}
		if err == nil {
			line, err = costOf(s, shape, *af.classes, *batch, lat)
		}
		if err != nil {
			line.Error = err.Error()
			failed++
		}
		m.Clear()
		out.Encode(line)
	}
	m.Count(len(archs), len(archs), "architectures")
	m.Finish()
	if lat != nil && *table != "" {
		b, err := json.MarshalIndent(lat, "", " ")
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*table, append(b, '\n')); err != nil {
			return fmt.Errorf("-latency-table: %w", err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d architecture(s) could not be costed", failed)
	}
	return nil
}

// readLatencyTable reads the latency table in file, or returns an empty
// table if file is "" or does not exist yet. A file that exists must be a
// table this command wrote: a JSON object of "device" and "entries" alone,
// so that -latency-table never writes over another file.
func readLatencyTable(file string) (*cost.LatencyTable, error) {
	if file == "" {
		return &cost.LatencyTable{}, nil
	}
	b, err := limit.ReadFile(file, cost.MaxLatencyTableBytes)
	if errors.Is(err, os.ErrNotExist) {
		return &cost.LatencyTable{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-latency-table: %w", err)
	}
	notTable := func(why string) error {
		return fmt.Errorf("-latency-table %s: %s; want a latency table written by nasbook cost -latency (a JSON object of \"device\" and \"entries\"), or a file that does not exist yet; the file is left as it is", file, why)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, notTable("empty file")
	}
	var probe struct {
		Device  string                `json:"device"`
		Entries map[string]cost.Entry `json:"entries"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&probe); err != nil {
		return nil, notTable(err.Error())
	}
	if dec.More() {
		return nil, notTable("more than one JSON value")
	}
	if probe.Entries == nil {
		return nil, notTable(`no "entries"`)
	}
	return cost.LoadLatencyTable(b)
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
		line.LatencyMS = lat.Latency(n, timing.Forward{})
	}
	return line, nil
}
