package e2e

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The share-link limits of assets/js/share.js.
const (
	maxLinkChars = 400_000
	maxJSONBytes = 2 << 20
)

// TestNotebookPage runs the checks of the notebook as a document (share
// links, saving, notices, downloads, what outputs may hold, the history)
// one after another on one page (onOnePage).
func TestNotebookPage(t *testing.T) {
	onOnePage(t, page(t), []check{
		{"ShareLinkReaderOnMutations", shareLinkReaderOnMutations},
		// Before OversizeShareLinks, which leaves a notebook too large for a link.
		{"ShareLinkCarriesNoOutputs", shareLinkCarriesNoOutputs},
		{"MalformedShareLinks", malformedShareLinks},
		{"OversizeShareLinks", oversizeShareLinks},
		{"FailingSaveSaysSo", failingSaveSaysSo},
		{"NoticesLeaveByThemselves", noticesLeaveByThemselves},
		{"ExportDownloads", exportDownloads},
		{"SanitizerBlocksRemoteLoadsAndOverlays", sanitizerBlocksRemoteLoadsAndOverlays},
		{"HistoryRestoresFiveNotebooks", historyRestoresFiveNotebooks},
	})
}

// deflateLink packs JSON text the way the page does: "#nb=" and the
// base64url of its raw deflate.
func deflateLink(t *testing.T, r io.Reader) string {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return "#nb=" + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

// plainLink packs JSON text without compression ("#nbj=").
func plainLink(s string) string {
	return "#nbj=" + base64.RawURLEncoding.EncodeToString([]byte(s))
}

// hugeCell is a notebook whose one code cell holds n bytes of "a".
func hugeCell(n int64) io.Reader {
	return io.MultiReader(
		strings.NewReader(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"code","metadata":{},"outputs":[],"source":"`),
		io.LimitReader(repeatReader('a'), n),
		strings.NewReader(`"}]}`),
	)
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// sources is the notebook's cell sources, to see that it did not change.
func sources(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `JSON.stringify(window.nasbook.cells().map(c => c.source))`, patience)
}

// openHash sets the page's hash to a share link and waits until the link was
// handled (the hash is cleared once it is); it returns the text of the
// banners then.
func openHash(t *testing.T, ctx context.Context, hash string) string {
	t.Helper()
	h, _ := json.Marshal(hash)
	return eval[string](t, ctx, `new Promise(resolve => {
		location.hash = `+string(h)+`.slice(1);
		(function poll() {
			if (location.hash === "") resolve(document.querySelector('#banners').innerText); else setTimeout(poll, 20);
		})();
	})`, patience)
}

// oversizeShareLinks: a link longer than a link may be is refused before
// it is decoded (the 519 kB link of a 400 MB cell), and a short link that
// inflates past the limit is stopped while inflating; each says why and
// leaves the notebook as it was.
func oversizeShareLinks(t *testing.T, ctx context.Context) {
	before := sources(t, ctx)

	long := deflateLink(t, hugeCell(400<<20))
	if len(long) <= maxLinkChars {
		t.Fatalf("the 400 MB cell's link is %d characters, want it above the limit", len(long))
	}
	start := time.Now()
	msg := openHash(t, ctx, long)
	t.Logf("a %d kB link: refused in %v: %q", len(long)/1024, time.Since(start).Round(time.Millisecond), msg)
	if !strings.Contains(msg, "was not opened") || !strings.Contains(msg, "more than a link may be") {
		t.Errorf("banner for a %d-character link: %q", len(long), msg)
	}
	if got := sources(t, ctx); got != before {
		t.Errorf("the oversize link changed the notebook")
	}

	bomb := deflateLink(t, hugeCell(100<<20))
	if len(bomb) > maxLinkChars {
		t.Fatalf("the 100 MB cell's link is %d characters, want it under the limit", len(bomb))
	}
	start = time.Now()
	msg = openHash(t, ctx, bomb)
	took := time.Since(start)
	t.Logf("a %d kB link inflating to 100 MB: stopped in %v: %q", len(bomb)/1024, took.Round(time.Millisecond), msg)
	if !strings.Contains(msg, "once unpacked") || !strings.Contains(msg, fmt.Sprintf("%d kB", maxJSONBytes/1024)) {
		t.Errorf("banner for a link inflating to 100 MB: %q", msg)
	}
	if took > 20*time.Second {
		t.Errorf("stopping the inflation took %v", took)
	}
	if got := sources(t, ctx); got != before {
		t.Errorf("the inflating link changed the notebook")
	}
	// The page is still alive and the next good link opens.
	msg = openHash(t, ctx, plainLink(`{"nbformat":4,"metadata":{"nasbook":{"name":"ok.ipynb"}},"cells":[{"cell_type":"code","source":"1 + 1"}]}`))
	if got := sources(t, ctx); got != `["1 + 1"]` {
		t.Errorf("a good link after the bad ones opened %s (%q)", got, msg)
	}

	// The page makes no link it would refuse to open: too much source (3 MB of one letter), or
	// sources that do not compress below the link's length (1.5 MB of random letters).
	for _, c := range []struct{ source, want string }{
		{`"x".repeat(3 << 20)`, "more than a link may hold"},
		{`(() => { const u = new Uint8Array(1536 << 10); let x = 1; for (let i = 0; i < u.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; u[i] = 97 + (x >>> 16) % 26; } return new TextDecoder().decode(u); })()`, "the link would be"},
	} {
		err := eval[string](t, ctx, `(async () => {
			window.nasbook.load({nbformat: 4, metadata: {}, cells: [{cell_type: "code", metadata: {}, outputs: [], source: `+c.source+`}]}, "big.ipynb");
			try { await window.nasbook.shareLink(); return "made a link"; } catch (e) { return e.message; }
		})()`, patience)
		if !strings.Contains(err, c.want) || !strings.Contains(err, "download the notebook instead") {
			t.Errorf("making a link of %.40s: %q", c.source, err)
		}
	}
}

// malformedShareLinks: each malformed link opens nothing, says what is
// wrong with it, and leaves the notebook as it was.
func malformedShareLinks(t *testing.T, ctx context.Context) {
	before := sources(t, ctx)
	truncated := deflateLink(t, strings.NewReader(`{"nbformat":4,"cells":[{"cell_type":"code","source":"x := 1"}]}`))
	cells := make([]string, 1001)
	for i := range cells {
		cells[i] = `{"cell_type":"code","source":""}`
	}
	for _, c := range []struct{ name, hash, want string }{
		{"not base64url", "#nb=%%%%", "damaged (not base64url)"},
		{"cut short", truncated[:len(truncated)-12], "does not decompress"},
		{"not JSON", deflateLink(t, strings.NewReader("<html>")), "not valid JSON"},
		{"not an object", plainLink(`[1,2]`), "does not hold a notebook object"},
		{"nbformat 3", plainLink(`{"nbformat":3,"cells":[]}`), "nbformat 3"},
		{"no cells", plainLink(`{"nbformat":4}`), "no list of cells"},
		{"too many cells", plainLink(`{"nbformat":4,"cells":[` + strings.Join(cells, ",") + `]}`), "1001 cells"},
		{"unknown cell type", plainLink(`{"nbformat":4,"cells":[{"cell_type":"code","source":""},{"cell_type":"widget","source":""}]}`), `cell 2 has an unknown cell_type "widget"`},
		{"source not text", plainLink(`{"nbformat":4,"cells":[{"cell_type":"markdown","source":{"a":1}}]}`), "cell 1's source is not text"},
		{"cell too large", deflateLink(t, strings.NewReader(`{"nbformat":4,"cells":[{"cell_type":"code","source":"`+strings.Repeat("b", 600_000)+`"}]}`)), "cell 1's source has 600000 characters"},
		{"not UTF-8", "#nbj=" + base64.RawURLEncoding.EncodeToString([]byte{'{', 0xff, 0xfe, '}'}), "not UTF-8"},
	} {
		msg := openHash(t, ctx, c.hash)
		if !strings.Contains(msg, "was not opened") || !strings.Contains(msg, c.want) || !strings.Contains(msg, "Your notebook was not changed") {
			t.Errorf("%s: banner %q, want it to say %q", c.name, msg, c.want)
		}
		if got := sources(t, ctx); got != before {
			t.Fatalf("%s: the link changed the notebook to %.200s", c.name, got)
		}
	}
}

// shareLinkCarriesNoOutputs: the page's link holds the cells' sources
// and no outputs, and a link made elsewhere with outputs opens without them.
func shareLinkCarriesNoOutputs(t *testing.T, ctx context.Context) {
	if r := runCell(t, ctx, "import \"fmt\"\nfmt.Println(\"output-that-stays-home\")"); r.Error != nil {
		t.Fatal(*r.Error)
	}
	link := eval[string](t, ctx, `window.nasbook.shareLink()`, patience)
	i := strings.Index(link, "#nb=")
	if i < 0 {
		t.Fatalf("link %.80q has no #nb=", link)
	}
	raw, err := base64.RawURLEncoding.DecodeString(link[i+4:])
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(text, []byte("output-that-stays-home\\n")) || bytes.Contains(text, []byte(`"output_type"`)) {
		t.Errorf("the link carries outputs: %.300s", text)
	}
	if !bytes.Contains(text, []byte(`output-that-stays-home`)) {
		t.Errorf("the link lacks the cell's source: %.300s", text)
	}

	withOutputs := `{"nbformat":4,"metadata":{"nasbook":{"name":"outputs.ipynb"}},"cells":[
		{"cell_type":"code","source":"1 + 1","execution_count":3,"outputs":[
			{"output_type":"stream","name":"stdout","text":"smuggled text\n"},
			{"output_type":"display_data","data":{"text/html":"<b>smuggled html</b>"},"metadata":{}}]},
		{"cell_type":"markdown","source":"# Title","attachments":{"a.png":{"image/png":"AAAA"}}}]}`
	msg := openHash(t, ctx, deflateLink(t, strings.NewReader(withOutputs)))
	cells := eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience)
	if len(cells) != 2 || cells[0].Source != "1 + 1" || cells[1].Source != "# Title" {
		t.Fatalf("the link opened %+v (%q)", cells, msg)
	}
	if cells[0].Text != "" || cells[0].Error != nil {
		t.Errorf("the opened link's cell shows outputs: %q", cells[0].Text)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#cells .output-item').length`, patience); n != 0 {
		t.Errorf("%d outputs rendered from a link", n)
	}
	nb := eval[string](t, ctx, `JSON.stringify(window.nasbook.notebook())`, patience)
	if strings.Contains(nb, "smuggled") || strings.Contains(nb, "attachments") {
		t.Errorf("the notebook opened from a link keeps outputs or attachments: %.300s", nb)
	}
	if !strings.Contains(msg, "2 outputs were left out") {
		t.Errorf("the banner does not say the outputs were left out: %q", msg)
	}
}

// sanitizerBlocksRemoteLoadsAndOverlays renders markdown and HTML outputs
// that try to load from another server, cover the page, or run script, and
// checks that the probe server hears nothing and the page shows none of it.
func sanitizerBlocksRemoteLoadsAndOverlays(t *testing.T, ctx context.Context) {
	var hits atomic.Int64
	var paths atomic.Value
	paths.Store("")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	probe := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		paths.Store(paths.Load().(string) + " " + r.URL.Path)
		w.Header().Set("Content-Type", "image/png")
	})}
	go probe.Serve(ln)
	t.Cleanup(func() { probe.Close() })
	remote := "http://" + ln.Addr().String()

	cases := []string{
		`<img id="t-img" src="` + remote + `/img.png" alt="remote">`,
		`<img id="t-srcset" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" srcset="` + remote + `/srcset.png 2x">`,
		`<div id="t-bg" style="background: url(` + remote + `/bg.png); color: red">bg</div>`,
		`<div id="t-fixed" style="position: fixed; inset: 0; z-index: 99999; background: rgb(255, 0, 0)">overlay</div>`,
		`<div id="t-abs" style="position: absolute; top: -500px; left: 0; width: 3000px; height: 3000px; background: blue">abs</div>`,
		`<svg id="t-svg" width="20" height="20"><use href="` + remote + `/use.svg#x"/><image href="` + remote + `/image.png" width="10" height="10"/><rect width="5" height="5" fill="url(` + remote + `/fill.svg#p)"/><filter id="f"><feImage href="` + remote + `/feimage.png"/></filter></svg>`,
		`<iframe id="t-iframe" src="` + remote + `/iframe.html"></iframe><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`,
		`<link rel="stylesheet" href="` + remote + `/style.css"><meta http-equiv="refresh" content="0; url=` + remote + `/meta"><base href="` + remote + `/base/"><style>@import url(` + remote + `/import.css); body { display: none }</style>`,
		`<video id="t-video" poster="` + remote + `/poster.png" src="` + remote + `/video.mp4"></video><table background="` + remote + `/table.png"><tr><td>t</td></tr></table>`,
		`<a id="t-link" href="https://example.org/">a link stays a link</a>`,
	}
	var cells []string
	for i, c := range cases {
		md, _ := json.Marshal("Case " + fmt.Sprint(i) + "\n\n" + c + "\n\n![remote markdown image](" + remote + "/md.png)")
		html, _ := json.Marshal(c)
		cells = append(cells, `{"cell_type":"markdown","metadata":{},"source":`+string(md)+`}`,
			`{"cell_type":"code","metadata":{},"source":"","execution_count":1,"outputs":[{"output_type":"display_data","metadata":{},"data":{"text/html":`+string(html)+`,"text/plain":"html"}}]}`)
	}
	nb := `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[` + strings.Join(cells, ",") + `]}`
	eval[any](t, ctx, `(window.nasbook.load(`+nb+`, "hostile.ipynb"), true)`, patience)
	// Every rendered image has settled (loaded or failed) before the probe is asked.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		const imgs = [...document.querySelectorAll('#cells img')];
		if (document.querySelectorAll('#cells .markdown-rendered').length >= `+fmt.Sprint(len(cases))+` && imgs.every(i => i.complete)) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	time.Sleep(time.Second) // absence of requests: give any that were started time to arrive

	type report struct {
		Remote   []string `json:"remote"`
		Styles   []string `json:"styles"`
		Tags     []string `json:"tags"`
		Pwned    any      `json:"pwned"`
		Escaping []string `json:"escaping"`
		Notes    int      `json:"notes"`
		Links    int      `json:"links"`
		Hidden   bool     `json:"hidden"`
	}
	r := eval[report](t, ctx, `(() => {
		const root = document.querySelector('#cells');
		const all = [...root.querySelectorAll('.markdown-rendered *, .output-html *')];
		const remote = [], styles = [], tags = [], escaping = [];
		for (const el of all) {
			for (const a of el.attributes) {
				if (/^(src|srcset|href|xlink:href|poster|background|data)$/.test(a.name) && /^(https?:)?\/\/127\./.test(a.value) && el.tagName !== 'A') remote.push(el.tagName + ' ' + a.name);
				if (/url\(\s*['"]?(?!#)/i.test(a.value)) remote.push(el.tagName + ' ' + a.name + '=' + a.value);
				// What the sanitiser leaves, whether or not a Content-Security-Policy would apply it.
				if (a.name === 'style' && /position\s*:\s*(fixed|sticky|absolute)/i.test(a.value)) styles.push(el.tagName + ' style=' + a.value);
			}
			const cs = getComputedStyle(el);
			if (/url\(/.test(cs.backgroundImage)) styles.push(el.tagName + ' background ' + cs.backgroundImage);
			if (['fixed', 'sticky', 'absolute'].includes(cs.position)) styles.push(el.tagName + ' position ' + cs.position);
			const t = el.tagName.toLowerCase();
			if (['iframe', 'script', 'link', 'meta', 'base', 'style', 'use', 'image', 'feimage', 'video', 'object', 'embed'].includes(t)) tags.push(t);
			if (el.hasAttribute('onerror')) tags.push(t + '[onerror]');
			// Nothing drawn outside the output or markdown box it belongs to.
			const box = el.closest('.markdown-rendered, .output-html').getBoundingClientRect();
			const r = el.getBoundingClientRect();
			if (r.width && r.height && (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1)) {
				const v = el.closest('.markdown-rendered, .output-html');
				if (getComputedStyle(v).contain.indexOf('paint') < 0) escaping.push(el.tagName + '#' + el.id);
			}
		}
		// What is at the middle of the window is the page's, not an overlay's.
		const mid = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
		if (mid && (mid.id === 't-fixed' || mid.id === 't-abs')) escaping.push('the middle of the window is ' + mid.id);
		return {remote, styles, tags, escaping, pwned: window.__pwned ?? null,
			notes: root.querySelectorAll('.blocked-image').length,
			links: root.querySelectorAll('a#t-link[href="https://example.org/"][target="_blank"][rel~="noopener"]').length,
			hidden: getComputedStyle(document.body).display === 'none'};
	})()`, patience)
	if n := hits.Load(); n != 0 {
		t.Errorf("the page asked the probe server %d times:%s", n, paths.Load())
	}
	for _, l := range [][]string{r.Remote, r.Styles, r.Tags, r.Escaping} {
		if len(l) > 0 {
			t.Errorf("left in the page: %q", l)
		}
	}
	if r.Pwned != nil {
		t.Errorf("a script ran: window.__pwned = %v", r.Pwned)
	}
	if r.Hidden {
		t.Error("a notebook's style hid the page")
	}
	// A remote image becomes a note: one in each markdown cell and one from case 0.
	if r.Notes < len(cases)+2 {
		t.Errorf("%d notes for blocked images, want at least %d", r.Notes, len(cases)+2)
	}
	if r.Links != 2 {
		t.Errorf("the plain link was rendered %d times as a safe link, want 2", r.Links)
	}
}

