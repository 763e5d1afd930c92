// Command nasbook is the playground's command line: it builds and serves the
// notebook page, and runs notebooks natively with the same engine.
//
//	nasbook serve [-addr host:port]   build stale wasm, serve the playground
//	nasbook build [-force]            build the page's assets only
//	nasbook run [-o out.ipynb] FILE   run a notebook headless, print its outputs
//	nasbook search -table FILE ...    search a tabular benchmark (NAS-Bench-201's CSVs)
//	nasbook score -proxy synflow,...  score architectures (stdin) with zero-cost proxies
//	nasbook bench [-targets ...]      measure workloads W1-W3 natively and in js/wasm
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

type command struct {
	name, summary string
	run           func(args []string) error
}

var commands = []command{
	{"serve", "build stale wasm binaries and serve the playground", serveCmd},
	{"build", "build the page's wasm binaries and data into assets/build", buildCmd},
	{"run", "run a notebook (.ipynb) headless and print each cell's output", runCmd},
	{"search", "search a benchmark table's space with a strategy over seeds", searchCmd},
	{"bench", "measure the engine's workloads W1-W3 natively, in node and in Chromium", benchCmd},
	{"score", "score architectures from stdin with zero-cost proxies, one JSON line each", scoreCmd},
	{"cost", "print params, MACs, FLOPs, memory and latency of architectures as JSON", costCmd},
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	for _, c := range commands {
		if c.name == os.Args[1] {
			if err := c.run(os.Args[2:]); err != nil {
				fmt.Fprintf(os.Stderr, "nasbook %s: %v\n", c.name, err)
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "nasbook: unknown command %q\n", os.Args[1])
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: nasbook <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'nasbook <command> -h' for a command's flags.")
}

// parseShape reads an -input flag such as 3x32x32; "" is no shape.
func parseShape(input string) ([]int, error) {
	if input == "" {
		return nil, nil
	}
	var shape []int
	for _, p := range strings.Split(input, "x") {
		d, err := strconv.Atoi(p)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("-input %q: want positive sizes joined by x, such as 3x32x32", input)
		}
		shape = append(shape, d)
	}
	return shape, nil
}
