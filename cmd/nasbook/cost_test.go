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
