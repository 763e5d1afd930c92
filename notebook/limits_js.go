//go:build js

package notebook

// DefaultMemoryLimit is the default Limits.Memory. A browser tab gives a
// WebAssembly program at most 4 GiB, and the collector needs room beyond
// the live heap.
const DefaultMemoryLimit = 1536 << 20
