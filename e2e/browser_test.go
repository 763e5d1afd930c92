package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/internal/browser"
	"nasbook/internal/site"
	"nasbook/notebook"
)

// patience is the deadline for what an idle machine does at once (a DOM
// read, a click, a message, a frame): a machine busy with other work may
// take many seconds, and the tests wait for the condition, never a fixed
// time, so a generous deadline costs nothing when things go well.
const patience = 2 * time.Minute

// root is the project root, one level above this package.
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	p, err := browser.Path()
	if err == nil {
		return p
	}
	if os.Getenv("NASBOOK_REQUIRE_BROWSER") != "" {
		t.Fatal(err)
	}
	t.Skip("no Chromium found; set NASBOOK_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

var (
	buildOnce sync.Once
	buildErr  error
)

// An origin serves the playground to one test, on a loopback port of its
// own, and records what it sends. Each test's page so has an origin of its
// own (originURL), with its own local storage, IndexedDB and service
// worker: the tests share one browser, side by side, as they would share it
// with any other site.
type origin struct {
	url string // ends in "/"
	rec *recorder
}

var origins sync.Map // *testing.T -> *origin

// serveOrigin builds the playground (once for all the tests) and returns the
// test's origin, started on its first call and closed when the test ends.
func serveOrigin(t *testing.T) *origin {
	t.Helper()
	if o, ok := origins.Load(t); ok {
		return o.(*origin)
	}
	buildOnce.Do(func() { _, buildErr = site.Build(root(t), site.Options{}) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := &origin{url: originURL(ln), rec: &recorder{}}
	srv := site.Server(o.rec.wrap(site.Handler(root(t))))
	go srv.Serve(ln)
	origins.Store(t, o)
	t.Cleanup(func() {
		origins.Delete(t)
		srv.Close()
	})
	return o
}

// originURL returns the URL of the listener ln under a host name no other
// test's page has had: a port may be used again once its test has closed
// it, and an origin's storage and service worker outlive its tab. Chromium
// resolves every name under localhost to the loopback address.
func originURL(ln net.Listener) string {
	return fmt.Sprintf("http://t%d.localhost:%d/", originCount.Add(1), ln.Addr().(*net.TCPAddr).Port)
}

var originCount atomic.Int64

// serve returns the URL of the test's own origin (serveOrigin).
func serve(t *testing.T) string { return serveOrigin(t).url }

// page opens the playground in a tab (tab) and waits for the kernel.
func page(t *testing.T) context.Context {
	t.Helper()
	ctx := tab(t)
	load(t, ctx, "")
	return ctx
}

// load opens the playground in ctx, its URL followed by query, and waits
// for the kernel.
func load(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(serve(t)+query)); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
}

// A check is one of the checks that onOnePage runs on one page.
type check struct {
	name string
	run  func(*testing.T, context.Context)
}

// onOnePage runs checks one after another as subtests on the page ctx,
// which costs one page load for them all. Each starts with the kernel idle
// (stopped if an earlier check left it busy) and no banner on show, so none
// sees what another left there; each check that needs a notebook of its own
// opens it.
func onOnePage(t *testing.T, ctx context.Context, checks []check) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			idle(t, ctx)
			c.run(t, ctx)
		})
	}
}

// idle stops whatever the kernel still runs, waits until it is ready and
// closes every banner.
func idle(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[any](t, ctx, `window.nasbook.stop().then(() => window.nasbook.ready())`, patience)
	eval[any](t, ctx, `(document.querySelectorAll('#banners .banner-close').forEach(b => b.click()), true)`, patience)
	if n := eval[int](t, ctx, `document.querySelector('#banners').children.length`, patience); n != 0 {
		t.Fatalf("%d banners stay after their close buttons were clicked", n)
	}
}

// long marks a test that runs for minutes (a lesson run whole, the spaces,
// the scripts): it runs after the short tests, beside the other long ones
// (see doc.go).
func long(t *testing.T) { t.Parallel() }

// The tests share one browser, started by the first that asks for a tab.
var sharedBrowser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	err    error
}

// tab returns a new tab of the shared browser, closed when the test ends.
func tab(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	sharedBrowser.once.Do(func() {
		if sharedBrowser.dir, sharedBrowser.err = os.MkdirTemp("", "nasbook-e2e-"); sharedBrowser.err != nil {
			return
		}
		sharedBrowser.ctx, sharedBrowser.cancel = browser.New(exe, sharedBrowser.dir)
		// The browser's first tab stays open: closing its last tab would end it.
		sharedBrowser.err = chromedp.Do(sharedBrowser.ctx)
	})
	if sharedBrowser.err != nil {
		t.Fatal(sharedBrowser.err)
	}
	ctx, cancel := chromedp.NewContext(sharedBrowser.ctx)
	t.Cleanup(cancel)
	return ctx
}

