package e2e

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/internal/site"
)

// visitThenLoseTheServer opens the page served by h on a server of its own,
// waits until the service worker has kept it for offline use, stops the
// server, and loads the page again, now from the service worker alone.
func visitThenLoseTheServer(t *testing.T, h http.Handler, path string) context.Context {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := site.Server(h)
	go srv.Serve(ln)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			srv.Close()
		}
	})
	ctx := tab(t)
	url := originURL(ln) + strings.TrimPrefix(path, "/")
	if _, err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	state := eval[string](t, ctx, `new Promise(resolve => { (function poll() {
		const s = document.querySelector('#offline-status').dataset.state;
		if (s === "ready" || s === "partial" || s === "unavailable") resolve(s); else setTimeout(poll, 50); })(); })`, 3*time.Minute)
	if state != "ready" {
		t.Fatalf("the page was not kept for offline use: %s (%s)", state,
			eval[string](t, ctx, `document.querySelector('#offline-status').title`, patience))
	}
	srv.Close()
	stopped = true
	// Nothing answers at the address any more.
	if _, err := http.Get("http://" + ln.Addr().String() + path); err == nil {
		t.Fatal("the server still answers")
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("reloading without a server: %v", err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	return ctx
}

// TestOfflineAfterOneVisit: after one visit, with the server gone, the page
// loads, runs the default notebook (its figure drawn by the figure worker),
// opens every lesson, and scores a proxy in the worker pool.
func TestOfflineAfterOneVisit(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the page twice and runs cells in the browser")
	}
	serve(t) // builds
	ctx := visitThenLoseTheServer(t, site.Handler(root(t)), "/")
	checkOffline(t, ctx)
}

// checkOffline runs the default notebook, every lesson's loading, a figure
// and a pool job in a page whose server is gone.
func checkOffline(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[any](t, ctx, `window.nasbook.runAll()`, 5*time.Minute)
	for i, c := range eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience) {
		if c.Error != nil {
			t.Errorf("offline, default notebook cell %d failed: %s", i, *c.Error)
		}
	}
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('.output img[src^="data:image/svg"]')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	if errs := eval[int](t, ctx, `document.querySelectorAll('.output .output-figure-error').length`, patience); errs > 0 {
		t.Errorf("offline, %d figures failed", errs)
	}
	r := runCell(t, ctx, "import (\"fmt\"; \"nasbook/nb\")\nfmt.Println(len(nb.Proxies(nb.SampleNB201(4, 1), \"synflow\").Column(\"synflow\")))")
	if r.Error != nil || r.Text != "4\n" {
		t.Errorf("offline, a proxy in the pool: text %q, error %s", r.Text, deref(r.Error))
	}
	r = runCell(t, ctx, "import \"nasbook/nb\"\nnb.Line(\"offline\", []float64{1, 2, 3}, map[string][]float64{\"y\": {3, 1, 2}})")
	if r.Error != nil {
		t.Errorf("offline, a figure: %s", *r.Error)
	}
	// Every lesson opens from the menu.
	lessons := eval[[]string](t, ctx, `[...document.querySelectorAll('#lessons option')].map(o => o.value).filter(Boolean)`, patience)
	if len(lessons) < 8 {
		t.Fatalf("offline, the Lessons menu lists %d lessons", len(lessons))
	}
	for _, f := range lessons {
		got := eval[string](t, ctx, `(async () => {
			const s = document.querySelector('#lessons');
			s.value = `+jsString(f)+`; s.dispatchEvent(new Event('change'));
			for (let i = 0; i < 400; i++) {
				await new Promise(r => setTimeout(r, 25));
				const b = document.querySelector('#banners .banner[data-key="replaced"], #banners .banner[data-key="open"]');
				if (b && b.textContent.includes(`+jsString(f[strings.LastIndex(f, "/")+1:])+`)) return b.dataset.key;
			}
			return "no banner";
		})()`, patience)
		if got != "replaced" {
			t.Errorf("offline, the lesson %s did not open: %s", f, got)
		}
	}
}

// TestStaticSite writes the playground with nasbook build -o's Export, serves
// it under a subpath with net/http's plain file server (no compression, no
// headers of nasbook's, as GitHub Pages serves a project site), runs the
// default notebook there, and then, with the server gone, works offline.
func TestStaticSite(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the page twice and runs cells in the browser")
	}
	serve(t) // builds
	dir := t.TempDir()
	if _, err := site.Export(root(t), dir, site.BuiltBrotli(root(t))); err != nil {
		t.Fatal(err)
	}
	h := http.StripPrefix("/course", http.FileServer(http.Dir(dir)))
	// First, online: the default notebook runs as on nasbook's own server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	ctx := tab(t)
	violations := recordViolations(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(originURL(ln)+"course/")); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	if !eval[bool](t, ctx, `!!document.querySelector('meta[http-equiv="Content-Security-Policy"]')`, patience) {
		t.Error("the site's page carries no security policy")
	}
	eval[any](t, ctx, `window.nasbook.runAll()`, 5*time.Minute)
	for i, c := range eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience) {
		if c.Error != nil {
			t.Errorf("static site, default notebook cell %d failed: %s", i, *c.Error)
		}
	}
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('.output img[src^="data:image/svg"]')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	if v := violations(); len(v) > 0 {
		t.Errorf("the site's own policy was violated: %q", v)
	}
	if err := chromedp.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	// Then offline, after one visit of a tab new to the site (on a port of
	// its own, another origin).
	ctx = visitThenLoseTheServer(t, h, "/course/")
	checkOffline(t, ctx)
}
