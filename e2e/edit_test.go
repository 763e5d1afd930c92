package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nasbook/nb"
)

// editMessage is a canvas-drawn message of an editable cell.
type editMessage struct {
	Kind    string       `json:"kind"`
	Title   string       `json:"title"`
	Edges   [][2]float64 `json:"edges"`
	Figures []string     `json:"figures"`
	Arch    string       `json:"arch"`
	Points  [][2]float64 `json:"points"`
	// LabelSize is the cell's label size in CSS px.
	LabelSize float64 `json:"labelSize"`
}

// awaitEdited waits for the canvas to show the cell of arch with its figures.
func awaitEdited(t *testing.T, ctx context.Context, from int, arch string) (editMessage, int) {
	t.Helper()
	type found struct {
		Msg editMessage `json:"msg"`
		At  int         `json:"at"`
	}
	js := fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const all = window.__canvas;
		for (let i = %d; i < all.length; i++) { const m = all[i];
			if (m.type === "canvas-drawn" && m.kind === "cell" && m.arch === %q && m.figures && m.figures.length) return resolve({msg: m, at: i}); }
		setTimeout(poll, 30); })(); })`, from, arch)
	f := eval[found](t, ctx, js, patience)
	return f.Msg, f.At
}

func click(t *testing.T, ctx context.Context, x, y float64, mods chromedp.Modifier) {
	t.Helper()
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		opts := []chromedp.MouseOption{chromedp.ButtonModifiers(mods)}
		if typ != input.DispatchMouseEventTypeMouseMoved {
			opts = append(opts, chromedp.ButtonLeft, chromedp.ClickCount(1))
		}
		if _, err := chromedp.Run(ctx, chromedp.MouseEvent(typ, x, y, opts...)); err != nil {
			t.Fatal(err)
		}
	}
}

// withCtrl presses Control, then key, as a person does: the canvas sees
// the keys go down, not an event's modifier flags.
func withCtrl(t *testing.T, ctx context.Context, key string) {
	t.Helper()
	code := "Key" + strings.ToUpper(key)
	vk := int64(strings.ToUpper(key)[0])
	steps := []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeRawKeyDown, Key: "Control", Code: "ControlLeft", WindowsVirtualKeyCode: 17, Modifiers: 2},
		{Type: input.DispatchKeyEventTypeRawKeyDown, Key: key, Code: code, WindowsVirtualKeyCode: vk, Modifiers: 2},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: vk, Modifiers: 2},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "Control", Code: "ControlLeft", WindowsVirtualKeyCode: 17},
	}
	for _, p := range steps {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatal(err)
		}
	}
}

func sigfig(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// editCellOnCanvas: clicking an edge of a drawn NB201 cell changes its
// operation, and the figures under the cell become the edited
// architecture's: the params and MACs `nasbook cost` gives and the shipped
// table's accuracy. Ctrl+Z and Ctrl+Y undo and redo it; nb.Selected() in a
// later cell returns it, and the page copies it as nb.Parse text.
//
// It runs on a 1920x1080 screen in Presentation mode, where the cell's
// labels and the figures are 18 CSS px or more.
func editCellOnCanvas(t *testing.T, ctx context.Context) {
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	recordCanvas(t, ctx)
	eval[any](t, ctx, `(() => { const b = document.querySelector('#presentation');
		if (b.getAttribute('aria-pressed') !== 'true') b.click(); return true; })()`, patience)
	const orig = "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
	const want = "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
	got := runCell(t, ctx, "import \"nasbook/nb\"\nacc := nb.OpenTable(\"nb201/accuracy-200ep\")\nnb.Show(\""+orig+"\")")
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	first, at := awaitEdited(t, ctx, 0, orig)
	if len(first.Edges) != 6 {
		t.Fatalf("the cell has %d edges' labels, want 6", len(first.Edges))
	}
	before := settledShot(t, ctx)

	// Edge 1 (node 0 to node 2) is none; a click makes it skip_connect.
	ox, oy := canvasOffset(t, ctx)
	e := first.Edges[1]
	click(t, ctx, ox+e[0], oy+e[1], 0)
	edited, at := awaitEdited(t, ctx, at, want)

	nb.Default.Files = nb.NativeFiles()
	c := nb.Cost(want)
	acc := nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")[want]
	figs := strings.Join(edited.Figures, "\n")
	for _, s := range []string{sigfig(float64(c.Params)/1e6) + " M params", sigfig(float64(c.MACs)/1e6) + " M MACs", "cifar10_test " + sigfig(acc)} {
		if !strings.Contains(figs, s) {
			t.Errorf("the figures %q lack %q", figs, s)
		}
	}
	if edited.LabelSize < 18 {
		t.Errorf("the edited cell's labels are %.1f CSS px in Presentation mode, want 18 or more", edited.LabelSize)
	}
	if !strings.Contains(edited.Title, want) {
		t.Errorf("the edited cell is titled %q", edited.Title)
	}
	var share float64
	shotUntil(t, ctx, "the edited cell", nearChange(before, e, &share, func(c float64) bool { return c > 0.01 }))
	saveShot(t, "edit-cell", screenshot(t, ctx))
	if share <= 0.01 {
		t.Errorf("the click changed %.1f%% of the pixels around the edge", 100*share)
	}

	// Undo and redo, from the keyboard of the canvas's frame.
	withCtrl(t, ctx, "z")
	_, at = awaitEdited(t, ctx, at, orig)
	withCtrl(t, ctx, "y")
	_, at = awaitEdited(t, ctx, at, want)

	// The kernel has it: a later cell reads it.
	if got := runCell(t, ctx, "import \"fmt\"\nfmt.Println(nb.Selected())"); got.Error != nil || got.Text != want+"\n" {
		t.Errorf("nb.Selected() printed %q (error %v), want %s", got.Text, got.Error, want)
	}
	if copy := eval[string](t, ctx, `document.querySelector('#canvas-copy').title`, patience); copy != `Copy nb.Parse("nb201", "`+want+`")` {
		t.Errorf("the copy button offers %q", copy)
	}
}

// editFromParetoChart: a point's cell opened from a chart whose axes
// name their metrics, once edited, is a new point of the chart at the
// table's values for the edited architecture.
func editFromParetoChart(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	src := `import "nasbook/nb"
acc := nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")
lat := nb.OpenTable("nb201/latency").ByArch("pixel3")
var pts []nb.Point
for _, a := range []string{` + fmt.Sprintf("%q, %q, %q", paretoArchs[0], paretoArchs[1], paretoArchs[3]) + `} {
	pts = append(pts, nb.Point{X: lat[a], Y: acc[a], Arch: a})
}
nb.ShowChart(nb.Chart{Title: "front", Pareto: true, Points: pts,
	X: nb.Axis{Label: "latency (ms)", Minimize: true, Metric: "pixel3"},
	Y: nb.Axis{Label: "accuracy (%)", Metric: "cifar10_test"}})`
	if got := runCell(t, ctx, src); got.Error != nil {
		t.Fatal(*got.Error)
	}
	chart, at := awaitCanvas(t, ctx, 0, "canvas-drawn", "pareto")
	if len(chart.Points) != 3 {
		t.Fatalf("the chart has %d points", len(chart.Points))
	}
	ox, oy := canvasOffset(t, ctx)
	p := chart.Points[1]
	click(t, ctx, ox+p[0], oy+p[1], 0)
	cell, at := awaitEdited(t, ctx, at, paretoArchs[1])
	// Edge 5 (node 2 to the output) is nor_conv_1x1; Shift-click: the op before, skip_connect.
	e := cell.Edges[5]
	shift := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, Modifiers: 8}
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, shift); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, ox+e[0], oy+e[1], chromedp.ModifierShift)
	shift.Type, shift.Modifiers = input.DispatchKeyEventTypeKeyUp, 0
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, shift); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(paretoArchs[1], "nor_conv_1x1~2", "skip_connect~2", 1)
	_, at = awaitEdited(t, ctx, at, want)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	back, _ := awaitCanvas(t, ctx, at, "canvas-drawn", "pareto")
	if len(back.Points) != 4 {
		t.Fatalf("back on the chart with %d points, want the edited one added", len(back.Points))
	}
	nb.Default.Files = nb.NativeFiles()
	wx := nb.OpenTable("nb201/latency").ByArch("pixel3")[want]
	wy := nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")[want]
	// Place it by the other points' scale: x grows with latency, y with accuracy.
	x0, y0 := back.Points[0], back.Points[2] // the axes may have grown for it
	x0v, x2v := nb.OpenTable("nb201/latency").ByArch("pixel3")[paretoArchs[0]], nb.OpenTable("nb201/latency").ByArch("pixel3")[paretoArchs[3]]
	y0v, y2v := nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")[paretoArchs[0]], nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")[paretoArchs[3]]
	ex := x0[0] + (wx-x0v)/(x2v-x0v)*(y0[0]-x0[0])
	ey := x0[1] + (wy-y0v)/(y2v-y0v)*(y0[1]-x0[1])
	if q := back.Points[3]; abs(q[0]-ex) > 2 || abs(q[1]-ey) > 2 {
		t.Errorf("the edited point is at %v, want (%.1f, %.1f) for %g ms and %g %%", q, ex, ey, wx, wy)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// brushOnChart: a rectangle dragged on a chart's empty space selects
// exactly the points inside it, and the page lists them with their figures.
func brushOnChart(t *testing.T, ctx context.Context) {
	recordCanvas(t, ctx)
	xy := [][2]float64{{14.2, 94.1}, {5.3, 89.8}, {6.0, 85.1}, {9.1, 92.4}, {3.9, 10.0}, {11.5, 90.3}}
	src := "import \"nasbook/nb\"\nnb.ShowPareto(\"Brush\", \"latency (ms)\", \"accuracy (%)\", true, false, []nb.Point{\n"
	for i, a := range paretoArchs {
		src += fmt.Sprintf("\t{X: %g, Y: %g, Arch: %q},\n", xy[i][0], xy[i][1], a)
	}
	src += "})"
	if got := runCell(t, ctx, src); got.Error != nil {
		t.Fatal(*got.Error)
	}
	drawn, at := awaitCanvas(t, ctx, 0, "canvas-drawn", "pareto")
	p := drawn.Points
	// A rectangle around points 1, 2 and 3, from 16 px beyond them.
	lo := [2]float64{min(p[1][0], p[2][0], p[3][0]) - 16, min(p[1][1], p[2][1], p[3][1]) - 16}
	hi := [2]float64{max(p[1][0], p[2][0], p[3][0]) + 16, max(p[1][1], p[2][1], p[3][1]) + 16}
	var want []int
	for i, q := range p {
		if q[0] >= lo[0] && q[0] <= hi[0] && q[1] >= lo[1] && q[1] <= hi[1] {
			want = append(want, i)
		}
		if d := (q[0]-lo[0])*(q[0]-lo[0]) + (q[1]-lo[1])*(q[1]-lo[1]); d < 20*20 {
			t.Fatalf("the drag would start on point %d", i)
		}
	}
	ox, oy := canvasOffset(t, ctx)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, ox+lo[0], oy+lo[1])
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, ox+lo[0], oy+lo[1])
	for k := 1; k <= 4; k++ {
		f := float64(k) / 4
		x, y := lo[0]+f*(hi[0]-lo[0]), lo[1]+f*(hi[1]-lo[1])
		if _, err := chromedp.Run(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, ox+x, oy+y, chromedp.ButtonLeft)); err != nil {
			t.Fatal(err)
		}
		canvasSettled(t, ctx)
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, ox+hi[0], oy+hi[1])
	type brushed struct {
		Indices []int `json:"indices"`
	}
	js := fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const all = window.__canvas;
		for (let i = %d; i < all.length; i++) if (all[i].type === "canvas-brushed") return resolve(all[i]);
		setTimeout(poll, 30); })(); })`, at)
	got := eval[brushed](t, ctx, js, patience)
	if fmt.Sprint(got.Indices) != fmt.Sprint(want) || len(want) < 3 {
		t.Fatalf("brushed %v, want %v", got.Indices, want)
	}
	listed := eval[[]string](t, ctx, `new Promise(resolve => { (function poll() {
		const items = [...document.querySelectorAll('#canvas-brush li')];
		if (items.length) resolve(items.map(li => li.dataset.index + " " + li.textContent)); else setTimeout(poll, 30); })(); })`, patience)
	if len(listed) != len(want) {
		t.Fatalf("the page lists %q, want %d points", listed, len(want))
	}
	for k, i := range want {
		if w := fmt.Sprintf("%d %s — accuracy (%%) %s · latency (ms) %s", i, paretoArchs[i], sigfig(xy[i][1]), sigfig(xy[i][0])); listed[k] != w {
			t.Errorf("list item %d is %q, want %q", k, listed[k], w)
		}
	}

	// Tick two: their cells side by side, the edges in which they differ ringed.
	from := canvasCount(t, ctx)
	eval[bool](t, ctx, `(() => { const boxes = document.querySelectorAll('#canvas-brush li input');
		boxes[0].click(); boxes[1].click(); return true; })()`, patience)
	type compared struct {
		Differ    []int   `json:"differ"`
		LabelSize float64 `json:"labelSize"`
	}
	cmp := eval[compared](t, ctx, fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const all = window.__canvas;
		for (let i = %d; i < all.length; i++) if (all[i].type === "canvas-drawn" && all[i].kind === "compare") return resolve(all[i]);
		setTimeout(poll, 30); })(); })`, from), patience)
	a, b := nb.NB201(paretoArchs[want[0]]), nb.NB201(paretoArchs[want[1]])
	var differ []int
	for k := range a {
		if a[k] != b[k] {
			differ = append(differ, k)
		}
	}
	if fmt.Sprint(cmp.Differ) != fmt.Sprint(differ) {
		t.Errorf("the comparison rings edges %v, want %v", cmp.Differ, differ)
	}
	saveShot(t, "compare", settledShot(t, ctx))
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	awaitCanvas(t, ctx, from, "canvas-drawn", "pareto")
	if n := eval[int](t, ctx, `new Promise(resolve => { (function poll() {
		const n = document.querySelectorAll('#canvas-brush input:checked').length; if (n === 0) resolve(n); else setTimeout(poll, 30); })(); })`, patience); n != 0 {
		t.Errorf("%d points stay ticked after the comparison closed", n)
	}
}
