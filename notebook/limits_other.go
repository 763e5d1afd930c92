//go:build !js

package notebook

// DefaultMemoryLimit is the default Limits.Memory.
const DefaultMemoryLimit = 4 << 30
