package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"nasbook/engine/data"
	"nasbook/engine/kernel/wasmsimd"
	"nasbook/notebook"
)

// Program is one js/wasm program of the page.
type Program struct {
	Name string // output file is assets/build/<Name>.wasm
	Pkg  string // Go package to build, relative to the module root
}

// Programs are the page's wasm programs.
var Programs = []Program{
	{"kernel", "./wasm/kernel"},
	{"canvas", "./wasm/canvas"},
	{"figure", "./wasm/figure"},
	{"pool", "./wasm/pool"},
}

// BuildDir is where built assets land, relative to the project root.
const BuildDir = "assets/build"

// Options tune Build. The zero value builds what is stale, quietly.
type Options struct {
	Force bool      // rebuild even when the stamp says the build is current
	Log   io.Writer // progress lines; nil discards them
	// BrotliQuality is the brotli level of the pre-compressed copies (0-11);
	// 0 means 9, which is within a few percent of 11 at a tenth of the time.
	BrotliQuality int
}

// Build brings root/assets/build up to date. It reports whether it rebuilt.
func Build(root string, opt Options) (rebuilt bool, err error) {
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	out := filepath.Join(root, BuildDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return false, err
	}
	goVersion, err := goEnv(root, "GOVERSION")
	if err != nil {
		return false, err
	}
	if opt.BrotliQuality == 0 {
		opt.BrotliQuality = 9
	}
	// The compression level is part of what was built.
	stamp, err := sourceHash(root, fmt.Sprintf("%s brotli %d", goVersion, opt.BrotliQuality))
	if err != nil {
		return false, err
	}
	stampFile := filepath.Join(out, "stamp")
	if old, err := os.ReadFile(stampFile); err == nil && string(old) == stamp && !opt.Force && outputsExist(out) {
		return false, nil
	}
	if err := copyWasmExec(root, out); err != nil {
		return false, err
	}
	if err := writeSIMD(out); err != nil {
		return false, err
	}
	version := stamp[:12]
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
			errs[i] = buildProgram(root, out, p, version, opt.BrotliQuality)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return false, err
		}
	}
	if err := buildData(root, out, logf); err != nil {
		return false, err
	}
	if err := buildScriptLessons(root, out); err != nil {
		return false, err
	}
	if err := os.WriteFile(stampFile, []byte(stamp), 0o644); err != nil {
		return false, err
	}
	return true, nil
}

// buildScriptLessons writes each example script of scripts/ as a notebook
// into out/lessons, so the page opens it like a lesson.
func buildScriptLessons(root, out string) error {
	files, err := filepath.Glob(filepath.Join(root, "scripts", "*.go"))
	if err != nil {
		return err
	}
	dir := filepath.Join(out, "lessons")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		nb, _, ok := notebook.FromScript(string(src))
		if !ok {
			continue // not a script: the package's doc and tests
		}
		var b bytes.Buffer
		if err := nb.Write(&b); err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".go") + ".ipynb"
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildData writes the MNIST subset that the page fetches when a cell asks
// for MNIST, from the GoMNIST module's files.
func buildData(root, out string, logf func(string, ...any)) error {
	src, err := data.GoMNISTDir()
	if err != nil {
		return err
	}
	logf("writing the MNIST subset")
	return data.WriteMNISTSubset(filepath.Join(out, "data"), src, data.MNISTSubsetConfig{})
}

func outputsExist(out string) bool {
	f := data.MNISTSubsetFiles
	for _, f := range []string{f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels} {
		if _, err := os.Stat(filepath.Join(out, "data", f)); err != nil {
			return false
		}
	}
	for _, p := range Programs {
		for _, ext := range []string{".wasm", ".wasm.br", ".wasm.gz"} {
			if _, err := os.Stat(filepath.Join(out, p.Name+ext)); err != nil {
				return false
			}
		}
	}
	for _, f := range []string{"wasm_exec.js", wasmsimd.FileName} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			return false
		}
	}
	return true
}

// writeSIMD assembles the WebAssembly SIMD kernels that the loaders link into
// every Go program (assets/js/simd.js).
func writeSIMD(out string) error {
	b, err := wasmsimd.Module()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(out, "simd-*.wasm.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(out, wasmsimd.FileName))
}

func buildProgram(root, out string, p Program, version string, quality int) error {
	dst := filepath.Join(out, p.Name+".wasm")
	// A unique name, so that two builds at once do not trip over each other.
	f, err := os.CreateTemp(out, p.Name+"-*.wasm.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", tmp, p.Pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %v\n%s", p.Pkg, err, b)
	}
	raw, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	if err := compress(dst, raw, quality); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// compress writes path.gz and path.br holding raw.
func compress(path string, raw []byte, quality int) error {
	if quality == 0 {
		quality = 9
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: quality, LGWin: 24})
	bw.Write(raw)
	if err := bw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(path+".gz", gz.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(path+".br", br.Bytes(), 0o644)
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
	return os.WriteFile(filepath.Join(out, "wasm_exec.js"), src, 0o644)
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
// toolchain version, go.mod, go.sum, every non-test Go file of the module and
// the WebAssembly text of the SIMD kernels.
func sourceHash(root, goVersion string) (string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || path == filepath.Join(root, BuildDir)) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if (strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) || strings.HasSuffix(name, ".wat") || name == "go.mod" || name == "go.sum" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", goVersion)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