// loadTitled replaces the notebook with one titled "# title".
func loadTitled(t *testing.T, ctx context.Context, title string) {
	t.Helper()
	md, _ := json.Marshal("# " + title + "\n\nText.")
	src, _ := json.Marshal("x := \"" + title + "\"")
	name, _ := json.Marshal(title + ".ipynb")
	eval[any](t, ctx, `(window.nasbook.load({"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[
		{"cell_type":"markdown","metadata":{},"source":`+string(md)+`},{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":`+string(src)+`}]},
		`+string(name)+`), true)`, patience)
}

// historyRestoresFiveNotebooks: opening notebooks one after another keeps
// the ones they replaced, with titles and times, and the History menu
// restores any of them; the notebook open before takes its place.
func historyRestoresFiveNotebooks(t *testing.T, ctx context.Context) {
	for i := 1; i <= 6; i++ {
		loadTitled(t, ctx, fmt.Sprintf("Notebook %d", i))
	}
	type entry struct {
		Name       string `json:"name"`
		Title      string `json:"title"`
		ReplacedAt string `json:"replacedAt"`
		Reason     string `json:"reason"`
	}
	hist := eval[[]entry](t, ctx, `window.nasbook.history()`, patience)
	if len(hist) < 6 {
		t.Fatalf("history has %d entries after six replacements: %+v", len(hist), hist)
	}
	for i := 0; i < 5; i++ {
		want := fmt.Sprintf("Notebook %d", 5-i)
		if hist[i].Title != want || hist[i].Name != want+".ipynb" {
			t.Errorf("history entry %d is %q (%s), want %q", i, hist[i].Title, hist[i].Name, want)
		}
		if when, err := time.Parse(time.RFC3339, hist[i].ReplacedAt); err != nil || time.Since(when) > 5*time.Minute {
			t.Errorf("history entry %d was replaced at %q", i, hist[i].ReplacedAt)
		}
	}
	// The menu lists them; choosing the fourth (Notebook 2) restores it.
	items := eval[[]string](t, ctx, `(document.querySelector('#history-menu > summary').click(),
		[...document.querySelectorAll('#history-list .history-item')].map(b => b.innerText.replace(/\s+/g, ' ')))`, patience)
	if len(items) < 5 || !strings.Contains(items[3], "Notebook 2") || !strings.Contains(items[3], "replaced at") {
		t.Fatalf("the History menu lists %q", items)
	}
	eval[any](t, ctx, `(document.querySelectorAll('#history-list .history-item')[3].click(), true)`, patience)
	if got := sources(t, ctx); !strings.Contains(got, "Notebook 2") {
		t.Fatalf("after restoring Notebook 2 the notebook is %s", got)
	}
	hist = eval[[]entry](t, ctx, `window.nasbook.history()`, patience)
	if hist[0].Title != "Notebook 6" || hist[0].Reason != "a restore" {
		t.Errorf("the notebook replaced by the restore is not first in the history: %+v", hist[0])
	}
	for _, h := range hist {
		if h.Title == "Notebook 2" {
			t.Errorf("the restored notebook is still listed")
		}
	}
	// A new notebook keeps the one it replaces too.
	eval[any](t, ctx, `(document.querySelector('#new-notebook').click(), true)`, patience)
	if got := sources(t, ctx); got != `[""]` {
		t.Errorf("a new notebook holds %s", got)
	}
	hist = eval[[]entry](t, ctx, `window.nasbook.history()`, patience)
	if hist[0].Title != "Notebook 2" || hist[0].Reason != "a new notebook" {
		t.Errorf("after New notebook the history starts with %+v", hist[0])
	}
	// The history outlives a reload.
	if _, err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	if n := eval[int](t, ctx, `window.nasbook.history().length`, patience); n < 5 {
		t.Errorf("after a reload the history has %d entries", n)
	}
}

