//go:build unix

package notebook

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the CPU time the process has spent.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkGuard measures what the guard's checks cost: the MNIST lesson's
// training cell (the engine's compiled code does the work; the cell makes a
// progress output per batch), and a cell of interpreted calls and loops, the
// worst case. Run with -bench Guard -benchtime 3x.
func BenchmarkGuard(b *testing.B) {
	raw, err := os.ReadFile("../assets/notebooks/mnist.ipynb")
	if err != nil {
		b.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		b.Fatal(err)
	}
	var code []string
	for _, c := range nb.Cells {
		var t Text
		if err := json.Unmarshal(c.Source, &t); err != nil {
			b.Fatal(err)
		}
		if c.CellType == "code" {
			code = append(code, string(t))
		}
	}
	train := code[1]
	if !strings.Contains(train, "nb.Train(cnn") {
		b.Fatalf("the lesson's second code cell is not the training cell: %q", train)
	}
	interpreted := "func fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn fib(n-1) + fib(n-2)\n}\ns := 0\nfor i := 0; i < 200000; i++ {\n\ts += i % 7\n}\nfib(22) + s"
	for _, c := range []struct {
		name, setup, cell string
	}{{"mnist-train", code[0], train}, {"interpreted", "", interpreted}} {
		for _, guarded := range []bool{false, true} {
			name := c.name + "/unguarded"
			if guarded {
				name = c.name + "/guarded"
			}
			b.Run(name, func(b *testing.B) {
				k, err := NewKernel(func(Output) {}, nil)
				if err != nil {
					b.Fatal(err)
				}
				k.unguarded = !guarded
				if c.setup != "" {
					if err := k.Run(context.Background(), c.setup); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				cpu := cpuSeconds()
				for range b.N {
					if err := k.Run(context.Background(), c.cell); err != nil {
						b.Fatal(err)
					}
				}
				// On a shared machine the CPU time spent is steadier than the wall time.
				b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
			})
		}
	}
}

// BenchmarkHeapReading is what the guard pays each 50 ms of a running cell,
// and every memEvery checks.
func BenchmarkHeapReading(b *testing.B) {
	for range b.N {
		heapBytes()
	}
}

// BenchmarkCheck is one call of the guard from a cell: what a function call
// and every countEvery turns of a loop pay.
func BenchmarkCheck(b *testing.B) {
	g := newGuard(Limits{})
	g.begin()
	for range b.N {
		g.Tick()
	}
}
