package notebook

import (
	"testing"
	"time"
)

func TestDbg(t *testing.T) {
	k, _ := newKernel(t)
	run(t, k, "func down(n int) int {\n\tif n == 0 {\n\t\tpanic(\"bottom\")\n\t}\n\treturn down(n-1) + 1\n}")
	for _, n := range []string{"500", "1000", "2000", "4000"} {
		start := time.Now()
		run(t, k, "down("+n+")")
		t.Log(n, time.Since(start))
	}
}
