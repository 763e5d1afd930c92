//go:build !js

package notebook

// DefaultMemoryLimit is the default Limits.Memory.
const DefaultMemoryLimit = 4 << 30

// DefaultDepth is the default Limits.Depth.
const DefaultDepth = 10_000
