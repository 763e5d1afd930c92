package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"nasbook/internal/shared"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"nasbook/engine/estimate"
	"nasbook/nb"
)

// openPage opens the playground at its URL followed by query in a tab (tab)
// and waits for the kernel.
func openPage(t *testing.T, query string) context.Context {
	t.Helper()
	ctx := tab(t)
	load(t, ctx, query)
	return ctx
}

// TestProxiesLessonInTheBrowser runs the proxies lesson's cells with no
// file to upload: the first scores architectures with synflow, params and
// flops in the pool of Web Workers and plots synflow against the shipped
// accuracy table; the second ranks NASLib's published scores of every
// proxy. To keep the test near a minute the first scores 24 architectures
// rather than the lesson's 200 (synflow takes about a second per
// architecture per worker in wasm).
func TestProxiesLessonInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("scores NB201 networks in the browser")
	}
	ctx := openPage(t, "")
	src := openLesson(t, ctx, "proxies.ipynb", 1, "nb.Proxies(")
	src = strings.Replace(src, "nb.SampleNB201(200, 1)", "nb.SampleNB201(24, 1)", 1)
	if !strings.Contains(src, "SampleNB201(24") {
		t.Fatalf("the lesson cell no longer samples 200 architectures:\n%s", src)
	}
	start := time.Now()
	b, _ := json.Marshal(src)
	r := eval[cellResult](t, ctx, `window.nasbook.runCell(`+string(b)+`)`, 15*time.Minute)
	t.Logf("the lesson cell ran in %.1f s:\n%s", time.Since(start).Seconds(), r.Text)
	if r.Error != nil {
		t.Fatalf("the lesson cell failed: %s", *r.Error)
	}
	rho := func(text, name string) float64 {
		t.Helper()
		var v float64
		_, rest, ok := strings.Cut(text, name)
		if _, err := fmt.Sscanf(rest, "%f", &v); !ok || err != nil {
			t.Fatalf("no %q followed by a number in %q", name, text)
		}
		return v
	}
	if v := rho(r.Text, "synflow  Spearman rho with accuracy: "); v < 0.4 {
		t.Errorf("synflow rho %.3f over 24 architectures, want well above 0 (0.85 over 200)", v)
	}
	if !strings.Contains(r.Text, "[figure: synflow vs accuracy: Spearman rho") {
		t.Errorf("the lesson cell drew no synflow figure")
	}
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
	zc := ""
	for _, c := range cells {
		if strings.Contains(c.Source, `OpenTable("nb201/zero-cost")`) {
			zc = c.Source
		}
	}
	if zc == "" {
		t.Fatal("the lesson no longer reads NASLib's scores")
	}
	b, _ = json.Marshal(zc)
	r = eval[cellResult](t, ctx, `window.nasbook.runCell(`+string(b)+`)`, 10*time.Minute)
	if r.Error != nil {
		t.Fatalf("the zero-cost cell failed: %s", *r.Error)
	}
	t.Logf("NASLib's scores:\n%s", r.Text)
	// NASLib's scores over its 724 CIFAR-10 architectures (the lesson's
	// native run: nwot 0.800, synflow 0.776, plain -0.252).
	if nwot, plain := rho(r.Text, "nwot      Spearman rho with accuracy: "), rho(r.Text, "plain     Spearman rho with accuracy: "); math.Abs(nwot-0.800) > 0.0015 || plain > 0 {
		t.Errorf("nwot rho %.3f (want 0.800), plain %.3f (want below 0)", nwot, plain)
	}
}

// archsPerSecond matches the figure of TestProxyPoolThroughput that differs
// from run to run.
var archsPerSecond = regexp.MustCompile(`[0-9.]+ archs/s`)

