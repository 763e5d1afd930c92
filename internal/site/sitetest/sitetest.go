// Package sitetest lays out stand-in projects for tests of the site build
// and of the commands that run it.
package sitetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FakeProject lays out a project root whose page programs (each Pkg of
// programs, such as "./wasm/kernel") are empty mains, with an index.html and
// the files of extra (slash-separated path to content), so that a build runs
// end to end in seconds.
func FakeProject(t testing.TB, programs []string, extra map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":     "module fake\n\ngo 1.22\n",
		"index.html": "<!doctype html><meta charset=\"utf-8\"><title>fake</title>" + strings.Repeat("<p>text</p>", 50),
	}
	for _, p := range programs {
		files[strings.TrimPrefix(p, "./")+"/main.go"] = "package main\n\nfunc main() {}\n"
	}
	for name, body := range extra {
		files[name] = body
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}
