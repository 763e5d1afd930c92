package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// canvasMessage is a message the canvas posts to the page.
type canvasMessage struct {
	Type   string       `json:"type"`
	Kind   string       `json:"kind"`
	Title  string       `json:"title"`
	Error  string       `json:"error"`
	Points [][2]float64 `json:"points"`
	Index  int          `json:"index"`
	Label  string       `json:"label"`
}

// recordCanvas starts keeping every message the canvas posts, in order,
// from none (a later call starts the record over).
func recordCanvas(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		if (document.querySelector('#canvas-panel').dataset.ready === "true") resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	eval[any](t, ctx, `(window.__canvas || window.addEventListener('message', e => {
		if (e.data && typeof e.data.type === 'string' && e.data.type.startsWith('canvas-')) window.__canvas.push(e.data); }),
		window.__canvas = [], true)`, patience)
}

// TestOnTheCanvas runs the canvas's checks one after another on one page
// (onOnePage), each on an empty canvas (onBlankCanvas). The ones that
// widen the window come last, the replay's last of all (it turns on
// Presentation mode).
func TestOnTheCanvas(t *testing.T) {
	onOnePage(t, page(t), []check{
		{"ShowDrawsOnCanvas", onBlankCanvas(showDrawsOnCanvas)},
		{"ParetoOnCanvas", onBlankCanvas(paretoOnCanvas)},
		{"PointsOnCanvas", onBlankCanvas(pointsOnCanvas)},
		{"CanvasPanelClearsTheToolbar", onBlankCanvas(canvasPanelClearsTheToolbar)},
		{"EditFromParetoChart", onBlankCanvas(editFromParetoChart)},
		{"BrushOnChart", onBlankCanvas(brushOnChart)},
		{"LessonClearsTheCanvas", onBlankCanvas(lessonClearsTheCanvas)},
		{"EditCellOnCanvas", onBlankCanvas(editCellOnCanvas)},
		{"ReplayOnCanvas", onBlankCanvas(replayOnCanvas)},
	})
}

// onBlankCanvas runs check after a new notebook has cleared the canvas and
// its notice has been closed, once the canvas has painted that.
func onBlankCanvas(check func(*testing.T, context.Context)) func(*testing.T, context.Context) {
	return func(t *testing.T, ctx context.Context) {
		eval[any](t, ctx, `new Promise(resolve => { (function poll() {
			if (document.querySelector('#canvas-panel').dataset.ready === "true") resolve(true); else setTimeout(poll, 50); })(); })`, patience)
		eval[any](t, ctx, `(document.querySelector('#new-notebook').click(), true)`, patience)
		eval[any](t, ctx, `(document.querySelectorAll('#banners .banner-close').forEach(b => b.click()), true)`, patience)
		canvasSettled(t, ctx)
		check(t, ctx)
	}
}

// awaitCanvas waits for the first message at or after position from that has
// the given type and kind (any kind if empty) and returns it with its position.
func awaitCanvas(t *testing.T, ctx context.Context, from int, typ, kind string) (canvasMessage, int) {
	t.Helper()
	return awaitCanvasWhere(t, ctx, from, fmt.Sprintf(`m.type === %q && (%q === "" || m.kind === %q)`, typ, kind, kind))
}

// awaitHover waits for the canvas to say, at or after position from, that
// the change of the hovered point to index (-1: none) is on screen.
func awaitHover(t *testing.T, ctx context.Context, from, index int) int {
	t.Helper()
	_, at := awaitCanvasWhere(t, ctx, from, fmt.Sprintf(`m.type === "canvas-hover" && m.index === %d`, index))
	return at
}