// TestProxyPoolThroughput measures synflow architectures per second on the
// NB201 CIFAR-10 network in Chromium with 1 and 2 pool workers. It is a
// benchmark, run only with NASBOOK_BENCH_POOL=1; it checks that both pool
// sizes give identical scores. The pool's searches by training are timed by
// `nasbook bench -workloads pool`.
func TestProxyPoolThroughput(t *testing.T) {
	if os.Getenv("NASBOOK_BENCH_POOL") == "" {
		t.Skip("set NASBOOK_BENCH_POOL=1 to measure the browser's proxy pool")
	}
	const n = 16
	src := fmt.Sprintf(`import ("fmt"; "time"; "nasbook/nb")
archs := nb.SampleNB201(%d, 7)
t0 := time.Now()
s := nb.Proxies(archs, "synflow")
fmt.Printf("%%.4f archs/s %%v\n", float64(len(archs))/time.Since(t0).Seconds(), s.Column("synflow")[:3])`, n)
	var scores []string
	for _, workers := range []int{1, 2} {
		ctx := openPage(t, fmt.Sprintf("?pool=%d", workers))
		// A first run starts the workers and compiles pool.wasm.
		runCell(t, ctx, `import "nasbook/nb"
nb.Proxies(nb.SampleNB201(1, 1), "synflow")`)
		b, _ := json.Marshal(src)
		r := eval[cellResult](t, ctx, `window.nasbook.runCell(`+string(b)+`)`, 20*time.Minute)
		if r.Error != nil {
			t.Fatalf("%d workers: %s", workers, *r.Error)
		}
		t.Logf("Chromium, %d pool worker(s): %s", workers, strings.TrimSpace(r.Text))
		scores = append(scores, archsPerSecond.ReplaceAllString(r.Text, "(time)"))
	}
	if scores[0] != scores[1] {
		t.Errorf("scores differ between 1 and 2 workers: %s vs %s", scores[0], scores[1])
	}
}

// TestProxiesOnAnUploadedCIFARFile: a CIFAR-10 batch file uploaded through
// the page feeds the data-dependent proxies in the pool of Web Workers
// (nb.CIFAR, nb.ProxiesOn), and the scores are the native run's, up to the
// SIMD kernels' summation order. The file here is 100 records of seeded
// random pixels in CIFAR's format; with one pool worker the second
// architecture is scored on the batch the worker kept from the first.
func TestProxiesOnAnUploadedCIFARFile(t *testing.T) {
	if testing.Short() {
		t.Skip("scores NB201 networks in the browser")
	}
	raw := shared.CIFARRecords(100, 8)
	file := filepath.Join(t.TempDir(), "data_batch_1.bin")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	src := `import ("fmt"; "nasbook/nb")
d := nb.CIFAR("data_batch_1.bin")
s := nb.ProxiesOn(d, nb.SampleNB201(2, 3), "snip", "naswot")
for _, p := range s.Names {
	for _, v := range s.Column(p) {
		fmt.Printf("%s %.9e\n", p, v)
	}
}`
	// Natively, as the reference.
	var out strings.Builder
	s := nb.NewSession(&out, nil)
	s.AddUpload("data_batch_1.bin", raw)
	want := s.ProxiesOn(s.CIFAR("data_batch_1.bin"), s.SampleNB201(2, 3), "snip", "naswot")

	ctx := openPage(t, "?pool=1")
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(`#upload`, []string{file})); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.body.textContent.includes('Uploaded data_batch_1.bin')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	b, _ := json.Marshal(src)
	got := eval[cellResult](t, ctx, `window.nasbook.runCell(`+string(b)+`)`, 15*time.Minute)
	if got.Error != nil {
		t.Fatalf("the cell failed: %s", *got.Error)
	}
	lines := strings.Split(strings.TrimSpace(got.Text), "\n")
	if len(lines) != 4 {
		t.Fatalf("the cell printed %q", got.Text)
	}
	for k, line := range lines {
		var name string
		var v float64
		if _, err := fmt.Sscanf(line, "%s %e", &name, &v); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		w := want.Column(name)[k%2]
		if math.Abs(v-w) > 1e-3*math.Abs(w) {
			t.Errorf("%s of architecture %d: %v in the browser, %v natively", name, k%2, v, w)
		}
	}
	t.Logf("browser scores:\n%s", got.Text)
}

