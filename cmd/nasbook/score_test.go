package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/internal/shared"
)

// nasbook score prints one JSON object per input line, in input order, with
// "arch" and one field per proxy; a line that is no architecture gets an
// "error" and the command fails after printing every line.
func TestScoreCommand(t *testing.T) {
	in := "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\nnot an arch\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n"
	var out bytes.Buffer
	err := runScore([]string{"-proxy", "params,flops,synflow", "-C", "4", "-layers", "1", "-input", "3x8x8", "-workers", "2"}, strings.NewReader(in), &out)
	if err == nil || !strings.Contains(err.Error(), "1 architecture") {
		t.Errorf("err = %v, want one failure", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"arch", "params", "flops", "synflow"} {
		if _, ok := first[k]; !ok {
			t.Errorf("no %q in %s", k, lines[0])
		}
	}
	if !strings.HasPrefix(lines[0], `{"arch":"|nor_conv_3x3~0|`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("lines out of order or without error:\n%s", out.String())
	}
	// No path from input to output: synflow is 0, as NASLib reports it.
	if !strings.Contains(lines[2], `"synflow":0`) {
		t.Errorf("all-none cell: %s", lines[2])
	}
}

// -data reads a CIFAR binary file for the batch of the data-dependent
// proxies, which then score otherwise than on noise; a file of another
// format is refused with the reason.
func TestScoreOnCIFARFile(t *testing.T) {
	b := shared.CIFARRecords(80, 1)
	file := filepath.Join(t.TempDir(), "data_batch_1.bin")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	arch := "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\n"
	score := func(data string) (string, error) {
		var out bytes.Buffer
		err := runScore([]string{"-proxy", "snip", "-C", "4", "-layers", "1", "-batch", "16", "-data", data}, strings.NewReader(arch), &out)
		return out.String(), err
	}
	onFile, err := score(file)
	if err != nil {
		t.Fatal(err)
	}
	onNoise, err := score("noise")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(onFile, `"snip":`) || onFile == onNoise {
		t.Errorf("on the file: %s on noise: %s", onFile, onNoise)
	}
	if err := os.WriteFile(file, b[:5000], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := score(file); err == nil || !strings.Contains(err.Error(), "5000 bytes are not a whole number of 3073-byte records") {
		t.Errorf("truncated file: %v", err)
	}
}

// -data shapes on a one-channel input, as the error for three channels
// suggests, scores NB201's 10-class network on the 7 shape kinds, and a
// 2-class network on the first two.
func TestScoreOnShapes(t *testing.T) {
	arch := "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\n"
	for _, classes := range []string{"0", "2"} {
		var out bytes.Buffer
		err := runScore([]string{"-proxy", "snip,naswot", "-C", "4", "-layers", "1", "-batch", "8", "-input", "1x16x16", "-classes", classes, "-data", "shapes"}, strings.NewReader(arch), &out)
		if err != nil {
			t.Fatalf("-classes %s: %v", classes, err)
		}
		if !strings.Contains(out.String(), `"snip":`) || strings.Contains(out.String(), `"error"`) {
			t.Errorf("-classes %s: %s", classes, out.String())
		}
	}
	var out bytes.Buffer
	err := runScore([]string{"-proxy", "snip", "-C", "4", "-layers", "1", "-data", "shapes"}, strings.NewReader(arch), &out)
	if err == nil || !strings.Contains(err.Error(), "pass -input 1x32x32") {
		t.Errorf("three channels: %v", err)
	}
}
