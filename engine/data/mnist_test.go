package data

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The MNIST tests read the subset kept in the repository (mnist/, the
// files MNISTSubset embeds). Where NASBOOK_MNIST_DIR names a directory of the
// original files, they also rebuild the subset from it and recompute
// MNISTStats on the full training set.

// subsetSHA256 are the checksums of the committed subset, as
// mnist/README.md lists them: WriteMNISTSubset's output for the original
// files (train-images-idx3-ubyte.gz of sha256 440fcabf...3609 and so on).
var subsetSHA256 = map[string]string{
	MNISTSubsetFiles.TrainImages: "2211367697fead6f245a0f9762a4ebab68515602feaa7123c77a5d0a1c572007",
	MNISTSubsetFiles.TrainLabels: "8240306941c50ac229b57e11f04a43a3d9c23bf129e0e1dfcf5fdbb91b85795c",
	MNISTSubsetFiles.TestImages:  "616aee02fcca703604457f8ab633d0c6b01a1023c2dd353c57cdfb9f449c06a1",
	MNISTSubsetFiles.TestLabels:  "d582226cb9912b9aa54bf63c4f8faedfd587049d41556bddb8cd8f58bb7ed221",
}

func subsetNames() []string {
	f := MNISTSubsetFiles
	return []string{f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels}
}

// originalMNISTDir returns NASBOOK_MNIST_DIR, or skips the test.
func originalMNISTDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NASBOOK_MNIST_DIR")
	if dir == "" {
		t.Skip("NASBOOK_MNIST_DIR (a directory of the original MNIST files) is not set")
	}
	return dir
}

// The subset stays out of the browser's programs, which fetch it instead.
func TestMNISTSubsetIsNotInJSBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-f", "{{.EmbedFiles}}", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != "[]" {
		t.Errorf("js/wasm build of engine/data embeds %s, want nothing", got)
	}
}

func TestMNISTSubsetShapesAndHistograms(t *testing.T) {
	for _, size := range []int{28, 14, 7} {
		train, test, err := LoadMNISTDir("mnist", MNISTSubsetFiles, MNISTConfig{Size: size})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			d        *Dataset
			n, per   int
			wantName string
		}{{train, 10000, 1000, "mnist/train"}, {test, 2000, 200, "mnist/test"}} {
			if tc.d.Shape() != [4]int{tc.n, 1, size, size} || tc.d.Name != tc.wantName {
				t.Errorf("%s: shape %v, want [%d 1 %d %d]", tc.d.Name, tc.d.Shape(), tc.n, size, size)
			}
			if h := tc.d.Histogram(); slices.Min(h) != tc.per || slices.Max(h) != tc.per {
				t.Errorf("%s: histogram %v, want %d of each digit", tc.d.Name, h, tc.per)
			}
			if slices.Min(tc.d.X) != 0 || slices.Max(tc.d.X) > 1 {
				t.Errorf("%s: pixels in [%g, %g], want within [0, 1] with zeros", tc.d.Name, slices.Min(tc.d.X), slices.Max(tc.d.X))
			}
			if err := tc.d.Validate(); err != nil {
				t.Error(err)
			}
		}
	}
	// MNIST's test file begins 7 2 1 0 4 1 4 9 5 9; each digit's first
	// example is the first pick of its class.
	_, test, err := LoadMNISTDir("mnist", MNISTSubsetFiles, MNISTConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test.Y[:4], []int{7, 2, 1, 0}) {
		t.Errorf("test labels begin %v, want 7 2 1 0", test.Y[:4])
	}
}

