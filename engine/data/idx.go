package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"nasbook/internal/limit"
)

// IDXType is the element type of an IDX file, the third byte of its magic number.
type IDXType byte

// The element types of the IDX format.
const (
	IDXUint8   IDXType = 0x08
	IDXInt8    IDXType = 0x09
	IDXInt16   IDXType = 0x0B
	IDXInt32   IDXType = 0x0C
	IDXFloat32 IDXType = 0x0D
	IDXFloat64 IDXType = 0x0E
)

// Size returns the bytes per element, or 0 for an unknown type.
func (t IDXType) Size() int {
	switch t {
	case IDXUint8, IDXInt8:
		return 1
	case IDXInt16:
		return 2
	case IDXInt32, IDXFloat32:
		return 4
	case IDXFloat64:
		return 8
	}
	return 0
}

// String returns the type's name in the IDX specification.
func (t IDXType) String() string {
	switch t {
	case IDXUint8:
		return "unsigned byte"
	case IDXInt8:
		return "signed byte"
	case IDXInt16:
		return "short"
	case IDXInt32:
		return "int"
	case IDXFloat32:
		return "float"
	case IDXFloat64:
		return "double"
	}
	return fmt.Sprintf("IDXType(0x%02X)", byte(t))
}

// IDX is the content of an IDX file, the format of the MNIST and
// Fashion-MNIST distributions: an array of Type with dimensions Dims.
//
// The file is a 4-byte magic number (0x00 0x00 type ndims), ndims big-endian
// uint32 dimensions, then the elements in row-major order, big-endian. Data
// holds those element bytes as they are in the file.
type IDX struct {
	Type IDXType
	Dims []int
	Data []byte // len Len()*Type.Size()
}

// MaxIDXBytes bounds the element data of an IDX file that ReadIDX accepts
// (MaxValues doubles); a header asking for more bytes, or for more than
// MaxValues elements, is an error.
const MaxIDXBytes = 1 << 31

// Len returns the number of elements, the product of Dims.
func (x *IDX) Len() int {
	n := 1
	for _, d := range x.Dims {
		n *= d
	}
	return n
}

// Float32s returns the elements converted to float32.
func (x *IDX) Float32s() []float32 {
	out := make([]float32, x.Len())
	b := x.Data
	for i := range out {
		switch x.Type {
		case IDXUint8:
			out[i] = float32(b[i])
		case IDXInt8:
			out[i] = float32(int8(b[i]))
		case IDXInt16:
			out[i] = float32(int16(binary.BigEndian.Uint16(b[2*i:])))
		case IDXInt32:
			out[i] = float32(int32(binary.BigEndian.Uint32(b[4*i:])))
		case IDXFloat32:
			out[i] = math.Float32frombits(binary.BigEndian.Uint32(b[4*i:]))
		case IDXFloat64:
			out[i] = float32(math.Float64frombits(binary.BigEndian.Uint64(b[8*i:])))
		default:
			panic("data: IDX of " + x.Type.String())
		}
	}
	return out
}

// ReadIDX reads an IDX file, gzip-compressed or not (told apart by the gzip
// magic bytes 0x1f 0x8b). Errors name the byte offset, in the uncompressed
// stream, where the file went wrong.
func ReadIDX(r io.Reader) (*IDX, error) {
	br, err := gunzipped(r, "idx")
	if err != nil {
		return nil, err
	}
	x, err := readIDX(br)
	if err != nil {
		return nil, err
	}
	// Reading to the end also checks a gzip trailer (CRC and length).
	switch _, err := br.ReadByte(); err {
	case io.EOF:
		return x, nil
	case nil:
		return nil, fmt.Errorf("data: idx: bytes after the last item at offset %d", len(x.Data)+4+4*len(x.Dims))
	default:
		return nil, fmt.Errorf("data: idx: %v", err)
	}
}

// gunzipped returns a reader of r's bytes, decompressed when they start
// with the gzip magic bytes 0x1f 0x8b; what names the format in errors.
func gunzipped(r io.Reader, what string) (*bufio.Reader, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("data: %s: gzip: %v", what, err)
		}
		br = bufio.NewReader(&limit.Reader{R: zr, What: "gzip: decompressed", Bytes: MaxDecompressed})
	}
	return br, nil
}

