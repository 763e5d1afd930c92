package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/internal/site"
)

// sent is one response of the server, as the browser received it.
type sent struct {
	path, accept, encoding string
	status                 int
	bytes                  int64
}

// countingWriter counts the body bytes of a response.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *countingWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// recorder keeps what a handler sends, request by request.
type recorder struct {
	mu   sync.Mutex
	sent []sent
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(cw, r)
		rec.mu.Lock()
		rec.sent = append(rec.sent, sent{r.URL.Path, r.Header.Get("Accept-Encoding"), w.Header().Get("Content-Encoding"), cw.status, cw.n})
		rec.mu.Unlock()
	})
}

// since returns the responses after the first n, and how many there are.
func (rec *recorder) since(n int) ([]sent, int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]sent(nil), rec.sent[n:]...), len(rec.sent)
}

// firstVisitBudget is what a first visit may send, up to "Kernel ready"
// with the notebook on the page: everything a cell needs to run.
const firstVisitBudget = 4_000_000

// deferred are the files the page fetches once the kernel is ready and the
// page idle (or on first use), not as part of the first visit.
var deferred = map[string]bool{"/assets/build/canvas.wasm": true}

// offlineCopy are the files only the service worker fetches, once the page
// is ready and its canvas up: its script, its list, the workers' programs.
var offlineCopy = map[string]bool{
	"/sw.js": true, "/assets/build/offline-list.js": true,
	"/assets/build/figure.wasm": true, "/assets/build/pool.wasm": true,
}

