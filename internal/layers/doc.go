// Package layers holds no code: its test keeps the project's packages in
// the layers docs/architecture.md draws, by what each one may not depend on,
// directly or through others (go list -deps).
package layers
