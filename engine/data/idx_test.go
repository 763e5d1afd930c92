package data

import (
	"bytes"
	"compress/gzip"
	"slices"
	"testing"
)

// idxBytes encodes an IDX file from its parts.
func idxBytes(t IDXType, dims []int, data []byte) []byte {
	var b bytes.Buffer
	if _, err := (&IDX{Type: t, Dims: dims, Data: data}).WriteTo(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func gzipBytes(b []byte) []byte {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

func TestIDXRoundTrip(t *testing.T) {
	imgs := idxBytes(IDXUint8, []int{3, 2, 2}, []byte{0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8})
	for _, raw := range [][]byte{imgs, gzipBytes(imgs)} {
		x, err := ReadIDX(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if x.Type != IDXUint8 || !slices.Equal(x.Dims, []int{3, 2, 2}) || len(x.Data) != 12 {
			t.Fatalf("read %v %v %d bytes", x.Type, x.Dims, len(x.Data))
		}
	}
	// Big-endian decoding of the wider types: 0x0102 = 258, 0xFFFE = -2,
	// 0x3FC00000 = 1.5 as float32.
	for _, tc := range []struct {
		typ  IDXType
		data []byte
		want []float32
	}{
		{IDXInt8, []byte{0xFE, 3}, []float32{-2, 3}},
		{IDXInt16, []byte{1, 2, 0xFF, 0xFE}, []float32{258, -2}},
		{IDXInt32, []byte{0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE}, []float32{258, -2}},
		{IDXFloat32, []byte{0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0}, []float32{1.5, -2}},
		{IDXFloat64, []byte{0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0}, []float32{1.5, -2}},
	} {
		x, err := ReadIDX(bytes.NewReader(idxBytes(tc.typ, []int{2}, tc.data)))
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Float32s(); !slices.Equal(got, tc.want) {
			t.Errorf("%v: %v, want %v", tc.typ, got, tc.want)
		}
	}
}

func TestIDXDataset(t *testing.T) {
	imgs, _ := ReadIDX(bytes.NewReader(idxBytes(IDXUint8, []int{2, 1, 2}, []byte{0, 255, 51, 102})))
	lbls, _ := ReadIDX(bytes.NewReader(idxBytes(IDXUint8, []int{2}, []byte{3, 1})))
	d, err := IDXDataset("t", imgs, lbls)
	if err != nil {
		t.Fatal(err)
	}
	if d.Shape() != [4]int{2, 1, 1, 2} || d.Classes != 4 || !slices.Equal(d.Y, []int{3, 1}) {
		t.Errorf("got %v", d)
	}
	if !slices.Equal(d.X, []float32{0, 1, 0.2, 0.4}) {
		t.Errorf("pixels %v, want [0 1 0.2 0.4]", d.X)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

func TestIDXErrors(t *testing.T) {
	good := idxBytes(IDXUint8, []int{4, 2, 2}, make([]byte, 16))
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "data: idx: file is empty"},
		{"short header", []byte{0, 0, 8}, "data: idx: header is 3 bytes, want at least 4"},
		{"magic", []byte("P5\n28 28\n"), "data: idx: magic bytes 0x50 0x35 at offset 0, want 0x00 0x00 (not an IDX file)"},
		{"type", []byte{0, 0, 7, 1, 0, 0, 0, 1, 0}, "data: idx: unknown element type 0x07 at offset 2"},
		{"no dims", []byte{0, 0, 8, 0}, "data: idx: 0 dimensions at offset 3"},
		{"dims cut", good[:10], "data: idx: header ends at offset 8, inside dimension 2 of 3"},
		{"huge", []byte{0, 0, 0x0E, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, "data: idx: dimension 1 of 2 (4294967295) at offset 4 makes more than 268435456 elements or 2147483648 bytes"},
		{"images cut", good[:16+9], "data: idx: header says 4 images but file holds 2"},
		{"labels cut", idxBytes(IDXUint8, []int{60000}, make([]byte, 60000))[:8+1234], "data: idx: header says 60000 labels but file holds 1234"},
		{"gzip cut", gzipBytes(good)[:20], "data: idx: header ends at offset 8, inside dimension 2 of 3"},
		{"trailing", append(slices.Clone(good), 9), "data: idx: bytes after the last item at offset 32"},
		{"gzip trailing", gzipBytes(append(slices.Clone(good), 9)), "data: idx: bytes after the last item at offset 32"},
		{"gzip corrupt", append(gzipBytes(good)[:10], 0xFF, 0xFF, 0xFF), "data: idx: flate: corrupt input before offset 1"},
		{"gzip header", []byte{0x1f, 0x8b, 1}, "data: idx: gzip: unexpected EOF"},
	} {
		_, err := ReadIDX(bytes.NewReader(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestIDXDatasetErrors(t *testing.T) {
	x := func(typ IDXType, dims ...int) *IDX {
		n := typ.Size()
		for _, d := range dims {
			n *= d
		}
		return &IDX{Type: typ, Dims: dims, Data: make([]byte, n)}
	}
	neg := x(IDXInt8, 2)
	neg.Data[1] = 0xFF
	for _, tc := range []struct {
		name      string
		ex, lbl   *IDX
		wantError string
	}{
		{"1-d examples", x(IDXUint8, 5), x(IDXUint8, 5), "data: idx: t: examples have dimensions [5], want 2 to 4"},
		{"zero dim", x(IDXUint8, 5, 0, 3), x(IDXUint8, 5), "data: idx: t: examples have dimensions [5 0 3], want no zeros after the first"},
		{"2-d labels", x(IDXUint8, 5, 3), x(IDXUint8, 5, 1), "data: idx: t: labels have dimensions [5 1], want one"},
		{"count", x(IDXUint8, 5, 3), x(IDXUint8, 4), "data: idx: t: 5 examples but 4 labels"},
		{"float labels", x(IDXUint8, 2, 3), x(IDXFloat32, 2), "data: idx: t: labels are float, want an integer type"},
		{"negative label", x(IDXUint8, 2, 3), neg, "data: idx: t: label 1 is -1, want [0, 10000)"},
	} {
		_, err := IDXDataset("t", tc.ex, tc.lbl)
		if err == nil || err.Error() != tc.wantError {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.wantError)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(IDXUint8, []int{2, 2, 2}, make([]byte, 8)))
	f.Add(gzipBytes(idxBytes(IDXUint8, []int{3}, []byte{1, 2, 3})))
	f.Add(idxBytes(IDXFloat64, []int{1, 1}, make([]byte, 8)))
	f.Add([]byte{0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(x.Data) != x.Len()*x.Type.Size() {
			t.Fatalf("%d data bytes for %v %v", len(x.Data), x.Type, x.Dims)
		}
		if x.Len() > MaxValues {
			t.Fatalf("%d elements, more than MaxValues", x.Len())
		}
		x.Float32s()
		// Writing what was read gives a file that reads back the same.
		var w bytes.Buffer
		if _, err := x.WriteTo(&w); err != nil {
			t.Fatalf("WriteTo: %v", err)
		}
		y, err := ReadIDX(&w)
		if err != nil || y.Type != x.Type || !slices.Equal(y.Dims, x.Dims) || !bytes.Equal(y.Data, x.Data) {
			t.Fatalf("round trip: %v %v, %v; want %v %v", y.Type, y.Dims, err, x.Type, x.Dims)
		}
		if len(x.Dims) >= 2 && x.Dims[0] <= 1<<16 {
			lbl := &IDX{Type: IDXUint8, Dims: x.Dims[:1], Data: make([]byte, x.Dims[0])}
			IDXDataset("f", x, lbl)
			IDXDataset("f", lbl, lbl)
		}
	})
}
