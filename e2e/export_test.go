package e2e

import (
	"bytes"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"nasbook/engine/build"
	"nasbook/engine/export"
	"nasbook/nb"
)

// exportDownloads trains a small MNIST model in a cell, exports it, and
// downloads both files from the page's links: the Python module, and the
// weights, which load into the same network built natively.
func exportDownloads(t *testing.T, ctx context.Context) {
	dir := t.TempDir()
	allow := cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, allow); err != nil {
		t.Fatal(err)
	}
	got := runCell(t, ctx, `import "nasbook/nb"
res := nb.Train(nb.Sequential(nb.Conv(4, 3), nb.BatchNorm(), nb.ReLU(), nb.MaxPool(2), nb.Flatten(), nb.Dense(10)),
	nb.MNIST(14), nb.TrainConfig{Epochs: 1, Quiet: true})
nb.Export(res, "pytorch")`)
	if got.Error != nil || !strings.Contains(got.Text, "model.safetensors") {
		t.Fatalf("the cell printed %q, error %v", got.Text, deref(got.Error))
	}
	for _, name := range []string{"model.py", "model.safetensors"} {
		sel := `a.output-file[download="` + name + `"]`
		if _, err := chromedp.Run(ctx, chromedp.Click(sel)); err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
	}
	// Wait for both files, whole (Chromium writes a .crdownload first).
	deadline := time.Now().Add(patience)
	var py, weights []byte
	for {
		py, _ = os.ReadFile(filepath.Join(dir, "model.py"))
		weights, _ = os.ReadFile(filepath.Join(dir, "model.safetensors"))
		if bytes.Contains(py, []byte(`if __name__ == "__main__":`)) && len(weights) > 8 {
			if err := loadsInto(weights); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("the downloaded weights do not load: %v", err)
			}
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("downloads not there after %v: %v", patience, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !bytes.Contains(py, []byte("class Net(nn.Module):")) {
		t.Errorf("model.py:\n%s", py)
	}
}

// loadsInto loads weights into the cell's network built natively.
func loadsInto(weights []byte) error {
	s, err := nb.Sequential(nb.Conv(4, 3), nb.BatchNorm(), nb.ReLU(), nb.MaxPool(2), nb.Flatten(), nb.Dense(10)).Spec(1, 14, 14, 10)
	if err != nil {
		return err
	}
	net, err := build.Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		return err
	}
	return export.LoadWeights(net, weights)
}
