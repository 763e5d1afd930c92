package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"nasbook/internal/atomicfile"
)

// writeFileAtomic writes b to path through a temporary file in the same
// directory renamed over it, so that path holds either its old content or
// all of b, never a part.
func writeFileAtomic(path string, b []byte) error {
	return atomicfile.WriteFile(path, b, 0o644)
}

// errNoArchs is the error of a command that read no architecture from its
// standard input.
var errNoArchs = errors.New("no architectures on standard input: want one per line, such as |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|, MobileNetV2 or DARTS_V2")

// promptIfTerminal says on standard error what a command waits for when its
// standard input is a terminal rather than a file or a pipe.
func promptIfTerminal(stdin io.Reader) {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprintln(os.Stderr, "reading architectures from standard input, one per line; end with Ctrl+D")
	}
}
