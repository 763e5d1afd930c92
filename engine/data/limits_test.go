package data

import (
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
)

// endless is an input that never ends: the bytes of unit, repeated.
type endless struct {
	unit string
	at   int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.unit[e.at%len(e.unit)]
		e.at++
	}
	return len(p), nil
}

// gzipped streams the gzip compression of n bytes of r, compressing as it
// is read, so that a test can hand a reader a gzip bomb without holding it.
func gzipped(r io.Reader, n int64) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		zw, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
		_, err := io.CopyN(zw, r, n)
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// Readers of files stop at their bounds with an error that names them, in
// bounded time, whatever the input: /dev/zero, a line without end, a gzip
// bomb, a row of a million columns.
func TestReadersStopAtBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func() error
		want string
	}{
		{"csv of NUL bytes", func() error { _, err := ReadCSV(&endless{unit: "\x00"}, CSVConfig{}); return err },
			"data: csv: line 1 is longer than 1 MiB (is it a text file?)"},
		{"csv line without end", func() error {
			_, err := ReadCSV(io.MultiReader(strings.NewReader("a,b\n1,2\n"), &endless{unit: "1,"}), CSVConfig{})
			return err
		}, "data: csv: line 3 is longer than 1 MiB (is it a text file?)"},
		{"csv columns", func() error {
			_, err := ReadCSV(strings.NewReader(strings.Repeat("1,", MaxCSVColumns)+"0\n"), CSVConfig{})
			return err
		}, "data: csv line 1: 65537 fields, more than 65536"},
		{"cifar gzip bomb", func() error {
			_, err := ReadCIFAR(gzipped(&endless{unit: "\x00"}, 1<<40), CIFARConfig{})
			return err
		}, "data: cifar10: more than 87381 records of 3073 bytes (268521813 bytes), the most a file may hold"},
		{"cifar endless", func() error { _, err := ReadCIFAR(&endless{unit: "\x01"}, CIFARConfig{Hundred: true}); return err },
			"data: cifar100: more than 87381 records of 3074 bytes (268609194 bytes), the most a file may hold"},
		{"idx gzip bomb", func() error {
			head := idxBytes(IDXUint8, []int{4}, make([]byte, 4))
			_, err := ReadIDX(gzipped(io.MultiReader(strings.NewReader(string(head)), &endless{unit: "\x00"}), 1<<40))
			return err
		}, "data: idx: bytes after the last item at offset 12"},
	} {
		if testing.Short() && strings.Contains(tc.name, "cifar") {
			continue // a few hundred megabytes each
		}
		start := time.Now()
		err := tc.read()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		t.Logf("%s: %v", tc.name, time.Since(start))
	}
}