// TestHalvingTrainsInThePool runs successive halving by training in the
// page: the candidates go to both pool workers as specs, with the data sent
// once to each, and the rungs are the native run's, candidate for
// candidate (the accuracies are counts of correct validation images, which
// the SIMD kernels' summation order does not move here). Every survivor
// goes on from where its rung left it, so the pool trains the native run's
// epochs and no more: 12 candidates for 1 epoch, 6 for 1 more, 3 for 2
// more. The last rung's 3 survivors are held unevenly by the 2 workers
// that trained them (2 and 1, or 3 and none), and the 6 of the rung before
// often are, so runs move between the workers (Runs.Export, Runs.Import);
// which worker trained which candidate depends on timing, though. So the
// cell also runs a halving of 2 candidates, which the 2 workers train one
// each, in order: the second wins, and the worker that trained it must
// continue it while the first worker, free, waits; trained again from
// scratch there, it adds an epoch. Then, on the same page, a search by
// training on token ids (tokenSearchInThePool).
func TestHalvingTrainsInThePool(t *testing.T) {
	src := `import ("fmt"; "nasbook/nb")
d := nb.Shapes(160, 8, 3, 2)
a := nb.SampleNB201(12, 4)
r := nb.Halving(a, d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 4, C: 4, Seed: 5})
` + printRungs + `fmt.Println("epochs trained:", r.Epochs)
two := nb.Halving([]string{a[3], a[2]}, d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 5})
fmt.Printf("of two: #%d, epochs trained: %d\n", two.Rungs[1].Results[0].Candidate, two.Epochs)
fmt.Println("workers:", r.Workers)`
	var out strings.Builder
	s := nb.NewSession(&out, nil)
	s.TrainPool = &estimate.Local{N: 1}
	native := s.Halving(s.SampleNB201(12, 4), s.Shapes(160, 8, 3, 2), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 4, C: 4, Seed: 5})
	want := halvingText(native)
	if native.Epochs != 12+6+3*2 || len(native.Rungs) != 3 || len(native.Rungs[2].Results) != 3 {
		t.Fatalf("natively %d epochs trained, rungs:\n%s", native.Epochs, want)
	}
	a := s.SampleNB201(12, 4)
	two := s.Halving([]string{a[3], a[2]}, s.Shapes(160, 8, 3, 2), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 5})
	if len(two.Rungs) != 2 || two.Rungs[1].Results[0].Candidate != 1 || two.Epochs != 3 {
		t.Fatalf("natively the second of two candidates no longer wins: %d epochs trained, rungs %+v", two.Epochs, two.Rungs)
	}

	ctx := openPage(t, "?pool=2")
	start := time.Now()
	got := runCell(t, ctx, src)
	if got.Error != nil {
		t.Fatalf("the cell failed: %s", *got.Error)
	}
	t.Logf("the cell ran in %.1f s:\n%s", time.Since(start).Seconds(), got.Text)
	text, rungs, workers := halvingOutput(got.Text)
	if workers != "2" {
		t.Errorf("%q pool workers trained candidates, want 2", workers)
	}
	if rungs != want {
		t.Errorf("the browser's rungs:\n%s\nnatively:\n%s", rungs, want)
	}
	if want := fmt.Sprintf("epochs trained: %d\n", native.Epochs); !strings.Contains(text, want) {
		t.Errorf("the pool trained other epochs than the native run's %d: a run was trained again from scratch", native.Epochs)
	}
	if want := "of two: #1, epochs trained: 3\n"; !strings.Contains(text, want) {
		t.Errorf("of two candidates, want %q: the winner was trained again from scratch", want)
	}
	// A longer halving, in which a worker left with nothing to do at times
	// takes over a run that the other holds (their counts of exports and
	// imports are logged), finds the native rungs too.
	long := s.Halving(s.SampleNB201(24, 11), s.Shapes(160, 8, 3, 2), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 8, C: 4, Seed: 5})
	got = runCell(t, ctx, `import ("fmt"; "nasbook/nb")
r := nb.Halving(nb.SampleNB201(24, 11), nb.Shapes(160, 8, 3, 2), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 8, C: 4, Seed: 5})
`+printRungs+`fmt.Println("epochs trained:", r.Epochs)
fmt.Println("workers:", r.Workers)`)
	text, rungs, _ = halvingOutput(got.Text)
	if want := fmt.Sprintf("epochs trained: %d\n", long.Epochs); got.Error != nil || rungs != halvingText(long) || !strings.Contains(text, want) {
		t.Errorf("the longer halving in the browser:\n%s\nnatively:\n%s\n%s", got.Text, halvingText(long), want)
	}
	pool := poolWorkers(t, ctx, 2)
	for i, w := range pool {
		t.Logf("pool worker %d: %v", i+1, eval[map[string]float64](t, w, `self.nasbookJobs`, patience))
	}
	tokenSearchInThePool(t, ctx, pool)
}

