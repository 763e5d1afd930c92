package main

import (
	"encoding/json"
	"strings"
	"testing"

	"nasbook/space/spaces"
)

func TestCostLine(t *testing.T) {
	s, err := spaces.Spec("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", spaces.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	line, err := costOf(s, nil, 0, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(line)
	// NAS-Bench-201 index 1: 0.802426M params (zero-cost-naslib.csv).
	for _, want := range []string{`"params":802426`, `"macs":`, `"flops":`, `"activation_bytes":`, `"naslib_flops":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	m, _ := spaces.Spec("MobileNetV2", spaces.Settings{})
	line, err = costOf(m, []int{3, 32, 32}, 10, 1, nil)
	if err != nil || line.Params != 3504872-1281000+12810 {
		t.Errorf("MobileNetV2 with 10 classes: %+v, %v", line, err)
	}
}

// Networks too large to count are errors, not wrapped figures: nasbook
// cost -darts DARTS_V2 -layers 100000000 once ran without end and -C
// 100000000 printed negative parameters.
func TestCostOfHugeNetworks(t *testing.T) {
	for _, c := range []struct {
		set  spaces.Settings
		want string
	}{
		{spaces.Settings{Layers: 100000000}, "spec: cells.layers = 100000000, want 0 to 1000"},
		{spaces.Settings{C: 100000000}, "spec: cells.C = 100000000, want 1 to 16777216"},
		{spaces.Settings{C: 1000000}, "more than 70368744177664 parameters or multiply-accumulates"},
	} {
		s, err := spaces.Spec("DARTS_V2", c.set)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := costOf(s, nil, 0, 1, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.set, err, c.want)
		}
	}
	err := eachLine(strings.NewReader("DARTS_V2\n\n"+strings.Repeat("x", 2<<20)), func(string) {})
	if err == nil || err.Error() != "standard input: line 3 is longer than 1 MiB" {
		t.Errorf("long line: %v", err)
	}
}
