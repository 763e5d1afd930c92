package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain lets the test binary stand in for `nasbook kernel`, the child
// process that `nasbook run` starts (kernelCommand runs os.Executable()).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kernel" {
		if err := kernelCmd(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binDir holds the command as nasbookBinary built it, once for the
// package's tests: each build links the whole program again.
var (
	binDir   string
	binOnce  sync.Once
	binError string
)

// nasbookBinary returns the path of this command built into a temporary
// directory of its own (named nasbook, so that the directory may go on a
// PATH).
func nasbookBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nasbook-test-")
		if err != nil {
			binError = err.Error()
			return
		}
		binDir = dir
		if b, err := exec.Command("go", "build", "-o", filepath.Join(dir, "nasbook"), ".").CombinedOutput(); err != nil {
			binError = fmt.Sprintf("go build: %v\n%s", err, b)
		}
	})
	if binError != "" {
		t.Fatal(binError)
	}
	return filepath.Join(binDir, "nasbook")
}
