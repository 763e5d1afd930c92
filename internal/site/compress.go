package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Encodings are the content codings of the pre-compressed copies, in the
// order a server prefers them.
var Encodings = []Encoding{{"br", ".br"}, {"gzip", ".gz"}}

// Encoding is a content coding and the suffix of its copies.
type Encoding struct{ Name, Ext string }

// PrecompressedDir holds the compressed copies of the files that are not
// themselves built (index.html, assets/js, ...), under their paths from the
// project root, so that the sources stay as they are. The copies of built
// files lie beside them (assets/build/kernel.wasm.br), as static hosts
// that serve pre-compressed files expect.
const PrecompressedDir = BuildDir + "/precompressed"

// compressible are the extensions of the files that get compressed copies:
// text, and WebAssembly. Images and the gzipped MNIST files are left alone.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".json": true,
	".ipynb": true, ".svg": true, ".md": true, ".txt": true, ".wasm": true, ".webmanifest": true,
}

// FirstVisitBrotli is the brotli quality of the copies of firstVisit,
// whatever the build's quality: the kernel is most of what a first visit
// sends, and at 11 its copy is about 14 % smaller than at 9 (3.2 against
// 3.7 MB), for about 80 s of one core, once per change of the engine.
const FirstVisitBrotli = 11

// firstVisit are the large files that every first visit waits for.
var firstVisit = map[string]bool{BuildDir + "/kernel.wasm": true}

// brotliQuality is the quality of the brotli copy of rel in a build at
// quality.
func brotliQuality(rel string, quality int) int {
	if firstVisit[rel] {
		return FirstVisitBrotli
	}
	return quality
}

// Compressible reports whether the file at the slash-separated path p gets
// pre-compressed copies.
func Compressible(p string) bool { return compressible[path.Ext(p)] }

// CopyPath returns where the copy of the file at rel (slash-separated,
// from the project root) in encoding e lies under root.
func CopyPath(root, rel string, e Encoding) string {
	if strings.HasPrefix(rel, BuildDir+"/") {
		return filepath.Join(root, filepath.FromSlash(rel)) + e.Ext
	}
	return filepath.Join(root, filepath.FromSlash(PrecompressedDir), filepath.FromSlash(rel)) + e.Ext
}

// Servable returns the slash-separated paths, from root, of the files the
// server sends: index.html, the service worker sw.js (where there is one)
// and everything under assets/ but the compressed copies, hidden files and
// temporary files.
func Servable(root string) ([]string, error) {
	files := []string{"index.html"}
	if st, err := os.Stat(filepath.Join(root, ServiceWorker)); err == nil && st.Mode().IsRegular() {
		files = append(files, ServiceWorker)
	}
	skip := filepath.Join(root, filepath.FromSlash(PrecompressedDir))
	err := filepath.WalkDir(filepath.Join(root, "assets"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == skip || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".br") ||
			(strings.HasSuffix(name, ".gz") && Compressible(strings.TrimSuffix(name, ".gz"))) || name == "stamp" {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	return files, err
}

// fresh reports whether the copy at copyPath was made from a source with
// modification time src: Precompress dates each copy as its source.
func fresh(copyPath string, src os.FileInfo) bool {
	st, err := os.Stat(copyPath)
	return err == nil && st.Mode().IsRegular() && st.ModTime().Equal(src.ModTime())
}

// Precompress writes a gzip (best compression) and a brotli copy (at
// quality, FirstVisitBrotli for the files of firstVisit) of every
// compressible servable file under root whose copies are missing or older
// than it, or of every one made at quality when all is set, and removes
// copies whose source is gone. It returns how many files it compressed.
func Precompress(root string, quality int, all bool, logf func(string, ...any)) (int, error) {
	files, err := Servable(root)
	if err != nil {
		return 0, err
	}
	type job struct {
		rel string
		st  os.FileInfo
	}
	var jobs []job
	keep := map[string]bool{}
	for _, rel := range files {
		if !Compressible(rel) {
			continue
		}
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return 0, err
		}
		stale := all && !firstVisit[rel]
		for _, e := range Encodings {
			c := CopyPath(root, rel, e)
			keep[c] = true
			stale = stale || !fresh(c, st)
		}
		if stale {
			jobs = append(jobs, job{rel, st})
		}
	}
	// The wasm programs take seconds each (the kernel at FirstVisitBrotli
	// over a minute): two at a time, the longest first, so that the others
	// share the second core while it runs.
	sort.SliceStable(jobs, func(a, b int) bool {
		if fa, fb := firstVisit[jobs[a].rel], firstVisit[jobs[b].rel]; fa != fb {
			return fa
		}
		return jobs[a].st.Size() > jobs[b].st.Size()
	})
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, min(2, runtime.NumCPU())))
	for i, j := range jobs {
		q := brotliQuality(j.rel, quality)
		if j.st.Size() > 1<<20 && logf != nil {
			logf("compressing %s (brotli quality %d)", j.rel, q)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = compressFile(root, j.rel, q)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return len(jobs), removeOrphans(root, keep)
}

// compressFile writes the copies of root/rel, dated as the source they
// were made from. A source replaced meanwhile (by another build) keeps the
// copies of the build that replaced it.
func compressFile(root, rel string, quality int) error {
	src := filepath.Join(root, filepath.FromSlash(rel))
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	raw, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	copies, err := compressCached(raw, quality)
	if err != nil {
		return err
	}
	if now, err := os.Stat(src); err != nil || !now.ModTime().Equal(st.ModTime()) {
		return nil
	}
	for i, e := range Encodings {
		c := struct {
			e Encoding
			b []byte
		}{e, copies[i]}
		p := CopyPath(root, rel, c.e)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeFile(p, c.b); err != nil {
			return err
		}
		if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
			return fmt.Errorf("site: dating %s: %w", p, err)
		}
	}
	return nil
}

// compressBytes returns raw compressed in each of Encodings: brotli at
// quality, gzip at its best.
func compressBytes(raw []byte, quality int) ([][]byte, error) {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: quality, LGWin: 24})
	bw.Write(raw)
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return [][]byte{br.Bytes(), gz.Bytes()}, nil
}

// removeOrphans deletes the compressed copies under root that are not in
// keep: those of files deleted or renamed since.
func removeOrphans(root string, keep map[string]bool) error {
	var orphans []string
	pre := filepath.Join(root, filepath.FromSlash(PrecompressedDir))
	err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(BuildDir)), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || keep[p] {
			return nil
		}
		for _, e := range Encodings {
			// Beside the built files, only the copies of compressible
			// ones: the MNIST files end in .gz too.
			if base, ok := strings.CutSuffix(p, e.Ext); ok && (strings.HasPrefix(p, pre+string(filepath.Separator)) || Compressible(base)) {
				orphans = append(orphans, p)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range orphans {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}
