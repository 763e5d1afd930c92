//go:build js

package kernel

// platformSet is the hook where WebAssembly SIMD kernels replace Go ones;
// until they exist the portable Go kernels are used.
func platformSet() *Set { return Go() }
