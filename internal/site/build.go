package site

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"nasbook/engine/compute/wasmsimd"
	"nasbook/engine/data"
	"nasbook/notebook"
	"nasbook/notebook/catalog"
	"nasbook/tables"
)

// Program is one js/wasm program of the page.
type Program struct {
	Name string // output file is assets/build/<Name>.wasm
	Pkg  string // Go package to build, relative to the module root
}

// Programs are the page's wasm programs, and the benchmark page's
// (assets/bench.html), which the playground links to.
var Programs = []Program{
	{"kernel", "./wasm/kernel"},
	{"canvas", "./wasm/canvas"},
	{"figure", "./wasm/figure"},
	{"pool", "./wasm/pool"},
	{"bench", "./wasm/bench"},
}

// BuildDir is where built assets land, relative to the project root.
const BuildDir = "assets/build"

// Options tune Build. The zero value builds what is stale, quietly, at the
// brotli quality of the last build.
type Options struct {
	Force bool      // rebuild even when the stamp says the build is current
	Log   io.Writer // progress lines; nil discards them
	// BrotliQuality is the brotli quality of the pre-compressed copies,
	// from 1 (fastest) to 11 (smallest); 0 keeps the quality of the last
	// build, or DefaultBrotli when there is none.
	BrotliQuality int
}

// DefaultBrotli is the brotli quality of a first build: within a few
// percent of 11 at a tenth of the time.
const DefaultBrotli = 9

// Build brings root/assets/build up to date: the wasm programs when the Go
// sources changed since the last build (or opt.Force), and always the MNIST
// subset, the script lessons and the pre-compressed copy of every servable
// file that is missing or stale. It reports whether it wrote anything.
func Build(root string, opt Options) (rebuilt bool, err error) {
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	if opt.BrotliQuality < 0 || opt.BrotliQuality > 11 {
		return false, fmt.Errorf("site: brotli quality %d, want 1 to 11 (or 0 for the last build's)", opt.BrotliQuality)
	}
	out := filepath.Join(root, BuildDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return false, err
	}
	unlock, err := lockBuild(out)
	if err != nil {
		return false, err
	}
	defer unlock()
	goVersion, err := goEnv(root, "GOVERSION")
	if err != nil {
		return false, err
	}
	old := readStamp(out)
	quality := opt.BrotliQuality
	if quality == 0 {
		quality = cmp.Or(old.brotli, DefaultBrotli)
	}
	source, err := sourceHash(root, goVersion)
	if err != nil {
		return false, err
	}
	if old.source != source || opt.Force || !programsExist(out) {
		rebuilt = true
		if err := buildPrograms(root, out, source[:12], logf); err != nil {
			return false, err
		}
	}
	// From here on every step writes only what changed, so a current
	// build costs a walk over the assets.
	wrote, err := writeSIMD(out)
	if err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	if wrote, err = buildData(out); err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	if wrote, err = buildTables(out); err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	if wrote, err = buildScriptLessons(root, out); err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	if wrote, err = buildCatalog(root, out); err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	// The offline list last: it hashes every file the page fetches.
	if wrote, err = writeOffline(root); err != nil {
		return false, err
	}
	rebuilt = rebuilt || wrote
	n, err := Precompress(root, quality, quality != old.brotli || opt.Force, logf)
	if err != nil {
		return false, err
	}
	rebuilt = rebuilt || n > 0
	if err := writeFile(filepath.Join(out, "stamp"), []byte(stamp{source, quality}.String())); err != nil {
		return false, err
	}
	return rebuilt, nil
}

// lockPath is the file whose lock a build holds (lockBuild): hidden, so
// neither compressed nor listed for offline use.
func lockPath(out string) string { return filepath.Join(out, ".lock") }

// BuiltBrotli returns the brotli quality of the last build under root, or
// 0 when there is none.
func BuiltBrotli(root string) int { return readStamp(filepath.Join(root, BuildDir)).brotli }

