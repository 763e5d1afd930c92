package site

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readOfflineList parses the offline list that the build wrote under root.
func readOfflineList(t *testing.T, root string) offline {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(OfflineList)))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "= "), strings.LastIndex(s, ";")
	var o offline
	if i < 0 || j < i {
		t.Fatalf("the offline list is not an assignment: %q", s)
	}
	if err := json.Unmarshal([]byte(s[i+2:j]), &o); err != nil {
		t.Fatalf("the offline list: %v", err)
	}
	return o
}

func offlineVersion(t *testing.T, root string) string { return readOfflineList(t, root).Version }

// checkOfflineList: the page and what it loads at once are kept at install,
// the workers' programs once the page is ready, the data as first fetched.
func checkOfflineList(t *testing.T, root string) {
	t.Helper()
	o := readOfflineList(t, root)
	if len(o.Version) != 16 {
		t.Errorf("offline version %q", o.Version)
	}
	for _, want := range []string{"./", "assets/js/main.js", "assets/build/kernel.wasm", "assets/build/canvas.wasm", "assets/build/simd.wasm", "assets/build/wasm_exec.js"} {
		if !slices.Contains(o.Shell, want) {
			t.Errorf("the offline shell lacks %s: %v", want, o.Shell)
		}
	}
	if !slices.Equal(o.Later, []string{"assets/build/figure.wasm", "assets/build/pool.wasm"}) {
		t.Errorf("kept once the page is ready: %v", o.Later)
	}
	if !slices.Contains(o.Lazy, "assets/build/data/nb201/accuracy-200ep.csv.gz") {
		t.Errorf("the tables are not kept as first fetched: %v", o.Lazy)
	}
	for _, l := range [][]string{o.Shell, o.Later, o.Lazy} {
		if slices.Contains(l, OfflineList) || slices.Contains(l, "index.html") {
			t.Errorf("the offline list names itself or index.html besides ./: %v", l)
		}
		if slices.Contains(l, "assets/build/bench.wasm") {
			t.Errorf("the offline list holds the benchmark page's program: %v", l)
		}
	}
}

// checkExport writes the built fake project as a static site and checks it.
func checkExport(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	n, err := Export(root, dir, DefaultBrotli)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Servable(root)
	if n < len(files) {
		t.Errorf("Export wrote %d files for %d servable ones", n, len(files))
	}
	// Every file plain, byte for byte but the pages; copies beside the
	// compressible ones.
	for _, rel := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("the site lacks %s: %v", rel, err)
			continue
		}
		want, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if rel != "index.html" && !bytes.Equal(got, want) {
			t.Errorf("%s differs from the build's", rel)
		}
		if rel == "assets/build/kernel.wasm" || rel == "index.html" {
			for _, e := range Encodings {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)+e.Ext)); err != nil {
					t.Errorf("the site lacks the %s copy of %s", e.Name, rel)
				}
			}
		}
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !bytes.Contains(page, []byte(`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval';`)) ||
		bytes.Contains(page, []byte("frame-ancestors")) {
		t.Errorf("the site's index.html does not carry the policy as a meta element:\n%s", page[:min(len(page), 400)])
	}
	if _, err := os.Stat(filepath.Join(dir, ".nojekyll")); err != nil {
		t.Error("no .nojekyll")
	}
	for _, name := range []string{"assets/js/run-node.mjs", "assets/build/precompressed", "assets/build/stamp"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
			t.Errorf("the site holds %s", name)
		}
	}
	// An earlier export is replaced whole; another directory is refused.
	stale := filepath.Join(dir, "assets", "old.js")
	os.WriteFile(stale, []byte("x"), 0o644)
	if _, err := Export(root, dir, DefaultBrotli); err != nil {
		t.Fatalf("replacing an earlier export: %v", err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a file of the earlier export stayed")
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Export(root, other, DefaultBrotli); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("exporting into a directory of other files: %v", err)
	}
	if _, err := Export(root, filepath.Join(root, "assets", "site"), DefaultBrotli); err == nil {
		t.Error("exporting into the project's assets was allowed")
	}
}
