package layout

import (
	"hash/fnv"
	"image/color"

	"nasbook/space/spec"
)

// Ink is the colour of text and node outlines; Paper is the background.
var (
	Ink   = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	Paper = color.RGBA{0xfb, 0xfb, 0xf8, 0xff}
)

// spare colours other op names hash into.
var spare = []color.RGBA{
	{0x4b, 0x3f, 0x9e, 0xff}, // indigo
	{0xa6, 0x3d, 0x40, 0xff}, // brick
	{0x1f, 0x7a, 0x7a, 0xff}, // teal
	{0x8c, 0x5a, 0x1c, 0xff}, // brown
	{0x7b, 0x2d, 0x8e, 0xff}, // purple
	{0x2e, 0x6b, 0x30, 0xff}, // dark green
	{0xb8, 0x3d, 0x7a, 0xff}, // magenta
	{0x33, 0x55, 0x99, 0xff}, // slate blue
}

// OpColor returns the colour of an operation: the one its entry of the op
// vocabulary gives (spec.BuiltinOps), or else one of a few spare colours by
// a hash of the name, so an op keeps its colour across scenes and runs.
func OpColor(op string) color.RGBA {
	if o, ok := spec.BuiltinOp(op); ok && o.Color != 0 {
		return color.RGBA{uint8(o.Color >> 16), uint8(o.Color >> 8), uint8(o.Color), 0xff}
	}
	h := fnv.New32a()
	h.Write([]byte(op))
	return spare[h.Sum32()%uint32(len(spare))]
}
