package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/space/nb201"
	"nasbook/tables"
)

// replayMessage is a canvas-drawn message of a scene with a replay.
type replayMessage struct {
	Kind   string       `json:"kind"`
	Points [][2]float64 `json:"points"`
	Front  []int        `json:"front"`
	Replay struct {
		Step    int     `json:"step"`
		Steps   int     `json:"steps"`
		Playing bool    `json:"playing"`
		Speed   float64 `json:"speed"`
	} `json:"replay"`
}

// awaitReplay waits for a canvas-drawn message at or after position from of
// a replay for which the JavaScript condition cond on r (its replay) holds.
func awaitReplay(t *testing.T, ctx context.Context, from int, cond string) (replayMessage, int) {
	t.Helper()
	type found struct {
		Msg replayMessage `json:"msg"`
		At  int           `json:"at"`
	}
	return func(f found) (replayMessage, int) { return f.Msg, f.At }(eval[found](t, ctx, fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const all = window.__canvas;
		for (let i = %d; i < all.length; i++) { const m = all[i], r = m.replay;
			if (m.type === "canvas-drawn" && r && (%s)) return resolve({msg: m, at: i}); }
		setTimeout(poll, 30); })(); })`, from, cond), patience))
}

// engineNSGA2 runs, natively, the search the test runs in the page, and
// returns the architecture of each evaluation and, after each evaluation
// that changed it, the front the engine reported (evaluation numbers).
func engineNSGA2(t *testing.T, budget int, seed int64) ([]string, map[int][]int) {
	t.Helper()
	read := func(name string) *tabular.Table {
		tb, err := tabular.Shipped(tables.Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	j, err := tabular.Join(read("nb201/accuracy-200ep"), read("nb201/latency"))
	if err != nil {
		t.Fatal(err)
	}
	est, err := tabular.NewEstimator(j, nb201.Space{}, []search.Objective{{Name: "cifar10_test"}, {Name: "pixel3", Minimize: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	var evals []string
	fronts := map[int][]int{}
	_, err = search.Repeat(context.Background(), search.RepeatConfig{Space: est.Space(), Strategy: "nsga2", Estimator: est,
		Budget: search.Budget{Evaluations: budget}, Seed: seed, Seeds: 1, OnEvent: func(_ int, e search.Event) {
			switch e := e.(type) {
			case *search.Evaluated:
				evals = append(evals, nb201.FromChoices(e.Arch).String())
			case *search.FrontChanged:
				fronts[e.N] = nil
				for _, m := range e.Front {
					fronts[e.N] = append(fronts[e.N], m.N)
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	return evals, fronts
}

// replayOnCanvas: a finished search's chart stays on the canvas with
// its replay. At step k (the slider) it shows the k points and the front
// the engine had after k evaluations; the arrow keys step, Space and the
// Play button play and pause, a faster speed plays to the end. In
// Presentation mode at 1920x1080 the controls and a brushed list are set in
// 18 CSS px or more. Last it measures the canvas's frame rate while the
// pointer moves over the edges of a cell opened from the chart (logged,
// never asserted: a loaded machine may be slower).
func replayOnCanvas(t *testing.T, ctx context.Context) {
	start := time.Now()
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `(() => { const b = document.querySelector('#presentation');
		if (b.getAttribute('aria-pressed') !== 'true') b.click(); return true; })()`, patience)
	recordCanvas(t, ctx)
	const budget, seed = 60, 3
	src := fmt.Sprintf(`import "nasbook/nb"
