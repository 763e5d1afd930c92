package e2e

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// runLesson opens a lesson, runs it with Run all and returns its text, all
// cells without error.
func runLesson(t *testing.T, file, want string) string {
	t.Helper()
	ctx := openPage(t, "")
	openLesson(t, ctx, file, 1, want)
	text := runAll(t, ctx)
	if n := eval[int](t, ctx, `document.querySelectorAll('.output img.output-svg').length`, patience); n == 0 {
		t.Error("no figure drawn")
	}
	return text
}

// runAll runs the open notebook with Run all and returns the text of its
// outputs, failing at the first cell with an error.
func runAll(t *testing.T, ctx context.Context) string {
	t.Helper()
	start := time.Now()
	eval[any](t, ctx, `window.nasbook.runAll()`, 20*time.Minute)
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
	var text strings.Builder
	for i, c := range cells {
		if c.Error != nil {
			t.Fatalf("cell %d: %s", i+1, *c.Error)
		}
		text.WriteString(c.Text)
	}
	t.Logf("the notebook ran in %.1f s:\n%s", time.Since(start).Seconds(), text.String())
	return text.String()
}

// TestHardwareLessonInTheBrowser runs the hardware-aware lesson in the
// browser: the operations are timed in the tab, and the front of accuracy
// against this device's latency is not the Pixel 3's.
func TestHardwareLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("times networks in the browser")
	}
	out := runLesson(t, "hardware.ipynb", "nb.Latency(")
	var mine, phone, both int
	rest, ok := "", false
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "on this device's front") {
			rest, ok = line, true
		}
	}
	if _, err := fmt.Sscanf(rest, "%d architectures on this device's front, %d on the Pixel 3's, %d on both", &mine, &phone, &both); !ok || err != nil {
		t.Fatalf("no line on the fronts: %v", err)
	}
	if both >= mine || both >= phone {
		t.Errorf("fronts of %d and %d architectures share %d: want them to differ", mine, phone, both)
	}
	// The latency-aware one-shot sweep ran in the tab: its last search,
	// which weighs latency most, derives the all-skip cell.
	for _, want := range []string{"relatively dearer on", "[figure: CIFAR-10 accuracy against latency, on two devices]",
		"weight 0.3  |skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
		"of the true front's hypervolume, the sweep's 4 searches hold", "[figure: Latency-aware DARTS against every network, on a Pixel 3]"} {
		if !strings.Contains(out, want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
}

// TestStackingLessonInTheBrowser runs the lesson that stacks a searched cell
// into a network and trains it from scratch in the tab: the network around
// the searched cell ends well ahead of the same network around a cell of
// pooling and skip connections.
func TestStackingLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("trains two networks in the browser")
	}
	out := runLesson(t, "stacking.ipynb", "nb.Search(")
	i := strings.Index(out, "searched cell ")
	var mine, other float64
	if _, err := fmt.Sscanf(out[max(i, 0):], "searched cell %f%%, pooling cell %f%%", &mine, &other); i < 0 || err != nil {
		t.Fatalf("no comparison line: %v", err)
	}
	for _, want := range []string{"reduction: residual block, stride 2 -> 14x14", "reduction: residual block, stride 2 -> 7x7"} {
		if !strings.Contains(out, want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
	// Natively: 90.30 % against 27.40 %.
	if mine < other+15 {
		t.Errorf("searched cell %.2f%%, pooling cell %.2f%%: want the searched one 15 points ahead", mine, other)
	}
}

// TestExpertsLessonInTheBrowser runs the mixture-of-experts lesson in the
// browser: a dense and a sparse transformer of the same active cost train
// on the lookup task from three seeds each, the table shows both costs, and
// the lesson says which is ahead.
func TestExpertsLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("trains six networks in the browser")
	}
	ctx := openPage(t, "")
	openLesson(t, ctx, "experts.ipynb", 1, "nb.Lookup(")
	out := runAll(t, ctx)
	i := strings.Index(out, "sparse ")
	var sparse, dense, gap float64
	var verdict string
	if _, err := fmt.Sscanf(out[max(i, 0):], "sparse %f%%, dense %f%%: the sparse model is %f points %s", &sparse, &dense, &gap, &verdict); i < 0 || err != nil {
		t.Fatalf("no comparison line: %v", err)
	}
	// Natively: sparse 60.6 %, dense 60.9 %; eight classes, so chance is 12.5 %.
	if sparse < 45 || dense < 45 {
		t.Errorf("sparse %.1f%%, dense %.1f%%: want both well above chance", sparse, dense)
	}
	if (verdict == "behind") != (sparse < dense) {
		t.Errorf("sparse %.1f%%, dense %.1f%%, and the lesson says the sparse one is %s", sparse, dense, verdict)
	}
	// The table: the sparse model stores 45,288 parameters and uses 20,136 a token.
	for _, want := range []string{"| `L2-H4-D32-R2` | 19880 | 19880 | 85376 |", "| `L2-H4-D32-R2-E4-K1` | 45288 | 20136 | 86656 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
}

// TestTransformerLessonInTheBrowser runs the transformer NAS lesson in the
// browser: a transformer of token ids trains on the lookup task, a search
// by training within a parameter budget draws what it trained, and the
// proxies that cannot read token ids are left out.
func TestTransformerLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("trains five transformers in the browser")
	}
	out := runLesson(t, "transformer.ipynb", "nb.Lookup(")
	var model string
	var params int
	var acc float64
	i := strings.Index(out, "L2-H4-D32-R2, ")
	if _, err := fmt.Sscanf(out[max(i, 0):], "%s %d parameters: test accuracy %f%%", &model, &params, &acc); i < 0 || err != nil {
		t.Fatalf("no result of the first training: %v", err)
	}
	// Natively: 58.0 % (eight classes: chance is 12.5 %, the values in a
	// sequence alone about 30 %); the browser computes the same steps.
	if params != 19880 || acc < 45 {
		t.Errorf("L2-H4-D32-R2: %d parameters, %.1f%% test accuracy; want 19880 and above 45%%", params, acc)
	}
	for _, want := range []string{"search by training: L", "by naswot  L", "by snip    L", "by cost   L"} {
		if !strings.Contains(out, want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
	// The closing section trains the same network with four experts a block:
	// natively 64.1 % against 58.0 %, 45,288 parameters of which 20,136 active.
	var dense, sparse float64
	var total, active int
	i = strings.Index(out, "dense ")
	if _, err := fmt.Sscanf(out[max(i, 0):], "dense %f%%, sparse %f%% (%d parameters, %d active)", &dense, &sparse, &total, &active); i < 0 || err != nil {
		t.Fatalf("no sparse-against-dense line: %v", err)
	}
	if math.Abs(dense-acc) > 0.06 || sparse < 45 || total != 45288 || active != 20136 {
		t.Errorf("dense %.1f%% (the first training's %.1f%%), sparse %.1f%% with %d parameters, %d active; want the same dense figure, the sparse above 45%%, 45288 and 20136",
			dense, acc, sparse, total, active)
	}
}
