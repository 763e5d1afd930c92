package notebook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLessonsRunNatively runs every lesson notebook of the page natively, as
// `nasbook run` does, with the NAS-Bench-201 tables that lessons ask the
// user to upload given as uploads (they are read from ../shared/data/nb201;
// lessons that need them are skipped where that folder is absent).
func TestLessonsRunNatively(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every lesson")
	}
	// The tables, where ../shared is there; lessons that need them skip below.
	tables := filepath.Join("..", "..", "shared", "data", "nb201")
	uploads := map[string][]byte{}
	for _, name := range []string{"accuracy-200ep.csv", "latency-help-ms.csv"} {
		if b, err := os.ReadFile(filepath.Join(tables, name)); err == nil {
			uploads[name] = b
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "assets", "notebooks", "*.ipynb"))
	if len(files) < 5 {
		t.Fatalf("%d lessons", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "UploadedFile") && len(uploads) < 2 {
				t.Skipf("needs the tables of %s", tables)
			}
			nb, err := Read(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			// A cell's deadline is for a hung cell: a busy machine may take
			// many times the minute or so the longest cell takes alone.
			failed, err := Execute(nb, ExecOptions{Uploads: uploads, Timeout: 20 * time.Minute})
			if err != nil || failed > 0 {
				for _, c := range nb.Cells {
					for _, o := range c.Outputs {
						if o.OutputType == "error" {
							t.Errorf("%s", o.PlainText())
						}
					}
				}
				t.Fatalf("%d cells failed (%v)", failed, err)
			}
			t.Logf("ran in %.1f s", time.Since(start).Seconds())
		})
	}
}
