// Package lessons holds what the lessons' text promises of their results,
// checked on their outputs wherever they run: natively (notebook's
// TestLessonsRunNatively) and in the browser (e2e). A check takes the text
// of the lesson's outputs, cell after cell, as the page shows it.
package lessons

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
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
	"darts.ipynb":       darts,
	"experts.ipynb":     experts,
	"hardware.ipynb":    hardware,
	"mnist.ipynb":       mnist,
	"search.ipynb":      search,
	"stacking.ipynb":    stacking,
	"transformer.ipynb": transformer,
}

// printed returns a complaint for each of want that out does not contain.
func printed(out string, want ...string) []string {
	var bad []string
	for _, w := range want {
		if !strings.Contains(out, w) {
			bad = append(bad, fmt.Sprintf("the lesson printed no %q", w))
		}
	}
	return bad
}

// hardware: the operations timed on this device make a front of accuracy
// against latency that is not the Pixel 3's, and the latency-aware
// one-shot sweep's last search, which weighs latency most, derives the
// all-skip cell.
func hardware(out string) []string {
	var mine, phone, both int
	rest := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "on this device's front") {
			rest = line
		}
	}
	if _, err := fmt.Sscanf(rest, "%d architectures on this device's front, %d on the Pixel 3's, %d on both", &mine, &phone, &both); err != nil {
		return []string{fmt.Sprintf("no line on the fronts: %v", err)}
	}
	var bad []string
	if both >= mine || both >= phone {
		bad = append(bad, fmt.Sprintf("fronts of %d and %d architectures share %d: want them to differ", mine, phone, both))
	}
	return append(bad, printed(out, "relatively dearer on", "[figure: CIFAR-10 accuracy against latency, on two devices]",
		"weight 0.3  |skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
		"of the true front's hypervolume, the sweep's 4 searches hold", "[figure: Latency-aware DARTS against every network, on a Pixel 3]")...)
}

// search: after 100 queries random search is left with more regret than
// evolution, and Bayesian optimisation with the least; NSGA-II finds a
// front of accuracy against a phone's latency.
func search(out string) []string {
	regret := map[string]float64{}
	for _, line := range strings.Split(out, "\n") {
		name, rest, ok := strings.Cut(line, ": best cifar10_test")
		_, r, ok2 := strings.Cut(rest, "mean regret ")
		if ok && ok2 {
			if v, err := strconv.ParseFloat(strings.TrimSpace(r), 64); err == nil {
				regret[name] = v
			}
		}
	}
	var bad []string
	if len(regret) < 4 || !(regret["rs"] > regret["re"] && regret["re"] > regret["bo"]) {
		bad = append(bad, fmt.Sprintf("mean regret at 100 queries %v, want rs > re > bo", regret))
	}
	return append(bad, printed(out, "15625 architectures", "[figure: regret on cifar10_test: the table's best less the best found]",
		"architectures on the front", "[figure: Pareto front: cifar10_test against pixel3]")...)
}

// transformer: a transformer of token ids learns the lookup task well
// above chance, a search by training within a parameter budget and the
// proxies that can read token ids each pick one, and the same network
// with four experts a block, top-1, stores 2.3 times the parameters for
// the same active ones.
func transformer(out string) []string {
	var model string
	var params int
	var acc float64
	i := strings.Index(out, "L2-H4-D32-R2, ")
	if _, err := fmt.Sscanf(out[max(i, 0):], "%s %d parameters: test accuracy %f%%", &model, &params, &acc); i < 0 || err != nil {
		return []string{fmt.Sprintf("no result of the first training: %v", err)}
	}
	var bad []string
	// Natively: 58.0 % (eight classes: chance is 12.5 %, the values in a
	// sequence alone about 30 %).
	if params != 19880 || acc < 45 {
		bad = append(bad, fmt.Sprintf("L2-H4-D32-R2: %d parameters, %.1f%% test accuracy; want 19880 and above 45%%", params, acc))
	}
	bad = append(bad, printed(out, "search by training: L", "by naswot  L", "by snip    L", "by cost   L")...)
	// Natively 64.1 % against 58.0 %, 45,288 parameters of which 20,136 active.
	var dense, sparse float64
	var total, active int
	i = strings.Index(out, "dense ")
	if _, err := fmt.Sscanf(out[max(i, 0):], "dense %f%%, sparse %f%% (%d parameters, %d active)", &dense, &sparse, &total, &active); i < 0 || err != nil {
		return append(bad, fmt.Sprintf("no sparse-against-dense line: %v", err))
	}
	if math.Abs(dense-acc) > 0.06 || sparse < 45 || total != 45288 || active != 20136 {
		bad = append(bad, fmt.Sprintf("dense %.1f%% (the first training's %.1f%%), sparse %.1f%% with %d parameters, %d active; want the same dense figure, the sparse above 45%%, 45288 and 20136",
			dense, acc, sparse, total, active))
	}
	return bad
}

