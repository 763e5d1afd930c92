package data

import (
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		cfg     CSVConfig
		x       []float32
		y       []int
		classes []string
	}{
		{"no header, label last", "1,2,0\n3,4,2\n", CSVConfig{}, []float32{1, 2, 3, 4}, []int{0, 2}, []string{"0", "1", "2"}},
		{"header detected", "a,b,label\n1,2,1\n\n3,4,0\n", CSVConfig{}, []float32{1, 2, 3, 4}, []int{1, 0}, []string{"0", "1"}},
		{"string labels sorted", "x, y, kind\n1, 2, setosa\n3, 4, iris\n5, 6, setosa\n", CSVConfig{}, []float32{1, 2, 3, 4, 5, 6}, []int{1, 0, 1}, []string{"iris", "setosa"}},
		{"label by name, ignore id", "id,kind,x\n7,b,1.5\n8,a,-2e3\n", CSVConfig{Label: "kind", Ignore: []string{"id"}}, []float32{1.5, -2000}, []int{1, 0}, []string{"a", "b"}},
		{"label first by index", "1,5,6\n0,7,8\n", CSVConfig{LabelColumn: 1}, []float32{5, 6, 7, 8}, []int{1, 0}, []string{"0", "1"}},
		{"label from the end", "5,1,6\n7,0,8\n", CSVConfig{LabelColumn: -2}, []float32{5, 6, 7, 8}, []int{1, 0}, []string{"0", "1"}},
		{"fixed classes", "1;no\n2;yes\n", CSVConfig{Comma: ';', Classes: []string{"yes", "no"}}, []float32{1, 2}, []int{1, 0}, []string{"yes", "no"}},
		{"numeric header forced", "1,2\n3,4\n", CSVConfig{Header: HeaderYes}, []float32{3}, []int{4}, []string{"0", "1", "2", "3", "4"}},
		{"quoted", "\"a,b\",l\n\"1\",x\n", CSVConfig{}, []float32{1}, []int{0}, []string{"x"}},
	} {
		d, err := ReadCSV(strings.NewReader(tc.file), tc.cfg)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !slices.Equal(d.X, tc.x) || !slices.Equal(d.Y, tc.y) || !slices.Equal(d.ClassNames, tc.classes) {
			t.Errorf("%s: got X %v Y %v classes %q, want %v %v %q", tc.name, d.X, d.Y, d.ClassNames, tc.x, tc.y, tc.classes)
		}
		if d.C != len(tc.x)/len(tc.y) || d.H != 1 || d.W != 1 {
			t.Errorf("%s: example shape [%d %d %d]", tc.name, d.C, d.H, d.W)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		cfg  CSVConfig
		want string
	}{
		{"empty", "", CSVConfig{}, "data: csv: no rows"},
		{"blank", "\n\n", CSVConfig{}, "data: csv: no rows"},
		{"header only", "a,b\n", CSVConfig{}, "data: csv: no data rows after the header"},
		{"not a number", "x1,x2,x3,y\n" + strings.Repeat("1,2,3,0\n", 15) + "1,2,abc,1\n", CSVConfig{}, `data: csv line 17, field "x3": "abc" is not a number`},
		{"not a number, no header", "1,2,0\n1,?,1\n", CSVConfig{}, `data: csv line 2, field 2: "?" is not a number`},
		{"nan", "a,y\nNaN,1\n", CSVConfig{}, `data: csv line 2, field "a": "NaN" is not a finite number`},
		{"range", "a,y\n1e60,1\n", CSVConfig{}, `data: csv line 2, field "a": "1e60" is out of the float32 range`},
		{"empty field", "a,b,y\n1,,0\n", CSVConfig{}, `data: csv line 2, field "b": "" is not a number`},
		{"empty label", "a,y\n1, \n", CSVConfig{}, `data: csv line 2, field "y": empty label`},
		{"short row", "a,b,y\n1,2,0\n3,1\n", CSVConfig{}, "data: csv line 3: 2 fields, want 3"},
		{"bare quote", "a,y\n1,x\"y\n", CSVConfig{}, `data: csv line 2, column 4: bare " in non-quoted-field`},
		{"no such label", "a,y\n1,2\n", CSVConfig{Label: "z"}, `data: csv line 1: no column named "z" in the header`},
		{"no such ignore", "a,y\n1,2\n", CSVConfig{Ignore: []string{"id"}}, `data: csv line 1: no column named "id" in the header`},
		{"label needs header", "1,2\n", CSVConfig{Label: "y", Header: HeaderNo}, `data: csv: Label "y" needs a header`},
		{"ignore needs header", "1,2\n", CSVConfig{Ignore: []string{"a"}, Header: HeaderNo}, `data: csv: Ignore ["a"] needs a header`},
		{"label ignored", "a,y\n1,2\n", CSVConfig{Ignore: []string{"y"}}, `data: csv: column "y" is both the label and ignored`},
		{"label column", "1,2\n", CSVConfig{LabelColumn: 3}, "data: csv line 1: label column 3 of 2 fields"},
		{"label column end", "1,2\n", CSVConfig{LabelColumn: -3}, "data: csv line 1: label column -3 of 2 fields"},
		{"only a label", "y\n1\n", CSVConfig{}, "data: csv line 1: no feature columns besides the label"},
		{"unknown class", "a,y\n1,yes\n2,maybe\n", CSVConfig{Classes: []string{"no", "yes"}}, `data: csv line 3, field "y": label "maybe" is not one of the 2 classes`},
		{"duplicate class", "1,a\n", CSVConfig{Classes: []string{"a", "a"}}, `data: csv: Classes lists "a" twice`},
	} {
		_, err := ReadCSV(strings.NewReader(tc.file), tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("a,b,y\n1,2,x\n3,4,z\n", "", 0)
	f.Add("1,2,0\n3,4,1\n", "", 1)
	f.Add("id;k;v\n1;a;2\n", "k", -1)
	f.Add("\"q\"\"\",2\n", "", 2)
	f.Fuzz(func(t *testing.T, file, label string, col int) {
		for _, cfg := range []CSVConfig{
			{Label: label, LabelColumn: col},
			{LabelColumn: col, Header: HeaderNo, Comma: ';'},
			{Label: label, Classes: []string{"a", "x", "0"}},
		} {
			d, err := ReadCSV(strings.NewReader(file), cfg)
			if err != nil {
				continue
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("ReadCSV returned an invalid dataset: %v", err)
			}
		}
	})
}
