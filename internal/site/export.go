package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Export writes the built playground under root into dir as a static site
// that any static file host serves as it is, such as GitHub Pages:
//
//   - every file the page fetches, plain, at its path: a host that knows
//     nothing of compression serves these, and the page needs nothing else
//     (it never relies on a Content-Encoding it did not ask for);
//   - beside each text and wasm file its brotli and gzip copies (FILE.br,
//     FILE.gz), for hosts that send them to browsers that accept them
//     (nginx's gzip_static and brotli_static, Caddy's precompressed);
//   - the Content-Security-Policy that Handler sends, as a meta element of
//     the HTML pages (the playground, its canvas and the benchmark page),
//     since a static host sends no such header
//     (frame-ancestors, which a meta element cannot carry, is left out);
//   - a .nojekyll file, so that GitHub Pages publishes the files as they are.
//
// dir must be new, empty, or an earlier export (which is replaced); Build
// must have run. Export returns the number of files it wrote, copies
// included.
func Export(root, dir string, quality int) (int, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, err
	}
	assets, _ := filepath.Abs(filepath.Join(root, "assets"))
	if rel, err := filepath.Rel(assets, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return 0, fmt.Errorf("site: %s is inside the project's assets, which would be published into itself", dir)
	}
	if err := clearExport(abs); err != nil {
		return 0, err
	}
	files, err := Servable(root)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rel := range files {
		if rel == "assets/js/run-node.mjs" { // runs programs under node only
			continue
		}
		src := filepath.Join(root, filepath.FromSlash(rel))
		dst := filepath.Join(abs, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return n, err
		}
		if rel == "index.html" || rel == "assets/canvas.html" || rel == "assets/bench.html" {
			k, err := exportPage(src, dst, quality)
			n += k
			if err != nil {
				return n, err
			}
			continue
		}
		if err := copyFile(src, dst); err != nil {
			return n, err
		}
		n++
		if !Compressible(rel) {
			continue
		}
		st, err := os.Stat(src)
		if err != nil {
			return n, err
		}
		for _, e := range Encodings {
			c := CopyPath(root, rel, e)
			if !fresh(c, st) {
				return n, fmt.Errorf("site: the %s copy of %s is missing or stale: run the build first", e.Name, rel)
			}
			if cst, err := os.Stat(c); err == nil && cst.Size() >= st.Size() {
				continue // a file of a few bytes may not get smaller
			}
			if err := copyFile(c, dst+e.Ext); err != nil {
				return n, err
			}
			n++
		}
	}
	if err := os.WriteFile(filepath.Join(abs, ".nojekyll"), nil, 0o644); err != nil {
		return n, err
	}
	if err := os.WriteFile(filepath.Join(abs, exportMark), []byte("written by nasbook build -o: replaced whole by the next one\n"), 0o644); err != nil {
		return n, err
	}
	return n, nil
}

// exportMark marks a directory as an export, which the next may replace.
const exportMark = ".nasbook-site"

// clearExport makes dir an empty directory: it may be missing, empty, or
// an earlier export.
func clearExport(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, exportMark)); err != nil {
		return fmt.Errorf("site: %s is not empty and holds no earlier export (no %s file): choose a new or empty directory", dir, exportMark)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// metaCSP is ContentSecurityPolicy as a meta element can carry it.
func metaCSP() string {
	var keep []string
	for _, d := range strings.Split(ContentSecurityPolicy, ";") {
		d = strings.TrimSpace(d)
		if d != "" && !strings.HasPrefix(d, "frame-ancestors") {
			keep = append(keep, d)
		}
	}
	return `<meta http-equiv="Content-Security-Policy" content="` + strings.Join(keep, "; ") + `">`
}

// exportPage writes an HTML page with the policy as a meta element right
// after its charset, and its compressed copies. It returns the files written.
func exportPage(src, dst string, quality int) (int, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return 0, err
	}
	const charset = `<meta charset="utf-8">`
	i := bytes.Index(b, []byte(charset))
	if i < 0 {
		return 0, fmt.Errorf("site: %s has no %s to put the security policy after", src, charset)
	}
	i += len(charset)
	page := append(append(append([]byte{}, b[:i]...), "\n  "+metaCSP()...), b[i:]...)
	if err := os.WriteFile(dst, page, 0o644); err != nil {
		return 0, err
	}
	copies, err := compressBytes(page, quality)
	if err != nil {
		return 1, err
	}
	for i, e := range Encodings {
		if err := os.WriteFile(dst+e.Ext, copies[i], 0o644); err != nil {
			return 1 + i, err
		}
	}
	return 1 + len(Encodings), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
