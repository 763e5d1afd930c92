package data

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// MNISTConfig says how ReadMNIST shapes the images. The zero value gives
// 28×28 images with pixels in [0, 1].
type MNISTConfig struct {
	Name string // dataset name; "" means "mnist"

	// Size is the image side: 28 (or 0) keeps the original images; 14 and 7
	// average-pool 2×2 and 4×4 blocks.
	Size int

	// Standardize maps each pixel p in [0, 1] to (p - mean)/std, with the
	// mean and std of the full 60,000-image training set at this Size
	// (MNISTStats), instead of leaving it in [0, 1].
	Standardize bool

	// ClassNames names the ten classes; nil means "0" to "9". Use
	// FashionMNISTClasses to read Fashion-MNIST, which has MNIST's format.
	ClassNames []string
}

// FashionMNISTClasses are the class names of Fashion-MNIST, in label order.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// MNISTStats returns the mean and standard deviation of the pixels, scaled
// to [0, 1], of the full MNIST training set (60,000 images) after pooling
// to size×size. Pooling keeps the mean and shrinks the spread. The numbers
// are computed from the original files by TestMNISTStats; at 28 they match
// the 0.1307 and 0.3081 quoted in PyTorch's MNIST example.
func MNISTStats(size int) (mean, std float32) {
	switch size {
	case 0, 28:
		return 0.13066048, 0.30810780
	case 14:
		return 0.13066048, 0.28010751
	case 7:
		return 0.13066048, 0.23072849
	}
	panic(fmt.Sprintf("data: MNISTStats(%d): size must be 28, 14 or 7", size))
}

// ReadMNIST reads one split of MNIST (or Fashion-MNIST) from its IDX image
// and label files, each gzip-compressed or not: the original files, or the
// subset files that WriteMNISTSubset writes. In the browser, wrap fetched
// bytes in a bytes.Reader. The dataset has shape [N, 1, Size, Size] and 10
// classes.
func ReadMNIST(images, labels io.Reader, cfg MNISTConfig) (*Dataset, error) {
	k := 1
	switch cfg.Size {
	case 0, 28:
	case 14:
		k = 2
	case 7:
		k = 4
	default:
		return nil, fmt.Errorf("data: mnist: Size %d, want 28, 14 or 7", cfg.Size)
	}
	name := cfg.Name
	if name == "" {
		name = "mnist"
	}
	names := cfg.ClassNames
	if names == nil {
		names = digitNames(10)
	}
	if len(names) != 10 {
		return nil, fmt.Errorf("data: mnist: %d class names, want 10", len(names))
	}
	img, err := ReadIDX(images)
	if err != nil {
		return nil, fmt.Errorf("data: mnist images: %w", err)
	}
	lbl, err := ReadIDX(labels)
	if err != nil {
		return nil, fmt.Errorf("data: mnist labels: %w", err)
	}
	if img.Type != IDXUint8 || len(img.Dims) != 3 || img.Dims[1] != 28 || img.Dims[2] != 28 {
		return nil, fmt.Errorf("data: mnist: images are %s %v, want unsigned byte [N 28 28]", img.Type, img.Dims)
	}
	if lbl.Type != IDXUint8 || len(lbl.Dims) != 1 {
		return nil, fmt.Errorf("data: mnist: labels are %s %v, want unsigned byte [N]", lbl.Type, lbl.Dims)
	}
	for i, y := range lbl.Data {
		if y >= 10 {
			return nil, fmt.Errorf("data: mnist: label %d is %d, want 0 to 9", i, y)
		}
	}
	if img.Dims[0] != lbl.Dims[0] {
		return nil, fmt.Errorf("data: mnist: %d images but %d labels", img.Dims[0], lbl.Dims[0])
	}
	// Pool straight from the bytes, so a 7×7 set never holds 28×28 floats.
	n, s := img.Dims[0], 28/k
	d := &Dataset{Name: name, C: 1, H: s, W: s, Classes: 10, ClassNames: append([]string(nil), names...),
		X: make([]float32, n*s*s), Y: make([]int, n)}
	scale := float32(k * k * 255)
	for i := 0; i < n; i++ {
		d.Y[i] = int(lbl.Data[i])
		src, dst := img.Data[i*784:(i+1)*784], d.X[i*s*s:(i+1)*s*s]
		for y := 0; y < s; y++ {
			for x := 0; x < s; x++ {
				sum := 0
				for dy := 0; dy < k; dy++ {
					for _, p := range src[(k*y+dy)*28+k*x : (k*y+dy)*28+k*x+k] {
						sum += int(p)
					}
				}
				dst[y*s+x] = float32(sum) / scale
			}
		}
	}
	if cfg.Standardize {
		m, s := MNISTStats(d.H)
		d.Standardize([]float32{m}, []float32{s})
	}
	return d, nil
}