// inViewport is JavaScript true when the element is wholly in the window.
const inViewport = `(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })`

// failingSaveSaysSo: when the browser refuses to store the notebook (its
// storage is full), the header says "Not saved" and an error banner in view
// says why; both go once a save succeeds.
func failingSaveSaysSo(t *testing.T, ctx context.Context) {
	eval[any](t, ctx, `(window.__setItem = Storage.prototype.setItem,
		Storage.prototype.setItem = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); }, true)`, patience)
	eval[any](t, ctx, `(window.nasbook.runCell("y := 2"), window.scrollTo(0, 1e7), true)`, patience)
	msg := eval[string](t, ctx, `new Promise(resolve => { (function poll() {
		const s = document.querySelector('#save-status'), b = document.querySelector('#banners .banner-error[data-key="storage"]');
		if (s.dataset.state === "failed" && b) resolve(s.textContent + " | " + b.innerText); else setTimeout(poll, 50); })(); })`, patience)
	if !strings.Contains(msg, "Not saved") || !strings.Contains(msg, "was not saved") || !strings.Contains(msg, "storage for this page is full") {
		t.Errorf("a failing save says %q", msg)
	}
	if !eval[bool](t, ctx, inViewport+`(document.querySelector('#banners .banner-error')) && `+inViewport+`(document.querySelector('#save-status'))`, patience) {
		t.Error("the failure is not in view while the page is scrolled to its end")
	}
	eval[any](t, ctx, `(Storage.prototype.setItem = window.__setItem, window.nasbook.runCell("z := 3"), true)`, patience)
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('#save-status').dataset.state === "saved" && !document.querySelector('#banners .banner-error[data-key="storage"]')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
}

