package e2e

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The benchmark page (assets/bench.html), on a protocol of one step, runs
// W1-W3 in nasbook and in TensorFlow.js under the server's policy: every
// figure is there, finite and positive, TensorFlow.js's numerics hold (its
// first W1 and W2 losses near ln 10, its GEMM against a float64 product),
// and the table shows both figures and their ratio. The playground links to
// it. Nothing is timed.
func TestBenchPage(t *testing.T) {
	ctx := tab(t)
	console := recordViolations(t, ctx)
	const query = "?REPS=1&STEPS=1&WARMUP_STEPS=1&GEMM_REP_SECONDS=0.02"
	if _, err := chromedp.Run(ctx, chromedp.Navigate(serve(t)+"assets/bench.html"+query)); err != nil {
		t.Fatal(err)
	}
	lines := eval[[]string](t, ctx, `new Promise(resolve => { (function poll() {
		if (window.benchDone) window.benchDone.then(() => resolve(window.benchLines)); else setTimeout(poll, 50); })(); })`, 5*time.Minute)
	t.Logf("%s", strings.Join(lines, "\n"))

	figure := regexp.MustCompile(`^(\S+) (W[123]) ([^=\s]+)=(\S+)$`)
	check := regexp.MustCompile(`^# tfjs-wasm-simd (W[123]) (loss|relative error)=(\S+) `)
	figures := map[string]float64{}
	checks := map[string]float64{}
	for _, l := range lines {
		if strings.Contains(l, "failed") {
			t.Errorf("%s", l)
		}
		if m := figure.FindStringSubmatch(l); m != nil {
			v, err := strconv.ParseFloat(m[4], 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("%s: not a finite positive figure", l)
			}
			figures[m[1]+" "+m[2]+" "+m[3]] = v
		}
		if m := check.FindStringSubmatch(l); m != nil {
			checks[m[1]], _ = strconv.ParseFloat(m[3], 64)
		}
	}
	for _, impl := range []string{"nasbook-wasm-chromium", "tfjs-wasm-simd"} {
		for _, w := range []string{"W1 images/s", "W2 images/s", "W3 GFLOP/s"} {
			if _, ok := figures[impl+" "+w]; !ok {
				t.Errorf("no %s %s line", impl, w)
			}
		}
	}
	// At initialisation the logits are small, so the cross-entropy of ten
	// classes is about ln 10.
	for _, w := range []string{"W1", "W2"} {
		if l := checks[w]; !(l > math.Ln10/2 && l < 2*math.Ln10) {
			t.Errorf("TensorFlow.js's first %s loss %v, want near ln 10", w, l)
		}
	}
	if e, ok := checks["W3"]; !ok || !(e < 1e-4) {
		t.Errorf("TensorFlow.js's W3 relative error %v (reported: %v), want under 1e-4", e, ok)
	}

	rows := eval[[][]string](t, ctx, `[...document.querySelectorAll('#results tbody tr')].map(r =>
		[...r.querySelectorAll('th, td')].map(c => c.firstChild ? c.firstChild.textContent.trim() : ""))`, patience)
	if len(rows) != 3 {
		t.Fatalf("the table has %d rows, want 3", len(rows))
	}
	num := regexp.MustCompile(`^[0-9][0-9,]*(\.[0-9]+)?$`)
	for _, r := range rows {
		if len(r) != 4 || !num.MatchString(r[1]) || !num.MatchString(r[2]) || !strings.HasSuffix(r[3], "×") || !num.MatchString(strings.TrimSuffix(r[3], "×")) {
			t.Errorf("row %q: want a workload, two figures and their ratio", r)
		}
	}
	if v := eval[[]string](t, ctx, `window.__csp || []`, patience); len(v) > 0 || len(console()) > 0 {
		t.Errorf("the benchmark page broke its Content-Security-Policy: %q %q", v, console())
	}
	if !eval[bool](t, ctx, `fetch("../").then(r => r.text()).then(page => page.includes('href="assets/bench.html"'))`, patience) {
		t.Error("the playground has no link to the benchmark page")
	}
}