// MNISTFiles names the four files of an MNIST-format set in one directory.
type MNISTFiles struct {
	TrainImages, TrainLabels, TestImages, TestLabels string
}

var (
	// MNISTOriginalFiles are the names of the original distribution.
	MNISTOriginalFiles = MNISTFiles{
		"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
		"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
	}
	// MNISTSubsetFiles are the names WriteMNISTSubset writes.
	MNISTSubsetFiles = MNISTFiles{
		"mnist-train-images.idx.gz", "mnist-train-labels.idx.gz",
		"mnist-test-images.idx.gz", "mnist-test-labels.idx.gz",
	}
)

// MNISTSubsetConfig sizes the subset WriteMNISTSubset writes.
type MNISTSubsetConfig struct {
	Train int // training images; 0 means 10,000
	Test  int // test images; 0 means 2,000
}

// subsetIDX returns n examples of images and labels with classes balanced:
// class c (of 10) gets n/10 examples, plus one if c < n%10, spaced evenly
// through that class's examples in the file (the j-th of k picks is the
// floor(j·m/k)-th of the class's m examples), so the subset samples every
// part of the file alike — MNIST's test file, for one, is harder in its first
// half than in its second. The chosen examples keep their file order.
func subsetIDX(images, labels *IDX, n int) (*IDX, *IDX, error) {
	want := make([]int, 10)
	for c := range want {
		want[c] = n / 10
		if c < n%10 {
			want[c]++
		}
	}
	count := make([]int, 10)
	for _, y := range labels.Data {
		if int(y) < len(count) {
			count[y]++
		}
	}
	for c := range want {
		if count[c] < want[c] {
			return nil, nil, fmt.Errorf("data: mnist: %d images hold %d of digit %d, too few for a balanced subset of %d", len(labels.Data), count[c], c, n)
		}
	}
	var idx []int
	seen := make([]int, 10) // examples of each class passed so far
	taken := make([]int, 10)
	for i, y := range labels.Data {
		c := int(y)
		if c >= len(want) {
			continue
		}
		// Take this example if it is the next evenly spaced pick.
		if taken[c] < want[c] && seen[c] == taken[c]*count[c]/want[c] {
			idx = append(idx, i)
			taken[c]++
		}
		seen[c]++
	}
	if len(idx) < n {
		return nil, nil, fmt.Errorf("data: mnist: %d images hold too few of some digit for a balanced subset of %d", len(labels.Data), n)
	}
	item := images.Len() / images.Dims[0]
	img := &IDX{Type: IDXUint8, Dims: append([]int{n}, images.Dims[1:]...), Data: make([]byte, 0, n*item)}
	lbl := &IDX{Type: IDXUint8, Dims: []int{n}, Data: make([]byte, 0, n)}
	for _, i := range idx {
		img.Data = append(img.Data, images.Data[i*item:(i+1)*item]...)
		lbl.Data = append(lbl.Data, labels.Data[i])
	}
	return img, lbl, nil
}

// gzipIDX returns x as a gzip-compressed IDX file. The gzip header carries
// no name or time, so the bytes depend on x alone.
func gzipIDX(x *IDX) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := x.WriteTo(zw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
