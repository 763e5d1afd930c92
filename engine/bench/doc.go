// Package bench implements the peer-anchor workloads W1, W2 and W3 of
// shared/bench/WORKLOADS.md on the engine, with that file's timing protocol.
//
// RunW1, RunW2 and RunW3 build the workload outside the timer, check one
// untimed step (finite loss, or GEMM accuracy against a float64 reference),
// warm up and time the repetitions, and return the median; a Result prints as
// the line the workloads file asks for:
//
//	fmt.Println("nasbook-native", res) // nasbook-native W1 images/s=1234
//
// The same code runs natively and under GOOS=js GOARCH=wasm, so a browser
// worker reports figures measured exactly as the native CLI's. The kernel Set
// is a parameter so a platform's kernels (say, a wasm SIMD GEMM) can be
// measured against the portable Go ones. The Go benchmarks BenchmarkW1..W3
// run the same steps under the testing package's timer.
//
// Protocol.FromEnv reads the knobs REPS, STEPS, WARMUP_STEPS and
// GEMM_REP_SECONDS that every benchmark in shared/bench honours.
package bench
