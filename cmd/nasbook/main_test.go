package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for `nasbook kernel`, the child
// process that `nasbook run` starts (kernelCommand runs os.Executable()).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kernel" {
		if err := kernelCmd(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