// printRungs is the code of a halving cell that prints the rungs of its
// result r as halvingText does.
const printRungs = `for _, rung := range r.Rungs {
	for _, x := range rung.Results {
		fmt.Printf("%d epochs: #%d %.4f\n", rung.Epochs, x.Candidate, x.ValAcc)
	}
}
`

// halvingOutput splits the output of a halving cell that prints its rungs
// (as halvingText) and then "workers: N": the text before N, its rung
// lines, and N.
func halvingOutput(out string) (text, rungs, workers string) {
	text, workers, _ = strings.Cut(strings.TrimSpace(out), "workers: ")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, " epochs: #") {
			lines = append(lines, l)
		}
	}
	return text, strings.Join(lines, "\n"), workers
}

func halvingText(r *nb.HalvingResult) string {
	var b strings.Builder
	for _, rung := range r.Rungs {
		for _, x := range rung.Results {
			fmt.Fprintf(&b, "%d epochs: #%d %.4f\n", rung.Epochs, x.Candidate, x.ValAcc)
		}
	}
	return strings.TrimSpace(b.String())
}

// TestStopEndsThePoolWorkersJobs: Stop in the middle of a halving whose
// candidates both pool workers train ends the cell promptly, and the
// workers with it (the browser lists no pool worker once the kernel has
// restarted: none goes on computing a job nobody waits for); the next
// cell's halving starts the pool again and finds the native run's rungs.
func TestStopEndsThePoolWorkersJobs(t *testing.T) {
	const next = `import ("fmt"; "nasbook/nb")
d := nb.Shapes(160, 8, 3, 2)
r := nb.Halving(nb.SampleNB201(4, 4), d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 5})
` + printRungs + `fmt.Println("workers:", r.Workers)`
	s := nb.NewSession(io.Discard, nil)
	s.TrainPool = &estimate.Local{N: 1}
	want := halvingText(s.Halving(s.SampleNB201(4, 4), s.Shapes(160, 8, 3, 2), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 5}))

	ctx := openPage(t, "?pool=2")
	// workers counts the dedicated workers the browser lists but the
	// kernel's (the pool's are nested in it, listed without their URL).
	workers := func() int {
		t.Helper()
		ts, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ti := range ts {
			if ti.Type == "worker" && !strings.Contains(ti.URL, "/kernel-worker.js") {
				n++
			}
		}
		return n
	}
	before := workers()
	// 16 candidates of 1 to 8 epochs on 640 images: minutes of training.
	b, _ := json.Marshal(`import "nasbook/nb"
nb.Halving(nb.SampleNB201(16, 7), nb.Shapes(640, 16, 4, 1), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 8, C: 8, Seed: 1})`)
	eval[bool](t, ctx, `(window.__halving = window.nasbook.runCell(`+string(b)+`), true)`, patience)
	// An epoch has ended: both workers are in the middle of a job.
	waitFor[bool](t, ctx, "an epoch of the halving", `/candidate \d+ epoch 1: valid acc/.test(document.body.textContent)`, "true")
	if n := workers() - before; n != 2 {
		t.Fatalf("the browser lists %d more workers during the halving, want 2 pool workers", n)
	}
	start := time.Now()
	r := eval[cellResult](t, ctx, `(window.nasbook.stop(), window.__halving)`, patience)
	if r.Error == nil || !strings.Contains(*r.Error, "Stopped") {
		t.Fatalf("the stopped halving ended with %+v", r)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the cell ended %.1f s after Stop", d.Seconds())
	} else {
		t.Logf("the cell ended %.2f s after Stop", d.Seconds())
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	for deadline := time.Now().Add(patience); workers() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d pool workers still live after Stop", workers()-before)
		}
		eval[any](t, ctx, `new Promise(r => setTimeout(r, 50))`, patience)
	}
	got := runCell(t, ctx, next)
	if got.Error != nil {
		t.Fatalf("the next halving failed: %s", *got.Error)
	}
	_, rungs, used := halvingOutput(got.Text)
	if used != "2" {
		t.Errorf("%q pool workers trained the next halving's candidates, want 2", used)
	}
	if rungs != want {
		t.Errorf("after Stop, the browser's rungs:\n%s\nnatively:\n%s", rungs, want)
	}
}