// noticesLeaveByThemselves: a notice (after an upload, after opening a
// lesson) goes away after its time without a click, and while it is up it
// sits in the header, above the notebook and the canvas, covering neither.
func noticesLeaveByThemselves(t *testing.T, ctx context.Context) {
	file := filepath.Join(t.TempDir(), "numbers.csv")
	if err := os.WriteFile(file, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(`#upload`, []string{file})); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"upload", "replaced"} {
		if key == "replaced" {
			openLesson(t, ctx, "search.ipynb", 1, "")
		}
		type shown struct {
			Timeout float64 `json:"timeout"`
			Clear   bool    `json:"clear"`
		}
		s := eval[shown](t, ctx, `new Promise(resolve => { (function poll() {
			const b = document.querySelector('#banners .banner[data-key="`+key+`"]');
			if (!b) return setTimeout(poll, 20);
			const r = b.getBoundingClientRect(), bar = document.querySelector('.topbar').getBoundingClientRect();
			const panel = document.querySelector('#canvas-panel').getBoundingClientRect();
			const first = document.querySelector('#cells section.cell').getBoundingClientRect();
			resolve({timeout: Number(b.dataset.timeout), clear: r.bottom <= bar.bottom && panel.top >= bar.bottom && first.top >= bar.bottom});
		})(); })`, patience)
		if s.Timeout <= 0 || s.Timeout > 15000 {
			t.Errorf("the %s notice leaves after %v ms", key, s.Timeout)
		}
		if !s.Clear {
			t.Errorf("the %s notice overlaps the notebook or the canvas", key)
		}
		start := time.Now()
		eval[any](t, ctx, `new Promise(resolve => { (function poll() {
			if (!document.querySelector('#banners .banner[data-key="`+key+`"]')) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
		t.Logf("the %s notice left after %v (its time: %v ms)", key, time.Since(start).Round(100*time.Millisecond), s.Timeout)
	}
	// The next action elsewhere sends a notice away before its time, once it has been seen.
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(`#upload`, []string{file})); err != nil {
		t.Fatal(err)
	}
	left := eval[bool](t, ctx, `new Promise(resolve => { (function poll() {
		const b = document.querySelector('#banners .banner[data-key="upload"]');
		if (!b) return setTimeout(poll, 20);
		setTimeout(() => {
			document.querySelector('#cells').dispatchEvent(new KeyboardEvent('keydown', {key: 'x', bubbles: true}));
			resolve(!b.isConnected);
		}, 2000);
	})(); })`, patience)
	if !left {
		t.Error("a notice stayed after a key was pressed in the notebook")
	}
}

