package data

// Readers of MNIST files from a file system (an fs.FS, a directory) and
// writers of the subset. They compile for js/wasm too, where the file
// system is one that fetches the subset's files from the page's server.

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadMNISTDir reads the training and test splits of an MNIST-format set
// from the files named by files inside dir: for example a directory of the
// original files with MNISTOriginalFiles, or one WriteMNISTSubset wrote with
// MNISTSubsetFiles. (The subset kept in the repository is MNISTSubset.) The datasets are named cfg.Name (default
// "mnist") with "/train" and "/test" appended.
func LoadMNISTDir(dir string, files MNISTFiles, cfg MNISTConfig) (train, test *Dataset, err error) {
	train, test, err = LoadMNIST(os.DirFS(dir), files, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (in %s)", err, dir)
	}
	return train, test, nil
}

// LoadMNIST reads the training and test splits of an MNIST-format set from
// the files named by files in fsys, as LoadMNISTDir does from a directory.
func LoadMNIST(fsys fs.FS, files MNISTFiles, cfg MNISTConfig) (train, test *Dataset, err error) {
	if cfg.Name == "" {
		cfg.Name = "mnist"
	}
	load := func(images, labels, split string) (*Dataset, error) {
		fi, err := fsys.Open(images)
		if err != nil {
			return nil, fmt.Errorf("data: mnist: %w", err)
		}
		defer fi.Close()
		fl, err := fsys.Open(labels)
		if err != nil {
			return nil, fmt.Errorf("data: mnist: %w", err)
		}
		defer fl.Close()
		c := cfg
		c.Name += "/" + split
		return ReadMNIST(fi, fl, c)
	}
	if train, err = load(files.TrainImages, files.TrainLabels, "train"); err != nil {
		return nil, nil, err
	}
	if test, err = load(files.TestImages, files.TestLabels, "test"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// MNISTSubsetSplits reads the subset (MNISTSubsetFiles) from fsys, such as
// MNISTSubset natively or the files a browser fetched, at size 28, 14 or 7,
// standardized (MNISTStats), and holds a tenth of its training images out
// for validation (stratified, seed 0): 9,000 training, 1,000 validation and
// 2,000 test images, named "mnist-<size>". Notebooks and the command line
// train on these same parts.
func MNISTSubsetSplits(fsys fs.FS, size int) (Splits, error) {
	switch size {
	case 28, 14, 7:
	default:
		return Splits{}, fmt.Errorf("data: mnist: size %d, want 28, 14 or 7", size)
	}
	name := fmt.Sprintf("mnist-%d", size)
	train, test, err := LoadMNIST(fsys, MNISTSubsetFiles, MNISTConfig{Name: name, Size: size, Standardize: true})
	if err != nil {
		return Splits{}, err
	}
	sp := train.Split(0.1, 0, NewRand(0))
	return Splits{Name: name, Train: sp.Train, Valid: sp.Valid, Test: test}, nil
}

// WriteMNISTSubset reads the original MNIST files (MNISTOriginalFiles) from
// srcDir and writes a class-balanced subset to dstDir, creating it if
// needed, as the four files MNISTSubsetFiles: gzip-compressed IDX, uint8
// pixels at 28×28, the same format as the originals. Each split takes the
// first examples of each digit in file order (see MNISTSubsetConfig), so the
// output depends only on the inputs and the config, byte for byte.
func WriteMNISTSubset(dstDir, srcDir string, cfg MNISTSubsetConfig) error {
	nTrain, nTest := orDefault(cfg.Train, 10000), orDefault(cfg.Test, 2000)
	if nTrain < 0 || nTest < 0 {
		return fmt.Errorf("data: mnist subset: sizes %d and %d, want ≥ 0", nTrain, nTest)
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return fmt.Errorf("data: mnist subset: %w", err)
	}
	src, dst := MNISTOriginalFiles, MNISTSubsetFiles
	for _, s := range []struct {
		n              int
		srcImg, srcLbl string
		dstImg, dstLbl string
	}{
		{nTrain, src.TrainImages, src.TrainLabels, dst.TrainImages, dst.TrainLabels},
		{nTest, src.TestImages, src.TestLabels, dst.TestImages, dst.TestLabels},
	} {
		img, err := readIDXFile(filepath.Join(srcDir, s.srcImg))
		if err != nil {
			return err
		}
		lbl, err := readIDXFile(filepath.Join(srcDir, s.srcLbl))
		if err != nil {
			return err
		}
		if img.Type != IDXUint8 || len(img.Dims) != 3 || lbl.Type != IDXUint8 || len(lbl.Dims) != 1 || img.Dims[0] != lbl.Dims[0] {
			return fmt.Errorf("data: mnist subset: %s is %s %v and %s is %s %v, want unsigned byte [N H W] and [N]",
				s.srcImg, img.Type, img.Dims, s.srcLbl, lbl.Type, lbl.Dims)
		}
		subImg, subLbl, err := subsetIDX(img, lbl, s.n)
		if err != nil {
			return err
		}
		for _, f := range []struct {
			x    *IDX
			name string
		}{{subImg, s.dstImg}, {subLbl, s.dstLbl}} {
			b, err := gzipIDX(f.x)
			if err != nil {
				return fmt.Errorf("data: mnist subset: %w", err)
			}
			if err := os.WriteFile(filepath.Join(dstDir, f.name), b, 0o644); err != nil {
				return fmt.Errorf("data: mnist subset: %w", err)
			}
		}
	}
	return nil
}

func readIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return x, nil
}
