package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nasbook/internal/lessons"
)

// TestSearchLessonInTheBrowser opens the search-strategies lesson and runs
// it as a student would, with no file to upload: the page fetches the
// shipped NAS-Bench-201 tables when a cell first opens them (not on the
// first visit), and NSGA-II's Pareto front is drawn on the canvas, where it
// stays with its replay, and in a figure. The cell between, which compares
// random search, regularized evolution, REINFORCE and Bayesian optimisation
// over ten seeds on the same table (the notebook package holds its regrets
// natively), runs with NASBOOK_FULL=1 (or NASBOOK_SCREENSHOTS, whose
// pictures show it), which holds the whole lesson to lessons.Check.
func TestSearchLessonInTheBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs searches in the browser")
	}
	ctx := openPage(t, "")
	tables := func(sent []sent) (out []string) {
		for _, s := range sent {
			if strings.Contains(s.path, "/data/nb201/") {
				out = append(out, s.path)
			}
		}
		return out
	}
	visit, mark := serveOrigin(t).rec.since(0)
	if got := tables(visit); len(got) != 0 {
		t.Errorf("the first visit fetched %v", got)
	}
	// The NSGA-II chart stays on the canvas with its replay, all 1,000 evaluations.
	eval[any](t, ctx, `(window.__pareto = new Promise(resolve => window.addEventListener('message', e => {
		if (e.data && e.data.type === 'canvas-drawn' && e.data.kind === 'pareto' && e.data.replay && e.data.replay.steps === 1000) resolve(e.data); })), true)`, patience)
	// NASBOOK_SCREENSHOTS=docs refreshes the README's pictures of this
	// lesson: a 1920x1080 page in Presentation mode.
	shots := os.Getenv("NASBOOK_SCREENSHOTS")
	if shots != "" {
		if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
			t.Fatal(err)
		}
		eval[any](t, ctx, `(document.documentElement.classList.contains('presentation') || document.querySelector('#presentation').click(), true)`, patience)
	}
	openLesson(t, ctx, "search.ipynb", 3, "CompareSearch")
	whole := full() || shots != ""
	figures := 1
	if whole {
		for _, p := range lessons.Check("search.ipynb", runAll(t, ctx)) {
			t.Error(p)
		}
		figures = 2
	} else {
		out := runCells(t, ctx, 1, 5)
		for _, want := range []string{"15625 architectures", "architectures on the front", "[figure: Pareto front: cifar10_test against pixel3]"} {
			if !strings.Contains(out, want) {
				t.Errorf("the lesson printed no %q", want)
			}
		}
	}
	run, _ := serveOrigin(t).rec.since(mark)
	got := tables(run)
	for _, want := range []string{"accuracy-200ep.csv.gz", "latency.csv.gz"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, want) }) {
			t.Errorf("the lesson fetched %v, not %s", got, want)
		}
	}
	// The figure worker draws after the cells print: wait for them.
	if n := waitFor[int](t, ctx, "the lesson's figures", fmt.Sprintf(`document.querySelectorAll('.output img.output-svg').length >= %d`, figures),
		`document.querySelectorAll('.output img.output-svg').length`); n != figures {
		t.Errorf("%d figures drawn, want %d", n, figures)
	}
	eval[any](t, ctx, `window.__pareto`, patience)
	if shots != "" {
		for i, name := range []string{"lesson4-regret.png", "lesson4-front.png"} {
			eval[any](t, ctx, fmt.Sprintf(`(document.querySelectorAll('.output img.output-svg')[%d].scrollIntoView({block: 'center'}), true)`, i), patience)
			eval[any](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, patience)
			b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root(t), shots, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
