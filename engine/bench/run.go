package bench

import (
	"fmt"

	"nasbook/engine/compute"
)

// RunAll measures the named workloads ("W1", "W2", "W3") in order with
// kernel set ks (nil for the platform's default) and returns one line per
// figure, "<workload> <metric>=<median>", or "# <workload> failed: <error>".
func RunAll(workloads []string, ks *compute.Set, p Protocol) []string {
	run := map[string]func(*compute.Set, Protocol) (Result, error){"W1": RunW1, "W2": RunW2, "W3": RunW3}
	var lines []string
	for _, w := range workloads {
		f, ok := run[w]
		if !ok {
			lines = append(lines, fmt.Sprintf("# unknown workload %q (want W1, W2 or W3)", w))
			continue
		}
		r, err := f(ks, p)
		if err != nil {
			lines = append(lines, fmt.Sprintf("# %s failed: %v", w, err))
			continue
		}
		lines = append(lines, r.String())
	}
	return lines
}
