//go:build js && wasm

// Command bench runs the engine's workloads (W1, W2, W3 of WORKLOADS.md) in a
// JavaScript engine: under node (wasm_exec_node.js, settings from the
// environment) or in a page (assets/bench.html, settings from
// self.nasbookBenchEnv). Each result is printed as one line and, in a page,
// also handed to self.nasbookBenchLine; self.nasbookBenchDone is called at
// the end.
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall/js"

	"nasbook/engine/bench"
)

func main() {
	getenv := os.Getenv
	if env := js.Global().Get("nasbookBenchEnv"); env.Truthy() {
		getenv = func(k string) string {
			if v := env.Get(k); v.Truthy() {
				return v.String()
			}
			return ""
		}
	}
	prefix := getenv("BENCH_PREFIX")
	if prefix == "" {
		prefix = "nasbook-wasm"
	}
	workloads := strings.Split(getenv("WORKLOADS"), ",")
	if getenv("WORKLOADS") == "" {
		workloads = []string{"W1", "W2", "W3"}
	}
	lines := bench.RunAll(workloads, nil, bench.Protocol{}.FromEnv(getenv))
	for _, l := range lines {
		l = prefix + " " + l
		fmt.Println(l)
		if f := js.Global().Get("nasbookBenchLine"); f.Truthy() {
			f.Invoke(l)
		}
	}
	if f := js.Global().Get("nasbookBenchDone"); f.Truthy() {
		f.Invoke()
	}
}