// TestFirstVisitDownloads measures what the server sends to a browser on a
// first visit (an empty cache), when the page is idle after it, while the
// service worker keeps the page for offline use after that, and on the
// first figure, proxy scoring and MNIST cell; it checks that every text and
// wasm file goes out compressed and that the first visit keeps within
// firstVisitBudget. With -v it prints the table of the README's "What a
// first visit downloads", brotli and gzip sizes from the built copies, and
// how long after the start of navigation the kernel was ready:
//
//	go test ./e2e -run TestFirstVisitDownloads -v
func TestFirstVisitDownloads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the page and runs cells in the browser")
	}
	r := root(t)
	// A test's origin is new to the browser: its first visit.
	rec := serveOrigin(t).rec
	ctx := tab(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(serve(t))); err != nil {
		t.Fatal(err)
	}
	// Loaded: the kernel runs, the canvas is up, the lessons menu is filled
	// and the default notebook is on the page.
	eval[any](t, ctx, `window.nasbook.ready()`, 90*time.Second)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelectorAll('#lessons option').length > 1 &&
			document.querySelectorAll('#cells .cell').length > 0) resolve(true); else setTimeout(poll, 50); })(); })`, 60*time.Second)
	readyMS := eval[float64](t, ctx, `performance.getEntriesByName("nasbook-kernel-ready")[0].startTime`, 10*time.Second)
	// Then, idle, the page fetches the canvas program.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('#canvas-panel').dataset.ready === "true") resolve(true); else setTimeout(poll, 50); })(); })`, 90*time.Second)
	all, n := rec.since(0)
	var load, idle, kept []sent
	for _, s := range all {
		switch {
		case deferred[s.path]:
			idle = append(idle, s)
		case offlineCopy[s.path]:
			kept = append(kept, s)
		default:
			load = append(load, s)
		}
	}
	// Then the service worker keeps the page for offline use: the files
	// the page loaded are revalidated, the workers' programs fetched.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('#offline-status').dataset.state === "ready") resolve(true); else setTimeout(poll, 50); })(); })`, 3*time.Minute)
	more, n := rec.since(n)
	kept = append(kept, more...)

	stages := []struct {
		name, src string
		resp      []sent
	}{
		{name: "page load", resp: load},
		{name: "idle after load", resp: idle},
		{name: "offline copy", resp: kept},
		{name: "first figure", src: "import \"nasbook/nb\"\nnb.Histogram(\"h\", []float64{1, 2, 2, 3})"},
		{name: "first proxy scoring", src: "import (\"fmt\"; \"nasbook/nb\")\nfmt.Println(len(nb.Proxies(nb.SampleNB201(1, 1), \"params\").Column(\"params\")))"},
		{name: "first MNIST cell", src: "import \"nasbook/nb\"\nnb.MNIST(7)"},
	}
	for i := range stages {
		if stages[i].src == "" {
			continue
		}
		r := eval[cellResult](t, ctx, `window.nasbook.runCell(`+jsString(stages[i].src)+`)`, 3*time.Minute)
		if r.Error != nil {
			t.Fatalf("%s: %s", stages[i].name, *r.Error)
		}
		if stages[i].name == "first figure" {
			eval[any](t, ctx, `new Promise(resolve => { (function poll() {
				if (document.querySelector('.output img[src^="data:image/svg"]')) resolve(true); else setTimeout(poll, 50); })(); })`, 90*time.Second)
			figureOnAProjector(t, ctx)
		}
		stages[i].resp, n = rec.since(n)
	}

	var table strings.Builder
	fmt.Fprintf(&table, "| when | file | raw | brotli | gzip | sent |\n|---|---|---|---|---|---|\n")
	for _, st := range stages {
		var raw, br, gz, total int64
		// A file fetched again (by each worker) is revalidated: its
		// bytes add up, the first full response says how it was sent.
		files := map[string]sent{}
		for _, s := range st.resp {
			f, seen := files[s.path]
			if !seen || (f.status != 200 && s.status == 200) {
				f.path, f.accept, f.encoding, f.status = s.path, s.accept, s.encoding, s.status
			}
			f.bytes += s.bytes
			files[s.path] = f
		}
		paths := make([]string, 0, len(files))
		for p := range files {
			paths = append(paths, p)
		}
		sort.Slice(paths, func(i, j int) bool { return files[paths[i]].bytes > files[paths[j]].bytes })
		for _, p := range paths {
			s := files[p]
			rel := strings.TrimPrefix(p, "/")
			if rel == "" {
				rel = "index.html"
			}
			size := func(path string) int64 {
				if fi, err := os.Stat(path); err == nil {
					return fi.Size()
				}
				return 0
			}
			fr, fb, fg := size(filepath.Join(r, filepath.FromSlash(rel))), int64(0), int64(0)
			if site.Compressible(rel) {
				fb, fg = size(site.CopyPath(r, rel, site.Encodings[0])), size(site.CopyPath(r, rel, site.Encodings[1]))
				if s.status == 200 && s.encoding == "" && strings.Contains(s.accept, "gzip") {
					t.Errorf("%s went out uncompressed (Accept-Encoding %q)", p, s.accept)
				}
			} else {
				fb, fg = fr, fr
			}
			raw, br, gz, total = raw+fr, br+fb, gz+fg, total+s.bytes
			fmt.Fprintf(&table, "| %s | `%s` | %s | %s | %s | %s %s |\n", st.name, rel, sizeText(fr), sizeText(fb), sizeText(fg), sizeText(s.bytes), s.encoding)
		}
		fmt.Fprintf(&table, "| **%s** | %d files | **%s** | **%s** | **%s** | **%s** |\n", st.name, len(files), sizeText(raw), sizeText(br), sizeText(gz), sizeText(total))
		if st.name == "page load" && total > firstVisitBudget {
			t.Errorf("the first visit sent %s, more than %s", sizeText(total), sizeText(firstVisitBudget))
		}
		// The offline copy holds the workers' programs: the first figure
		// and proxy fetch nothing; the data is kept as first fetched.
		if len(files) == 0 && st.name != "first figure" && st.name != "first proxy scoring" {
			t.Errorf("%s fetched nothing", st.name)
		}
		if st.name == "offline copy" {
			for _, w := range []string{"/assets/build/figure.wasm", "/assets/build/pool.wasm"} {
				if f, ok := files[w]; !ok || f.status != 200 {
					t.Errorf("the offline copy did not fetch %s", w)
				}
			}
		}
	}
	accept := ""
	if len(load) > 0 {
		accept = load[0].accept
	}
	t.Logf("brotli quality %d; the browser sent Accept-Encoding %q; kernel ready %.2f s after the start of navigation\n%s",
		site.BuiltBrotli(r), accept, readyMS/1000, table.String())
}

// sizeText formats a byte count in kB (1000 bytes) or MB.
func sizeText(n int64) string {
	switch {
	case n == 0:
		return "-"
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
}

// figureOnAProjector: in Presentation mode at 1920x1080 a figure fills its
// cell's output column, so that the back of a room can read it.
func figureOnAProjector(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `(() => { const b = document.querySelector('#presentation');
		if (b.getAttribute('aria-pressed') !== 'true') b.click(); return true; })()`, patience)
	type widths struct{ Figure, Column float64 }
	w := eval[widths](t, ctx, `new Promise(resolve => requestAnimationFrame(() => {
		const img = document.querySelector('.output img.output-svg');
		resolve({figure: img.getBoundingClientRect().width, column: img.parentElement.getBoundingClientRect().width}); }))`, patience)
	if w.Figure < 0.95*w.Column || w.Figure < 900 {
		t.Errorf("in Presentation mode at 1920x1080 a figure is %.0f CSS px wide in a column of %.0f px, want it to fill the column", w.Figure, w.Column)
	}
	eval[any](t, ctx, `(document.querySelector('#presentation').click(), true)`, patience)
}
