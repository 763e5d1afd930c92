package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
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