// stamp is what a build was made from: the hash of its sources
// (sourceHash) and the brotli quality of its compressed copies. It is kept
// in assets/build/stamp as two lines, "source HASH" and "brotli N".
type stamp struct {
	source string
	brotli int
}

func (s stamp) String() string { return fmt.Sprintf("source %s\nbrotli %d\n", s.source, s.brotli) }

// readStamp returns the stamp in out, or the zero stamp where there is none
// or it does not parse: then everything is rebuilt.
func readStamp(out string) stamp {
	b, err := os.ReadFile(filepath.Join(out, "stamp"))
	if err != nil {
		return stamp{}
	}
	var s stamp
	if _, err := fmt.Sscanf(string(b), "source %s\nbrotli %d\n", &s.source, &s.brotli); err != nil || s.brotli < 1 || s.brotli > 11 {
		return stamp{}
	}
	return s
}

// buildPrograms compiles the page's wasm programs and writes the files that
// come with them (wasm_exec.js, the SIMD kernels).
func buildPrograms(root, out, version string, logf func(string, ...any)) error {
	if err := copyWasmExec(root, out); err != nil {
		return err
	}
	// Two programs at a time: linking is memory- and CPU-heavy.
	errs := make([]error, len(Programs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, min(2, runtime.NumCPU())))
	for i, p := range Programs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			logf("building %s.wasm", p.Name)
			errs[i] = buildProgram(root, out, p, version)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// buildScriptLessons writes each example script of scripts/ as a notebook
// into out/lessons, so the page opens it like a lesson. It reports whether
// any file changed.
func buildScriptLessons(root, out string) (wrote bool, err error) {
	files, err := filepath.Glob(filepath.Join(root, "scripts", "*.go"))
	if err != nil {
		return false, err
	}
	dir := filepath.Join(out, "lessons")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return false, err
		}
		nb, _, ok := notebook.FromScript(string(src))
		if !ok {
			continue // not a script: the package's doc and tests
		}
		var b bytes.Buffer
		if err := nb.Write(&b); err != nil {
			return false, err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".go") + ".ipynb"
		w, err := writeIfChanged(filepath.Join(dir, name), b.Bytes())
		if err != nil {
			return false, err
		}
		wrote = wrote || w
	}
	return wrote, nil
}

// CatalogFile is the page's completion data (package catalog), under BuildDir.
const CatalogFile = "catalog.json"

// buildCatalog writes what cells may use, the importable packages' names with
// their declarations and doc comments, as the editor's completion reads it.
// It reports whether the file changed.
func buildCatalog(root, out string) (bool, error) {
	goroot, err := goEnv(root, "GOROOT")
	if err != nil {
		return false, err
	}
	c, err := catalog.New(append(notebook.Importable(), catalog.Builtin), catalog.Dirs(root, "nasbook", goroot))
	if err != nil {
		return false, err
	}
	return writeIfChanged(filepath.Join(out, CatalogFile), c.JSON())
}

// buildData copies the MNIST subset kept in the repository (built into this
// program: data.MNISTSubset) to out/data, where the page fetches it when a
// cell asks for MNIST. It reports whether any file changed.
func buildData(out string) (wrote bool, err error) {
	sub := data.MNISTSubset()
	f := data.MNISTSubsetFiles
	if err := os.MkdirAll(filepath.Join(out, "data"), 0o755); err != nil {
		return false, err
	}
	for _, name := range []string{f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels} {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return false, err
		}
		w, err := writeIfChanged(filepath.Join(out, "data", name), b)
		if err != nil {
			return false, err
		}
		wrote = wrote || w
	}
	return wrote, nil
}

