// Package limit bounds what the readers of user input take in, so that no
// file, however large or malformed, makes them allocate without end: a
// Reader stops at a byte budget and at an over-long line (/dev/zero is one
// endless line), and ReadAll and ReadFile read a whole input up to a bound.
//
// The bounds themselves are chosen by each reader and documented beside it
// (data.MaxCSVLine, notebook.MaxBytes, spec.MaxBytes, ...); this package
// only enforces them and words the error: an *Error names the input, the
// bound, and for a line bound the line.
package limit

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// Error reports an input over a bound.
type Error struct {
	What  string // the input, e.g. "csv" or a file name
	Line  int    // the line over Limit bytes, counted from 1; 0 for a size bound
	Limit int64  // the bound, in bytes
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d is longer than %s (is it a text file?)", e.What, e.Line, Bytes(e.Limit))
	}
	return fmt.Sprintf("%s: more than %s", e.What, Bytes(e.Limit))
}

// Bytes writes a byte count the way the bounds are documented: in KiB, MiB
// or GiB when it is a whole number of them.
func Bytes(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// Reader reads from R and fails with an *Error once more than Bytes bytes
// arrive, or a line (bytes up to '\n') longer than Line bytes. A zero bound
// is no bound. The bytes before the fault are returned with the error.
type Reader struct {
	R     io.Reader
	What  string // names the input in errors
	Bytes int64
	Line  int

	n    int64 // bytes passed on
	line int   // current line, from 0
	col  int   // bytes of the current line so far
	err  error
}

func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.Bytes > 0 && int64(len(p)) > r.Bytes-r.n+1 {
		// Read one byte past the budget to tell "exactly Bytes" from "more".
		p = p[:r.Bytes-r.n+1]
	}
	n, err := r.R.Read(p)
	if r.Bytes > 0 && r.n+int64(n) > r.Bytes {
		n = int(r.Bytes - r.n)
		r.err = &Error{What: r.What, Limit: r.Bytes}
	}
	if r.Line > 0 {
		for i, c := range p[:n] {
			if c == '\n' {
				r.line++
				r.col = 0
				continue
			}
			if r.col++; r.col > r.Line {
				n = i
				r.err = &Error{What: r.What, Line: r.line + 1, Limit: int64(r.Line)}
				break
			}
		}
	}
	r.n += int64(n)
	if r.err != nil {
		return n, r.err
	}
	return n, err
}

// ReadAll reads r to its end, failing with an *Error past max bytes.
func ReadAll(r io.Reader, max int64, what string) ([]byte, error) {
	return io.ReadAll(&Reader{R: r, What: what, Bytes: max})
}

// ReadFile reads the file at path, failing with an *Error past max bytes
// (it reads no more than max+1 of a device such as /dev/zero).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= max {
		b.Grow(int(fi.Size()) + 1)
	}
	_, err = b.ReadFrom(&Reader{R: f, What: path, Bytes: max})
	return b.Bytes(), err
}

// Clip shortens s for an error message: at most 60 bytes of it, cut at a
// rune boundary, followed by "..." when cut.
func Clip(s string) string {
	const n = 60
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
