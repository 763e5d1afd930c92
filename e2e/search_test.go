package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestSearchLessonInTheBrowser uploads NAS-Bench-201's accuracy and latency
// tables through the page, opens the search-strategies lesson and runs it:
// random search, regularized evolution, REINFORCE and Bayesian optimisation
// compared over seeds with a plot, then NSGA-II's Pareto front on the canvas.
func TestSearchLessonInTheBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs searches in the browser")
	}
	acc := accuracyTable(t)
	lat := filepath.Join(filepath.Dir(acc), "latency-help-ms.csv")
	ctx := openPage(t, "")
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(`#upload`, []string{acc, lat})); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const t = document.body.textContent;
		if (t.includes('accuracy-200ep.csv') && t.includes('latency-help-ms.csv')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	eval[any](t, ctx, `(window.__pareto = new Promise(resolve => window.addEventListener('message', e => {
		if (e.data && e.data.type === 'canvas-drawn' && e.data.kind === 'pareto') resolve(e.data); })), true)`, patience)
	openLesson(t, ctx, "search.ipynb", 3, "CompareSearch")
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
	t.Logf("the lesson ran in %.1f s:\n%s", time.Since(start).Seconds(), text.String())
	for _, want := range []string{"15625 architectures", "rs: best cifar10_test", "re: best cifar10_test",
		"reinforce: best cifar10_test", "bo: best cifar10_test", "[figure: mean best cifar10_test against queries]",
		"architectures on the front"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the lesson printed no %q", want)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.output img.output-svg').length`, patience); n == 0 {
		t.Error("no figure drawn")
	}
	eval[any](t, ctx, `window.__pareto`, patience)
}
