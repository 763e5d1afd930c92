//go:build js

package notebook

// DefaultMemoryLimit is the default Limits.Memory. A browser tab gives a
// WebAssembly program at most 4 GiB, and the collector needs room beyond
// the live heap.
const DefaultMemoryLimit = 1536 << 20

// DefaultDepth is the default Limits.Depth. Go's WebAssembly port calls
// functions on the engine's own stack, which in a Chromium worker holds
// 3,000 to 4,000 interpreted calls; past it the whole kernel dies.
const DefaultDepth = 2000
