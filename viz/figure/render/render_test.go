package figure

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// checkSVG asserts that b is well-formed XML with an <svg> root that contains want.
func checkSVG(t *testing.T, b []byte, want ...string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
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

func TestHistogram(t *testing.T) {
	b, err := Histogram(Labels{Title: "convs per cell", X: "convs"}, []float64{0, 1, 1, 2, 2, 2, 6}, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "convs per cell")
}

func TestLineAndScatter(t *testing.T) {
	b, err := Line(Labels{Title: "loss"}, []float64{1, 2, 3}, map[string][]float64{"train": {3, 2, 1}, "valid": {3, 2.5, 2}})
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "loss", "train", "valid")
	b, err = Scatter(Labels{Title: "proxy vs accuracy"}, []float64{1, 2}, []float64{2, 1})
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b, "proxy vs accuracy")
}

func TestErrors(t *testing.T) {
	if _, err := Histogram(Labels{}, nil, 0); err == nil || !strings.Contains(err.Error(), "no values") {
		t.Errorf("empty histogram: err = %v", err)
	}
	if _, err := Line(Labels{}, []float64{1, 2}, map[string][]float64{"a": {1}}); err == nil || !strings.Contains(err.Error(), `series "a" has 1 points for 2`) {
		t.Errorf("ragged line: err = %v", err)
	}
	if _, err := Scatter(Labels{}, []float64{1}, nil); err == nil {
		t.Error("ragged scatter: no error")
	}
}
