package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCompressCache: a second compression of the same bytes at the same
// quality is read from the cache, a copy that does not decompress to the
// bytes is made again, and the cache keeps to its limit, dropping the
// least recently used copies first.
func TestCompressCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dir := cacheDir()
	raw := []byte(strings.Repeat("the same bytes, compressed once; ", 2000))
	first, err := compressCached(raw, 5)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := compressBytes(raw, 5)
	for i := range want {
		if !bytes.Equal(first[i], want[i]) {
			t.Fatalf("copy %d differs from compressBytes'", i)
		}
	}
	cached, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(cached) != 2 {
		t.Fatalf("the cache holds %v, want a brotli and a gzip copy", cached)
	}
	// A cached copy is what a second compression returns: mark it.
	br := cached[0]
	if !strings.Contains(br, ".br5") {
		br = cached[1]
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(br, old, old)
	if _, err := compressCached(raw, 5); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(br); !st.ModTime().After(old) {
		t.Error("a hit did not mark the cached copy as used")
	}
	// Another quality is another copy.
	if _, err := compressCached(raw, 6); err != nil {
		t.Fatal(err)
	}
	if n, _ := filepath.Glob(filepath.Join(dir, "*", "*")); len(n) != 3 {
		t.Errorf("the cache holds %d files after a second quality, want 3", len(n))
	}
	// A damaged copy is not served.
	if err := os.WriteFile(br, []byte("not brotli"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := compressCached(raw, 5)
	if err != nil || !bytes.Equal(got[0], want[0]) {
		t.Errorf("a damaged cached copy came back (%v)", err)
	}
	if b, _ := os.ReadFile(br); !bytes.Equal(b, want[0]) {
		t.Error("the damaged copy was not replaced")
	}
	// Pruning drops the least recently used first.
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	var total int64
	for i, f := range files {
		at := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(f, at, at)
		st, _ := os.Stat(f)
		total += st.Size()
	}
	last, _ := os.Stat(files[len(files)-1])
	pruneCache(dir, last.Size())
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(left) != 1 || left[0] != files[len(files)-1] {
		t.Errorf("pruning %d bytes to %d left %v, want only the last used, %s", total, last.Size(), left, files[len(files)-1])
	}
}
