package site

import (
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ContentSecurityPolicy is the policy Handler sends. Scripts come only from
// the server, with no inline code and no eval: 'wasm-unsafe-eval' lets the
// page and its workers compile WebAssembly, and nothing more. Style sheets
// come only from the server too; style attributes are allowed, for the
// markdown and HTML outputs of notebooks, whose styles the page's sanitiser
// has already stripped of anything that loads or covers the page (see
// assets/js/markdown.js). Figures are shown as data: images; the canvas is a
// same-origin iframe, and only this origin may frame the page.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; " +
	"frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// Server returns an HTTP server for h with timeouts fit for the playground:
// requests are small GETs, and the largest response is a wasm program of a
// few megabytes, which a slow link needs minutes for.
func Server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
}

// Handler serves the playground from the project root: "/" is index.html, and
// files under assets/ are served as they are, or as their pre-compressed
// brotli or gzip copy (Precompress) when the browser accepts it, the copy
// was made from the file as it is now, and it is smaller. Nothing else of the project
// (sources, .git) is served. Every response carries ContentSecurityPolicy
// and asks to be revalidated before reuse.
func Handler(root string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		switch {
		case p == "/" || p == "/index.html":
			p = "/index.html"
		case p == "/"+ServiceWorker:
		case strings.HasPrefix(p, "/"+PrecompressedDir+"/"):
			http.NotFound(w, r) // served in place of their sources only
			return
		case strings.HasPrefix(p, "/assets/"):
		default:
			http.NotFound(w, r)
			return
		}
		rel := p[1:]
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		// The page is under development on this server: always revalidate.
		h.Set("Cache-Control", "no-cache")
		if ct := ContentType(p); ct != "" {
			h.Set("Content-Type", ct)
		}
		if Compressible(rel) {
			h.Add("Vary", "Accept-Encoding")
			accept := r.Header.Get("Accept-Encoding")
			for _, e := range Encodings {
				c := CopyPath(root, rel, e)
				if !acceptsEncoding(accept, e.Name) || !fresh(c, st) {
					continue
				}
				cf, err := os.Open(c)
				if err != nil {
					continue
				}
				defer cf.Close()
				// A file of a few bytes may not get smaller.
				if cst, err := cf.Stat(); err != nil || cst.Size() >= st.Size() {
					continue
				}
				h.Set("Content-Encoding", e.Name)
				h.Set("ETag", etag(st, e.Name))
				http.ServeContent(w, r, p, st.ModTime(), cf)
				return
			}
		}
		h.Set("ETag", etag(st, ""))
		http.ServeContent(w, r, p, st.ModTime(), f)
	})
}

// etag names one representation of a file: its version (time and size)
// and its content coding.
func etag(st os.FileInfo, enc string) string {
	if enc != "" {
		enc = "-" + enc
	}
	return fmt.Sprintf(`"%x-%x%s"`, st.ModTime().UnixNano(), st.Size(), enc)
}

// acceptsEncoding reports whether an Accept-Encoding header allows enc.
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

// ContentType returns the Content-Type Handler sends for the file at p.
func ContentType(p string) string {
	if ct := contentTypes[path.Ext(p)]; ct != "" {
		return ct
	}
	return mime.TypeByExtension(path.Ext(p))
}

// contentTypes are set explicitly: some systems' MIME tables lack them, and
// module scripts must have a JavaScript type.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".wasm":        "application/wasm",
	".ipynb":       "application/x-ipynb+json",
	".json":        "application/json",
	".md":          "text/markdown; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".gz":          "application/gzip",
	".webmanifest": "application/manifest+json",
	".woff2":       "font/woff2",
}
