package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"nasbook/engine/data"
	"nasbook/internal/site"
	"nasbook/internal/site/sitetest"
)

// fakeProject lays out a project root whose page programs are empty mains,
// so that serve builds it in seconds.
func fakeProject(t *testing.T) string {
	t.Helper()
	var pkgs []string
	for _, p := range site.Programs {
		pkgs = append(pkgs, p.Pkg)
	}
	return sitetest.FakeProject(t, pkgs, nil)
}

// nasbook serve builds, serves the page and the MNIST subset with its
// headers, and ends cleanly on SIGINT (Ctrl+C).
func TestServeStopsOnInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and five wasm programs")
	}
	exe, root := nasbookBinary(t), fakeProject(t)
	cmd := exec.Command(exe, "serve", "-root", root, "-addr", "127.0.0.1:0", "-brotli", "1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	var url string
	deadline := time.After(5 * time.Minute)
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended before serving: %v\n%s", <-exited, stderr.String())
			}
			if m := regexp.MustCompile(`serving the playground at (http://\S+/)`).FindStringSubmatch(l); m != nil {
				url = m[1]
			}
		case <-deadline:
			t.Fatalf("serve did not start in 5 minutes\n%s", stderr.String())
		}
	}

	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" || resp.Header.Get("Content-Security-Policy") != site.ContentSecurityPolicy {
		t.Errorf("GET /: status %d, encoding %q, CSP %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Security-Policy"))
	}
	resp, err = http.Get(url + "assets/build/data/" + data.MNISTSubsetFiles.TestLabels)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want, _ := os.ReadFile(filepath.Join("..", "..", "engine", "data", "mnist", data.MNISTSubsetFiles.TestLabels))
	if resp.StatusCode != 200 || len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("MNIST labels: status %d, %d bytes, want the repository's %d", resp.StatusCode, len(got), len(want))
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for range lines {
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve exited with %v after SIGINT, want 0\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve still runs 30 s after SIGINT")
	}
	if site.BuiltBrotli(root) != 1 {
		t.Errorf("serve -brotli 1 built at quality %d", site.BuiltBrotli(root))
	}
}

// -brotli takes a quality from 1 to 11, and says so naming the flag.
func TestBrotliFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	exe := nasbookBinary(t)
	for _, args := range [][]string{{"build", "-brotli", "12"}, {"build", "-brotli", "0"}, {"serve", "-brotli", "-1"}, {"serve", "-brotli", "nine"}} {
		cmd := exec.Command(exe, append(args, "-root", t.TempDir())...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), `invalid value "`+args[2]+`" for flag -brotli: want a brotli quality from 1 to 11`) {
			t.Errorf("nasbook %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
