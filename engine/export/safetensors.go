package export

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// named is one named float32 array of a state dict.
type named struct {
	Key   string
	Shape []int
	Data  []float32
}

// Safetensors encodes ts in the safetensors format: an 8-byte
// little-endian header length, a JSON header giving each tensor's dtype,
// shape and byte range, then the tensors' little-endian bytes in order.
// The header is padded with spaces to a multiple of 8 bytes, as the format
// recommends, so the data is aligned.
func safetensors(ts []named, meta map[string]string) []byte {
	type entry struct {
		DType   string `json:"dtype"`
		Shape   []int  `json:"shape"`
		Offsets [2]int `json:"data_offsets"`
	}
	header := map[string]any{}
	if len(meta) > 0 {
		header["__metadata__"] = meta
	}
	off := 0
	for _, t := range ts {
		if _, dup := header[t.Key]; dup {
			panic(fmt.Sprintf("export: tensor %q written twice", t.Key))
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[t.Key] = entry{"F32", shape, [2]int{off, off + 4*len(t.Data)}}
		off += 4 * len(t.Data)
	}
	h, err := json.Marshal(header)
	if err != nil {
		panic("export: " + err.Error())
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := make([]byte, 8, 8+len(h)+off)
	binary.LittleEndian.PutUint64(out, uint64(len(h)))
	out = append(out, h...)
	for _, t := range ts {
		for _, v := range t.Data {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
	}
	return out
}

// MaxWeightsBytes bounds a weights file that LoadWeights reads.
const MaxWeightsBytes = 1 << 30

// readSafetensors parses a safetensors file of float32 tensors.
func readSafetensors(b []byte) (map[string]named, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%d bytes, too short for a safetensors header", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("header of %d bytes in a file of %d", n, len(b))
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	data := b[8+n:]
	out := make(map[string]named, len(header))
	for key, raw := range header {
		if key == "__metadata__" {
			continue
		}
		var e struct {
			DType   string `json:"dtype"`
			Shape   []int  `json:"shape"`
			Offsets []int  `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("tensor %q: %w", key, err)
		}
		if e.DType != "F32" {
			return nil, fmt.Errorf("tensor %q is %s, want F32", key, e.DType)
		}
		count := 1
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > len(data)/d) {
				return nil, fmt.Errorf("tensor %q: shape %v does not fit the file", key, e.Shape)
			}
			count *= d
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] > len(data) || e.Offsets[1]-e.Offsets[0] != 4*count {
			return nil, fmt.Errorf("tensor %q: data_offsets %v do not hold shape %v in %d bytes of data", key, e.Offsets, e.Shape, len(data))
		}
		v := make([]float32, count)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[e.Offsets[0]+4*i:]))
		}
		out[key] = named{key, e.Shape, v}
	}
	return out, nil
}
