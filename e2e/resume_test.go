package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// searchCell is a search of five runs that takes seconds, with a
// Checkpoint; resume runs the same search with nb.Resume.
const searchCell = `import (
	"fmt"
	"time"

	"nasbook/nb"
)

cfg := nb.SearchConfig{Strategy: "re", Budget: 40, Seeds: 8, Quiet: true, Checkpoint: "%s",
	Score: func(a nb.Arch) float64 {
		time.Sleep(30 * time.Millisecond)
		return float64(len(a.Text)%%13) + float64(a.Choices[0]*a.Choices[3])
	}}
`

// A search with a Checkpoint stopped mid-way (Stop restarts the kernel) and
// the page then reloaded goes on with nb.Resume to exactly the result of an
// uninterrupted run: the page keeps the state the search saved as it went
// and hands it to the new kernel.
func TestSearchSurvivesStopAndReload(t *testing.T) {
	ctx := page(t)
	cell := func(name, then string) string { return fmt.Sprintf(searchCell, name) + then }
	b, _ := json.Marshal(cell("stopped", "fmt.Println(nb.Search(cfg).Runs)"))
	eval[any](t, ctx, `(window.__search = window.nasbook.runCell(`+string(b)+`), true)`, patience)
	// Stop it once the page holds a state with a run or two done.
	eval[any](t, ctx, `new Promise(resolve => { (function poll() {
		let runs = 0;
		try { runs = JSON.parse(JSON.parse(sessionStorage.getItem("nasbook.searches") || "{}").stopped || "{}").runs?.length || 0; } catch {}
		if (runs >= 1) resolve(true); else setTimeout(poll, 20); })(); })`, patience)
	eval[any](t, ctx, `(document.querySelector('#stop').click(), true)`, time.Second)
	if r := eval[cellResult](t, ctx, `window.__search`, patience); r.Error == nil || !strings.Contains(*r.Error, "Stopped") {
		t.Fatalf("the search was not stopped: text %q, error %v", r.Text, deref(r.Error))
	}
	if _, err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	eval[any](t, ctx, `window.nasbook.ready()`, patience)
	resumed := runCell(t, ctx, cell("stopped", "fmt.Println(nb.Resume(cfg).Runs)"))
	whole := runCell(t, ctx, cell("", "fmt.Println(nb.Search(cfg).Runs)"))
	if resumed.Error != nil || whole.Error != nil || resumed.Text != whole.Text || !strings.Contains(whole.Text, "|") {
		t.Errorf("resumed after Stop and a reload: %q (error %v)\nuninterrupted: %q (error %v)", resumed.Text, deref(resumed.Error), whole.Text, deref(whole.Error))
	}
}
