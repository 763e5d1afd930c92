package symbols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGeneratedSymbolsAreCurrent regenerates the symbol files with the
// go:generate commands of symbols.go into a scratch folder and compares them
// with the committed ones, so that a change to a script-facing package's API
// cannot ship without `go generate`.
func TestGeneratedSymbolsAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs yaegi extract")
	}
	src, err := os.ReadFile("symbols.go")
	if err != nil {
		t.Fatal(err)
	}
	cmds := regexp.MustCompile(`(?m)^//go:generate (.+)$`).FindAllStringSubmatch(string(src), -1)
	if len(cmds) == 0 {
		t.Fatal("no go:generate lines in symbols.go")
	}
	// yaegi extract names the package after the folder it runs in, and must
	// run inside the module to find its packages; folders starting with '_'
	// are ignored by the go command's ./... patterns.
	tmp, err := os.MkdirTemp(".", "_gen-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	scratch := filepath.Join(tmp, "symbols")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		t.Fatal(err)
	}
	// go generate runs its commands with GOROOT set; yaegi extract needs it
	// when built with -trimpath, which leaves runtime.GOROOT empty.
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		args := strings.Fields(c[1])
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = scratch
		cmd.Env = append(os.Environ(), "GOROOT="+strings.TrimSpace(string(goroot)))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", c[1], err, out)
		}
	}
	fresh, _ := filepath.Glob(filepath.Join(scratch, "*.go"))
	committed, _ := filepath.Glob("*.go")
	have := map[string]bool{}
	for _, f := range committed {
		if f != "symbols.go" && !strings.HasSuffix(f, "_test.go") {
			have[f] = true
		}
	}
	for _, f := range fresh {
		name := filepath.Base(f)
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s is not committed: run go generate in notebook/symbols", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go generate in notebook/symbols", name)
		}
		delete(have, name)
	}
	for f := range have {
		t.Errorf("%s is committed but no longer generated", f)
	}
}
