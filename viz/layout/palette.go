package layout

import (
	"hash/fnv"
	"image/color"
)

// Ink is the colour of text and node outlines; Paper is the background.
var (
	Ink   = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	Paper = color.RGBA{0xfb, 0xfb, 0xf8, 0xff}
)

// opColors fixes the colours of the operations of the NAS-Bench-201 and DARTS
// spaces, from the Okabe–Ito palette that colour-blind viewers can tell apart,
// darkened where needed to stand out on Paper.
var opColors = map[string]color.RGBA{
	"nor_conv_3x3": {0x00, 0x72, 0xb2, 0xff}, // blue
	"nor_conv_1x1": {0x00, 0x9e, 0x73, 0xff}, // bluish green
	"avg_pool_3x3": {0xd5, 0x5e, 0x00, 0xff}, // vermillion
	"max_pool_3x3": {0xb0, 0x4a, 0x8c, 0xff}, // reddish purple
	"skip_connect": {0xc7, 0x88, 0x00, 0xff}, // orange
	"sep_conv_3x3": {0x00, 0x72, 0xb2, 0xff},
	"sep_conv_5x5": {0x3a, 0x9a, 0xd9, 0xff}, // sky blue
	"dil_conv_3x3": {0x00, 0x9e, 0x73, 0xff},
	"dil_conv_5x5": {0x5c, 0x8a, 0x1e, 0xff}, // olive green
	"none":         {0x8a, 0x8f, 0x96, 0xff}, // grey
}

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

// OpColor returns the colour of an operation. Known ops have fixed colours;
// any other name maps to one of a few spare colours by a hash of the name, so
// an op keeps its colour across scenes and runs.
func OpColor(op string) color.RGBA {
	if c, ok := opColors[op]; ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(op))
	return spare[h.Sum32()%uint32(len(spare))]
}
