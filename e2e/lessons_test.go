package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"nasbook/internal/lessons"
)

// runLesson opens a lesson, runs it with Run all and returns its text, all
// cells without error.
func runLesson(t *testing.T, file, want string) string {
	t.Helper()
	ctx := openPage(t, "")
	openLesson(t, ctx, file, 1, want)
	return runWhole(t, ctx)
}

// runWhole runs the open lesson with Run all and returns its text, once
// its first figure is drawn.
func runWhole(t *testing.T, ctx context.Context) string {
	t.Helper()
	text := runAll(t, ctx)
	// The figure worker draws after the cells print.
	waitFor[bool](t, ctx, "a figure", `document.querySelector('.output img.output-svg')`, `true`)
	return text
}

// checkWhole runs the open lesson file whole and holds its output to what
// the lesson says (lessons.Check).
func checkWhole(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	for _, p := range lessons.Check(file, runWhole(t, ctx)) {
		t.Error(p)
	}
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

// runCells runs the cells of the open notebook at the indices cells with
// their own Run buttons, in order, as a student runs part of a lesson, and
// returns the text of their outputs, failing at the first cell with an
// error.
func runCells(t *testing.T, ctx context.Context, cells ...int) string {
	t.Helper()
	start := time.Now()
	want, _ := json.Marshal(cells)
	got := eval[[]cellState](t, ctx, `new Promise(resolve => {
		const want = `+string(want)+`, sections = document.querySelectorAll('#cells > section.cell');
		for (const i of want) sections[i].querySelector('.run-cell').click();
		(function poll() {
			const c = window.nasbook.cells(), mine = want.map(i => c[i]);
			const over = mine.every(c => c.state === "done" || c.state === "error") ||
				(mine.some(c => c.state === "error") && !mine.some(c => c.state === "queued" || c.state === "running"));
			if (over) resolve(mine); else setTimeout(poll, 100);
		})();
	})`, 20*time.Minute)
	var text strings.Builder
	for k, c := range got {
		if c.Error != nil || c.State != "done" {
			t.Fatalf("cell %d: %s %s", cells[k]+1, c.State, deref(c.Error))
		}
		text.WriteString(c.Text)
	}
	t.Logf("cells %v ran in %.1f s:\n%s", cells, time.Since(start).Seconds(), text.String())
	return text.String()
}

// full reports whether the lessons run whole in the browser (NASBOOK_FULL=1).
// The notebook package runs every lesson whole natively with the same
// checks (lessons.Check), and the tab computes the same steps: by default
// a browser test runs the cells of a lesson that use what only the tab has
// (its timer, its fetches, its canvas, its figure worker, its pool, its
// SIMD kernels), and leaves out the cells that only compute more of what
// other cells computed there.
func full() bool { return os.Getenv("NASBOOK_FULL") != "" }

// TestHardwareLessonInTheBrowser runs the hardware-aware lesson in the
// browser: the operations are timed in the tab, and the front of accuracy
// against this device's latency is not the Pixel 3's. The lesson's last
// cell, a sweep of latency-aware one-shot searches by a table of the Pixel
// 3 (which times nothing here), runs with NASBOOK_FULL=1, which holds the
// whole lesson to lessons.Check.
func TestHardwareLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("times networks in the browser")
	}
	ctx := openPage(t, "")
	openLesson(t, ctx, "hardware.ipynb", 1, "nb.Latency(")
	if full() {
		checkWhole(t, ctx, "hardware.ipynb")
		return
	}
	out := runCells(t, ctx, 1, 3, 5, 7, 9)
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
	for _, want := range []string{"predicted against measured, 12 networks: Spearman rho", "relatively dearer on",
		"[figure: CIFAR-10 accuracy against latency, on two devices]"} {
		if !strings.Contains(out, want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
	waitFor[bool](t, ctx, "a figure", `document.querySelector('.output img.output-svg')`, `true`)
}

// TestStackingLessonInTheBrowser runs the lesson that stacks a searched cell
// into a network and trains it from scratch in the tab, and holds it to
// what the lesson says (lessons.Check): the network around the searched
// cell ends well ahead of the same network around a cell of pooling and
// skip connections. The native run of every lesson checks the same
// (notebook's TestLessonsRunNatively); the tab computes the same steps,
// and trains CNNs in other tests, so this run of about two CPU-minutes is
// made with NASBOOK_FULL=1 only.
func TestStackingLessonInTheBrowser(t *testing.T) {
	long(t)
	if os.Getenv("NASBOOK_FULL") == "" {
		t.Skip("trains two networks in the browser; set NASBOOK_FULL=1")
	}
	out := runLesson(t, "stacking.ipynb", "nb.Search(")
	for _, p := range lessons.Check("stacking.ipynb", out) {
		t.Error(p)
	}
}

// TestExpertsLessonInTheBrowser runs the mixture-of-experts lesson in the
// browser and holds it to what the lesson says (lessons.Check): a dense and
// a sparse transformer of the same active cost train on the lookup task
// from three seeds each, the table shows both costs, and the lesson says
// which is ahead. The native run of every lesson checks the same, and the
// transformer lesson's last section trains the same sparse model in the
// tab, so this run of about a minute and a half of CPU is made with
// NASBOOK_FULL=1 only.
func TestExpertsLessonInTheBrowser(t *testing.T) {
	long(t)
	if os.Getenv("NASBOOK_FULL") == "" {
		t.Skip("trains six networks in the browser; set NASBOOK_FULL=1")
	}
	ctx := openPage(t, "")
	openLesson(t, ctx, "experts.ipynb", 1, "nb.Lookup(")
	for _, p := range lessons.Check("experts.ipynb", runAll(t, ctx)) {
		t.Error(p)
	}
}

// TestTransformerLessonInTheBrowser runs the transformer NAS lesson in the
// browser: a transformer of token ids trains on the lookup task, and the
// same network with four experts a block, top-1, trains beside it. The
// cells between, a search by training within a parameter budget and by
// proxies, train and score more of the same networks in the same tab, and
// run with NASBOOK_FULL=1, which holds the whole lesson to lessons.Check.
func TestTransformerLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("trains transformers in the browser")
	}
	ctx := openPage(t, "")
	openLesson(t, ctx, "transformer.ipynb", 1, "nb.Lookup(")
	if full() {
		checkWhole(t, ctx, "transformer.ipynb")
		return
	}
	out := runCells(t, ctx, 1, 3, 10)
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
	// Natively 64.1 % against 58.0 %, 45,288 parameters of which 20,136 active.
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
