package e2e

import (
	"context"
	"strings"
	"testing"
)

// everySpaceInTheBrowser: a cell samples, mutates, draws and costs an
// architecture of each built-in space, and the canvas draws each.
func everySpaceInTheBrowser(t *testing.T, ctx context.Context) {
	eval[any](t, ctx, `(window.__kinds = [], window.addEventListener('message', e => {
		if (e.data && e.data.type === 'canvas-drawn') window.__kinds.push(e.data.kind + ":" + (e.data.title || "")); }), true)`, patience)
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
	kinds, err := evalErr[[]string](ctx, `new Promise(resolve => { (function poll() {
		if (window.__kinds.length >= 1) resolve(window.__kinds); else setTimeout(poll, 100); })(); })`, patience)
	if err != nil {
		t.Errorf("the canvas drew nothing: %v", err)
	}
	t.Logf("canvas drew: %v\n%s", kinds, got.Text)
}
