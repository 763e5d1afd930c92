//go:build !js

package kernel

func platformSet() *Set { return Go() }
