package render

import (
	"bytes"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The figures' style follows the page (assets/css/nasbook.css): sans-serif
// type in its ink on white, a light grid, and series in the Okabe–Ito
// colours the canvas uses (viz/layout), which colour-blind readers tell apart,
// each with its own dash as well, so that a projector's washed-out colours
// or a grey print still separate them.
var (
	ink     = color.RGBA{0x11, 0x14, 0x18, 0xff} // --fg
	muted   = color.RGBA{0x4a, 0x50, 0x58, 0xff} // --muted
	gridInk = color.RGBA{0xe3, 0xe6, 0xea, 0xff}
	sans    = font.Font{Typeface: "Liberation", Variant: "Sans"}
	palette = []color.RGBA{
		{0x00, 0x72, 0xb2, 0xff}, // blue
		{0xc0, 0x39, 0x00, 0xff}, // vermillion, darkened
		{0x00, 0x9e, 0x73, 0xff}, // bluish green
		{0xb0, 0x4a, 0x8c, 0xff}, // reddish purple
		{0xc7, 0x88, 0x00, 0xff}, // orange
		{0x4b, 0x3f, 0x9e, 0xff}, // indigo
		{0x1f, 0x7a, 0x7a, 0xff}, // teal
	}
	dashes = [][]vg.Length{nil, {vg.Points(7), vg.Points(3)}, {vg.Points(1.5), vg.Points(2.5)}, {vg.Points(8), vg.Points(3), vg.Points(1.5), vg.Points(3)}}
)

// Type sizes, in points of a 7-inch-wide figure (672 CSS pixels at its own
// size): ticks of 12 pt are 16 px, read from the back of a room on a
// 1920x1080 projector in Presentation mode.
const (
	titleSize  = 15
	labelSize  = 13.5
	tickSize   = 12
	legendSize = 13
)

func seriesColor(i int) color.RGBA { return palette[i%len(palette)] }

func seriesDashes(i int) []vg.Length { return dashes[i%len(dashes)] }

// faint is c mixed toward white, for points behind a line.
func faint(c color.RGBA, alpha float64) color.RGBA {
	f := func(a uint8) uint8 { return uint8(alpha*float64(a) + (1-alpha)*255 + 0.5) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), 0xff}
}

func textStyle(size float64, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(sans, vg.Points(size)), Handler: plot.DefaultTextHandler}
}

// styled is a new plot in the page's style.
func styled() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, vg.Points(titleSize))
	p.Title.TextStyle.Color = ink
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, vg.Points(labelSize))
		a.Label.TextStyle.Color = ink
		a.Tick.Label.Font = font.From(sans, vg.Points(tickSize))
		a.Tick.Label.Color = muted
		a.LineStyle.Color = ink
		a.Tick.LineStyle.Color = muted
		a.Padding = vg.Points(4)
	}
	p.X.Label.Padding = vg.Points(4)
	p.Y.Label.Padding = vg.Points(4)
	p.Legend = legend()
	return p
}

func legend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = textStyle(legendSize, ink)
	l.ThumbnailWidth = vg.Points(26)
	l.Padding = vg.Points(4)
	l.Top, l.Left = true, true
	return l
}

func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{Color: gridInk, Width: vg.Points(0.75)}
	g.Horizontal = g.Vertical
	return g
}

// drawWithLegend draws p into c with l in a column of its own to the
// right, so that no entry covers data; a legend of no entries takes no room.
func drawWithLegend(c draw.Canvas, p *plot.Plot, l plot.Legend, entries int) {
	if entries == 0 {
		p.Draw(c)
		return
	}
	w := l.Rectangle(c).Max.X - l.Rectangle(c).Min.X
	gap := vg.Points(10)
	plotArea := draw.Crop(c, 0, -(w + gap), 0, 0)
	p.Draw(plotArea)
	// Top-aligned with the data area: below the title.
	top := plotArea.Max.Y
	if p.Title.Text != "" {
		top -= p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding
	}
	col := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - w, Y: c.Min.Y},
		Max: vg.Point{X: c.Max.X, Y: top},
	}}
	l.Draw(col)
}

// webFonts names the fonts of the figure's text for the browser: the
// Liberation Sans that measured it first, then fonts of the same widths, then
// any sans-serif, never the browser's default serif.
func webFonts(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"))
}

// premultiplied is c with its colour scaled by its alpha, as color.RGBA
// holds it.
func premultiplied(c color.RGBA) color.RGBA {
	f := func(v uint8) uint8 { return uint8(uint32(v) * uint32(c.A) / 0xff) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), c.A}
}
