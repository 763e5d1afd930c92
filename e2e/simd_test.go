package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nasbook/engine/compute/wasmsimd"
	"nasbook/internal/browser"
)

// The WebAssembly SIMD kernels are held to the reference kernels by
// engine/compute's own tests, run as a js/wasm test binary with the kernels
// linked the way the page links them (assets/js/simd.js): under node with
// assets/js/run-node.mjs, and in headless Chromium. NASBOOK_REQUIRE_SIMD
// makes the binary fail if the kernels are not linked.

var (
	kernelTestOnce sync.Once
	kernelTestDir  string
	kernelTestErr  error
)

// kernelTestBinary builds engine/compute's tests for js/wasm and assembles
// the SIMD kernels beside them.
func kernelTestBinary(t *testing.T) (testWasm, simdWasm string) {
	t.Helper()
	kernelTestOnce.Do(func() {
		kernelTestDir, kernelTestErr = os.MkdirTemp("", "nasbook-simd-")
		if kernelTestErr != nil {
			return
		}
		cmd := exec.Command("go", "test", "-c", "-o", filepath.Join(kernelTestDir, "kernel.test.wasm"), "./engine/compute")
		cmd.Dir = root(t)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			kernelTestErr = fmt.Errorf("building engine/compute's tests for js/wasm: %v\n%s", err, b)
			return
		}
		b, err := wasmsimd.Module()
		if err != nil {
			kernelTestErr = err
			return
		}
		kernelTestErr = os.WriteFile(filepath.Join(kernelTestDir, wasmsimd.FileName), b, 0o644)
	})
	if kernelTestErr != nil {
		t.Fatal(kernelTestErr)
	}
	return filepath.Join(kernelTestDir, "kernel.test.wasm"), filepath.Join(kernelTestDir, wasmsimd.FileName)
}

func TestMain(m *testing.M) {
	code := m.Run()
	closeShared()
	if kernelTestDir != "" {
		os.RemoveAll(kernelTestDir)
	}
	os.Exit(code)
}

func TestSIMDKernelsInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("NASBOOK_REQUIRE_BROWSER") != "" {
			t.Fatal("node not found")
		}
		t.Skip("node not found; set NASBOOK_REQUIRE_BROWSER=1 to make this a failure")
	}
	testWasm, simdWasm := kernelTestBinary(t)
	cmd := exec.Command(node, filepath.Join(root(t), "assets/js/run-node.mjs"), testWasm, "-test.v")
	cmd.Env = append(os.Environ(), "NASBOOK_SIMD_WASM="+simdWasm, "NASBOOK_REQUIRE_SIMD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestSIMDLinked") {
		t.Fatalf("engine/compute's tests in node with the SIMD kernels: %v\n%s", err, out)
	}
}

// TestGoKernelsWithoutSIMD: a loader that leaves the SIMD kernels out (as on
// an engine without SIMD) still runs the program, on the Go kernels.
func TestGoKernelsWithoutSIMD(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("NASBOOK_REQUIRE_BROWSER") != "" {
			t.Fatal("node not found")
		}
		t.Skip("node not found; set NASBOOK_REQUIRE_BROWSER=1 to make this a failure")
	}
	testWasm, _ := kernelTestBinary(t)
	cmd := exec.Command(node, filepath.Join(root(t), "assets/js/run-node.mjs"), testWasm, "-test.v", "-test.run", "TestSIMDLinked|TestGemm")
	cmd.Env = append(os.Environ(), "NASBOOK_SIMD=0")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- SKIP: TestSIMDLinked") {
		t.Fatalf("engine/compute's tests in node without the SIMD kernels: %v\n%s", err, out)
	}
}

// kernelTestPage runs the test binary in a page the way bench.html runs
// bench.wasm, with its output collected from the runtime's writes.
const kernelTestPage = `<!doctype html>
<meta charset="utf-8">
<script src="wasm_exec.js"></script>
<script src="simd.js"></script>
<script>
  window.testOut = "";
  const decoder = new TextDecoder("utf-8");
  const writeSync = globalThis.fs.writeSync.bind(globalThis.fs);
  globalThis.fs.writeSync = (fd, buf) => { window.testOut += decoder.decode(buf); return writeSync(fd, buf); };
  window.testDone = (async () => {
    const go = new Go();
    go.argv = ["kernel.test", "-test.v"];
    go.env = { NASBOOK_REQUIRE_SIMD: "1" };
    let code = null;
    go.exit = (c) => { code = c; };
    const simd = await nasbookSimd.load("simd.wasm");
    Object.assign(go.importObject, simd.importObject);
    const { instance } = await WebAssembly.instantiateStreaming(fetch("kernel.test.wasm"), go.importObject);
    await simd.attach(instance);
    await go.run(instance);
    return { code, out: window.testOut, kernels: simd.name, reason: simd.reason };
  })().catch((e) => ({ code: -1, out: window.testOut + "\n" + e, kernels: "", reason: "" }));
</script>`

func TestSIMDKernelsInChromium(t *testing.T) {
	long(t)
	testWasm, simdWasm := kernelTestBinary(t)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"/kernel.test.wasm": testWasm,
		"/simd.wasm":        simdWasm,
		"/simd.js":          filepath.Join(root(t), "assets/js/simd.js"),
		"/wasm_exec.js":     filepath.Join(strings.TrimSpace(string(goroot)), "lib/wasm/wasm_exec.js"),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, kernelTestPage)
			return
		}
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(f, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		} else {
			w.Header().Set("Content-Type", "text/javascript")
		}
		http.ServeFile(w, r, f)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	ctx := tab(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(originURL(ln))); err != nil {
		t.Fatal(err)
	}
	type result struct {
		Code    int    `json:"code"`
		Out     string `json:"out"`
		Kernels string `json:"kernels"`
		Reason  string `json:"reason"`
	}
	tctx, tcancel := context.WithTimeout(ctx, 10*time.Minute)
	defer tcancel()
	res, err := browser.Eval[result](tctx, `window.testDone`)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kernels != "wasm-simd" {
		t.Fatalf("the SIMD kernels were not linked: %s", res.Reason)
	}
	if res.Code != 0 || !strings.Contains(res.Out, "--- PASS: TestSIMDLinked") {
		t.Fatalf("engine/compute's tests in Chromium exited %d:\n%s", res.Code, res.Out)
	}
}

// pageNamesSIMDKernels: the kernel worker links the SIMD kernels and the
// page says so.
func pageNamesSIMDKernels(t *testing.T, ctx context.Context) {
	info := eval[string](t, ctx, `document.querySelector('#kernel-info').textContent`, patience)
	if !strings.Contains(info, "kernels: wasm-simd") {
		t.Errorf("#kernel-info says %q, want it to name the wasm-simd kernels", info)
	}
}