func readIDX(r *bufio.Reader) (*IDX, error) {
	var magic [4]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil {
		if n == 0 && err == io.EOF {
			return nil, errors.New("data: idx: file is empty")
		}
		return nil, ioError(err, fmt.Sprintf("header is %d bytes, want at least 4", n))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("data: idx: magic bytes 0x%02X 0x%02X at offset 0, want 0x00 0x00 (not an IDX file)", magic[0], magic[1])
	}
	t := IDXType(magic[2])
	if t.Size() == 0 {
		return nil, fmt.Errorf("data: idx: unknown element type 0x%02X at offset 2", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, errors.New("data: idx: 0 dimensions at offset 3")
	}
	x := &IDX{Type: t, Dims: make([]int, nd)}
	total, elems := uint64(t.Size()), uint64(1)
	for i := range x.Dims {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, ioError(err, fmt.Sprintf("header ends at offset %d, inside dimension %d of %d", 4+4*i, i+1, nd))
		}
		d := binary.BigEndian.Uint32(b[:])
		x.Dims[i] = int(d)
		total *= uint64(d)
		elems *= uint64(d)
		if total > MaxIDXBytes || elems > MaxValues {
			return nil, fmt.Errorf("data: idx: dimension %d of %d (%d) at offset %d makes more than %d elements or %d bytes", i+1, nd, d, 4+4*i, MaxValues, MaxIDXBytes)
		}
	}
	// Read no more than the header promises; ReadAll grows its buffer as
	// bytes arrive, so a lying header cannot make us allocate much.
	data, err := io.ReadAll(io.LimitReader(r, int64(total)))
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, ioError(err, "")
	}
	if uint64(len(data)) < total {
		itemBytes := uint64(t.Size())
		for _, d := range x.Dims[1:] {
			itemBytes *= uint64(d)
		}
		what := "items"
		switch nd {
		case 1:
			what = "labels"
		case 3, 4:
			what = "images"
		}
		held := uint64(0)
		if itemBytes > 0 {
			held = uint64(len(data)) / itemBytes
		}
		return nil, fmt.Errorf("data: idx: header says %d %s but file holds %d", x.Dims[0], what, held)
	}
	x.Data = data
	return x, nil
}

// ioError wraps a read error; a short read is reported with what.
func ioError(err error, what string) error {
	if (err == io.EOF || err == io.ErrUnexpectedEOF) && what != "" {
		return errors.New("data: idx: " + what)
	}
	return fmt.Errorf("data: idx: %v", err)
}

// WriteTo writes x as an uncompressed IDX file.
func (x *IDX) WriteTo(w io.Writer) (int64, error) {
	if len(x.Dims) == 0 || len(x.Dims) > 255 || x.Type.Size() == 0 || len(x.Data) != x.Len()*x.Type.Size() {
		return 0, fmt.Errorf("data: idx: cannot write %s array %v with %d data bytes", x.Type, x.Dims, len(x.Data))
	}
	head := make([]byte, 4, 4+4*len(x.Dims))
	head[2], head[3] = byte(x.Type), byte(len(x.Dims))
	for _, d := range x.Dims {
		if d < 0 || uint64(d) > math.MaxUint32 {
			return 0, errors.New("data: idx: dimension " + strconv.Itoa(d) + " out of range")
		}
		head = binary.BigEndian.AppendUint32(head, uint32(d))
	}
	n, err := w.Write(head)
	if err != nil {
		return int64(n), err
	}
	m, err := w.Write(x.Data)
	return int64(n + m), err
}

// IDXDataset builds a dataset from an IDX array of examples and an IDX
// vector of integer labels, as MNIST ships them. Examples of shape [N, H, W]
// become one-channel images, [N, C, H, W] keeps its channels, and [N, F]
// becomes F features of shape [F, 1, 1]. Unsigned-byte values are divided by
// 255 to lie in [0, 1]; other types are converted as they are. Classes is
// one more than the largest label, and the class names are the numbers.
func IDXDataset(name string, examples, labels *IDX) (*Dataset, error) {
	d := &Dataset{Name: name, C: 1, H: 1, W: 1}
	switch dims := examples.Dims; len(dims) {
	case 2:
		d.C = dims[1]
	case 3:
		d.H, d.W = dims[1], dims[2]
	case 4:
		d.C, d.H, d.W = dims[1], dims[2], dims[3]
	default:
		return nil, fmt.Errorf("data: idx: %s: examples have dimensions %v, want 2 to 4", name, dims)
	}
	if d.C*d.H*d.W == 0 {
		return nil, fmt.Errorf("data: idx: %s: examples have dimensions %v, want no zeros after the first", name, examples.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("data: idx: %s: labels have dimensions %v, want one", name, labels.Dims)
	}
	if examples.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("data: idx: %s: %d examples but %d labels", name, examples.Dims[0], labels.Dims[0])
	}
	switch labels.Type {
	case IDXUint8, IDXInt8, IDXInt16, IDXInt32:
	default:
		return nil, fmt.Errorf("data: idx: %s: labels are %s, want an integer type", name, labels.Type)
	}
	ys := labels.Float32s()
	d.Y = make([]int, len(ys))
	for i, y := range ys {
		if y < 0 || y >= MaxClasses {
			return nil, fmt.Errorf("data: idx: %s: label %d is %d, want [0, %d)", name, i, int(y), MaxClasses)
		}
		d.Y[i] = int(y)
		d.Classes = max(d.Classes, int(y)+1)
	}
	d.ClassNames = digitNames(d.Classes)
	d.X = examples.Float32s()
	if examples.Type == IDXUint8 {
		for i, v := range d.X {
			d.X[i] = v / 255
		}
	}
	return d, nil
}
