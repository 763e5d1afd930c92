package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The page works offline through a service worker (sw.js, at the root so
// that its scope is the whole page). It imports OfflineList, which the
// build writes: the version of the build, a hash of every file the page
// may fetch, and which files it keeps. A new build changes the list, the
// browser sees the imported script change, and the new worker fills a cache
// of its own version and deletes the old ones.

// ServiceWorker is the service worker's script, relative to root.
const ServiceWorker = "sw.js"

// OfflineList is the script the service worker imports, relative to root.
const OfflineList = BuildDir + "/offline-list.js"

// offlineLater are kept once the page is ready rather than at install: the
// workers' programs, which the page loads on first use.
var offlineLater = map[string]bool{
	BuildDir + "/figure.wasm": true,
	BuildDir + "/pool.wasm":   true,
}

// benchFiles are the benchmark page's (assets/bench.html, which nasbook
// bench drives too): the playground only links to it, so neither its first
// visit nor its offline copy holds them. That includes TensorFlow.js
// (assets/vendor/tfjs), which the page measures beside nasbook.
var benchFiles = map[string]bool{
	"assets/bench.html":         true,
	"assets/css/bench.css":      true,
	"assets/js/bench.js":        true,
	"assets/js/bench-worker.js": true,
	"assets/js/bench-tfjs.js":   true,
	"assets/js/run-node.mjs":    true,
	BuildDir + "/bench.wasm":    true,
}

// benchFile reports whether rel is the benchmark page's.
func benchFile(rel string) bool {
	return benchFiles[rel] || strings.HasPrefix(rel, "assets/vendor/tfjs/")
}

// offlineSkip are servable files that the page never fetches.
func offlineSkip(rel string) bool { return benchFile(rel) || rel == OfflineList }

// offlineLazy reports whether rel is kept only once a cell fetched it: the
// shipped data (MNIST, the benchmark tables).
func offlineLazy(rel string) bool { return strings.HasPrefix(rel, BuildDir+"/data/") }

// offline is the content of OfflineList.
type offline struct {
	Version string   `json:"version"`
	Shell   []string `json:"shell"` // kept when the worker installs
	Later   []string `json:"later"` // kept once the page is ready
	Lazy    []string `json:"lazy"`  // kept when first fetched
}

// writeOffline writes OfflineList for the servable files under root. It
// reports whether the list changed.
func writeOffline(root string) (bool, error) {
	files, err := Servable(root)
	if err != nil {
		return false, err
	}
	sort.Strings(files)
	h := sha256.New()
	var o offline
	for _, rel := range files {
		if offlineSkip(rel) || rel == ServiceWorker {
			continue
		}
		sum, err := fileHash(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return false, err
		}
		fmt.Fprintf(h, "%s %s\n", rel, sum)
		url := rel
		if rel == "index.html" {
			url = "./"
		}
		switch {
		case offlineLater[rel]:
			o.Later = append(o.Later, url)
		case offlineLazy(rel):
			o.Lazy = append(o.Lazy, url)
		default:
			o.Shell = append(o.Shell, url)
		}
	}
	// The worker's own script is in the version too.
	if sw, err := fileHash(filepath.Join(root, ServiceWorker)); err == nil {
		fmt.Fprintf(h, "%s %s\n", ServiceWorker, sw)
	}
	o.Version = hex.EncodeToString(h.Sum(nil))[:16]
	b, err := json.MarshalIndent(o, "", "\t")
	if err != nil {
		return false, err
	}
	script := "// Written by the build (internal/site/offline.go): what sw.js keeps for offline use.\n" +
		"self.nasbookOffline = " + string(b) + ";\n"
	return writeIfChanged(filepath.Join(root, filepath.FromSlash(OfflineList)), []byte(script))
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