// lessonClearsTheCanvas: after a cell draws, opening a lesson brings the
// canvas back to its empty state.
func lessonClearsTheCanvas(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	blank := settledShot(t, ctx)
	got := runCell(t, ctx, "import \"nasbook/nb\"\nnb.Show(\"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\")")
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	_, at := awaitCanvas(t, ctx, 0, "canvas-drawn", "cell")
	drawn := shotUntil(t, ctx, "the cell", func(img image.Image) bool { return changedFraction(blank, img) > 0.01 })
	if changedFraction(blank, drawn) < 0.01 {
		t.Fatal("the canvas did not change after nb.Show")
	}
	openLesson(t, ctx, "search.ipynb", 1, "")
	awaitCanvas(t, ctx, at+1, "canvas-drawn", "")
	// The notice about the lesson takes room above the canvas while it is up; the canvas is
	// compared at the size it had empty, once the notice has left.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (!document.querySelector('#banners').children.length) resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	after := shotUntil(t, ctx, "the empty canvas", func(img image.Image) bool { return changedFraction(blank, img) < 0.005 })
	if c := changedFraction(blank, after); c >= 0.005 {
		t.Errorf("after opening a lesson %.1f%% of the canvas differs from its empty state", 100*c)
		saveShot(t, "lesson-canvas", after)
	}
	if caption := eval[string](t, ctx, `document.querySelector('#canvas-caption').textContent`, patience); caption != "" {
		t.Errorf("the canvas caption still says %q", caption)
	}
}

