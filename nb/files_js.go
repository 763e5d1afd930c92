//go:build js

package nb

import "io/fs"

// NativeFiles is nil in the browser: the kernel worker sets Session.Files to
// files fetched from the page's server.
func NativeFiles() fs.FS { return nil }
