package data

import (
	"slices"
	"testing"
)

// TestLookup reads every sequence back: its query names one of its keys,
// the label is that pair's value, the keys are distinct, and the same seed
// gives the same sequences.
func TestLookup(t *testing.T) {
	c := Lookup{N: 500, Pairs: 3, Keys: 5, Values: 4, Seed: 7}
	d := c.Generate()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Shape() != [4]int{500, 1, 4, 1} || d.Vocab != 5*5 || d.Classes != 4 {
		t.Fatalf("shape %v, vocab %d, %d classes; want [500 1 4 1], 25, 4", d.Shape(), d.Vocab, d.Classes)
	}
	for i := range d.Len() {
		x := d.Example(i)
		q := int(x[3]) - 5*4
		if q < 0 || q >= 5 {
			t.Fatalf("sequence %d: query token %v", i, x[3])
		}
		var keys []int
		found := -1
		for _, p := range x[:3] {
			k, v := int(p)/4, int(p)%4
			if int(p) >= 20 {
				t.Fatalf("sequence %d: pair token %v", i, p)
			}
			keys = append(keys, k)
			if k == q {
				found = v
			}
		}
		if slices.Sort(keys); len(slices.Compact(keys)) != 3 {
			t.Fatalf("sequence %d: repeated keys %v", i, x)
		}
		if found != d.Y[i] {
			t.Fatalf("sequence %d %v: label %d, the query's value is %d", i, x, d.Y[i], found)
		}
	}
	if h := d.Histogram(); slices.Min(h) < 500/4/2 {
		t.Errorf("classes %v: some value is rarely the answer", h)
	}
	if e := c.Generate(); !slices.Equal(e.X, d.X) || !slices.Equal(e.Y, d.Y) {
		t.Error("the same seed gave other sequences")
	}
	c.Seed = 8
	if slices.Equal(c.Generate().X, d.X) {
		t.Error("another seed gave the same sequences")
	}
	if def := (Lookup{}).Generate(); def.Shape() != [4]int{2000, 1, 5, 1} || def.Vocab != 72 || def.Classes != 8 {
		t.Errorf("the default: shape %v, vocab %d, %d classes", def.Shape(), def.Vocab, def.Classes)
	}
	for _, bad := range []Lookup{{Pairs: 9}, {Values: 1}, {N: -1}, {Keys: 100}} {
		if bad.Check() == nil {
			t.Errorf("%+v passed Check", bad)
		}
	}
}

func TestValidateTokenIDs(t *testing.T) {
	d := Lookup{N: 3, Seed: 1}.Generate()
	d.X[5] = 72
	if d.Validate() == nil {
		t.Error("a token id equal to the vocabulary passed")
	}
	d.X[5] = 1.5
	if d.Validate() == nil {
		t.Error("a fractional token id passed")
	}
}