// The subset's pixels have about the statistics of the full training set
// that MNISTStats gives: it samples every part of the file alike.
func TestMNISTSubsetStatsNearFullSet(t *testing.T) {
	train, _, err := LoadMNISTDir("mnist", MNISTSubsetFiles, MNISTConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var sum, sum2 float64
	for _, v := range train.X {
		sum += float64(v)
		sum2 += float64(v) * float64(v)
	}
	n := float64(len(train.X))
	mean, std := sum/n, math.Sqrt(sum2/n-(sum/n)*(sum/n))
	m, s := MNISTStats(28)
	if math.Abs(mean-float64(m)) > 0.003 || math.Abs(std-float64(s)) > 0.003 {
		t.Errorf("subset mean %.4f std %.4f, want within 0.003 of the full set's %.4f %.4f", mean, std, m, s)
	}
}

// syntheticMNIST writes original-format files to a directory: n training
// and nTest test images whose labels follow a skewed pattern and whose first
// pixels hold their index in the file, so a subset shows where each image
// came from.
func syntheticMNIST(t *testing.T, n, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	label := func(i int) byte {
		// Digits 0-4 are twice as common as 5-9, and come in runs.
		return byte([]int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9}[(i/3)%15])
	}
	write := func(name string, x *IDX) {
		b, err := gzipIDX(x)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct {
		n          int
		img, label string
	}{{n, MNISTOriginalFiles.TrainImages, MNISTOriginalFiles.TrainLabels}, {nTest, MNISTOriginalFiles.TestImages, MNISTOriginalFiles.TestLabels}} {
		img := &IDX{Type: IDXUint8, Dims: []int{s.n, 28, 28}, Data: make([]byte, s.n*784)}
		lbl := &IDX{Type: IDXUint8, Dims: []int{s.n}, Data: make([]byte, s.n)}
		for i := range s.n {
			lbl.Data[i] = label(i)
			img.Data[i*784], img.Data[i*784+1] = byte(i>>8), byte(i)
			img.Data[i*784+2] = 255
		}
		write(s.img, img)
		write(s.label, lbl)
	}
	return dir
}

func TestWriteMNISTSubsetOnSyntheticFiles(t *testing.T) {
	const n, nTest = 3000, 600
	src := syntheticMNIST(t, n, nTest)
	cfg := MNISTSubsetConfig{Train: 205, Test: 40}
	a, b := t.TempDir(), t.TempDir()
	if err := WriteMNISTSubset(a, src, cfg); err != nil {
		t.Fatal(err)
	}
	if err := WriteMNISTSubset(b, src, cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range subsetNames() {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", name)
		}
		if st, err := os.Stat(filepath.Join(a, name)); err != nil || st.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s: not readable by all (%v)", name, err)
		}
	}
	read := func(name string) *IDX {
		x, err := readIDXFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, s := range []struct {
		n, of          int
		images, labels string
	}{{cfg.Train, n, MNISTSubsetFiles.TrainImages, MNISTSubsetFiles.TrainLabels}, {cfg.Test, nTest, MNISTSubsetFiles.TestImages, MNISTSubsetFiles.TestLabels}} {
		img, lbl := read(s.images), read(s.labels)
		if !slices.Equal(img.Dims, []int{s.n, 28, 28}) || !slices.Equal(lbl.Dims, []int{s.n}) {
			t.Fatalf("%s: dims %v and %v, want [%d 28 28] and [%d]", s.images, img.Dims, lbl.Dims, s.n, s.n)
		}
		// Balanced: n/10 of each class, the first n%10 classes one more.
		count := make([]int, 10)
		for _, y := range lbl.Data {
			count[y]++
		}
		for c, k := range count {
			want := s.n / 10
			if c < s.n%10 {
				want++
			}
			if k != want {
				t.Errorf("%s: %d examples of %d, want %d (histogram %v)", s.labels, k, c, want, count)
			}
		}
		// Each image is the original at its index, in file order, with its
		// own label; each class starts at its first example and spreads
		// over the whole file.
		prev := -1
		first, last := make([]int, 10), make([]int, 10)
		for c := range first {
			first[c] = -1
		}
		for i := range s.n {
			px := img.Data[i*784 : (i+1)*784]
			at := int(px[0])<<8 | int(px[1])
			if at <= prev || px[2] != 255 {
				t.Fatalf("%s: image %d is original %d, after %d: not in file order", s.images, i, at, prev)
			}
			prev = at
			c := lbl.Data[i]
			if want := []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9}[(at/3)%15]; int(c) != want {
				t.Fatalf("%s: label %d for original %d, whose label is %d", s.labels, c, at, want)
			}
			if first[c] < 0 {
				first[c] = at
			}
			last[c] = at
		}
		for c := range 10 {
			firstOf := 0
			for int([]int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9}[(firstOf/3)%15]) != c {
				firstOf++
			}
			if first[c] != firstOf {
				t.Errorf("%s: digit %d starts at original %d, want its first example %d", s.images, c, first[c], firstOf)
			}
			// With k picks the last is the floor((k-1)·m/k)-th of the
			// digit's m examples: within one period of the labels (45) of
			// (k-1)/k of the file.
			k := s.n / 10
			if last[c] < s.of*(k-1)/k-45 {
				t.Errorf("%s: digit %d's last pick is original %d of %d: the picks do not span the file", s.images, c, last[c], s.of)
			}
		}
	}
	// Too few of a digit for the size asked is an error that says so.
	err := WriteMNISTSubset(t.TempDir(), src, MNISTSubsetConfig{Train: 3000})
	if err == nil || !strings.Contains(err.Error(), "too few for a balanced subset of 3000") {
		t.Errorf("oversized subset: got %v", err)
	}
	if err := WriteMNISTSubset(t.TempDir(), src, MNISTSubsetConfig{Test: -1}); err == nil || !strings.Contains(err.Error(), "want ≥ 0") {
		t.Errorf("negative size: got %v", err)
	}
	if err := WriteMNISTSubset(t.TempDir(), t.TempDir(), cfg); err == nil || !strings.Contains(err.Error(), MNISTOriginalFiles.TrainImages) {
		t.Errorf("missing originals: got %v", err)
	}
}