// mnist: the small CNN trains for the two epochs the lesson says and reaches
// the engine's bar on 14x14 MNIST, 96.5% for one seed (natively 97.5% with
// seed 1; nb's TestMNIST14CNN holds the mean of three seeds to 97% with
// NASBOOK_FULL=1). A broken layer, gradient or optimizer step leaves it far
// below.
func mnist(out string) []string {
	var bad []string
	if !strings.Contains(out, "epoch 2/2") {
		bad = append(bad, "the lesson printed no \"epoch 2/2\"")
	}
	m := regexp.MustCompile(`(?m)^\d+ parameters, test accuracy ([0-9.]+)%`).FindStringSubmatch(out)
	if m == nil {
		return append(bad, "no line of the CNN's accuracy")
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	if acc < 96.5 {
		bad = append(bad, fmt.Sprintf("the CNN's test accuracy %.1f%% after two epochs, want 96.5%% or more", acc))
	}
	return bad
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

// darts: the first search commits, so that a student sees the weights move
// (the mean entropy of an edge's weights falls from ln 5 = 1.609 to 1.2 or
// less, and on every edge the strongest op ends with four times the weight
// of the weakest or more; natively 1.04 and 20.3); run longer in the
// NAS-Bench-201 cell it does not collapse; the remedy changes the cell, and
// the supernet's weights call the capped cell a guess where retraining does
// not; in DARTS's own cell the search drifts to pools and skips.
func darts(out string) []string {
	var bad []string
	num := func(re string) (float64, bool) {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			bad = append(bad, fmt.Sprintf("the lesson printed no %q", re))
			return 0, false
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v, true
	}
	if h, ok := num(`at the start, ([0-9.]+) after 10 epochs`); ok && h > 1.2 {
		bad = append(bad, fmt.Sprintf("mean entropy %.3f after the first search, want 1.2 or less (1.609 is uniform)", h))
	}
	if c, ok := num(`has at least ([0-9.]+) times the weight`); ok && c < 4 {
		bad = append(bad, fmt.Sprintf("the strongest op of some edge has %.1f times the weight of the weakest, want 4 or more", c))
	}
	// No collapse: from the fifth epoch on, skips and pools hold 50% ± 8 of
	// the weight (natively 52% to 57%) and the derived cell keeps its count
	// of parameter-free ops.
	epochs := regexp.MustCompile(`epoch +(\d+): +(\d+)% of the weight on skips and pools; derived cell (\d) of 6`).FindAllStringSubmatch(out, -1)
	if len(epochs) != 7 {
		return append(bad, fmt.Sprintf("%d lines of epochs of the longer search, want 7 (1, 5, 10, ..., 30)", len(epochs)))
	}
	for _, m := range epochs[1:] {
		if share, _ := strconv.Atoi(m[2]); share < 42 || share > 58 || m[3] != epochs[1][3] {
			bad = append(bad, fmt.Sprintf("epoch %s: %d%% on skips and pools, %s parameter-free ops (epoch 5: %s): want 42%% to 58%% and no change", m[1], share, m[3], epochs[1][3]))
		}
	}
	bad = append(bad, printed(out, "the same cell: true")...)
	// The remedy changes the cell; the supernet's weights call the capped
	// cell a guess, and retraining says otherwise (natively 65% and 65%,
	// 14% and 57%; in the tab, where the cap changes another edge, 63% and
	// 65%, 12% and 80%: which of the two retrains better is one edge's and
	// one seed's matter, and the lesson says so).
	cells := regexp.MustCompile(`(?m)^(derived|capped): +(.+)$`).FindAllStringSubmatch(out, -1)
	if len(cells) != 4 || cells[0][2] == cells[1][2] || cells[2][2] == cells[3][2] {
		bad = append(bad, fmt.Sprintf("the derived and capped cells of the two spaces: %q, want four, each capped one another cell", cells))
	}
	acc := regexp.MustCompile(`30 epochs(?:, capped)?: +(\d) parameter-free ops · test accuracy on the supernet's weights ([0-9.]+)%, retrained from scratch ([0-9.]+)%`).FindAllStringSubmatch(out, -1)
	if len(acc) != 2 {
		return append(bad, fmt.Sprintf("%d lines of accuracies of the NAS-Bench-201 cells, want 2", len(acc)))
	}
	f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	if acc[0][1] <= acc[1][1] || acc[1][1] != "1" {
		bad = append(bad, fmt.Sprintf("parameter-free ops %s, capped %s: want fewer, and one, when capped", acc[0][1], acc[1][1]))
	}
	if inherited, retrained := f(acc[1][2]), f(acc[1][3]); inherited > 30 || retrained < inherited+20 {
		bad = append(bad, fmt.Sprintf("the capped cell: %.1f%% on the supernet's weights, %.1f%% retrained: want about a guess (14%%), then 20 points more", inherited, retrained))
	}
	// In the DARTS cell the search drifts: pools and skips gain weight past
	// the 43% of no preference and take more of the derived normal cell's
	// eight edges, epoch after epoch (natively 2 of 8 after the first, 6
	// after the eighth); the cap at two changes the cell.
	drift := regexp.MustCompile(`epoch (\d): +(\d+)% of the weight on pools and skips; derived normal cell (\d) of 8`).FindAllStringSubmatch(out, -1)
	if len(drift) != 8 {
		return append(bad, fmt.Sprintf("%d epochs of the DARTS cell's search, want 8", len(drift)))
	}
	first, last := drift[0], drift[len(drift)-1]
	firstShare, _ := strconv.Atoi(first[2])
	lastShare, _ := strconv.Atoi(last[2])
	if lastShare <= 50 || lastShare < firstShare+10 || last[3] <= first[3] || last[3] < "5" {
		bad = append(bad, fmt.Sprintf("the DARTS cell: %d%% on pools and skips and %s parameter-free ops after the first epoch, %d%% and %s after the last: want a drift past 50%% and to 5 of 8 or more", firstShare, first[3], lastShare, last[3]))
	}
	dacc := regexp.MustCompile(`DARTS cell(?:, capped)?: +(\d) parameter-free ops · test accuracy on the supernet's weights ([0-9.]+)%, retrained from scratch ([0-9.]+)%`).FindAllStringSubmatch(out, -1)
	if len(dacc) != 2 || dacc[1][1] != "2" || dacc[0][1] <= dacc[1][1] {
		bad = append(bad, fmt.Sprintf("the DARTS cell's accuracies: %q, want two lines, the capped one with 2 parameter-free ops", dacc))
	}
	return bad
}
