package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// recordViolations makes every document of the page (the notebook and the
// canvas iframe) keep the Content-Security-Policy violations it sees in
// window.top.__csp, and returns the console lines about the policy.
func recordViolations(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var console []string
	err := chromedp.Listen(ctx, func(ev any) {
		var text string
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			text = ev.Entry.Text
		case *runtime.EventConsoleAPICalled:
			for _, a := range ev.Args {
				text += " " + string(a.Value) + a.Description
			}
		case *runtime.EventExceptionThrown:
			text = ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				text += " " + ev.ExceptionDetails.Exception.Description
			}
		}
		if strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Content-Security-Policy") {
			mu.Lock()
			console = append(console, text)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	const listen = `addEventListener("securitypolicyviolation", (e) => {
		const top = window.top;
		(top.__csp ||= []).push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in " + location.pathname +
			" at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
	});`
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: listen})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), console...)
	}
}

// contentSecurityPolicy, on a page opened under the server's policy, runs
// the default notebook (the canvas draws, the figure worker makes a
// figure), reads MNIST, scores architectures in the pool of workers and
// draws on the canvas again (TestPageUnderItsPolicy fails it on any
// violation of the policy).
func contentSecurityPolicy(t *testing.T, ctx context.Context) {
	if testing.Short() {
		t.Skip("runs the default notebook and the pool in the browser")
	}
	recordCanvas(t, ctx)

	eval[any](t, ctx, `window.nasbook.runAll()`, 5*time.Minute)
	for i, c := range eval[[]cellState](t, ctx, `window.nasbook.cells()`, patience) {
		if c.Type == "code" && (c.State != "done" || c.Error != nil) {
			t.Errorf("default notebook cell %d: state %s, error %s", i+1, c.State, deref(c.Error))
		}
	}
	if msg, _ := awaitCanvas(t, ctx, 0, "canvas-drawn", "cell"); msg.Kind != "cell" {
		t.Errorf("canvas drew %+v, want a cell", msg)
	}
	if _, err := evalErr[int](ctx, `new Promise(resolve => { (function poll() {
		const n = document.querySelectorAll('.output img[src^="data:image/svg"]').length;
		if (n > 0) resolve(n); else setTimeout(poll, 100); })(); })`, patience); err != nil {
		t.Errorf("no figure after running the default notebook: %v", err)
	}

	at := eval[int](t, ctx, `window.__canvas.length`, patience)
	for _, src := range []string{
		"import \"nasbook/nb\"\nd := nb.MNIST(7)\nd",
		"import (\"fmt\"; \"nasbook/nb\")\ns := nb.Proxies(nb.SampleNB201(2, 1), \"synflow\")\nfmt.Println(len(s.Column(\"synflow\")), \"scored\")",
		"import \"nasbook/nb\"\nnb.Show(\"|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_1x1~2|\")",
	} {
		r := eval[cellResult](t, ctx, `window.nasbook.runCell(`+jsString(src)+`)`, 3*time.Minute)
		if r.Error != nil || strings.TrimSpace(r.Text) == "" {
			t.Errorf("%s: printed %q, error %s", src, r.Text, deref(r.Error))
		}
		t.Logf("%s\n-> %s", src, strings.TrimSpace(r.Text))
	}
	awaitCanvas(t, ctx, at, "canvas-drawn", "cell")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
