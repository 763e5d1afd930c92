package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"
)

// A meter shows on standard error how far a long piece of work has come: a
// bar, a count and an estimate of the time left. On a terminal it redraws one
// line in place; to a file or a pipe it writes a plain line now and then. It
// stays silent for work that ends within its first second, and entirely
// with -q. Its methods may be called from several goroutines.
type meter struct {
	w     io.Writer
	tty   bool
	quiet bool
	label string
	now   func() time.Time

	mu        sync.Mutex
	start     time.Time
	last      time.Time // of the last drawing
	frac      float64   // done, in [0, 1]; negative: unknown
	status    string    // the count, e.g. "12/20 archs"
	drawn     bool      // tty: the bar is on the screen
	lines     bool      // a line was written (the work was long enough to show)
	finished  bool
	plainNext time.Time // no tty: when the next plain line is due
}

// The meter's pacing: nothing before quietFor, then on a terminal at most one
// redraw per redrawEvery, elsewhere one line per lineEvery.
const (
	quietFor    = time.Second
	redrawEvery = 100 * time.Millisecond
	lineEvery   = 10 * time.Second
	barWidth    = 24
)

// newMeter returns a meter writing to standard error.
func newMeter(label string, quiet bool) *meter {
	return &meter{w: os.Stderr, tty: isTerminal(os.Stderr), quiet: quiet, label: label, now: time.Now, start: time.Now(), frac: -1}
}

// Update records that frac of the work is done (negative: unknown) and
// describes the count, then redraws if it is time to.
func (m *meter) Update(frac float64, status string) {
	if m == nil || m.quiet {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frac, m.status = min(frac, 1), status
	now := m.now()
	if now.Sub(m.start) < quietFor {
		return
	}
	if m.tty {
		if !m.drawn || now.Sub(m.last) >= redrawEvery {
			m.draw(now)
		}
		return
	}
	if m.frac < 1 && (m.plainNext.IsZero() || !now.Before(m.plainNext)) { // Finish writes the last line
		m.plainNext = now.Add(lineEvery)
		m.draw(now)
	}
}

// Count is Update for done of total items called unit.
func (m *meter) Count(done, total int, unit string) {
	f := -1.0
	if total > 0 {
		f = float64(done) / float64(total)
	}
	m.Update(f, fmt.Sprintf("%d/%d %s", done, total, unit))
}

// Printf writes a line to standard error above the bar.
func (m *meter) Printf(format string, args ...any) {
	if m == nil {
		fmt.Fprintf(os.Stderr, format, args...)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	fmt.Fprintf(m.w, format, args...)
	if m.drawn = false; m.tty && m.lines && !m.finished {
		m.draw(m.now())
	}
}

// Clear takes the bar off the terminal, so that another line may be written
// to the screen; the next Update draws it again.
func (m *meter) Clear() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
}

func (m *meter) clear() {
	if m.tty && m.drawn {
		fmt.Fprint(m.w, "\r\033[K")
		m.drawn = false
	}
}

// Finish ends the meter: if it showed anything, its last state stays on
// its own line, with the time the work took.
func (m *meter) Finish() {
	if m == nil || m.quiet {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.finished {
		return
	}
	m.finished = true
	if !m.lines {
		return
	}
	m.clear()
	fmt.Fprintf(m.w, "%s: %s done in %s\n", m.label, m.status, roundDuration(m.now().Sub(m.start)))
}

func (m *meter) draw(now time.Time) {
	m.last, m.lines = now, true
	left := ""
	if m.frac > 0 && m.frac < 1 {
		el := now.Sub(m.start)
		left = roundDuration(time.Duration(float64(el)*(1-m.frac)/m.frac)) + " left"
	}
	if !m.tty {
		pct := ""
		if m.frac >= 0 {
			pct = fmt.Sprintf(" (%.0f%%)", 100*m.frac)
		}
		if left != "" {
			left = ", " + left
		}
		fmt.Fprintf(m.w, "%s: %s%s%s\n", m.label, m.status, pct, left)
		return
	}
	bar := strings.Repeat("·", barWidth)
	if m.frac >= 0 {
		n := int(math.Round(m.frac * barWidth))
		bar = strings.Repeat("█", n) + strings.Repeat("·", barWidth-n)
	}
	fmt.Fprintf(m.w, "\r\033[K%s %s %s  %s", m.label, bar, m.status, left)
	m.drawn = true
}

// roundDuration writes d as 42s, 3m05s or 1h02m.
func roundDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