// TestNarrowWindow runs the checks of the page in an 800 px wide window
// one after another on one page (onOnePage).
func TestNarrowWindow(t *testing.T) {
	onOnePage(t, narrowPage(t), []check{
		{"HeaderIsOneLineWhenNarrow", headerIsOneLineWhenNarrow},
		{"CanvasBesideTheCellWhenNarrow", canvasBesideTheCellWhenNarrow},
	})
}

// narrowPage opens the playground in an 800 px wide window.
func narrowPage(t *testing.T) context.Context {
	t.Helper()
	ctx := page(t)
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(800, 900)); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, patience)
	return ctx
}

// headerIsOneLineWhenNarrow: at 800 px wide the header's controls keep
// to one line, a small part of the window's height.
func headerIsOneLineWhenNarrow(t *testing.T, ctx context.Context) {
	type header struct {
		Height float64   `json:"height"`
		Tops   []float64 `json:"tops"`
		Right  float64   `json:"right"`
	}
	h := eval[header](t, ctx, `(() => {
		const bar = document.querySelector('.topbar');
		const tops = [...bar.querySelectorAll('.bar button, .bar .button, .bar select, .bar summary, .bar input:not(.file-input), .kernel-status')]
			.filter(e => e.getClientRects().length && !e.closest('.menu-panel')).map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
		const right = Math.max(...[...bar.querySelectorAll('.bar *')].filter(e => e.getClientRects().length && !e.closest('.menu-panel')).map(e => e.getBoundingClientRect().right));
		return {height: bar.getBoundingClientRect().height, tops, right};
	})()`, patience)
	t.Logf("header at 800 px: %.0f px high, %d controls, rightmost edge at %.0f px", h.Height, len(h.Tops), h.Right)
	if h.Height > 60 {
		t.Errorf("the header is %.0f px high at 800 px wide, want one line (at most 60 px)", h.Height)
	}
	lo, hi := h.Tops[0], h.Tops[0]
	for _, y := range h.Tops {
		lo, hi = min(lo, y), max(hi, y)
	}
	if hi-lo > 4 || len(h.Tops) < 10 {
		t.Errorf("the header's %d controls are centred on %v: not one line", len(h.Tops), h.Tops)
	}
	if h.Right > 800 {
		t.Errorf("the header's controls reach %.0f px, past the window's 800", h.Right)
	}
}

