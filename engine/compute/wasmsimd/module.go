package wasmsimd

import (
	_ "embed"
	"sync"
)

// ImportModule is the module name under which the Go side imports the kernels.
const ImportModule = "nasbook_simd"

// FileName is the name of the built module in the page's build directory.
const FileName = "simd.wasm"

//go:embed kernels.wat
var source []byte

// Source returns the text of the kernels.
func Source() []byte { return source }

var (
	once   sync.Once
	binary []byte
	errAsm error
)

// Module returns the assembled kernels with their link module.
func Module() ([]byte, error) {
	once.Do(func() { binary, errAsm = AssembleLinked(source) })
	return binary, errAsm
}
