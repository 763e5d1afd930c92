package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// fakeRoot lays out a project root with a page, a script, a built wasm file
// and a data file, and compresses them as a build does.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range map[string]string{
		"index.html":                        "<p>page " + strings.Repeat("text ", 100),
		"go.mod":                            "module x",
		"assets/js/main.js":                 "export const x = 1; " + strings.Repeat("// comment\n", 100),
		"assets/vendor/lib.mjs":             "export default 2;",
		"assets/vendor/LICENSE":             "licence",
		"assets/build/k.wasm":               "\x00asm" + strings.Repeat("\x01", 1000),
		"assets/build/data/digits.idx.gz":   "gzipped data",
		"assets/notebooks/lessons.json":     `{"lessons": [` + strings.Repeat(`"intro.ipynb", `, 20) + `""]}`,
		"assets/build/lessons/script.ipynb": `{"cells": [` + strings.Repeat(`{"cell_type": "code"}, `, 20) + `{}]}`,
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Precompress(root, 5, false, nil); err != nil {
		t.Fatal(err)
	}
	return root
}

func get(t *testing.T, h http.Handler, path, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decode undoes the response's Content-Encoding.
func decode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(rec.Body.Bytes())
	switch rec.Header().Get("Content-Encoding") {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandler(t *testing.T) {
	root := fakeRoot(t)
	h := Handler(root)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		path, accept string
		code         int
		file         string // whose bytes the decoded body must be
		enc, ctype   string
	}{
		{"/", "gzip, deflate, br, zstd", 200, "index.html", "br", "text/html; charset=utf-8"},
		{"/index.html", "", 200, "index.html", "", "text/html; charset=utf-8"},
		{"/go.mod", "", 404, "", "", ""},
		{"/assets/../go.mod", "", 404, "", "", ""},
		{"/assets/build", "", 404, "", "", ""},
		{"/assets/build/k.wasm", "gzip, deflate, br", 200, "assets/build/k.wasm", "br", "application/wasm"},
		{"/assets/build/k.wasm", "gzip", 200, "assets/build/k.wasm", "gzip", "application/wasm"},
		{"/assets/build/k.wasm", "br;q=0, gzip;q=0.5", 200, "assets/build/k.wasm", "gzip", "application/wasm"},
		{"/assets/build/k.wasm", "", 200, "assets/build/k.wasm", "", "application/wasm"},
		{"/assets/js/main.js", "gzip, deflate, br", 200, "assets/js/main.js", "br", "text/javascript; charset=utf-8"},
		{"/assets/js/main.js", "gzip", 200, "assets/js/main.js", "gzip", "text/javascript; charset=utf-8"},
		// A copy no smaller than its file is not sent.
		{"/assets/vendor/lib.mjs", "br", 200, "assets/vendor/lib.mjs", "", "text/javascript; charset=utf-8"},
		{"/assets/notebooks/lessons.json", "br", 200, "assets/notebooks/lessons.json", "br", "application/json"},
		{"/assets/build/lessons/script.ipynb", "gzip", 200, "assets/build/lessons/script.ipynb", "gzip", "application/x-ipynb+json"},
		{"/assets/build/data/digits.idx.gz", "br, gzip", 200, "assets/build/data/digits.idx.gz", "", "application/gzip"},
		{"/assets/vendor/LICENSE", "br", 200, "assets/vendor/LICENSE", "", ""},
		{"/assets/missing.js", "br", 404, "", "", ""},
		// The copies themselves are not pages of the site.
		{"/assets/build/precompressed/index.html.br", "", 404, "", "", ""},
	} {
		rec := get(t, h, c.path, c.accept)
		if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers %v", c.path, rec.Header())
		}
		if rec.Code != c.code {
			t.Errorf("%s (%s): status %d, want %d", c.path, c.accept, rec.Code, c.code)
			continue
		}
		if c.code != 200 {
			continue
		}
		if got := decode(t, rec); got != read(c.file) || rec.Header().Get("Content-Encoding") != c.enc || (c.ctype != "" && rec.Header().Get("Content-Type") != c.ctype) {
			t.Errorf("%s (%s): body %.20q encoding %q type %q, want %s %q %q", c.path, c.accept,
				got, rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"), c.file, c.enc, c.ctype)
		}
		if c.enc != "" && rec.Body.Len() >= len(read(c.file)) {
			t.Errorf("%s (%s): %d bytes sent for %d", c.path, c.accept, rec.Body.Len(), len(read(c.file)))
		}
		if Compressible(c.file) != strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", c.path, rec.Header().Get("Vary"))
		}
		if rec.Header().Get("Cache-Control") != "no-cache" || rec.Header().Get("ETag") == "" || rec.Header().Get("Last-Modified") == "" {
			t.Errorf("%s: caching headers %v", c.path, rec.Header())
		}
	}
	// Each representation has its own ETag, and revalidating it costs no body.
	br, gz := get(t, h, "/assets/js/main.js", "br"), get(t, h, "/assets/js/main.js", "gzip")
	if br.Header().Get("ETag") == gz.Header().Get("ETag") {
		t.Errorf("brotli and gzip share the ETag %s", br.Header().Get("ETag"))
	}
	req := httptest.NewRequest("GET", "/assets/js/main.js", nil)
	req.Header.Set("Accept-Encoding", "br")
	req.Header.Set("If-None-Match", br.Header().Get("ETag"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidating with the ETag: status %d, want 304", rec.Code)
	}
	if rec := httptest.NewRecorder(); true {
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	}
}

// A file edited after the build is sent as it is now, not as its stale copy.
func TestHandlerSkipsStaleCopies(t *testing.T) {
	root := fakeRoot(t)
	h := Handler(root)
	p := filepath.Join(root, "assets/js/main.js")
	edited := "export const x = 2; " + strings.Repeat("// edited\n", 50)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(p, later, later)
	rec := get(t, h, "/assets/js/main.js", "br, gzip")
	if got := decode(t, rec); got != edited || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("edited file: body %q encoding %q, want the new text, not encoded", got, rec.Header().Get("Content-Encoding"))
	}
	// Precompress brings its copies up to date, and only them.
	n, err := Precompress(root, 5, false, nil)
	if err != nil || n != 1 {
		t.Fatalf("Precompress after one edit: %d files, %v; want 1", n, err)
	}
	rec = get(t, h, "/assets/js/main.js", "br, gzip")
	if got := decode(t, rec); got != edited || rec.Header().Get("Content-Encoding") != "br" {
		t.Errorf("after Precompress: body %q encoding %q", got, rec.Header().Get("Content-Encoding"))
	}
	// A deleted file's copies go with it.
	os.Remove(p)
	if _, err := Precompress(root, 5, false, nil); err != nil {
		t.Fatal(err)
	}
	for _, e := range Encodings {
		if _, err := os.Stat(CopyPath(root, "assets/js/main.js", e)); !os.IsNotExist(err) {
			t.Errorf("copy %s of a deleted file: %v", e.Ext, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "assets/build/data/digits.idx.gz")); err != nil {
		t.Errorf("the data file went with the orphaned copies: %v", err)
	}
}

func TestAcceptsEncoding(t *testing.T) {
	for _, c := range []struct {
		h, enc string
		want   bool
	}{
		{"gzip, deflate, br, zstd", "br", true},
		{"gzip", "br", false},
		{"br;q=0", "br", false},
		{"br;q=0.0", "br", false},
		{"BR; q=0.8", "br", true},
	} {
		if got := acceptsEncoding(c.h, c.enc); got != c.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v", c.h, c.enc, got)
		}
	}
}