both := nb.OpenTable("nb201/accuracy-200ep").Join(nb.OpenTable("nb201/latency"))
nb.Search(nb.SearchConfig{Table: both, Strategy: "nsga2", Objectives: []string{"cifar10_test", "pixel3"},
	Minimize: []string{"pixel3"}, Budget: %d, Seed: %d})`, budget, seed)
	if got := runCell(t, ctx, src); got.Error != nil {
		t.Fatal(*got.Error)
	}
	end, at := awaitReplay(t, ctx, 0, fmt.Sprintf("r.step === %d && r.steps === %[1]d", budget))
	if end.Kind != "pareto" || len(end.Points) != budget || end.Replay.Playing {
		t.Fatalf("the finished search shows a %s chart of %d points, playing %v", end.Kind, len(end.Points), end.Replay.Playing)
	}
	evals, fronts := engineNSGA2(t, budget, seed)
	frontAt := func(k int) string { // the engine's front after k evaluations, as architectures
		var f []int
		for n := 1; n <= k; n++ {
			if v, ok := fronts[n]; ok {
				f = v
			}
		}
		var archs []string
		for _, n := range f {
			archs = append(archs, evals[n-1])
		}
		slices.Sort(archs)
		return strings.Join(slices.Compact(archs), " ")
	}
	shown := func(m replayMessage) string { // the chart's front, as architectures
		var archs []string
		for _, i := range m.Front {
			archs = append(archs, evals[i])
		}
		slices.Sort(archs)
		return strings.Join(slices.Compact(archs), " ")
	}
	if got, want := shown(end), frontAt(budget); got != want {
		t.Errorf("the finished search's front is\n%s\nthe engine's\n%s", got, want)
	}

	// The slider: step 25.
	eval[bool](t, ctx, `(() => { const s = document.querySelector('#replay-step'); s.value = "25"; s.dispatchEvent(new Event('input')); return true; })()`, patience)
	m, at := awaitReplay(t, ctx, at, "r.step === 25")
	if len(m.Points) != 25 {
		t.Errorf("step 25 shows %d points", len(m.Points))
	}
	if got, want := shown(m), frontAt(25); got != want {
		t.Errorf("step 25's front is\n%s\nthe engine's after 25 evaluations\n%s", got, want)
	}
	if where := eval[string](t, ctx, `document.querySelector('#replay-where').textContent`, patience); where != "evaluation 25 of 60" {
		t.Errorf("the controls say %q", where)
	}

	// The keyboard on the canvas: a click on its empty corner gives it the keys.
	ox, oy := canvasOffset(t, ctx)
	click(t, ctx, ox+6, oy+6, 0)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.ArrowLeft)); err != nil {
		t.Fatal(err)
	}
	m, at = awaitReplay(t, ctx, at, "r.step === 24 && !r.playing")
	if len(m.Points) != 24 || shown(m) != frontAt(24) {
		t.Errorf("step 24 shows %d points and the front\n%s\nwant the engine's\n%s", len(m.Points), shown(m), frontAt(24))
	}
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	_, at = awaitReplay(t, ctx, at, "r.playing && r.step > 24")
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	paused, at := awaitReplay(t, ctx, at, "!r.playing")
	canvasSettled(t, ctx)
	if last := eval[int](t, ctx, `window.__canvas.filter(m => m.type === "canvas-drawn" && m.replay).pop().replay.step`, patience); last != paused.Replay.Step {
		t.Errorf("paused at step %d, the canvas went on to %d", paused.Replay.Step, last)
	}
	if len(paused.Points) != paused.Replay.Step || shown(paused) != frontAt(paused.Replay.Step) {
		t.Errorf("paused at step %d with %d points and the front\n%s\nwant the engine's\n%s", paused.Replay.Step, len(paused.Points), shown(paused), frontAt(paused.Replay.Step))
	}

	// The pointer on the controls: the fastest speed, then Play, to the end.
	eval[bool](t, ctx, `(() => { const s = document.querySelector('#replay-speed'); s.value = "100"; s.dispatchEvent(new Event('change')); return true; })()`, patience)
	_, at = awaitReplay(t, ctx, at, "r.speed === 100")
	b := eval[[4]float64](t, ctx, `(() => { const r = document.querySelector('#replay-play').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, patience)
	if b[2] == 0 || b[1]+b[3] > 1080 {
		t.Fatalf("the Play button is at %v, not on screen", b)
	}
	click(t, ctx, b[0]+b[2]/2, b[1]+b[3]/2, 0)
	_, at = awaitReplay(t, ctx, at, "r.playing")
	end, at = awaitReplay(t, ctx, at, fmt.Sprintf("!r.playing && r.step === %d", budget))
	if shown(end) != frontAt(budget) {
		t.Errorf("played to the end, the front is\n%s\nwant\n%s", shown(end), frontAt(budget))
	}

	// Legible on a projector: the controls, and the list of a rectangle
	// brushed around every point.
	lo, hi := [2]float64{1e9, 1e9}, [2]float64{-1e9, -1e9}
	for _, p := range end.Points {
		lo = [2]float64{min(lo[0], p[0]-30), min(lo[1], p[1]-30)}
		hi = [2]float64{max(hi[0], p[0]+30), max(hi[1], p[1]+30)}
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, ox+lo[0], oy+lo[1])
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, ox+lo[0], oy+lo[1])
	for k := 1; k <= 3; k++ {
		f := float64(k) / 3
		if _, err := chromedp.Run(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, ox+lo[0]+f*(hi[0]-lo[0]), oy+lo[1]+f*(hi[1]-lo[1]), chromedp.ButtonLeft)); err != nil {
			t.Fatal(err)
		}
		canvasSettled(t, ctx)
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, ox+hi[0], oy+hi[1])
	sizes := eval[map[string]float64](t, ctx, `new Promise(resolve => { (function poll() {
		const li = document.querySelector('#canvas-brush li code');
		if (!li) return setTimeout(poll, 30);
		const px = sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
		resolve({list: px('#canvas-brush li'), code: px('#canvas-brush li code'), head: px('#canvas-brush p'),
			play: px('#replay-play'), where: px('#replay-where'), speed: px('#replay-speed')}); })(); })`, patience)
	for what, px := range sizes {
		if px < 18 {
			t.Errorf("in Presentation mode the %s is set in %.1f CSS px, want 18 or more", what, px)
		}
	}

	// Idle editing: a front point's cell, editable, the pointer moving over
	// its edges every frame while the canvas's frames are counted.
	// (The list under the canvas made it shorter: the chart is laid out again.)
	canvasSettled(t, ctx)
	now := eval[replayMessage](t, ctx, `window.__canvas.filter(m => m.type === "canvas-drawn" && m.kind === "pareto").pop()`, patience)
	i := now.Front[len(now.Front)/2]
	from := canvasCount(t, ctx)
	click(t, ctx, ox+now.Points[i][0], oy+now.Points[i][1], 0)
	cell, _ := awaitEdited(t, ctx, from, evals[i])
	// Each move to the next spot (edge 0, edge 3, empty space) changes the
	// ring drawn: a repaint. The renderer's main thread, where the canvas
	// runs, is timed by its CPU time (Performance's ThreadTime) as well as
	// by the clock, since on a loaded machine the clock counts other work.
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	cpu := func() float64 {
		m, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range m.Metrics {
			if v.Name == "ThreadTime" {
				return v.Value
			}
		}
		t.Fatal("no ThreadTime metric")
		return 0
	}
	const repaints = 12
	cpu0 := cpu()
	ms := eval[float64](t, ctx, fmt.Sprintf(`(async () => {
		const w = document.querySelector('#canvas').contentWindow, cv = w.document.querySelector('canvas');
		const r = cv.getBoundingClientRect(), spots = %s;
		const t0 = performance.now();
		for (let k = 0; k < %d; k++) {
			const n = window.__canvas.length, s = spots[k %% spots.length];
			cv.dispatchEvent(new w.MouseEvent('mousemove', {clientX: r.left + s[0], clientY: r.top + s[1], bubbles: true}));
			await new Promise(resolve => (function poll() {
				if (window.__canvas.slice(n).some(m => m.type === "canvas-drawn" && m.kind === "cell")) resolve(); else setTimeout(poll, 1); })());
		}
		return performance.now() - t0;
	})()`, mustJSON([][2]float64{cell.Edges[0], cell.Edges[3], {6, 6}}), repaints), patience)
	busy := cpu() - cpu0
	t.Logf("idle editing: %d repaints of the cell in %.0f ms (%.1f a second); the main thread's CPU time %.0f ms (%.0f repaints a second of it), load average %s",
		repaints, ms, repaints/ms*1000, busy*1000, repaints/busy, loadAverage())
	t.Logf("%.1f s from the kernel ready to here", time.Since(start).Seconds())
}

// loadAverage is the machine's load over the last minute, where Linux says.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
