package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/engine/bench"
	"nasbook/engine/compute/wasmsimd"
	"nasbook/internal/browser"
	"nasbook/internal/site"
)

// benchTargets are where bench measures, and benchWorkloads what: by
// default WORKLOADS.md's (benchDefault), a few minutes; the pool workload
// (benchpool.go) takes minutes more.
var (
	benchTargets   = []string{"native", "node", "chromium"}
	benchWorkloads = []string{"W1", "W2", "W3", poolWorkload}
	benchDefault   = []string{"W1", "W2", "W3"}
)

func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	targets := fs.String("targets", strings.Join(benchTargets, ","), "where to measure: native, node (js/wasm in node), chromium (js/wasm in headless Chromium, and TensorFlow.js there)")
	workloads := fs.String("workloads", strings.Join(benchDefault, ","), "workloads to run: W1, W2, W3 of WORKLOADS.md; pool, two searches by training on 1 and 2 pool workers (native and chromium)")
	quick := fs.Bool("quick", false, "a smoke run (one step after one warm-up step, GEMMs for 0.02 s, pool: tiny searches natively, none in Chromium); the figures mean nothing")
	root := fs.String("root", "", "project root (default: the module root above the working directory)")
	quiet := fs.Bool("q", false, "show no progress on standard error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook bench [flags]\n\nPrints one line per figure, e.g. \"nasbook-native W1 images/s=1234\"; the pool workload one\nline per search: the ratio of the median times on 2 workers and on 1, the medians, each run,\ne.g. \"nasbook-native pool-halving ratio=0.512 s/1-worker=17.61 s/2-workers=9.02 runs/1-worker=...\".\nREPS, STEPS, WARMUP_STEPS and GEMM_REP_SECONDS in the environment change the protocol\n(REPS: the pool workload's runs on each pool size, 3 unless set).\n\ntargets:   "+list(benchTargets)+"\nworkloads: "+list(benchWorkloads)+"\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	ts, ws := splitList(*targets), splitList(*workloads)
	for _, c := range []struct {
		flag       string
		got, known []string
	}{{"targets", ts, benchTargets}, {"workloads", ws, benchWorkloads}} {
		if len(c.got) == 0 {
			return fmt.Errorf("-%s: none given; want some of %s", c.flag, list(c.known))
		}
		for _, g := range c.got {
			if !slices.Contains(c.known, g) {
				return fmt.Errorf("-%s: unknown %q; want some of %s", c.flag, g, list(c.known))
			}
		}
	}
	dir, err := projectRoot(*root)
	if err != nil {
		return err
	}
	// The workloads of WORKLOADS.md run in engine/bench's programs; the
	// pool workload runs the playground's kernel (benchpool.go).
	pool := slices.Contains(ws, poolWorkload)
	ws = slices.DeleteFunc(ws, func(w string) bool { return w == poolWorkload })
	env := map[string]string{"WORKLOADS": strings.Join(ws, ",")}
	for _, k := range []string{"REPS", "STEPS", "WARMUP_STEPS", "GEMM_REP_SECONDS"} {
		if v := os.Getenv(k); v != "" {
			if f, err := strconv.ParseFloat(v, 64); err != nil || !(f > 0) || (k != "GEMM_REP_SECONDS" && f != math.Trunc(f)) {
				return fmt.Errorf("%s=%s in the environment: want a positive %s", k, v, map[bool]string{true: "number of seconds", false: "whole number"}[k == "GEMM_REP_SECONDS"])
			}
			env[k] = v
		}
	}
	if *quick {
		env["REPS"], env["STEPS"], env["WARMUP_STEPS"], env["GEMM_REP_SECONDS"] = "1", "1", "1", "0.02"
	}
	reps := 3
	if v, ok := env["REPS"]; ok {
		reps, _ = strconv.Atoi(v)
	}
	// Progress counts steps: each native workload, each js/wasm target's
	// workloads of WORKLOADS.md, and the pool workload in Chromium.
	steps, done := 0, 0
	for _, t := range ts {
		switch {
		case t == "native":
			steps += len(ws)
			if pool {
				steps++
			}
		case len(ws) > 0:
			steps++
		}
		if t == "chromium" && pool && !*quick {
			steps++
		}
	}
	m := newMeter("bench", *quiet)
	defer m.Finish()
	step := func(what string) {
		m.Update(float64(done)/float64(max(steps, 1)), fmt.Sprintf("%d/%d, %s", done, steps, what))
	}
	print := func(lines []string) {
		m.Clear()
		for _, l := range lines {
			fmt.Println(l)
		}
	}
	// The js/wasm targets share one build of the benchmark program.
	var wasm string
	if len(ws) > 0 && slices.ContainsFunc(ts, func(t string) bool { return t != "native" }) {
		step("building the benchmark program")
		tmp, err := os.MkdirTemp("", "nasbook-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := buildBench(dir, tmp); err != nil {
			return err
		}
		wasm = tmp
	}
	failed := 0
	report := func(t string, lines []string, err error) {
		print(lines)
		if err != nil {
			print([]string{fmt.Sprintf("# nasbook-%s failed: %v", t, err)})
			failed++
		}
	}
	for _, t := range ts {
		if t == "native" {
			for _, w := range ws {
				step("native " + w)
				print(benchNative(w, env))
				done++
			}
			if pool {
				step("native pool")
				lines, err := benchPoolNative(reps, *quick)
				report("native pool", lines, err)
				done++
			}
			continue
		}
		if len(ws) > 0 {
			var lines []string
			var err error
			step(t)
			if t == "node" {
				lines, err = benchNode(dir, wasm, env)
			} else {
				lines, err = benchChromium(dir, wasm, env)
			}
			done++
			report(t, lines, err)
		}
		switch {
		case !pool:
		case t == "node":
			print([]string{"# nasbook-wasm-node pool: not measured (node has no pool of Web Workers; the playground's runs in Chromium)"})
		case *quick:
			print([]string{"# nasbook-wasm-chromium-simd pool: not measured with -quick (it builds and opens the playground)"})
		default:
			step("chromium pool (builds the playground if stale)")
			lines, err := benchPoolChromium(dir, reps, false)
			report("wasm-chromium-simd pool", lines, err)
			done++
		}
	}
	m.Update(1, fmt.Sprintf("%d/%d", steps, steps))
	if failed > 0 {
		return fmt.Errorf("%d target(s) failed", failed)
	}
	return nil
}

