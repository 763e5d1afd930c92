package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestEverySpaceInTheBrowser: a cell samples, mutates, draws and costs an
// architecture of each built-in space, and the canvas draws each.
func TestEverySpaceInTheBrowser(t *testing.T) {
	ctx := page(t)
	eval[any](t, ctx, `(window.__kinds = [], window.addEventListener('message', e => {
		if (e.data && e.data.type === 'canvas-drawn') window.__kinds.push(e.data.kind + ":" + (e.data.title || "")); }), true)`, 5*time.Second)
	got := runCell(t, ctx, `import (
	"fmt"
	"nasbook/nb"
)
for _, name := range []string{"nb201", "darts", "mobilenet", "transformer"} {
	sp := nb.Space(name)
	a := nb.Sample(sp, 1)
	b := nb.Mutate(a, 2)
	c := nb.Cost(b)
	fmt.Printf("%s: mutated %v, %d params\n", name, a.Text != b.Text, c.Params)
	nb.Show(b)
}`)
	if got.Error != nil {
		t.Fatal(*got.Error)
	}
	for _, name := range []string{"nb201", "darts", "mobilenet", "transformer"} {
		if !strings.Contains(got.Text, name+": mutated true, ") {
			t.Errorf("no line for %s in %q", name, got.Text)
		}
	}
	kinds := eval[[]string](t, ctx, `new Promise(resolve => { const t0 = Date.now(); (function poll() {
		if (window.__kinds.length >= 1 || Date.now() - t0 > 20000) resolve(window.__kinds); else setTimeout(poll, 100); })(); })`, 30*time.Second)
	t.Logf("canvas drew: %v\n%s", kinds, got.Text)
	if len(kinds) == 0 {
		t.Error("the canvas drew nothing")
	}
}