// TestPauseHoldsThePool: Pause in the middle of a halving whose candidates
// both pool workers train holds the pool as the README says: the cell stops
// at its next progress update, no new job goes out, and the workers finish
// the jobs they have and go idle; Resume lets the halving go on to the
// native run's rungs, no epoch trained twice. The workers' own counts of
// jobs received and finished (pool-worker.js's self.nasbookJobs) are read
// through the DevTools protocol. Pause comes in the first rung, whose jobs
// are of one epoch each: every job the kernel sent before the pause has
// either shown its epoch on the progress bar or is in a worker's hands, so
// the workers have received at most the bar's count and one job each.
func TestPauseHoldsThePool(t *testing.T) {
	const src = `import ("fmt"; "nasbook/nb")
d := nb.Shapes(240, 16, 4, 3)
r := nb.Halving(nb.SampleNB201(12, 6), d, nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 7})
` + printRungs + `fmt.Println("epochs trained:", r.Epochs)
fmt.Println("workers:", r.Workers)`
	const first = 12 // the jobs of the first rung
	// Natively, while the page loads.
	native := make(chan *nb.HalvingResult, 1)
	go func() {
		s := nb.NewSession(io.Discard, nil)
		s.TrainPool = &estimate.Local{N: 1}
		native <- s.Halving(s.SampleNB201(12, 6), s.Shapes(240, 16, 4, 3), nb.HalvingConfig{Eta: 2, MinEpochs: 1, MaxEpochs: 2, C: 4, Seed: 7})
	}()

	ctx := openPage(t, "?pool=2")
	b, _ := json.Marshal(src)
	eval[bool](t, ctx, `(window.__halving = window.nasbook.runCell(`+string(b)+`), true)`, patience)
	// The epochs the bar of the running cell counts.
	const bar = `(document.querySelector('.cell[data-state="running"] progress') || {value: 0}).value`
	// Pause is clicked from the page as soon as an epoch has ended.
	waitFor[bool](t, ctx, "an epoch of the halving", bar+` >= 1 && (document.querySelector('#pause').click(), true)`, "true")
	waitFor[bool](t, ctx, "the pause", `document.querySelector('#pause').textContent.includes('Resume')`, "true")
	// The output the cell made before it paused reaches the page before
	// "paused" does, but the page draws outputs at its next animation
	// frame, where the pause button changes at once: read the cell once
	// that frame is drawn (a frame's callbacks run in the order asked).
	eval[bool](t, ctx, `new Promise(resolve => requestAnimationFrame(() => resolve(true)))`, patience)
	if badge := eval[string](t, ctx, `document.querySelector('.cell[data-state="running"] .state-badge').textContent`, patience); badge != "paused" {
		t.Errorf("the paused cell's badge says %q", badge)
	}
	if status := eval[string](t, ctx, `document.querySelector('#kernel-status').textContent`, patience); status != "Kernel paused" {
		t.Errorf("the kernel status says %q while paused", status)
	}
	// The cell as the page shows it: its text and the epochs on its bar.
	shown := func() (string, int) {
		t.Helper()
		v := eval[struct {
			Text string
			Done int
		}](t, ctx, `(() => { const c = window.nasbook.cells(); return {Text: c[c.length-1].text || '', Done: `+bar+`}; })()`, patience)
		return v.Text, v.Done
	}
	text, done := shown()
	if strings.Contains(text, "rung 0:") || done < 1 || done > first-3 {
		t.Fatalf("paused at epoch %d of the first rung's %d, too late to tell; the cell showed:\n%s", done, first, text)
	}

	workers := poolWorkers(t, ctx, 2)
	type counts struct {
		Received, Finished int
		LastMs             float64
	}
	// Each worker finishes the job it has and goes idle.
	idle := make([]counts, len(workers))
	var job time.Duration // the longest of the workers' last jobs
	for k, w := range workers {
		idle[k] = eval[counts](t, w, `new Promise(resolve => { (function poll() {
			const j = self.nasbookJobs; if (j.received === j.finished) resolve(j); else setTimeout(poll, 10); })(); })`, patience)
		job = max(job, time.Duration(idle[k].LastMs*float64(time.Millisecond)))
	}
	if sent := idle[0].Received + idle[1].Received; sent > done+len(workers) {
		t.Fatalf("paused at epoch %d, the workers received %d jobs (%+v): jobs went out after the pause", done, sent, idle)
	}
	// Nothing may happen while paused: watch for as long as a job took (a
	// pool that did not hold would send a worker its next job as soon as it
	// answered), at least a second.
	watch := max(job, time.Second)
	for until := time.Now().Add(watch); time.Now().Before(until); {
		for k, w := range workers {
			if c := eval[counts](t, w, `self.nasbookJobs`, patience); c != idle[k] {
				t.Fatalf("paused, pool worker %d went from %+v to %+v", k, idle[k], c)
			}
		}
		if now, d := shown(); now != text || d != done {
			t.Fatalf("paused at epoch %d, the cell went on to epoch %d:\n%s", done, d, now)
		}
	}
	n := <-native
	t.Logf("paused at epoch %d of %d; the workers idle after %d and %d jobs (the last took %.2f s at most); watched for %.1f s",
		done, n.Epochs, idle[0].Finished, idle[1].Finished, job.Seconds(), watch.Seconds())

	eval[any](t, ctx, `(document.querySelector('#pause').click(), true)`, patience)
	got := eval[cellResult](t, ctx, `window.__halving`, patience)
	if got.Error != nil {
		t.Fatalf("the resumed halving failed: %s", *got.Error)
	}
	out, rungs, used := halvingOutput(got.Text)
	if used != "2" {
		t.Errorf("%q pool workers trained candidates, want 2", used)
	}
	if want := halvingText(n); rungs != want {
		t.Errorf("after Pause and Resume, the browser's rungs:\n%s\nnatively:\n%s", rungs, want)
	}
	if want := fmt.Sprintf("epochs trained: %d\n", n.Epochs); !strings.Contains(out, want) {
		t.Errorf("the pool trained other epochs than the native run's %d:\n%s", n.Epochs, out)
	}
}

