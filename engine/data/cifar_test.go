package data

import (
	"bytes"
	"compress/gzip"
	"math"
	"strings"
	"testing"
)

// cifarRecords returns n records of the CIFAR binary format: record i has
// label i%10 (CIFAR-100: coarse 19, fine 90+i%10) and pixel j = (i+j)%256.
func cifarRecords(n int, hundred bool) []byte {
	var b []byte
	for i := range n {
		if hundred {
			b = append(b, 19, byte(90+i%10))
		} else {
			b = append(b, byte(i%10))
		}
		for j := range 3072 {
			b = append(b, byte((i+j)%256))
		}
	}
	return b
}

func TestReadCIFAR(t *testing.T) {
	raw := cifarRecords(3, false)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	for name, in := range map[string][]byte{"plain": raw, "gzip": gz.Bytes()} {
		d, err := ReadCIFAR(bytes.NewReader(in), CIFARConfig{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.Shape() != [4]int{3, 3, 32, 32} || d.Classes != 10 || d.Y[2] != 2 || d.ClassName(2) != "bird" || d.Name != "cifar10" {
			t.Fatalf("%s: %v, labels %v", name, d, d.Y)
		}
		// Example 2, green (channel 1), row 3, column 4 is byte 1024+3*32+4.
		if got, want := d.X[2*3072+1024+3*32+4], float32((2+1024+3*32+4)%256)/255; got != want {
			t.Fatalf("%s: pixel %v, want %v", name, got, want)
		}
	}
	d, err := ReadCIFAR(bytes.NewReader(raw), CIFARConfig{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	mean, std := CIFARStats(false)
	if got, want := d.X[2048], (float32(2048%256)/255-mean[2])/std[2]; math.Abs(float64(got-want)) > 1e-6 {
		t.Fatalf("standardized blue pixel %v, want %v", got, want)
	}
	h, err := ReadCIFAR(bytes.NewReader(cifarRecords(2, true)), CIFARConfig{Hundred: true})
	if err != nil {
		t.Fatal(err)
	}
	if h.Classes != 100 || h.Y[1] != 91 || h.X[0] != 0 || h.Name != "cifar100" {
		t.Fatalf("CIFAR-100: %v, labels %v, first pixel %v", h, h.Y, h.X[0])
	}
}

func TestReadCIFARRejects(t *testing.T) {
	bad := cifarRecords(2, false)
	bad[3073] = 10 // the second record's label
	for _, c := range []struct {
		name string
		in   []byte
		cfg  CIFARConfig
		want string
	}{
		{"empty", nil, CIFARConfig{}, "0 bytes are not a whole number of 3073-byte records"},
		{"truncated", cifarRecords(2, false)[:5000], CIFARConfig{}, "5000 bytes"},
		{"label", bad, CIFARConfig{}, "record 1 (byte 3073) has label 10"},
		{"CIFAR-100 read as 10", cifarRecords(2, true), CIFARConfig{}, "the other CIFAR's format?"},
		{"CIFAR-10 read as 100", cifarRecords(2, false), CIFARConfig{Hundred: true}, "cifar100: 6146 bytes"},
	} {
		_, err := ReadCIFAR(bytes.NewReader(c.in), c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.name, err, c.want)
		}
	}
}

func FuzzReadCIFAR(f *testing.F) {
	f.Add(cifarRecords(1, false), false)
	f.Add(cifarRecords(2, true), true)
	f.Add(gzipBytes(cifarRecords(1, false)), false)
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, false)
	f.Add([]byte{10}, false)
	f.Fuzz(func(t *testing.T, b []byte, hundred bool) {
		d, err := ReadCIFAR(bytes.NewReader(b), CIFARConfig{Hundred: hundred, Standardize: true})
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("invalid dataset: %v", err)
		}
		if d.Len() > MaxCIFARRecords || d.C != 3 || d.H != 32 || d.W != 32 {
			t.Fatalf("dataset %v", d)
		}
	})
}