// awaitCanvasWhere waits for the first message m at or after position from
// for which the JavaScript condition cond holds.
func awaitCanvasWhere(t *testing.T, ctx context.Context, from int, cond string) (canvasMessage, int) {
	t.Helper()
	type found struct {
		Msg canvasMessage `json:"msg"`
		At  int           `json:"at"`
	}
	js := fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const all = window.__canvas;
		for (let i = %d; i < all.length; i++) { const m = all[i]; if (%s) return resolve({msg: m, at: i}); }
		setTimeout(poll, 30); })(); })`, from, cond)
	f := eval[found](t, ctx, js, patience)
	return f.Msg, f.At
}

// canvasCount is the number of messages the canvas has posted so far.
func canvasCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `window.__canvas.length`, patience)
}

// canvasSettled makes sure the canvas has taken every message the page sent
// it so far and has run frames enough to paint and report what they change:
// it pings the canvas, waits for the answer (messages are handled in order),
// then waits for three of the canvas's animation frames (ebiten paints in
// one and reports the paint in the next).
func canvasSettled(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[any](t, ctx, `new Promise(resolve => {
		const w = document.querySelector('#canvas').contentWindow;
		const answer = e => {
			if (e.source !== w || !e.data || e.data.type !== "canvas-ready") return;
			removeEventListener('message', answer);
			let n = 3;
			(function frame() { if (n-- === 0) resolve(true); else w.requestAnimationFrame(frame); })();
		};
		addEventListener('message', answer);
		w.postMessage({type: "ping"}, "*");
	})`, patience)
}

// canvasOffset is the position of the canvas iframe's content in the page, in
// CSS pixels.
func canvasOffset(t *testing.T, ctx context.Context) (x, y float64) {
	t.Helper()
	o := eval[[2]float64](t, ctx, `(() => { const f = document.querySelector('#canvas'), r = f.getBoundingClientRect();
		return [r.left + f.clientLeft, r.top + f.clientTop]; })()`, patience)
	return o[0], o[1]
}

func mouse(t *testing.T, ctx context.Context, typ input.DispatchMouseEventType, x, y float64) {
	t.Helper()
	var opts []chromedp.MouseOption
	if typ != input.DispatchMouseEventTypeMouseMoved {
		opts = append(opts, chromedp.ButtonLeft, chromedp.ClickCount(1))
	}
	if _, err := chromedp.Run(ctx, chromedp.MouseEvent(typ, x, y, opts...)); err != nil {
		t.Fatal(err)
	}
}

// saveShot writes img to $NASBOOK_CANVAS_SHOTS/name.png when that is set, to
// look at.
func saveShot(t *testing.T, name string, img image.Image) {
	if dir := os.Getenv("NASBOOK_CANVAS_SHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), encodePNG(img), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// changedNear is the share of pixels within r pixels of (x, y) that differ
// clearly between a and b.
func changedNear(a, b image.Image, x, y, r int) float64 {
	box := image.Rect(x-r, y-r, x+r, y+r).Intersect(a.Bounds())
	n, changed := 0, 0
	for py := box.Min.Y; py < box.Max.Y; py++ {
		for px := box.Min.X; px < box.Max.X; px++ {
			r1, g1, b1, _ := a.At(px, py).RGBA()
			r2, g2, b2, _ := b.At(px, py).RGBA()
			n++
			if diff(r1>>8, r2>>8)+diff(g1>>8, g2>>8)+diff(b1>>8, b2>>8) > 60 {
				changed++
			}
		}
	}
	return float64(changed) / float64(max(n, 1))
}

// shotUntil takes screenshots of the canvas until done holds for one, and
// returns it. The canvas says when a frame is presented (canvas-drawn,
// canvas-hover), but a busy software compositor may show it a little later;
// the deadline is for a machine that never shows it.
func shotUntil(t *testing.T, ctx context.Context, what string, done func(image.Image) bool) image.Image {
	t.Helper()
	start := time.Now()
	for shots := 1; ; shots++ {
		img := screenshot(t, ctx)
		if done(img) {
			if shots > 1 {
				t.Logf("%s after %d screenshots, %v", what, shots, time.Since(start).Round(time.Millisecond))
			}
			return img
		}
		if time.Since(start) > patience {
			t.Logf("no %s after %d screenshots in %v", what, shots, time.Since(start).Round(time.Millisecond))
			return img
		}
	}
}

// settledShot is a screenshot of the canvas once two in a row agree: the
// view the canvas reported drawn has reached the screen and stays.
func settledShot(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	var last image.Image
	return shotUntil(t, ctx, "a settled canvas", func(img image.Image) bool {
		same := last != nil && changedFraction(last, img) == 0
		last = img
		return same
	})
}

// nearChange is a screenshot condition: the share of pixels within 160
// pixels of at that differ from before satisfies ok; *share keeps the last.
func nearChange(before image.Image, at [2]float64, share *float64, ok func(float64) bool) func(image.Image) bool {
	return func(img image.Image) bool {
		*share = changedNear(before, img, int(at[0]), int(at[1]), 160)
		return ok(*share)
	}
}

var paretoArchs = []string{
	"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
	"|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_1x1~2|",
	"|avg_pool_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|",
	"|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
	"|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|",
	"|nor_conv_1x1~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|",
}

// paretoOnCanvas: nb.ShowPareto draws a front; hovering a point shows
// its tooltip, clicking it posts canvas-selected and draws its cell, and
// Escape brings the front back.
func paretoOnCanvas(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	// (latency ms, accuracy %): 0, 1 and 3 are the front, 2 is beaten by 1, 4 by all, 5 by 3.
	xy := [][2]float64{{14.2, 94.1}, {5.3, 89.8}, {6.0, 85.1}, {9.1, 92.4}, {3.9, 10.0}, {11.5, 90.3}}
	src := "import \"nasbook/nb\"\nnb.ShowPareto(\"Accuracy against latency\", \"latency (ms)\", \"CIFAR-10 accuracy (%)\", true, false, []nb.Point{\n"
	for i, a := range paretoArchs {
		src += fmt.Sprintf("\t{X: %g, Y: %g, Arch: %q},\n", xy[i][0], xy[i][1], a)
	}
	src += "})"
	got := runCell(t, ctx, src)
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	if got.Text != "[Accuracy against latency: 6 points, 4 on the Pareto front]\n" {
		t.Errorf("cell printed %q", got.Text)
	}
	drawn, at := awaitCanvas(t, ctx, 0, "canvas-drawn", "pareto")
	if drawn.Title != "Accuracy against latency" || len(drawn.Points) != len(xy) {
		t.Fatalf("canvas drew %+v, want the front's title and %d points", drawn, len(xy))
	}
	// Latency grows rightwards and accuracy upwards.
	p := drawn.Points
	if !(p[4][0] < p[1][0] && p[1][0] < p[3][0] && p[3][0] < p[0][0]) || !(p[0][1] < p[3][1] && p[3][1] < p[1][1] && p[1][1] < p[4][1]) {
		t.Errorf("points at %v are not placed by latency and accuracy", p)
	}
	before := settledShot(t, ctx)
	saveShot(t, "pareto", before)

	// Hover point 3: the pixels around it change (ring and tooltip).
	const k = 3
	ox, oy := canvasOffset(t, ctx)
	x, y := ox+p[k][0], oy+p[k][1]
	from := canvasCount(t, ctx)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, x-40, y-40)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, x, y)
	from = awaitHover(t, ctx, from, k)
	// Screenshots are in device pixels; headless Chromium's scale is 1.
	var c float64
	hover := shotUntil(t, ctx, "the tooltip", nearChange(before, p[k], &c, func(c float64) bool { return c >= 0.03 }))
	saveShot(t, "pareto-hover", hover)
	if c < 0.03 {
		t.Errorf("hovering point %d changed %.1f%% of the pixels around it, want a tooltip", k, 100*c)
	}
	// Away from every point, the tooltip goes.
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, ox+4, oy+4)
	awaitHover(t, ctx, from, -1)
	if shotUntil(t, ctx, "the front without the tooltip", nearChange(before, p[k], &c, func(c float64) bool { return c <= 0.002 })); c > 0.002 {
		t.Errorf("after the mouse left point %d, %.1f%% of the pixels around it still differ", k, 100*c)
	}

	// Click it: the page hears which point, and the canvas draws its cell.
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, x, y)
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, x, y)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, x, y)
	sel, _ := awaitCanvas(t, ctx, at, "canvas-selected", "")
	if sel.Index != k || sel.Label != paretoArchs[k] {
		t.Errorf("selected %d %q, want %d %q", sel.Index, sel.Label, k, paretoArchs[k])
	}
	cell, at := awaitCanvas(t, ctx, at, "canvas-drawn", "cell")
	if cell.Title != paretoArchs[k] {
		t.Errorf("cell view titled %q, want the architecture", cell.Title)
	}
	// The page offers the selected architecture for a cell: its caption names
	// it and a button copies it.
	if caption := eval[string](t, ctx, `document.querySelector('#canvas-caption').textContent`, patience); caption != fmt.Sprintf("#%d: %s", k, paretoArchs[k]) {
		t.Errorf("canvas caption %q after the click", caption)
	}
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		grant := cdpbrowser.SetPermissionParams{Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted}
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, grant); err != nil {
			t.Fatal(err)
		}
	}
	said := eval[string](t, ctx, `(async () => {
		const b = document.querySelector('#canvas-copy');
		if (b.hidden) return 'hidden';
		b.click();
		while (!document.querySelector('#announcer').textContent.startsWith('Copied'))
			await new Promise(r => setTimeout(r, 50));
		return document.querySelector('#announcer').textContent;
	})()`, patience)
	if said != "Copied "+paretoArchs[k] {
		t.Errorf("after the copy button the page said %q", said)
	}
	if copied := eval[string](t, ctx, `navigator.clipboard.readText()`, patience); copied != paretoArchs[k] {
		t.Errorf("the copy button put %q on the clipboard, want the architecture", copied)
	}
	shot := shotUntil(t, ctx, "the cell view", func(img image.Image) bool { c = changedFraction(before, img); return c >= 0.03 })
	saveShot(t, "pareto-cell", shot)
	if c < 0.03 {
		t.Errorf("the cell view differs from the front in %.1f%% of its pixels", 100*c)
	}

	// A search going on sends the front again: the open cell stays (it may
	// be drawn again, when its figures come, but nothing replaces it).
	if got := runCell(t, ctx, src); got.Error != nil {
		t.Fatal(*got.Error)
	}
	canvasSettled(t, ctx)
	if n := eval[int](t, ctx, fmt.Sprintf(`window.__canvas.slice(%d).filter(m => m.type === "canvas-drawn" && !(m.kind === "cell" && m.title === %q)).length`, at+1, paretoArchs[k]), patience); n != 0 {
		t.Errorf("an update of the front replaced the open cell: %d canvas-drawn messages: %s", n, eval[string](t, ctx, fmt.Sprintf(`JSON.stringify(window.__canvas.slice(%d))`, at+1), patience))
	}

	// Escape goes back to the front.
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	back, _ := awaitCanvas(t, ctx, at+1, "canvas-drawn", "pareto")
	if len(back.Points) != len(xy) {
		t.Errorf("back on the front with %d points", len(back.Points))
	}
	if !eval[bool](t, ctx, `document.querySelector('#canvas-copy').hidden`, patience) {
		t.Errorf("the copy button stays after the selection closed")
	}
	b, _ := json.Marshal(back.Points)
	t.Logf("front drawn with points at %s", b)
}

// pointsOnCanvas: nb.ShowPoints draws a search's progress, and a new
// call redraws it.
func pointsOnCanvas(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	src := `import (
	"math/rand"
	"nasbook/nb"
)
r := rand.New(rand.NewSource(1))
var pts []nb.Point
for i := 0; i < 120; i++ {
	g := ""
	if i >= 100 {
		g = "population"
	}
	pts = append(pts, nb.Point{X: float64(i + 1), Y: 60 + 30*(1-1/float64(i/10+1)) + 5*r.Float64(), Label: "arch", Group: g})
}
nb.ShowPoints("Regularized evolution", "evaluation", "CIFAR-10 accuracy (%)", pts)`
	got := runCell(t, ctx, src)
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	drawn, at := awaitCanvas(t, ctx, 0, "canvas-drawn", "points")
	if len(drawn.Points) != 120 {
		t.Fatalf("canvas drew %d points, want 120", len(drawn.Points))
	}
	var ink float64
	img := shotUntil(t, ctx, "the points chart", func(img image.Image) bool { ink = inkFraction(img); return ink >= 0.02 })
	saveShot(t, "points", img)
	if ink < 0.02 {
		t.Errorf("the points chart has %.1f%% ink", 100*ink)
	}
	// More points, shown after each: the canvas redraws, and the cell keeps
	// one output, updated in place.
	got = runCell(t, ctx, `for i := 0; i < 3; i++ {
	pts = append(pts, nb.Point{X: float64(len(pts) + 1), Y: 95 + float64(i), Label: "new best", Group: "population"})
	nb.ShowPoints("Regularized evolution", "evaluation", "CIFAR-10 accuracy (%)", pts)
}`)
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	if want := "[Regularized evolution: 123 points, best CIFAR-10 accuracy (%) 97]\n"; got.Text != want {
		t.Errorf("the cell printed %q, want one line %q", got.Text, want)
	}
	for {
		drawn, at = awaitCanvas(t, ctx, at+1, "canvas-drawn", "points")
		if len(drawn.Points) == 123 {
			break
		}
	}
}

// canvasPanelClearsTheToolbar: wherever the notebook is scrolled, the
// end included, the canvas panel (its heading and copy button too) sits
// wholly below the toolbar and inside the window.
func canvasPanelClearsTheToolbar(t *testing.T, ctx context.Context) {
	for _, y := range []string{"0", "document.body.scrollHeight / 2", "1e7"} {
		got := eval[[]float64](t, ctx, `(async () => {
			window.scrollTo(0, `+y+`);
			await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			const bar = document.querySelector('.topbar').getBoundingClientRect();
			const panel = document.querySelector('#canvas-panel').getBoundingClientRect();
			return [bar.bottom, panel.top, panel.bottom, innerHeight, scrollY];
		})()`, patience)
		if bar, top, bottom, h := got[0], got[1], got[2], got[3]; top < bar || bottom > h {
			t.Errorf("scrolled to %v: the toolbar ends at %v px, the panel spans %v to %v px of a %v px window", got[4], bar, top, bottom, h)
		}
	}
}