// canvasBesideTheCellWhenNarrow: at 800 px wide the canvas is pinned right
// below the cell that drew on it, covering no cell, and floats in a corner
// of the window, in view wherever the notebook is scrolled, when asked.
func canvasBesideTheCellWhenNarrow(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	var cells []string
	long, _ := json.Marshal(strings.Repeat("A paragraph of text that makes the notebook long. ", 60))
	show, _ := json.Marshal("import \"nasbook/nb\"\nnb.Show(\"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\")")
	for i := 0; i < 8; i++ {
		src := string(long)
		typ := "markdown"
		if i == 2 {
			src, typ = string(show), "code"
		}
		cells = append(cells, `{"cell_type":"`+typ+`","metadata":{},"source":`+src+`,"outputs":[],"execution_count":null}`)
	}
	eval[any](t, ctx, `(window.nasbook.load({"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[`+strings.Join(cells, ",")+`]}, "long.ipynb"), true)`, patience)
	eval[any](t, ctx, `(document.querySelectorAll('#cells section.cell')[2].querySelector('.run-cell').click(), true)`, patience)
	awaitCanvas(t, ctx, 0, "canvas-drawn", "cell")
	type geometry struct {
		Dock        string  `json:"dock"`
		CellBottom  float64 `json:"cellBottom"`
		OutputEnd   float64 `json:"outputEnd"`
		PanelTop    float64 `json:"panelTop"`
		PanelBottom float64 `json:"panelBottom"`
		NextTop     float64 `json:"nextTop"`
		PageHeight  float64 `json:"pageHeight"`
		InView      bool    `json:"inView"`
	}
	g := eval[geometry](t, ctx, `(async () => {
		const cells = document.querySelectorAll('#cells section.cell');
		cells[2].scrollIntoView({block: 'start'});
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		const y = scrollY, panel = document.querySelector('#canvas-panel').getBoundingClientRect();
		const out = cells[2].querySelector('.output').getBoundingClientRect();
		return {dock: document.querySelector('#layout').dataset.dock, cellBottom: cells[2].getBoundingClientRect().bottom + y,
			outputEnd: out.bottom + y, panelTop: panel.top + y, panelBottom: panel.bottom + y, nextTop: cells[3].getBoundingClientRect().top + y,
			pageHeight: document.documentElement.scrollHeight, inView: panel.top < innerHeight && panel.bottom > 0};
	})()`, patience)
	t.Logf("at 800 px: %+v", g)
	if g.Dock != "pinned" {
		t.Errorf("the canvas is docked %q at 800 px, want pinned", g.Dock)
	}
	if g.PanelTop < g.OutputEnd-1 || g.PanelTop > g.OutputEnd+80 {
		t.Errorf("the canvas starts at y = %.0f, the drawing cell's output ends at %.0f: not below that cell", g.PanelTop, g.OutputEnd)
	}
	if g.PanelBottom > g.NextTop+1 || g.PanelBottom > g.CellBottom+1 {
		t.Errorf("the canvas (to y = %.0f) covers the next cell (from %.0f)", g.PanelBottom, g.NextTop)
	}
	if !g.InView {
		t.Error("with the drawing cell in view, the canvas is not")
	}
	// Floating: in view at the page's end, inside the window.
	in := eval[bool](t, ctx, `(async () => {
		document.querySelector('#canvas-float').click();
		window.scrollTo(0, 1e7);
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		return document.querySelector('#layout').dataset.dock === 'float' && `+inViewport+`(document.querySelector('#canvas-panel'));
	})()`, patience)
	if !in {
		t.Error("the floating canvas is not in the window at the page's end")
	}
}

