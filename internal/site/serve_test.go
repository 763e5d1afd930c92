package site

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestHandler(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "assets/build"), 0o755))
	must(os.WriteFile(filepath.Join(root, "index.html"), []byte("<p>page"), 0o644))
	must(os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x"), 0o644))
	must(os.WriteFile(filepath.Join(root, "assets/build/k.wasm"), []byte("raw"), 0o644))
	must(os.WriteFile(filepath.Join(root, "assets/build/k.wasm.br"), []byte("brotli"), 0o644))
	must(os.WriteFile(filepath.Join(root, "assets/build/k.wasm.gz"), []byte("gzip"), 0o644))
	h := Handler(root)
	for _, c := range []struct {
		path, accept     string
		code             int
		body, enc, ctype string
	}{
		{"/", "", 200, "<p>page", "", "text/html; charset=utf-8"},
		{"/index.html", "", 200, "<p>page", "", "text/html; charset=utf-8"},
		{"/go.mod", "", 404, "", "", ""},
		{"/assets/../go.mod", "", 404, "", "", ""},
		{"/assets/build/k.wasm", "gzip, deflate, br", 200, "brotli", "br", "application/wasm"},
		{"/assets/build/k.wasm", "gzip", 200, "gzip", "gzip", "application/wasm"},
		{"/assets/build/k.wasm", "br;q=0, gzip;q=0.5", 200, "gzip", "gzip", "application/wasm"},
		{"/assets/build/k.wasm", "", 200, "raw", "", "application/wasm"},
		{"/assets/missing.js", "br", 404, "", "", ""},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.code {
			t.Errorf("%s (%s): status %d, want %d", c.path, c.accept, rec.Code, c.code)
			continue
		}
		if c.code != 200 {
			continue
		}
		if rec.Body.String() != c.body || rec.Header().Get("Content-Encoding") != c.enc || rec.Header().Get("Content-Type") != c.ctype {
			t.Errorf("%s (%s): body %q encoding %q type %q, want %q %q %q", c.path, c.accept,
				rec.Body.String(), rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"), c.body, c.enc, c.ctype)
		}
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
