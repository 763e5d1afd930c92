//go:build js

package tables

import "io/fs"

// Files is nil in the browser, whose kernel fetches the tables from the
// page's server on first use (see the package doc).
func Files() fs.FS { return nil }