// With the original files, WriteMNISTSubset gives the committed subset
// byte for byte.
func TestMNISTSubsetFromOriginals(t *testing.T) {
	orig := originalMNISTDir(t)
	dir := t.TempDir()
	if err := WriteMNISTSubset(dir, orig, MNISTSubsetConfig{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range subsetNames() {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join("mnist", name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the committed mnist/%s", name, name)
		}
	}
}

func TestMNISTDownsamplingAveragesBlocks(t *testing.T) {
	img, _ := os.ReadFile(filepath.Join("mnist", MNISTSubsetFiles.TestImages))
	lbl, _ := os.ReadFile(filepath.Join("mnist", MNISTSubsetFiles.TestLabels))
	read := func(cfg MNISTConfig) *Dataset {
		d, err := ReadMNIST(bytes.NewReader(img), bytes.NewReader(lbl), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d28, d14, d7 := read(MNISTConfig{}), read(MNISTConfig{Size: 14}), read(MNISTConfig{Size: 7})
	for _, i := range []int{0, 1, 777, 1999} {
		for _, c := range []struct {
			d *Dataset
			k int
		}{{d14, 2}, {d7, 4}} {
			src, dst := d28.Example(i), c.d.Example(i)
			s := 28 / c.k
			for y := 0; y < s; y++ {
				for x := 0; x < s; x++ {
					var sum float64
					for dy := 0; dy < c.k; dy++ {
						for dx := 0; dx < c.k; dx++ {
							sum += float64(src[(c.k*y+dy)*28+c.k*x+dx])
						}
					}
					if want := sum / float64(c.k*c.k); math.Abs(float64(dst[y*s+x])-want) > 1e-6 {
						t.Fatalf("%d×%d image %d pixel (%d, %d) = %g, want block mean %g", s, s, i, y, x, dst[y*s+x], want)
					}
				}
			}
		}
	}
	// Standardizing is the affine map of MNISTStats.
	st := read(MNISTConfig{Size: 7, Standardize: true})
	m, s := MNISTStats(7)
	for j, v := range d7.X[:500] {
		if want := (v - m) / s; math.Abs(float64(st.X[j]-want)) > 1e-5 {
			t.Fatalf("standardized value %d = %g, want %g", j, st.X[j], want)
		}
	}
}

// TestMNISTStats recomputes MNISTStats from the full training set; the
// pooled pixel at each size is a block mean of the original bytes / 255.
func TestMNISTStats(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all 60,000 training images")
	}
	orig := originalMNISTDir(t)
	x, err := readIDXFile(filepath.Join(orig, MNISTOriginalFiles.TrainImages))
	if err != nil {
		t.Fatal(err)
	}
	if x.Dims[0] != 60000 {
		t.Fatalf("training set has %d images", x.Dims[0])
	}
	for _, k := range []int{1, 2, 4} {
		s := 28 / k
		var sum, sum2 float64
		for i := 0; i < x.Dims[0]; i++ {
			img := x.Data[i*784 : (i+1)*784]
			for y := 0; y < s; y++ {
				for xx := 0; xx < s; xx++ {
					b := 0
					for dy := 0; dy < k; dy++ {
						for dx := 0; dx < k; dx++ {
							b += int(img[(k*y+dy)*28+k*xx+dx])
						}
					}
					v := float64(b) / float64(k*k) / 255
					sum += v
					sum2 += v * v
				}
			}
		}
		n := float64(x.Dims[0] * s * s)
		mean := sum / n
		std := math.Sqrt(sum2/n - mean*mean)
		m, sd := MNISTStats(s)
		t.Logf("size %d: mean %.8f std %.8f", s, mean, std)
		if math.Abs(mean-float64(m)) > 1e-7 || math.Abs(std-float64(sd)) > 1e-7 {
			t.Errorf("MNISTStats(%d) = %g, %g, want %.8f, %.8f", s, m, sd, mean, std)
		}
	}
}

func TestReadMNISTErrors(t *testing.T) {
	img := func(dims ...int) []byte {
		n := 1
		for _, d := range dims {
			n *= d
		}
		return idxBytes(IDXUint8, dims, make([]byte, n))
	}
	bad := idxBytes(IDXUint8, []int{2}, []byte{3, 10})
	for _, tc := range []struct {
		name     string
		img, lbl []byte
		cfg      MNISTConfig
		want     string
	}{
		{"size", img(2, 28, 28), img(2), MNISTConfig{Size: 10}, "data: mnist: Size 10, want 28, 14 or 7"},
		{"names", img(2, 28, 28), img(2), MNISTConfig{ClassNames: []string{"a"}}, "data: mnist: 1 class names, want 10"},
		{"image size", img(2, 32, 32), img(2), MNISTConfig{}, "data: mnist: images are unsigned byte [2 32 32], want unsigned byte [N 28 28]"},
		{"label dims", img(2, 28, 28), img(2, 1), MNISTConfig{}, "data: mnist: labels are unsigned byte [2 1], want unsigned byte [N]"},
		{"label value", img(2, 28, 28), bad, MNISTConfig{}, "data: mnist: label 1 is 10, want 0 to 9"},
		{"count", img(2, 28, 28), img(3), MNISTConfig{}, "data: mnist: 2 images but 3 labels"},
		{"bad image file", []byte("GIF89a"), img(2), MNISTConfig{}, "data: mnist images: data: idx: magic bytes 0x47 0x49 at offset 0, want 0x00 0x00 (not an IDX file)"},
		{"cut label file", img(2, 28, 28), img(2)[:9], MNISTConfig{}, "data: mnist labels: data: idx: header says 2 labels but file holds 1"},
	} {
		_, err := ReadMNIST(bytes.NewReader(tc.img), bytes.NewReader(tc.lbl), tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := LoadMNISTDir(t.TempDir(), MNISTSubsetFiles, MNISTConfig{}); err == nil || !strings.Contains(err.Error(), "mnist-train-images.idx.gz") {
		t.Errorf("missing files: got %v", err)
	}
}