// poolWorkers returns a context for each of the n pool workers of the
// test's page, which evaluates in it. The browser lists the pool workers,
// nested in the kernel's worker, without their URL and answers nothing sent
// to them until the kernel's worker has them attached (Target.setAutoAttach);
// then they are targets like any other. The contexts detach when the test
// ends (they would close their targets, and so end the workers).
func poolWorkers(t *testing.T, ctx context.Context, n int) []context.Context {
	t.Helper()
	attach := func(id target.ID) context.Context {
		c, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
		t.Cleanup(cancel)
		if err := chromedp.Do(c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	workers := func(script string) []target.ID {
		t.Helper()
		ts, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []target.ID
		for _, ti := range ts {
			if ti.Type == "worker" && strings.HasPrefix(ti.URL, serve(t)+"assets/js/"+script) {
				ids = append(ids, ti.TargetID)
			}
		}
		return ids
	}
	kernel := workers("kernel-worker.js")
	if len(kernel) != 1 {
		t.Fatalf("the browser lists %d kernel workers", len(kernel))
	}
	k := attach(kernel[0])
	if _, err := cdp.Call(k, chromedp.FromContext(k).Target, target.SetAutoAttach,
		target.SetAutoAttachParams{AutoAttach: true, Flatten: new(true)}); err != nil {
		t.Fatal(err)
	}
	ids := workers("pool-worker.js")
	for deadline := time.Now().Add(patience); len(ids) != n; ids = workers("pool-worker.js") {
		if time.Now().After(deadline) {
			t.Fatalf("the browser lists %d pool workers, want %d", len(ids), n)
		}
		eval[any](t, ctx, `new Promise(r => setTimeout(r, 50))`, patience)
	}
	var out []context.Context
	for _, id := range ids {
		out = append(out, attach(id))
	}
	return out
}

// tokenSearchInThePool: a search by training over the transformer space,
// on the lookup task's token ids, trains its candidates in both of the
// page's pool workers (the ids cross to them as the dataset's examples, its
// vocabulary with them) and finds what the native run finds.
func tokenSearchInThePool(t *testing.T, ctx context.Context, workers []context.Context) {
	const seed, budget = 3, 4
	src := fmt.Sprintf(`import ("fmt"; "nasbook/nb")
d := nb.Lookup(1200, 1)
small := nb.Space("transformer").For(d).WithinParams(25000)
r := nb.Search(nb.SearchConfig{In: small, Train: d, TrainEpochs: []int{1}, Strategy: "rs", Budget: %d, Seed: %d, Quiet: true})
fmt.Printf(%s)`, budget, seed, "`"+tokenSearchFormat+"`, r.Runs[0].Arch, r.Runs[0].Value, r.Runs[0].Curve")
	var out strings.Builder
	s := nb.NewSession(&out, nil)
	s.TrainPool = &estimate.Local{N: 1}
	d := s.Lookup(1200, 1)
	small := s.Space("transformer").For(d).WithinParams(25000)
	r := s.Search(nb.SearchConfig{In: small, Train: d, TrainEpochs: []int{1}, Strategy: "rs", Budget: budget, Seed: seed, Quiet: true})
	want := fmt.Sprintf(tokenSearchFormat, r.Runs[0].Arch, r.Runs[0].Value, r.Runs[0].Curve)
	before := make([]int, 2)
	for i, w := range workers {
		before[i] = eval[int](t, w, `self.nasbookJobs.finished`, patience)
	}
	got := runCell(t, ctx, src)
	if got.Error != nil {
		t.Fatalf("the search on token ids failed: %s\n%s", *got.Error, got.Text)
	}
	if got.Text != want {
		t.Errorf("the search on token ids in the browser:\n%s\nnatively:\n%s", got.Text, want)
	}
	for i, w := range workers {
		if n := eval[int](t, w, `self.nasbookJobs.finished`, patience); n == before[i] {
			t.Errorf("pool worker %d trained no candidate of the search on token ids", i+1)
		}
	}
}

const tokenSearchFormat = "best %s valid acc %.4f, curve %.4f\n"
