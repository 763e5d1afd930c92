// Package browser starts headless Chromium for the end-to-end tests and the
// browser benchmarks, with the flags this project needs: software WebGL for
// the ebiten canvas, and no background networking (the machines that run the
// tests may have no network at all).
package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// ErrNotFound is returned by Path when no Chromium is installed.
var ErrNotFound = errors.New("browser: no Chromium found (install Debian's chromium package, or set CHROMIUM)")

// Path returns the Chromium binary: $CHROMIUM, or chromium (or
// chromium-browser, google-chrome) on the PATH.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// New starts a headless Chromium with a fresh profile in userDataDir and
// returns a chromedp context for its first tab; cancel ends the browser.
func New(exe, userDataDir string) (ctx context.Context, cancel context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		// WebGL in software, for the ebiten canvas.
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1400, 1000),
		chromedp.UserDataDir(userDataDir),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	return ctx, func() { cancelCtx(); cancelAlloc() }
}

// Eval evaluates a JavaScript expression in the page, awaiting it if it is a
// promise, and decodes its value into T.
func Eval[T any](ctx context.Context, js string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](`(async () => (`+js+`))()`, chromedp.EvalAwaitPromise))
}
