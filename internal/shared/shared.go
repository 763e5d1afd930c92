// Package shared finds the reference data that lives beside the project
// (../shared/data: NAS-Bench-201's tables), for tests. The data is never
// copied into the project; a test that needs it skips where it is absent,
// and .ci/run requires it.
package shared

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Dir returns ../shared/data/<name> beside the module root (found from the
// working directory), skipping the test when it is absent.
func Dir(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared: no go.mod above the test's directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference data %s absent", p)
	}
	return p
}

// File returns the contents of ../shared/data/<name>, skipping the test when
// it is absent.
func File(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Dir(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// SixDigits reports whether got, printed to six significant digits as the
// tables print their figures, is want.
func SixDigits(got, want float64) bool {
	r, err := strconv.ParseFloat(strconv.FormatFloat(got, 'g', 6, 64), 64)
	return err == nil && r == want
}
