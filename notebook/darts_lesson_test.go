package notebook

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nasbook/internal/lessons"
)

// TestDARTSLessonCommits holds the remedy the DARTS lesson applies to its
// longer search on its first search's cell, which the lesson says is the
// same: the cell has pools and skips on two edges or more, and capping them
// at one (Cap(0, 1)) derives another cell with one.
//
// The lesson runs once for the package's tests (dartsLessonRun), which
// TestLessonsRunNatively runs beside the other lessons; the DARTS lesson's
// tests are parallel, so that they find that run done rather than run the
// lesson alone before the others start.
func TestDARTSLessonCommits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the DARTS lesson")
	}
	t.Parallel()
	run := dartsLessonRun(t)
	text := run.text(t, run.capped)
	var free, capped int
	var other bool
	if _, err := fmt.Sscanf(text, "capped: %d parameter-free ops, then %d; another cell: %t", &free, &capped, &other); err != nil || free < 2 || capped != 1 || !other {
		t.Errorf("Cap(0, 1) on the search's cell: %d parameter-free ops, then %d, another cell %v (%v): want 2 or more, then 1, in another cell", free, capped, other, err)
	}
}

// TestDARTSLessonKeepsItsWord holds the whole DARTS lesson (about two
// minutes of CPU, run once with TestDARTSLessonCommits and
// TestLessonsRunNatively) to what its text says (lessons.Check): the first
// search commits, the longer one does not collapse, the remedy and the
// retraining, in the NAS-Bench-201 cell and in DARTS's own.
func TestDARTSLessonKeepsItsWord(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the DARTS lesson")
	}
	t.Parallel()
	run := dartsLessonRun(t)
	for _, p := range lessons.Check("darts.ipynb", run.lessonText(t)) {
		t.Error(p)
	}
}

// dartsLesson is the DARTS lesson as run once for the package's tests: its
// cells, with one added after the first search that caps that search's
// cell (Cap returns a new result: the lesson's later cells see the same r),
// and the indices of the cells the tests read.
type dartsLesson struct {
	nb                                 *Notebook
	search, capped, long, remedy, cell int
	errs                               []string // the lesson's errors, if it failed
}

var dartsLessonOnce = sync.OnceValue(func() *dartsLesson {
	run := &dartsLesson{}
	b, err := os.ReadFile(filepath.Join("..", "assets", "notebooks", "darts.ipynb"))
	if err == nil {
		run.nb, err = Read(strings.NewReader(string(b)))
	}
	if err != nil {
		run.errs = []string{err.Error()}
		return run
	}
	run.search = -1
	for i, c := range run.nb.Cells {
		if c.CellType == "code" && strings.Contains(string(c.Source), "nb.DARTS(search)") {
			run.search = i
			break
		}
	}
	if run.search < 0 {
		run.errs = []string{"no cell runs nb.DARTS(search)"}
		return run
	}
	run.capped = run.search + 1
	run.nb.Cells = slices.Insert(run.nb.Cells, run.capped, Cell{CellType: "code", Source: Text(`c := r.Cap(0, 1)
fmt.Printf("capped: %d parameter-free ops, then %d; another cell: %v\n", r.ParamFree, c.ParamFree, c.Genotype != r.Genotype)`)})
	run.long, run.remedy, run.cell = -1, -1, -1
	for i, c := range run.nb.Cells {
		switch {
		case strings.Contains(string(c.Source), "nb.DARTS(long)"):
			run.long = i
		case strings.Contains(string(c.Source), "rl.Cap(0, 1)"):
			run.remedy = i
		case strings.Contains(string(c.Source), "nb.DARTS(cell)"):
			run.cell = i
		}
	}
	if run.long < 0 || run.remedy < 0 || run.cell < 0 {
		run.errs = []string{"no cell runs nb.DARTS(long), rl.Cap(0, 1) or nb.DARTS(cell)"}
		return run
	}
	// A loaded machine runs the searches several times slower than on an
	// idle one.
	failed, err := Execute(run.nb, ExecOptions{Timeout: 30 * time.Minute})
	if err != nil || failed > 0 {
		for _, c := range run.nb.Cells {
			for _, o := range c.Outputs {
				if o.OutputType == "error" {
					run.errs = append(run.errs, o.PlainText())
				}
			}
		}
		run.errs = append(run.errs, fmt.Sprintf("%d cells failed (%v)", failed, err))
	}
	return run
})

// lessonText returns what the lesson's own cells printed, without the
// cell the tests add.
func (run *dartsLesson) lessonText(t *testing.T) string {
	var cells []int
	for i := range run.nb.Cells {
		if i != run.capped {
			cells = append(cells, i)
		}
	}
	return run.text(t, cells...)
}

// dartsLessonRun returns the DARTS lesson's run, running it the first time,
// and fails the test if the lesson failed.
func dartsLessonRun(t *testing.T) *dartsLesson {
	t.Helper()
	run := dartsLessonOnce()
	if len(run.errs) > 0 {
		t.Fatal(strings.Join(run.errs, "\n"))
	}
	return run
}

// text returns what the given cells (all of them when none is given)
// printed, and logs it.
func (run *dartsLesson) text(t *testing.T, cells ...int) string {
	t.Helper()
	if len(cells) == 0 {
		for i := range run.nb.Cells {
			cells = append(cells, i)
		}
	}
	text := ""
	for _, i := range cells {
		for _, o := range run.nb.Cells[i].Outputs {
			text += o.PlainText()
		}
	}
	t.Log(text)
	return text
}
