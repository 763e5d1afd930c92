//go:build js

package compute

// platformSet prefers the WebAssembly SIMD kernels and falls back to the
// portable Go ones where the JavaScript engine lacks SIMD.
func platformSet() *Set {
	if s := SIMD(); s != nil {
		return s
	}
	return Go()
}
