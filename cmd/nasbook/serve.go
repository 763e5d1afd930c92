package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"nasbook/internal/site"
)

func serveCmd(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	var quality brotliFlag
	fs.Var(&quality, "brotli", brotliUsage)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook serve [flags]\n\nBuilds what is stale in assets/build (as nasbook build does) and serves the playground,\nsending the pre-compressed copy of each file that the browser accepts. Ctrl+C stops it.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	// Ctrl+C (or SIGTERM) ends the build or the server; a second one ends
	// the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	built := make(chan error, 1)
	go func() { built <- build(dir, false, int(quality)) }()
	select {
	case err := <-built:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		return errors.New("interrupted while building")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("nasbook: serving the playground at http://%s/ (Ctrl+C stops)\n", ln.Addr())
	srv := site.Server(site.Handler(dir))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop()
	fmt.Println("nasbook: stopping")
	// Let the responses under way finish, for a few seconds at most.
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func buildCmd(args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	force := fs.Bool("force", false, "rebuild even if the sources did not change")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	out := fs.String("o", "", "also write the built playground into `dir` as a static site for any static host\n(dir must be new, empty, or an earlier output of -o, which is replaced)")
	var quality brotliFlag
	fs.Var(&quality, "brotli", brotliUsage)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook build [flags]\n\nBuilds the playground's wasm programs and data into assets/build when their sources\nchanged (or with -force). With -o DIR it also writes a static site into DIR: every file\nplain and, beside the text and wasm files, their .br and .gz copies; copy DIR to any\nstatic host (GitHub Pages, a course's web space) to publish the playground.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	if err := build(dir, *force, int(quality)); err != nil {
		return err
	}
	if *out == "" {
		return nil
	}
	n, err := site.Export(dir, *out, site.BuiltBrotli(dir))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "nasbook: wrote the static site into %s (%d files)\n", *out, n)
	return nil
}

const brotliUsage = "brotli `quality` of the pre-compressed files, 1 (fastest) to 11 (about 10% smaller than 9, a minute slower) (default: the last build's, or 9)"

// brotliFlag is the -brotli flag of build and serve: a quality from 1 to 11;
// its zero value, the flag left out, keeps the quality of the last build.
type brotliFlag int

func (q *brotliFlag) String() string {
	if *q == 0 {
		return ""
	}
	return strconv.Itoa(int(*q))
}

func (q *brotliFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > 11 {
		return fmt.Errorf("want a brotli quality from 1 to 11")
	}
	*q = brotliFlag(v)
	return nil
}

func build(dir string, force bool, quality int) error {
	start := time.Now()
	rebuilt, err := site.Build(dir, site.Options{Force: force, Log: os.Stderr, BrotliQuality: quality})
	if err != nil {
		return err
	}
	if rebuilt {
		fmt.Fprintf(os.Stderr, "nasbook: built %s in %.1fs (brotli quality %d)\n", site.BuildDir, time.Since(start).Seconds(), site.BuiltBrotli(dir))
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
