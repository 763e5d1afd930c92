// Package lessons holds what the lessons' text promises of their results,
// checked on their outputs wherever they run: natively (notebook's
// TestLessonsRunNatively) and in the browser (e2e). A check takes the text
// of the lesson's outputs, cell after cell, as the page shows it.
package lessons

import (
	"fmt"
	"strings"
)

// Check returns what the output text of the lesson in file (its base name,
// "experts.ipynb") contradicts of what the lesson says; nil when there is
// nothing, or the lesson has no check here.
func Check(file, text string) []string {
	if c, ok := checks[file]; ok {
		return c(text)
	}
	return nil
}

var checks = map[string]func(string) []string{
	"experts.ipynb":  experts,
	"stacking.ipynb": stacking,
}

// experts: a dense and a sparse transformer of the same active cost train
// on the lookup task from three seeds each, the table shows both costs,
// and the lesson says which is ahead.
func experts(out string) []string {
	var bad []string
	i := strings.Index(out, "sparse ")
	var sparse, dense, gap float64
	var verdict string
	if _, err := fmt.Sscanf(out[max(i, 0):], "sparse %f%%, dense %f%%: the sparse model is %f points %s", &sparse, &dense, &gap, &verdict); i < 0 || err != nil {
		return []string{fmt.Sprintf("no comparison line: %v", err)}
	}
	// Natively: sparse 60.6 %, dense 60.9 %; eight classes, so chance is 12.5 %.
	if sparse < 45 || dense < 45 {
		bad = append(bad, fmt.Sprintf("sparse %.1f%%, dense %.1f%%: want both well above chance", sparse, dense))
	}
	if (verdict == "behind") != (sparse < dense) {
		bad = append(bad, fmt.Sprintf("sparse %.1f%%, dense %.1f%%, and the lesson says the sparse one is %s", sparse, dense, verdict))
	}
	// The table: the sparse model stores 45,288 parameters and uses 20,136 a token.
	for _, want := range []string{"| `L2-H4-D32-R2` | 19880 | 19880 | 85376 |", "| `L2-H4-D32-R2-E4-K1` | 45288 | 20136 | 86656 |"} {
		if !strings.Contains(out, want) {
			bad = append(bad, fmt.Sprintf("the lesson printed no %q", want))
		}
	}
	return bad
}

// stacking: the network around the searched cell, trained from scratch,
// ends well ahead of the same network around a cell of pooling and skip
// connections, and the reductions are residual blocks.
func stacking(out string) []string {
	var bad []string
	i := strings.Index(out, "searched cell ")
	var mine, other float64
	if _, err := fmt.Sscanf(out[max(i, 0):], "searched cell %f%%, pooling cell %f%%", &mine, &other); i < 0 || err != nil {
		return []string{fmt.Sprintf("no comparison line: %v", err)}
	}
	for _, want := range []string{"reduction: residual block, stride 2 -> 14x14", "reduction: residual block, stride 2 -> 7x7"} {
		if !strings.Contains(out, want) {
			bad = append(bad, fmt.Sprintf("the lesson printed no %q", want))
		}
	}
	// Natively: 90.30 % against 27.40 %.
	if mine < other+15 {
		bad = append(bad, fmt.Sprintf("searched cell %.2f%%, pooling cell %.2f%%: want the searched one 15 points ahead", mine, other))
	}
	return bad
}