// benchNative measures one workload natively, on one thread as
// WORKLOADS.md asks.
func benchNative(workload string, env map[string]string) []string {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := bench.Protocol{}.FromEnv(func(k string) string { return env[k] })
	var out []string
	for _, l := range bench.RunAll([]string{workload}, nil, p) {
		out = append(out, "nasbook-native "+l)
	}
	return out
}

// benchFiles are what the benchmark page loads from build/ besides the
// playground's assets: the program, the SIMD kernels and Go's support
// script. bench builds them into a directory of its own, so it needs no
// build of the playground and never writes into assets/build, where a
// build of the playground may be under way.
var benchFiles = []string{"bench.wasm", wasmsimd.FileName, "wasm_exec.js"}

// buildBench writes benchFiles into out.
func buildBench(root, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(out, "bench.wasm"), "./wasm/bench")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building ./wasm/bench: %v\n%s", err, b)
	}
	simd, err := wasmsimd.Module()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, wasmsimd.FileName), simd, 0o644); err != nil {
		return err
	}
	cmd = exec.Command("go", "env", "GOROOT")
	cmd.Dir = root
	goroot, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	var js []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if js, err = os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), p)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("wasm_exec.js not found under %s: %w", goroot, err)
	}
	return os.WriteFile(filepath.Join(out, "wasm_exec.js"), js, 0o644)
}

// benchNode runs the workloads in node twice: with the WebAssembly SIMD
// kernels (nasbook-wasm-node-simd) and with the Go kernels (nasbook-wasm-node).
// build is the directory buildBench wrote.
func benchNode(dir, build string, env map[string]string) ([]string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found: %w", err)
	}
	var lines []string
	for _, simd := range []bool{true, false} {
		cmd := exec.Command(node, filepath.Join(dir, "assets/js/run-node.mjs"), filepath.Join(build, "bench.wasm"))
		cmd.Env = append(os.Environ(), "BENCH_PREFIX=nasbook-wasm-node-simd", "NASBOOK_SIMD_WASM="+filepath.Join(build, wasmsimd.FileName))
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

// benchChromium runs the workloads in headless Chromium on
// assets/bench.html, served as the playground is, with build/ holding the
// files buildBench wrote into build. With the SIMD kernels the page also
// runs the workloads in TensorFlow.js (tfjs-wasm-simd-chromium lines), so
// both figures come from the same run.
func benchChromium(dir, build string, env map[string]string) ([]string, error) {
	exe, err := browser.Path()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	playground := site.Handler(dir)
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/"+site.BuildDir+"/")
		if !ok || !slices.Contains(benchFiles, name) {
			playground.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", site.ContentSecurityPolicy)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", site.ContentType(name))
		http.ServeFile(w, r, filepath.Join(build, name))
	}))
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
		q.Set("TFJS_PREFIX", "tfjs-wasm-simd-chromium")
		if !simd {
			q.Set("BENCH_PREFIX", "nasbook-wasm-chromium")
			q.Set("SIMD", "0")
			q.Set("TFJS", "0")
		}
		page := "http://" + ln.Addr().String() + "/assets/bench.html?" + q.Encode()
		if simd {
			// A fresh browser starts its own pages and compiles for a second
			// or more; the first workload would share the cores with that.
			if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
				return lines, err
			}
			if p := chromedp.FromContext(ctx).Browser.Process(); p != nil {
				waitIdle(p.Pid, 15*time.Second)
			}
		}
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

// waitIdle waits until the processes under pid (the browser and the
// processes it started) have used less than a tenth of a core in each of
// three consecutive quarter seconds, or for at most max. Where there is no
// /proc to read, it returns at once.
func waitIdle(pid int, max time.Duration) {
	const window = 250 * time.Millisecond
	deadline := time.Now().Add(max)
	prev, ok := treeCPU(pid)
	for quiet := 0; ok && quiet < 3 && time.Now().Before(deadline); {
		time.Sleep(window)
		var cur time.Duration
		if cur, ok = treeCPU(pid); !ok {
			return
		}
		if cur-prev < window/10 {
			quiet++
		} else {
			quiet = 0
		}
		prev = cur
	}
}

// treeCPU returns the CPU time (user and system) that pid and its
// descendants have used, from /proc; ok is false where /proc cannot be read.
func treeCPU(pid int) (total time.Duration, ok bool) {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	parent := map[int]int{}
	ticks := map[int]int64{}
	for _, d := range dirs {
		p, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime stime: fields 4, 14 and 15; comm
		// may hold spaces, so count from its closing parenthesis.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 13 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		parent[p], ticks[p] = pp, ut+st
	}
	if _, found := parent[pid]; !found {
		return 0, false
	}
	var sum int64
	for p, t := range ticks {
		for q := p; q > 1; q = parent[q] {
			if q == pid {
				sum += t
				break
			}
		}
	}
	// Linux counts these times in USER_HZ, 100 a second on every
	// architecture it exports them for.
	return time.Duration(sum) * 10 * time.Millisecond, true
}
