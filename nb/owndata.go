package nb

import (
	"bytes"
	"slices"
	"strings"

	"nasbook/engine/data"
)

// CSVOptions say how LoadCSV reads a table. The zero value takes the last
// column as the label, every other column as a numeric feature, the first
// row as a header when it names columns, and holds out 15 % of each class
// for validation and 15 % for test.
type CSVOptions struct {
	Label  string   // the label column's name, from the header; "" means the last column
	Ignore []string // columns to leave out, such as an id; needs a header
	// Classes lists the class names in order; nil means integer labels are
	// their own classes and other labels, sorted, are the classes.
	Classes     []string
	Valid, Test float64 // fractions of each class held out; 0 means 0.15, a negative value none
	Seed        int64   // of the split
	Comma       string  // the field separator, one character; "" means ","
}

// LoadCSV reads a CSV table of numeric features and a label column, such
// as a file uploaded with the toolbar's Upload data button:
//
//	d := nb.LoadCSV(nb.UploadedFile("iris.csv"), nb.CSVOptions{Label: "species"})
//
// Each row is an example of F features, given to a model as an input of
// shape [F, 1, 1] (nb.MLP and nb.Dense take it as it is). The features are
// standardised with the training part's mean and deviation of each column.
// A row that is not numbers, or has too few fields, is an error naming its
// line and field.
func LoadCSV(text string, opt ...CSVOptions) *Data { return Default.LoadCSV(text, opt...) }

// LoadCSV reads a CSV dataset; see the package-level LoadCSV.
func (*Session) LoadCSV(text string, opt ...CSVOptions) *Data {
	if len(opt) > 1 {
		failf("LoadCSV", "%d CSVOptions, want at most one", len(opt))
	}
	var o CSVOptions
	if len(opt) == 1 {
		o = opt[0]
	}
	cfg := data.CSVConfig{Name: "csv", Label: o.Label, Ignore: o.Ignore, Classes: o.Classes}
	switch r := []rune(o.Comma); {
	case len(r) == 1:
		cfg.Comma = r[0]
	case len(r) > 1:
		failf("LoadCSV", "Comma %q, want one character", o.Comma)
	}
	d, err := data.ReadCSV(strings.NewReader(text), cfg)
	if err != nil {
		fail("LoadCSV", err)
	}
	return splitOwn("LoadCSV", d, o.Valid, o.Test, o.Seed)
}

// LoadIDX reads a dataset in the IDX format of MNIST and its kin (Fashion-
// MNIST, KMNIST, EMNIST), gzip-compressed or not: an array of examples and
// a vector of integer labels, two uploaded files:
//
//	d := nb.LoadIDX(nb.UploadedFile("train-images-idx3-ubyte.gz"), nb.UploadedFile("train-labels-idx1-ubyte.gz"))
//
// Examples [N, H, W] are one-channel images, [N, C, H, W] keep their
// channels and [N, F] are F features. Byte values are scaled to [0, 1], then
// each channel is standardised with the training part's statistics; 15 % of
// each class is held out for validation and 15 % for test.
func LoadIDX(images, labels string) *Data { return Default.LoadIDX(images, labels) }

// LoadIDX reads an IDX dataset; see the package-level LoadIDX.
func (*Session) LoadIDX(images, labels string) *Data {
	x, err := data.ReadIDX(bytes.NewReader([]byte(images)))
	if err != nil {
		failf("LoadIDX", "images: %v", err)
	}
	y, err := data.ReadIDX(bytes.NewReader([]byte(labels)))
	if err != nil {
		failf("LoadIDX", "labels: %v", err)
	}
	d, err := data.IDXDataset("idx", x, y)
	if err != nil {
		fail("LoadIDX", err)
	}
	return splitOwn("LoadIDX", d, 0, 0, 0)
}

// splitOwn splits a user's dataset by class into training, validation and
// test parts and standardises them with the training part's statistics.
func splitOwn(fn string, d *data.Dataset, valid, test float64, seed int64) *Data {
	frac := func(what string, f float64) float64 {
		switch {
		case f == 0:
			return 0.15
		case f < 0:
			return 0
		case f >= 1:
			failf(fn, "%s %g, want a fraction below 1", what, f)
		}
		return f
	}
	valid, test = frac("Valid", valid), frac("Test", test)
	if valid+test >= 1 {
		failf(fn, "Valid %g and Test %g leave nothing to train on", valid, test)
	}
	sp, err := data.SplitStandardized(d, valid, test, seed)
	if err != nil {
		fail(fn, err)
	}
	return &Data{Name: d.Name, Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}

// Uploads lists the names of the files uploaded so far, sorted.
func Uploads() []string { return Default.Uploads() }

// Uploads lists the uploaded files; see the package-level Uploads.
func (s *Session) Uploads() []string {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	names := make([]string, 0, len(s.uploads.files))
	for n := range s.uploads.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