// buildTables writes the shipped benchmark tables (package tables, built
// into this program) into out/data, gzip-compressed, where the kernel
// fetches one when a cell first opens it (any static host serves them as
// they are), with the notices of their sources and licences. It reports
// whether any file changed.
func buildTables(out string) (wrote bool, err error) {
	src := tables.Files()
	put := func(name string, b []byte) error {
		dst := filepath.Join(out, "data", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		w, err := writeIfChanged(dst, b)
		wrote = wrote || w
		return err
	}
	for _, t := range tables.List {
		raw, err := fs.ReadFile(src, t.File)
		if err != nil {
			return false, err
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			return false, err
		}
		if err := put(t.File+".gz", gz.Bytes()); err != nil {
			return false, err
		}
	}
	for _, name := range tables.Notices {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return false, err
		}
		if err := put(name, b); err != nil {
			return false, err
		}
	}
	return wrote, nil
}

// programsExist reports whether the outputs of buildPrograms are all there.
func programsExist(out string) bool {
	names := []string{"wasm_exec.js"}
	for _, p := range Programs {
		names = append(names, p.Name+".wasm")
	}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			return false
		}
	}
	return true
}

// writeSIMD assembles the WebAssembly SIMD kernels that the loaders link into
// every Go program (assets/js/simd.js), from the copy of kernels.wat in this
// binary: on every build, not only with the programs, so that a build by a
// binary older than the sources does not leave its module for good.
func writeSIMD(out string) (bool, error) {
	b, err := wasmsimd.Module()
	if err != nil {
		return false, err
	}
	return writeIfChanged(filepath.Join(out, wasmsimd.FileName), b)
}

func buildProgram(root, out string, p Program, version string) error {
	dst := filepath.Join(out, p.Name+".wasm")
	// A unique name, so that two builds at once do not trip over each other.
	f, err := os.CreateTemp(out, p.Name+"-*.wasm.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	// -buildvcs=false: the go command would stamp the commit into the
	// program, so that every commit made new bytes, to be downloaded and
	// compressed again, where the programs' sources did not change.
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -X main.version="+version, "-o", tmp, p.Pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %v\n%s", p.Pkg, err, b)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// writeFile replaces path with b, readable by all whatever the umask, in
// one rename, so that a server never sends half a file.
func writeFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeIfChanged writes b to path unless path holds b already (keeping its
// modification time, which dates the compressed copies), and reports
// whether it wrote.
func writeIfChanged(path string, b []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o444 == 0o444 {
			return false, nil
		}
	}
	return true, writeFile(path, b)
}

func copyWasmExec(root, out string) error {
	goroot, err := goEnv(root, "GOROOT")
	if err != nil {
		return err
	}
	var src []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if src, err = os.ReadFile(filepath.Join(goroot, p)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("wasm_exec.js not found under %s: %w", goroot, err)
	}
	_, err = writeIfChanged(filepath.Join(out, "wasm_exec.js"), src)
	return err
}

func goEnv(root, key string) (string, error) {
	cmd := exec.Command("go", "env", key)
	cmd.Dir = root
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// sourceHash hashes everything the wasm programs are built from: the
// toolchain version, go.mod, go.sum, and the Go, assembly and embedded files
// of every package of the module that the programs import (go list -deps,
// for js/wasm; go.sum pins the other modules' packages). A change elsewhere
// (the commands, this package, the tests) so neither relinks the programs
// nor changes their bytes, whose compressed copies then come from the
// cache (compressCached).
func sourceHash(root, goVersion string) (string, error) {
	args := []string{"list", "-deps", "-json=Dir,GoFiles,SFiles,EmbedFiles,Standard,Module"}
	for _, p := range Programs {
		args = append(args, p.Pkg)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("listing the programs' packages: %v\n%s", err, stderr.Bytes())
	}
	files := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			Dir                         string
			GoFiles, SFiles, EmbedFiles []string
			Standard                    bool
			Module                      *struct{ Main bool }
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("listing the programs' packages: %w", err)
		}
		if p.Standard || p.Module == nil || !p.Module.Main {
			continue
		}
		for _, f := range slices.Concat(p.GoFiles, p.SFiles, p.EmbedFiles) {
			files = append(files, filepath.Join(p.Dir, f))
		}
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", goVersion)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) && filepath.Base(f) == "go.sum" {
			continue // a module that needs no other
		}
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
