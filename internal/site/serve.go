package site

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Handler serves the playground from the project root: "/" is index.html, and
// files under assets/ are served as they are, or as their pre-compressed .br
// or .gz copy when one exists and the browser accepts it. Nothing else of the
// project (sources, .git) is served.
func Handler(root string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		switch {
		case p == "/" || p == "/index.html":
			p = "/index.html"
		case strings.HasPrefix(p, "/assets/"):
		default:
			http.NotFound(w, r)
			return
		}
		file := filepath.Join(root, filepath.FromSlash(p))
		// The page is under development on this server: always revalidate.
		w.Header().Set("Cache-Control", "no-cache")
		ct := contentTypes[path.Ext(p)]
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(p))
		}
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if strings.HasSuffix(p, ".wasm") || strings.HasSuffix(p, ".js") {
			w.Header().Add("Vary", "Accept-Encoding")
			accept := r.Header.Get("Accept-Encoding")
			for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
				if !acceptsEncoding(accept, enc.name) {
					continue
				}
				if f, err := os.Open(file + enc.ext); err == nil {
					defer f.Close()
					if st, err := f.Stat(); err == nil && !st.IsDir() {
						w.Header().Set("Content-Encoding", enc.name)
						http.ServeContent(w, r, p, st.ModTime(), f)
						return
					}
				}
			}
		}
		f, err := os.Open(file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, p, st.ModTime(), f)
	})
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

// contentTypes are set explicitly: some systems' MIME tables lack them.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".wasm":  "application/wasm",
	".ipynb": "application/x-ipynb+json",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
}
