package tables

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// reference is NAS-Bench-201's reference tables beside the project: the
// oracle the shipped copies are held to.
const reference = "../../shared/data/nb201"

func readCSV(t *testing.T, name string, r io.Reader) [][]string {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows
}

// TestCopiesEqualReference holds every shipped value (every column the copy
// keeps, every row, in order) equal, as text, to the reference table it was
// cut from.
func TestCopiesEqualReference(t *testing.T) {
	if _, err := os.Stat(reference); err != nil {
		t.Skipf("no reference tables at %s", reference)
	}
	for _, info := range List {
		t.Run(info.Name, func(t *testing.T) {
			f, err := Open(Files(), info)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := readCSV(t, info.File, f)
			rf, err := os.Open(filepath.Join(reference, info.Reference))
			if err != nil {
				t.Fatal(err)
			}
			defer rf.Close()
			want := readCSV(t, info.Reference, rf)
			if len(got) != len(want) {
				t.Fatalf("%d rows, the reference has %d", len(got), len(want))
			}
			cols := make([]int, len(got[0]))
			for i, h := range got[0] {
				if cols[i] = slices.Index(want[0], h); cols[i] < 0 {
					t.Fatalf("column %q is not in the reference's %v", h, want[0])
				}
			}
			for _, c := range []string{"index", "arch"} {
				if !slices.Contains(got[0], c) {
					t.Fatalf("no %s column in %v", c, got[0])
				}
			}
			for r := 1; r < len(got); r++ {
				for i, c := range cols {
					if got[r][i] != want[r][c] {
						t.Fatalf("line %d, column %s: %q, the reference has %q", r+1, got[0][i], got[r][i], want[r][c])
					}
				}
			}
		})
	}
}

func TestFind(t *testing.T) {
	if _, err := Find("nb201/latency"); err != nil {
		t.Fatal(err)
	}
	_, err := Find("nb201/cifar10")
	if err == nil {
		t.Fatal("an unknown name opened")
	}
	for _, n := range Names() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("the error %q does not list %s", err, n)
		}
	}
}

// TestEveryFileShipped checks that List and the folder agree, and that each
// file is named in the notice with its licence.
func TestEveryFileShipped(t *testing.T) {
	notice, err := os.ReadFile("nb201/NOTICE.md")
	if err != nil {
		t.Fatal(err)
	}
	csvs, _ := filepath.Glob("nb201/*.csv")
	if len(csvs) != len(List) {
		t.Errorf("%d CSV files in nb201, %d tables listed", len(csvs), len(List))
	}
	for _, info := range List {
		if !slices.Contains(csvs, filepath.FromSlash(info.File)) {
			t.Errorf("%s: no file %s", info.Name, info.File)
		}
		if !strings.Contains(string(notice), filepath.Base(info.File)) {
			t.Errorf("NOTICE.md does not name %s", info.File)
		}
	}
}

// TestOpenGzip reads the compressed form the page's build writes.
func TestOpenGzip(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("index,arch,x\n0,a,1\n"))
	zw.Close()
	info := List[0]
	for name, fsys := range map[string]fstest.MapFS{
		"gzip":  {info.File + ".gz": {Data: gz.Bytes()}},
		"plain": {info.File: {Data: []byte("index,arch,x\n0,a,1\n")}},
	} {
		f, err := Open(fsys, info)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil || string(b) != "index,arch,x\n0,a,1\n" {
			t.Errorf("%s: read %q, %v", name, b, err)
		}
	}
	if _, err := Open(fstest.MapFS{}, info); err == nil || !strings.Contains(err.Error(), info.Name) {
		t.Errorf("a missing file: %v", err)
	}
}
