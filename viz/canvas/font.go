//go:build js

package canvas

import (
	"strconv"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// fonts holds Go Regular, parsed once, and one face per size drawn. It is the
// layout.Measurer of the canvas, so layouts measure text as it is drawn.
//
// Faces are x/image opentype faces wrapped by text.NewGoXFace rather than
// text.GoTextFace: for the Latin labels drawn here they look the same, and
// the wasm binary is about 3.5 MB (0.8 MB gzipped) smaller without the
// go-text shaper.
type fonts struct {
	ttf   *sfnt.Font
	faces map[float64]*text.GoXFace
}

func (f *fonts) face(size float64) *text.GoXFace {
	if f.ttf == nil {
		ttf, err := opentype.Parse(goregular.TTF)
		if err != nil {
			panic("canvas: parse Go Regular: " + err.Error()) // embedded, so a build mistake
		}
		f.ttf = ttf
		f.faces = map[float64]*text.GoXFace{}
	}
	if fc, ok := f.faces[size]; ok {
		return fc
	}
	ox, err := opentype.NewFace(f.ttf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("canvas: Go Regular at " + fmtSize(size) + ": " + err.Error())
	}
	fc := text.NewGoXFace(ox)
	// Sizes come from a fitting loop; keep the cache from growing without bound.
	if len(f.faces) > 64 {
		clear(f.faces)
	}
	f.faces[size] = fc
	return fc
}

// Measure returns the width of s and the line height of the face at size.
func (f *fonts) Measure(s string, size float64) (w, h float64) {
	fc := f.face(size)
	m := fc.Metrics()
	w, _ = text.Measure(s, fc, 0)
	return w, m.HAscent + m.HDescent
}

func fmtSize(s float64) string { return strconv.FormatFloat(s, 'g', 4, 64) + " px" }
