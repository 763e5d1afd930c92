package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"nasbook/internal/site"
)

func serveCmd(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	quality := fs.Int("brotli", 9, "brotli `quality` (0-11) of the pre-compressed wasm; 11 is about 10% smaller and a minute slower")
	fs.Parse(args)
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	if err := build(dir, false, *quality); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("nasbook: serving the playground at http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: site.Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}

func buildCmd(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	force := fs.Bool("force", false, "rebuild even if the sources did not change")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	quality := fs.Int("brotli", 9, "brotli `quality` (0-11) of the pre-compressed wasm; 11 is about 10% smaller and a minute slower")
	fs.Parse(args)
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	return build(dir, *force, *quality)
}

func build(dir string, force bool, quality int) error {
	if quality < 0 || quality > 11 {
		return fmt.Errorf("-brotli %d, want 0 to 11", quality)
	}
	start := time.Now()
	rebuilt, err := site.Build(dir, site.Options{Force: force, Log: os.Stderr, BrotliQuality: quality})
	if err != nil {
		return err
	}
	if rebuilt {
		fmt.Fprintf(os.Stderr, "nasbook: built %s in %.1fs\n", site.BuildDir, time.Since(start).Seconds())
	}
	return nil
}

// projectRoot returns dir, or the nearest directory above the working
// directory that holds index.html and go.mod.
func projectRoot(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if fileExists(filepath.Join(d, "go.mod")) && fileExists(filepath.Join(d, "index.html")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("not inside the nasbook project (no go.mod and index.html above " + wd + "); use -root")
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
