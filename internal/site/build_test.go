package site

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/engine/compute/wasmsimd"
	"nasbook/engine/data"
	"nasbook/internal/site/sitetest"
)

// fakeModule lays out a project root whose five programs are empty mains,
// so that Build runs end to end in seconds.
func fakeModule(t *testing.T) string {
	t.Helper()
	var pkgs []string
	for _, p := range Programs {
		pkgs = append(pkgs, p.Pkg)
	}
	return sitetest.FakeProject(t, pkgs, map[string]string{
		"assets/js/main.js": "export const x = 1;\n" + strings.Repeat("// a comment\n", 50),
	})
}

func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds five wasm programs")
	}
	root := fakeModule(t)
	out := filepath.Join(root, BuildDir)
	build := func(opt Options) bool {
		t.Helper()
		rebuilt, err := Build(root, opt)
		if err != nil {
			t.Fatal(err)
		}
		return rebuilt
	}
	mtime := func(name string) int64 {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return st.ModTime().UnixNano()
	}
	if !build(Options{}) {
		t.Fatal("first build did nothing")
	}
	if _, err := os.Stat(filepath.Join(out, "data", "nb201", "accuracy-200ep.csv.gz")); err != nil {
		t.Errorf("the shipped tables: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(out, CatalogFile)); err != nil || !bytes.Contains(b, []byte(`"name":"Println"`)) {
		t.Errorf("the completion catalog: %v %.200s", err, b)
	}
	if q := BuiltBrotli(root); q != DefaultBrotli {
		t.Errorf("first build has brotli quality %d, want %d", q, DefaultBrotli)
	}
	// Every file is readable by all, and every servable text or wasm file
	// has fresh compressed copies.
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if st, _ := d.Info(); st.Mode().Perm()&0o444 != 0o444 {
				t.Errorf("%s has mode %v, want readable by all", p, st.Mode().Perm())
			}
		}
		return err
	})
	files, err := Servable(root)
	if err != nil {
		t.Fatal(err)
	}
	compressed := 0
	for _, rel := range files {
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range Encodings {
			if Compressible(rel) && !fresh(CopyPath(root, rel, e), st) {
				t.Errorf("%s has no fresh %s copy", rel, e.Name)
			}
		}
		if Compressible(rel) {
			compressed++
		}
	}
	// index.html, main.js, wasm_exec.js, the offline list, six wasm files
	// (the five programs and the SIMD kernels), the completion catalog and
	// the tables' two notices (the tables are gzipped already).
	if compressed != 13 {
		t.Errorf("%d compressible files among %v, want 13", compressed, files)
	}
	checkOfflineList(t, root)
	checkExport(t, root)
	// The MNIST subset is the repository's, byte for byte.
	for _, name := range []string{data.MNISTSubsetFiles.TrainImages, data.MNISTSubsetFiles.TestLabels} {
		want, _ := fs.ReadFile(data.MNISTSubset(), name)
		got, err := os.ReadFile(filepath.Join(out, "data", name))
		if err != nil || len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("data/%s differs from data.MNISTSubset (%v)", name, err)
		}
	}

	if build(Options{}) {
		t.Error("a second build rebuilt")
	}
	// A Go file that no program imports is no reason to relink; a file of a
	// program is.
	put := func(name, src string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linked := mtime("kernel.wasm")
	put("tools/other/other.go", "package other\n")
	if build(Options{}) || mtime("kernel.wasm") != linked {
		t.Error("a Go file that no program imports relinked the programs")
	}
	put("wasm/kernel/more.go", "package main\n\nvar more = 1\n")
	if !build(Options{}) || mtime("kernel.wasm") == linked {
		t.Error("a new file of the kernel's package did not relink it")
	}
	// A changed page file is a new version of the offline list.
	version := offlineVersion(t, root)
	if err := os.WriteFile(filepath.Join(root, "assets/js/main.js"), []byte("export const x = 2;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !build(Options{}) {
		t.Error("a build after a page file changed did nothing")
	}
	if v := offlineVersion(t, root); v == version {
		t.Errorf("the offline list kept its version %s after main.js changed", v)
	}
	// Another quality recompresses without relinking, and is remembered;
	// the kernel's copy is at FirstVisitBrotli whatever the quality.
	wasm, br, kernelBr := mtime("canvas.wasm"), mtime("canvas.wasm.br"), mtime("kernel.wasm.br")
	before, _ := os.ReadFile(filepath.Join(out, "canvas.wasm.br"))
	if !build(Options{BrotliQuality: 2}) {
		t.Error("a build at another brotli quality did nothing")
	}
	after, _ := os.ReadFile(filepath.Join(out, "canvas.wasm.br"))
	if mtime("canvas.wasm") != wasm || mtime("canvas.wasm.br") != br || bytes.Equal(before, after) {
		t.Error("changing the quality relinked canvas.wasm or left its brotli copy as it was")
	}
	if mtime("kernel.wasm.br") != kernelBr {
		t.Error("changing the quality recompressed kernel.wasm, whose copy is always at FirstVisitBrotli")
	}
	kernel, _ := os.ReadFile(filepath.Join(out, "kernel.wasm"))
	kernelCopy, _ := os.ReadFile(filepath.Join(out, "kernel.wasm.br"))
	if want, err := compressBytes(kernel, FirstVisitBrotli); err != nil || !bytes.Equal(kernelCopy, want[0]) {
		t.Errorf("kernel.wasm.br is not kernel.wasm at brotli quality %d (%v)", FirstVisitBrotli, err)
	}
	if q := BuiltBrotli(root); q != 2 {
		t.Errorf("stamp says brotli %d after a build at 2", q)
	}
	if build(Options{}) || BuiltBrotli(root) != 2 {
		t.Errorf("a build without a quality did not keep the last one (now %d)", BuiltBrotli(root))
	}
	// The SIMD module is written on every build, from this binary's copy.
	simd := filepath.Join(out, wasmsimd.FileName)
	want, _ := os.ReadFile(simd)
	if err := os.WriteFile(simd, []byte("\x00asm stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !build(Options{}) {
		t.Error("a build with a stale simd.wasm did nothing")
	}
	if got, _ := os.ReadFile(simd); len(want) == 0 || !bytes.Equal(got, want) {
		t.Error("a build left a stale simd.wasm")
	}
	for _, q := range []int{-1, 12} {
		if _, err := Build(root, Options{BrotliQuality: q}); err == nil || !strings.Contains(err.Error(), "brotli quality") {
			t.Errorf("quality %d: got %v", q, err)
		}
	}
	// Force relinks.
	if !build(Options{Force: true}) || mtime("canvas.wasm") == wasm {
		t.Error("Force did not rebuild")
	}
}
