package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nasbook/viz/figure"
)

// checkSVG asserts that b is well-formed XML with an <svg> root that contains want.
func checkSVG(t *testing.T, b []byte, want ...string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	for _, w := range want {
		if !strings.Contains(string(b), w) {
			t.Errorf("SVG lacks %q", w)
		}
	}
}

func TestKinds(t *testing.T) {
	for _, s := range []*figure.Spec{
		{Kind: figure.KindHistogram, Title: "convs per cell", Series: []figure.Series{{Y: []float64{0, 1, 1, 2, 2, 2, 6}}}},
		{Kind: figure.KindHistogram, Title: "accuracy", Bins: 5, Series: []figure.Series{{Y: []float64{0.5, 0.7, 0.71, 0.9}}}},
		{Kind: figure.KindLine, Title: "loss", Series: []figure.Series{{Name: "train", X: []float64{1, 2, 3}, Y: []float64{3, 2, 1}}, {Name: "valid", X: []float64{1, 2, 3}, Y: []float64{3, 2.5, 2}}}},
		{Kind: figure.KindScatter, Title: "proxy vs accuracy", Series: []figure.Series{{X: []float64{1, 2}, Y: []float64{2, 1}}}},
	} {
		b, err := SVG(s)
		if err != nil {
			t.Fatalf("%s: %v", s.Title, err)
		}
		want := []string{s.Title}
		if len(s.Series) > 1 {
			want = append(want, s.Series[0].Name, s.Series[1].Name)
		}
		checkSVG(t, b, want...)
	}
}

func TestInvalidSpecs(t *testing.T) {
	for _, c := range []struct {
		s    figure.Spec
		want string
	}{
		{figure.Spec{Kind: "pie"}, `unknown kind "pie"`},
		{figure.Spec{Kind: figure.KindHistogram, Title: "h"}, `histogram "h" has no series`},
		{figure.Spec{Kind: figure.KindLine, Title: "l", Series: []figure.Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}}, `series "a" has 1 y values for 2 x values`},
	} {
		if _, err := SVG(&c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.s, err, c.want)
		}
	}
}

// A line's band is shaded, translucent, under it.
func TestBand(t *testing.T) {
	x := []float64{1, 2, 3}
	s := &figure.Spec{Kind: figure.KindLine, Title: "mean best accuracy", Series: []figure.Series{
		{Name: "RE", X: x, Y: []float64{90, 92, 93}, Lower: []float64{89, 91, 92.5}, Upper: []float64{91, 93, 93.5}},
		{Name: "RS", X: x, Y: []float64{90, 91, 92}},
	}}
	b, err := SVG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "RE", "RS", "fill-opacity")
	s.Series[1].Lower = []float64{1}
	if _, err := SVG(s); err == nil || !strings.Contains(err.Error(), "band of 1 lower and 0 upper values for 3 x values") {
		t.Errorf("a band of the wrong length: %v", err)
	}
}

// TestPanels draws small multiples: one panel per edge, a shared y range,
// one legend.
func TestPanels(t *testing.T) {
	x := []float64{1, 2, 3}
	panel := func(title string, y0, y1 float64) figure.Spec {
		return figure.Spec{Kind: figure.KindLine, Title: title, Series: []figure.Series{
			{Name: "skip_connect", X: x, Y: []float64{0.2, y0, y1}}, {Name: "nor_conv_3x3", X: x, Y: []float64{0.2, 0.2, 0.1}}}}
	}
	s := &figure.Spec{Kind: figure.KindPanels, Title: "weights by epoch", Columns: 2,
		Panels: []figure.Spec{panel("edge 0-1", 0.3, 0.5), panel("edge 0-2", 0.4, 0.9), panel("edge 1-2", 0.1, 0.05)}}
	b, err := SVG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "weights by epoch", "edge 0-1", "edge 0-2", "edge 1-2")
	if n := strings.Count(string(b), ">skip_connect<"); n != 1 {
		t.Errorf("the legend's skip_connect appears %d times, want once", n)
	}
	for _, bad := range []*figure.Spec{
		{Kind: figure.KindPanels, Title: "empty"},
		{Kind: figure.KindPanels, Title: "nested", Panels: []figure.Spec{*s}},
		{Kind: figure.KindPanels, Title: "bad panel", Panels: []figure.Spec{{Kind: figure.KindLine}}},
	} {
		if _, err := SVG(bad); err == nil {
			t.Errorf("%s: no error", bad.Title)
		}
	}
}

// TestStyle: figures are set in a sans-serif face that the browser finds
// (never its default serif), and a legend stands in a column right of the
// data, not over it.
func TestStyle(t *testing.T) {
	x := []float64{1, 10, 100}
	s := &figure.Spec{Kind: figure.KindLine, Title: "regret", LogX: true, LogY: true, Series: []figure.Series{
		{Name: "rs", X: x, Y: []float64{10, 1, 0.6}}, {Name: "re", X: x, Y: []float64{10, 1, 0.2}}}}
	b, err := SVG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;")
	if strings.Contains(string(b), "font-family:Liberation Sans;") || strings.Contains(string(b), "Serif") {
		t.Error("a font without a sans-serif fallback")
	}
	// The x tick label "100" ends the axis; the legend's entries are right
	// of it.
	at := func(label string) float64 {
		re := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*>` + regexp.QuoteMeta(label) + `</text>`)
		m := re.FindSubmatch(b)
		if m == nil {
			t.Fatalf("no text %q", label)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	if axisEnd, entry := at("100"), at("rs"); entry <= axisEnd {
		t.Errorf("legend entry at x=%g, left of the axis's end at %g", entry, axisEnd)
	}
	s.Series[1].Y[2] = 0
	if _, err := SVG(s); err == nil || !strings.Contains(err.Error(), "not positive, on a log axis") {
		t.Errorf("0 on a log axis: %v", err)
	}
}

// TestParetoFigure: the fenced range leaves the 10 % point at the edge,
// hollow, and keeps the axis near the other points.
func TestParetoFigure(t *testing.T) {
	se := figure.Series{Name: "pixel3"}
	for i := range 30 {
		f := float64(i) / 29
		se.X, se.Y = append(se.X, 1+20*f), append(se.Y, 85+9*f)
	}
	se.X, se.Y = append(se.X, 0.01), append(se.Y, 10)
	s := &figure.Spec{Kind: figure.KindPareto, Title: "front", MinimizeX: true, Series: []figure.Series{se}}
	b, err := SVG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "pixel3")
	for _, tick := range []string{">40<", ">60<"} {
		if strings.Contains(string(b), tick) {
			t.Errorf("a y tick %s: the axis reaches down toward the 10 %% point", tick)
		}
	}
}
