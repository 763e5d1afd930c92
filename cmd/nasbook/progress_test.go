package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func testMeter(tty bool) (*meter, *bytes.Buffer, *fakeClock) {
	var b bytes.Buffer
	c := &fakeClock{t: time.Unix(1e9, 0)}
	return &meter{w: &b, tty: tty, label: "score", now: c.now, start: c.now(), frac: -1}, &b, c
}

// Without a terminal the meter writes a plain line at most every 10 s, with
// the count and the time left, and a last line saying how long it took; work
// done within a second shows nothing.
func TestMeterPlainLines(t *testing.T) {
	m, b, c := testMeter(false)
	m.Count(0, 20, "architectures")
	c.advance(500 * time.Millisecond)
	m.Count(1, 20, "architectures")
	if b.Len() != 0 {
		t.Fatalf("wrote within the first second: %q", b.String())
	}
	c.advance(4500 * time.Millisecond) // 5 s, 1 done: 95 s left
	m.Count(1, 20, "architectures")
	c.advance(5 * time.Second)
	m.Count(2, 20, "architectures") // within 10 s of the last line
	c.advance(5 * time.Second)
	m.Count(3, 20, "architectures") // 15 s, 3 done: 85 s left
	c.advance(85 * time.Second)
	m.Count(20, 20, "architectures")
	m.Finish()
	m.Finish()
	want := "score: 1/20 architectures (5%), 1m35s left\n" +
		"score: 3/20 architectures (15%), 1m25s left\n" +
		"score: 20/20 architectures done in 1m40s\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// On a terminal the meter redraws one line in place (carriage return, erase
// line) at most every 100 ms, takes itself off for other lines, and ends on
// a line of its own.
func TestMeterTerminal(t *testing.T) {
	m, b, c := testMeter(true)
	c.advance(2 * time.Second)
	m.Update(0.5, "epoch 5/10")
	c.advance(50 * time.Millisecond)
	m.Update(0.6, "epoch 6/10") // too soon to redraw
	if n := strings.Count(b.String(), "\r\033[K"); n != 1 {
		t.Fatalf("%d drawings: %q", n, b.String())
	}
	if !strings.Contains(b.String(), "score ████████████············ epoch 5/10  2s left") {
		t.Errorf("bar: %q", b.String())
	}
	b.Reset()
	m.Printf("epoch %d done\n", 6)
	if b.String() != "\r\033[Kepoch 6 done\n\r\033[Kscore ██████████████·········· epoch 6/10  1s left" {
		t.Errorf("line above the bar: %q", b.String())
	}
	b.Reset()
	c.advance(time.Second)
	m.Finish()
	if b.String() != "\r\033[Kscore: epoch 6/10 done in 3s\n" {
		t.Errorf("finish: %q", b.String())
	}
}

// -q silences the meter; a nil meter is a no-op.
func TestMeterQuiet(t *testing.T) {
	m, b, c := testMeter(false)
	m.quiet = true
	c.advance(time.Minute)
	m.Count(1, 2, "runs")
	m.Finish()
	var nilMeter *meter
	nilMeter.Update(0.5, "x")
	nilMeter.Finish()
	if b.Len() != 0 {
		t.Errorf("quiet meter wrote %q", b.String())
	}
}

func TestRoundDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 1499 * time.Millisecond: "1s", 65 * time.Second: "1m05s", 3725 * time.Second: "1h02m"} {
		if got := roundDuration(d); got != want {
			t.Errorf("roundDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
