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
