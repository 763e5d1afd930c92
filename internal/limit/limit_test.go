package limit

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReaderBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int64
		want string
		err  string
	}{
		{"abcdef", 6, "abcdef", ""},
		{"abcdef", 5, "abcde", "in: more than 5 bytes"},
		{"", 1, "", ""},
		{strings.Repeat("x", 3<<10), 2 << 10, strings.Repeat("x", 2<<10), "in: more than 2 KiB"},
	} {
		for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
			got, err := io.ReadAll(&Reader{R: r, What: "in", Bytes: tc.max})
			if string(got) != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("%q, %d: got %q, %v; want %q, %q", tc.in, tc.max, got, err, tc.want, tc.err)
			}
		}
	}
}

func TestReaderLine(t *testing.T) {
	in := "ab\nabcd\n\nabcde\nx"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		got, err := io.ReadAll(&Reader{R: r, What: "t.csv", Line: 4})
		var le *Error
		if !errors.As(err, &le) || le.Line != 4 || err.Error() != "t.csv: line 4 is longer than 4 bytes (is it a text file?)" {
			t.Errorf("err = %v", err)
		}
		if string(got) != "ab\nabcd\n\nabcd" {
			t.Errorf("got %q", got)
		}
	}
	got, err := io.ReadAll(&Reader{R: strings.NewReader(in), Line: 5})
	if err != nil || string(got) != in {
		t.Errorf("line bound 5: %q, %v", got, err)
	}
}

// An endless input without newlines ends at the line bound.
func TestReaderDevZero(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	n, err := io.Copy(io.Discard, &Reader{R: f, What: "/dev/zero", Line: 1 << 20})
	if n != 1<<20 || err == nil || err.Error() != "/dev/zero: line 1 is longer than 1 MiB (is it a text file?)" {
		t.Errorf("%d bytes, %v", n, err)
	}
	if _, err := ReadFile("/dev/zero", 1<<16); err == nil || err.Error() != "/dev/zero: more than 64 KiB" {
		t.Errorf("ReadFile: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(p, 5); err != nil || !bytes.Equal(b, []byte("hello")) {
		t.Errorf("%q, %v", b, err)
	}
	if _, err := ReadFile(p, 4); err == nil || err.Error() != p+": more than 4 bytes" {
		t.Errorf("%v", err)
	}
	if _, err := ReadAll(strings.NewReader("hello"), 4, "x"); err == nil || err.Error() != "x: more than 4 bytes" {
		t.Errorf("%v", err)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short"); got != "short" {
		t.Errorf("%q", got)
	}
	long := strings.Repeat("é", 40) // 80 bytes
	if got := Clip(long); got != strings.Repeat("é", 30)+"..." {
		t.Errorf("%q", got)
	}
}
