package notebook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nasbook/internal/lessons"
)

// TestLessonsRunNatively runs every lesson notebook of the page natively, as
// `nasbook run` does, with nothing uploaded (the benchmark tables the
// lessons read ship with nasbook), and holds each to what its text says of
// its results where internal/lessons says what that is.
func TestLessonsRunNatively(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every lesson")
	}
	files, _ := filepath.Glob(filepath.Join("..", "assets", "notebooks", "*.ipynb"))
	if len(files) < 5 {
		t.Fatalf("%d lessons", len(files))
	}
	// The lessons run in parallel: each one's engine code runs on one core,
	// and the DARTS lesson, first in the list, takes about as long as the
	// others together.
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// A lesson may offer to read an upload, and runs without one.
			if strings.Contains(string(b), "UploadedFile") && !strings.Contains(string(b), "nb.Uploads()") {
				t.Fatal("a lesson asks for an uploaded file without checking that there is one")
			}
			if filepath.Base(f) == "darts.ipynb" {
				// Run once for this test and the DARTS lesson's own, which
				// hold it to lessons.Check.
				start := time.Now()
				dartsLessonRun(t)
				t.Logf("ran in %.1f s (or before, for the DARTS lesson's tests)", time.Since(start).Seconds())
				return
			}
			nb, err := Read(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			// A cell's deadline is for a hung cell: a busy machine may take
			// many times the minute or so the longest cell takes alone.
			failed, err := Execute(nb, ExecOptions{Timeout: 20 * time.Minute})
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
			var text strings.Builder
			for _, c := range nb.Cells {
				for _, o := range c.Outputs {
					text.WriteString(o.PlainText())
				}
			}
			for _, p := range lessons.Check(filepath.Base(f), text.String()) {
				t.Error(p)
			}
		})
	}
}
