//go:build !js

package tables

import (
	"embed"
	"io/fs"
)

//go:embed nb201/*.csv nb201/NOTICE.md nb201/LICENSE-Apache-2.0.txt
var files embed.FS

// Files returns the shipped tables, built into a native program. The
// js/wasm build carries none: the page fetches them (see the package doc).
func Files() fs.FS { return files }
