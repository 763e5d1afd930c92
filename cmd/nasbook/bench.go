package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/engine/bench"
	"nasbook/engine/kernel/wasmsimd"
	"nasbook/internal/browser"
	"nasbook/internal/site"
)

func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	targets := fs.String("targets", "native,node,chromium", "where to measure: native, node (js/wasm in node), chromium (js/wasm in headless Chromium)")
	workloads := fs.String("workloads", "W1,W2,W3", "workloads of WORKLOADS.md to run")
	quick := fs.Bool("quick", false, "a smoke run (2 repetitions of 2 steps); the figures mean nothing")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook bench [flags]\n\nPrints one line per figure, e.g. \"nasbook-native W1 images/s=1234\".\nREPS, STEPS, WARMUP_STEPS and GEMM_REP_SECONDS in the environment change the protocol.")
		fs.PrintDefaults()
	}
	fs.Parse(args)
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	env := map[string]string{"WORKLOADS": *workloads}
	for _, k := range []string{"REPS", "STEPS", "WARMUP_STEPS", "GEMM_REP_SECONDS"} {
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	if *quick {
		env["REPS"], env["STEPS"], env["WARMUP_STEPS"], env["GEMM_REP_SECONDS"] = "2", "2", "1", "0.02"
	}
	failed := 0
	for _, t := range strings.Split(*targets, ",") {
		var lines []string
		var err error
		switch t {
		case "native":
			lines = benchNative(env)
		case "node":
			lines, err = benchNode(dir, env)
		case "chromium":
			lines, err = benchChromium(dir, env)
		default:
			err = fmt.Errorf("unknown target %q", t)
		}
		for _, l := range lines {
			fmt.Println(l)
		}
		if err != nil {
			fmt.Printf("# nasbook-%s failed: %v\n", t, err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d target(s) failed", failed)
	}
	return nil
}

func benchNative(env map[string]string) []string {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // single thread, as WORKLOADS.md asks
	p := bench.Protocol{}.FromEnv(func(k string) string { return env[k] })
	var out []string
	for _, l := range bench.RunAll(strings.Split(env["WORKLOADS"], ","), nil, p) {
		out = append(out, "nasbook-native "+l)
	}
	return out
}

// buildBench builds the wasm benchmark program into assets/build/bench.wasm.
func buildBench(dir string) (string, error) {
	if _, err := site.Build(dir, site.Options{}); err != nil { // wasm_exec.js
		return "", err
	}
	out := filepath.Join(dir, site.BuildDir, "bench.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./wasm/bench")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building ./wasm/bench: %v\n%s", err, b)
	}
	return out, nil
}

// benchNode runs the workloads in node twice: with the WebAssembly SIMD
// kernels (nasbook-wasm-node-simd) and with the Go kernels (nasbook-wasm-node).
func benchNode(dir string, env map[string]string) ([]string, error) {
	wasm, err := buildBench(dir)
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found: %w", err)
	}
	var lines []string
	for _, simd := range []bool{true, false} {
		cmd := exec.Command(node, filepath.Join(dir, "assets/js/run-node.mjs"), wasm)
		cmd.Env = append(os.Environ(), "BENCH_PREFIX=nasbook-wasm-node-simd", "NASBOOK_SIMD_WASM="+filepath.Join(dir, site.BuildDir, wasmsimd.FileName))
		if !simd {
			cmd.Env = append(cmd.Env, "BENCH_PREFIX=nasbook-wasm-node", "NASBOOK_SIMD=0")
		}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		lines = append(lines, strings.Split(strings.TrimSpace(string(b)), "\n")...)
		if err != nil {
			return lines, err
		}
	}
	return lines, nil
}

func benchChromium(dir string, env map[string]string) ([]string, error) {
	if _, err := buildBench(dir); err != nil {
		return nil, err
	}
	exe, err := browser.Path()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	go http.Serve(ln, site.Handler(dir))
	profile, err := os.MkdirTemp("", "nasbook-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	ctx, cancel := browser.New(exe, profile)
	defer cancel()
	// With the WebAssembly SIMD kernels, then with the Go kernels only.
	var lines []string
	for _, simd := range []bool{true, false} {
		q := url.Values{}
		for k, v := range env {
			q.Set(k, v)
		}
		q.Set("BENCH_PREFIX", "nasbook-wasm-chromium-simd")
		if !simd {
			q.Set("BENCH_PREFIX", "nasbook-wasm-chromium")
			q.Set("SIMD", "0")
		}
		page := "http://" + ln.Addr().String() + "/assets/bench.html?" + q.Encode()
		if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
			return lines, err
		}
		tctx, tcancel := context.WithTimeout(ctx, 30*time.Minute)
		l, err := browser.Eval[[]string](tctx, `new Promise(resolve => { (function poll() {
			if (window.benchDone) window.benchDone.then(() => resolve(window.benchLines)); else setTimeout(poll, 50); })(); })`)
		tcancel()
		lines = append(lines, l...)
		if err != nil {
			return lines, err
		}
	}
	return lines, nil
}