// closeShared ends the shared browser, when the tests are done.
func closeShared() {
	if sharedBrowser.cancel != nil {
		sharedBrowser.cancel()
	}
	if sharedBrowser.dir != "" {
		os.RemoveAll(sharedBrowser.dir)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) within d.
func eval[T any](t *testing.T, ctx context.Context, js string, d time.Duration) T {
	t.Helper()
	v, err := evalErr[T](ctx, js, d)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func evalErr[T any](ctx context.Context, js string, d time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return browser.Eval[T](ctx, js)
}

type cellResult struct {
	Text  string  `json:"text"`
	Error *string `json:"error"`
}

type cellState struct {
	Type   string  `json:"type"`
	Source string  `json:"source"`
	State  string  `json:"state"`
	Text   string  `json:"text"`
	Error  *string `json:"error"`
}

func runCell(t *testing.T, ctx context.Context, src string) cellResult {
	t.Helper()
	b, _ := json.Marshal(src)
	return eval[cellResult](t, ctx, `window.nasbook.runCell(`+string(b)+`)`, patience)
}

// TestDefaultNotebook runs the default notebook with Run all and holds each
// code cell's text to what the native run prints for the same notebook.
func TestDefaultNotebook(t *testing.T) {
	ctx := page(t)
	eval[any](t, ctx, `window.nasbook.runAll()`, 5*time.Minute)
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)

	f, err := os.Open(filepath.Join(root(t), "assets/notebooks/intro.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if failed, err := notebook.Execute(nb, notebook.ExecOptions{}); err != nil || failed != 0 {
		t.Fatalf("the native run failed: %d cells, %v", failed, err)
	}
	if len(cells) != len(nb.Cells) {
		t.Fatalf("page has %d cells, the default notebook %d", len(cells), len(nb.Cells))
	}
	for i, c := range cells {
		want := nb.Cells[i]
		if c.Type != want.CellType || c.Source != string(want.Source) {
			t.Errorf("cell %d: page has a %s cell %.40q, notebook a %s cell %.40q", i+1, c.Type, c.Source, want.CellType, want.Source)
			continue
		}
		if c.Type != "code" {
			continue
		}
		if c.State != "done" || c.Error != nil {
			t.Errorf("cell %d: state %s, error %v", i+1, c.State, deref(c.Error))
		}
		var wantText strings.Builder
		for _, o := range want.Outputs {
			wantText.WriteString(o.PlainText())
		}
		if strings.TrimSpace(c.Text) != strings.TrimSpace(wantText.String()) {
			t.Errorf("cell %d: browser printed\n%s\nnative printed\n%s", i+1, c.Text, wantText.String())
		}
	}
	// The histogram cell's figure is drawn as SVG by the figure worker.
	if _, err := evalErr[int](ctx, `new Promise(resolve => {
		(function poll() {
			const n = document.querySelectorAll('.output img[src^="data:image/svg"], .output img[src^="blob:"], .output svg').length;
			if (n > 0) resolve(n); else setTimeout(poll, 100);
		})();
	})`, patience); err != nil {
		t.Errorf("no SVG figure in the page after running the default notebook: %v", err)
	}
	// NASBOOK_SCREENSHOT=docs/screenshot.png refreshes the README's picture.
	if out := os.Getenv("NASBOOK_SCREENSHOT"); out != "" {
		eval[any](t, ctx, `(document.querySelectorAll('.cell')[1].scrollIntoView(), true)`, patience)
		eval[any](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, patience)
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root(t), out), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// showDrawsOnCanvas: nb.Show of a NAS-Bench-201 string makes the canvas
// draw the cell.
func showDrawsOnCanvas(t *testing.T, ctx context.Context) {
	// Wait for the canvas to be ready, then take a picture of it empty.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('#canvas-panel').dataset.ready === "true") resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	before := settledShot(t, ctx)
	eval[any](t, ctx, `(window.__drawn = new Promise(resolve => window.addEventListener('message', e => {
		if (e.data && e.data.type === 'canvas-drawn') resolve(e.data); })), true)`, patience)
	got := runCell(t, ctx, "import \"nasbook/nb\"\nnb.Show(\"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\")")
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	drawn := eval[map[string]any](t, ctx, `window.__drawn`, patience)
	if drawn["kind"] != "cell" {
		t.Errorf("canvas drew %v, want a cell", drawn)
	}
	var ink, changed float64
	after := shotUntil(t, ctx, "the cell", func(img image.Image) bool {
		ink, changed = inkFraction(img), changedFraction(before, img)
		return ink >= 0.01 && changed >= 0.01
	})
	t.Logf("canvas after Show: %.1f%% ink, %.1f%% of pixels changed", 100*ink, 100*changed)
	if ink < 0.01 || changed < 0.01 {
		t.Errorf("the canvas looks blank after Show: %.2f%% ink, %.2f%% changed", 100*ink, 100*changed)
		os.WriteFile(filepath.Join(t.TempDir(), "canvas.png"), encodePNG(after), 0o644)
	}
}

// screenshot is the canvas as it is on screen: the viewport, cropped to the
// canvas's frame. (A screenshot of the element itself, chromedp.Screenshot,
// captures beyond the viewport, which resizes the page for a moment: the
// canvas lays its view out again at another size, and on a busy machine the
// picture can catch that view, where no dot is under the mouse.)
func screenshot(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	r := eval[[4]float64](t, ctx, `(() => { const r = document.querySelector('#canvas').getBoundingClientRect();
		return [r.left, r.top, r.right, r.bottom]; })()`, patience)
	img := viewport(t, ctx)
	// Screenshots are in device pixels; headless Chromium's scale is 1.
	box := image.Rect(int(math.Round(r[0])), int(math.Round(r[1])), int(math.Round(r[2])), int(math.Round(r[3]))).Intersect(img.Bounds())
	out := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	draw.Draw(out, out.Bounds(), img, box.Min, draw.Src)
	return out
}

// viewport screenshots the whole viewport.
func viewport(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	b, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// inkFraction is the share of pixels that differ clearly from the image's
// most common colour (its background).
func inkFraction(img image.Image) float64 {
	counts := map[[3]uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			counts[[3]uint32{r >> 8, g >> 8, bb >> 8}]++
		}
	}
	var bg [3]uint32
	best := 0
	for c, n := range counts {
		if n > best {
			bg, best = c, n
		}
	}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if diff(r>>8, bg[0])+diff(g>>8, bg[1])+diff(bb>>8, bg[2]) > 60 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

func changedFraction(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	n, changed := 0, 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			n++
			if diff(r1>>8, r2>>8)+diff(g1>>8, g2>>8)+diff(b1>>8, b2>>8) > 60 {
				changed++
			}
		}
	}
	return float64(changed) / float64(n)
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// TestMNISTLessonTrainsInTheBrowser opens the MNIST lesson from the Lessons
// menu and runs its training cell: a progress bar moves while the CNN trains
// on data fetched on demand, and it reaches the accuracy it reaches natively
// (97.2%; the browser's float32 sums may differ a little).
func TestMNISTLessonTrainsInTheBrowser(t *testing.T) {
	long(t)
	if testing.Short() {
		t.Skip("trains a CNN in the browser for about a minute")
	}
	ctx := page(t)
	openLesson(t, ctx, "mnist.ipynb", 3, "nb.Train(cnn")
	// Run the data cell, then the training cell, with their own Run buttons,
	// recording the progress bar's values while it trains.
	type run struct {
		Progress []float64 `json:"progress"`
		Ms       float64   `json:"ms"`
	}
	r := eval[run](t, ctx, `new Promise(resolve => {
		const cells = document.querySelectorAll('#cells > section.cell');
		cells[1].querySelector('.run-cell').click();
		cells[3].querySelector('.run-cell').click();
		const t0 = performance.now(), seen = [];
		(function poll() {
			const bar = cells[3].querySelector('.output-progress progress');
			if (bar && (seen.length === 0 || seen[seen.length-1] !== bar.value)) seen.push(bar.value);
			const st = cells[3].dataset.state;
			if (st === "done" || st === "error") resolve({progress: seen, ms: performance.now() - t0});
			else setTimeout(poll, 100);
		})();
	})`, 20*time.Minute)
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
	train := cells[3]
	t.Logf("the training cell ran in %.1f s; progress values seen: %v\n%s", r.Ms/1000, r.Progress, train.Text)
	if train.State != "done" {
		t.Fatalf("training cell %s: %v", train.State, deref(train.Error))
	}
	if len(r.Progress) < 3 {
		t.Errorf("the progress bar moved through %d values, want it to move while training", len(r.Progress))
	}
	var acc float64
	if _, err := fmt.Sscanf(train.Text[strings.Index(train.Text, "test accuracy ")+len("test accuracy "):], "%f%%", &acc); err != nil {
		t.Fatalf("no test accuracy in %q", train.Text)
	}
	if acc < 96.5 {
		t.Errorf("test accuracy %.2f%% in the browser, want about 97%%", acc)
	}
}

// openLesson picks file in the Lessons menu, as a user does, and waits until
// the notebook's cell number cell holds a source containing want; it returns
// that source.
func openLesson(t *testing.T, ctx context.Context, file string, cell int, want string) string {
	t.Helper()
	f, _ := json.Marshal(file)
	w, _ := json.Marshal(want)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const s = document.querySelector('#lessons');
		if (s.querySelector('option[value="' + `+string(f)+` + '"]')) {
			s.value = `+string(f)+`; s.dispatchEvent(new Event('change')); resolve(true);
		} else setTimeout(poll, 50); })(); })`, patience)
	return eval[string](t, ctx, fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const c = window.nasbook.cells(); if (c.length > %d && c[%d].source.includes(%s)) resolve(c[%d].source); else setTimeout(poll, 50); })(); })`, cell, cell, w, cell), patience)
}