// shareLinkReaderOnMutations feeds the page's link reader links damaged
// at random (seeded): bytes of the packed notebook changed, cut short, or
// grown, in both forms. Each either opens as a notebook of sources or fails
// with the reader's own error that says why: never another exception.
func shareLinkReaderOnMutations(t *testing.T, ctx context.Context) {
	nb := `{"nbformat":4,"nbformat_minor":5,"metadata":{"nasbook":{"name":"m.ipynb"},"kernelspec":{"language":"go"}},"cells":[` +
		`{"cell_type":"markdown","metadata":{},"source":["# Title\n","text"]},` +
		`{"cell_type":"code","metadata":{},"execution_count":1,"outputs":[{"output_type":"stream","name":"stdout","text":"x"}],"source":"x := 1\nfmt.Println(x)"},` +
		`{"cell_type":"raw","metadata":{},"source":""}]}`
	rng := rand.New(rand.NewPCG(1, 2))
	var links []string
	for _, base := range []string{deflateLink(t, strings.NewReader(nb)), plainLink(nb)} {
		prefix := base[:strings.Index(base, "=")+1]
		raw, err := base64.RawURLEncoding.DecodeString(base[len(prefix):])
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 150; i++ {
			b := bytes.Clone(raw)
			switch i % 3 {
			case 0:
				for k := 0; k < 1+rng.IntN(4); k++ {
					b[rng.IntN(len(b))] = byte(rng.IntN(256))
				}
			case 1:
				b = b[:rng.IntN(len(b))]
			case 2:
				at := rng.IntN(len(b))
				b = append(b[:at:at], append([]byte(strings.Repeat("{[\"", 1+rng.IntN(3))), b[at:]...)...)
			}
			links = append(links, prefix+base64.RawURLEncoding.EncodeToString(b))
		}
	}
	js, _ := json.Marshal(links)
	type tally struct {
		Opened int      `json:"opened"`
		Errors int      `json:"errors"`
		Other  []string `json:"other"`
		Bad    []string `json:"bad"`
	}
	got := eval[tally](t, ctx, `(async () => {
		const share = await import('./assets/js/share.js');
		const r = {opened: 0, errors: 0, other: [], bad: []};
		for (const link of `+string(js)+`) {
			try {
				const {notebook} = await share.openShareHash(link);
				if (notebook.cells.some(c => c.outputs.length || !['code', 'markdown', 'raw'].includes(c.type) || typeof c.source !== 'string')) r.bad.push(link);
				r.opened++;
			} catch (e) {
				if (e instanceof share.ShareError && e.message) r.errors++;
				else r.other.push(String(e));
			}
		}
		return r;
	})()`, 5*time.Minute)
	t.Logf("%d damaged links: %d opened, %d refused with a reason", len(links), got.Opened, got.Errors)
	if len(got.Other) > 0 {
		t.Errorf("%d links threw something else than the reader's error: %q", len(got.Other), got.Other[:min(5, len(got.Other))])
	}
	if len(got.Bad) > 0 {
		t.Errorf("%d links opened with outputs or a bad cell", len(got.Bad))
	}
	if got.Errors == 0 {
		t.Error("no damaged link was refused")
	}
}
