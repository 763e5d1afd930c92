package data

import (
	"errors"
	"fmt"
	"io"

	"nasbook/internal/limit"
)

// CIFARConfig says how ReadCIFAR reads a file. The zero value reads
// CIFAR-10 with pixels in [0, 1].
type CIFARConfig struct {
	Name string // dataset name; "" means "cifar10" or "cifar100"

	// Hundred reads CIFAR-100's format, whose records carry a coarse and a
	// fine label; the fine label (100 classes) is kept.
	Hundred bool

	// Standardize maps each pixel p in [0, 1] of channel c to
	// (p - mean[c])/std[c] with the training set's statistics (CIFARStats),
	// as NAS-Bench-201's and NASLib's pipelines do.
	Standardize bool
}

// MaxCIFARRecords bounds the images of a CIFAR file: MaxValues values.
// The largest file of the distributions, CIFAR-100's train.bin, has 50,000.
const MaxCIFARRecords = MaxValues / (3 * 32 * 32)

// CIFAR10Classes are the class names of CIFAR-10, in label order.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// CIFARStats returns the per-channel (R, G, B) mean and standard deviation,
// scaled to [0, 1], of the 50,000 training images of CIFAR-10 (or
// CIFAR-100 with hundred), as NASLib's data pipeline normalises with them.
func CIFARStats(hundred bool) (mean, std []float32) {
	if hundred {
		return []float32{0.5071, 0.4865, 0.4409}, []float32{0.2673, 0.2564, 0.2762}
	}
	return []float32{0.49139968, 0.48215827, 0.44653124}, []float32{0.24703233, 0.24348505, 0.26158768}
}

// ReadCIFAR reads a file of the CIFAR-10 or CIFAR-100 binary distribution
// (data_batch_1.bin ... test_batch.bin, train.bin, test.bin), gzip-compressed
// or not: a sequence of records, each one label byte (CIFAR-100: coarse
// then fine) followed by a 32×32 image as 1,024 red, 1,024 green and 1,024
// blue bytes, rows top to bottom. The dataset has shape [N, 3, 32, 32].
// A file of more than MaxCIFARRecords records is an error.
func ReadCIFAR(r io.Reader, cfg CIFARConfig) (*Dataset, error) {
	const img = 3 * 32 * 32
	what, labels, classes := "cifar10", 1, 10
	if cfg.Hundred {
		what, labels, classes = "cifar100", 2, 100
	}
	br, err := gunzipped(r, what)
	if err != nil {
		return nil, err
	}
	rec := labels + img
	b, err := limit.ReadAll(br, int64(MaxCIFARRecords*rec), "file")
	var le *limit.Error
	if errors.As(err, &le) {
		return nil, fmt.Errorf("data: %s: more than %d records of %d bytes (%s), the most a file may hold", what, MaxCIFARRecords, rec, limit.Bytes(le.Limit))
	}
	if err != nil {
		return nil, fmt.Errorf("data: %s: %v", what, err)
	}
	if len(b) == 0 || len(b)%rec != 0 {
		hint := ""
		if other := img + 3 - labels; len(b) > 0 && len(b)%other == 0 {
			hint = fmt.Sprintf(" (it is a whole number of %d-byte records: the other CIFAR's format?)", other)
		}
		return nil, fmt.Errorf("data: %s: %d bytes are not a whole number of %d-byte records%s", what, len(b), rec, hint)
	}
	n := len(b) / rec
	name := cfg.Name
	if name == "" {
		name = what
	}
	d := &Dataset{Name: name, C: 3, H: 32, W: 32, Classes: classes, X: make([]float32, n*img), Y: make([]int, n)}
	if !cfg.Hundred {
		d.ClassNames = CIFAR10Classes
	}
	for i := range n {
		r := b[i*rec : (i+1)*rec]
		y := int(r[labels-1])
		if y >= classes {
			return nil, fmt.Errorf("data: %s: record %d (byte %d) has label %d, want 0 to %d", what, i, i*rec+labels-1, y, classes-1)
		}
		d.Y[i] = y
		for j, p := range r[labels:] {
			d.X[i*img+j] = float32(p) / 255
		}
	}
	if cfg.Standardize {
		d.Standardize(CIFARStats(cfg.Hundred))
	}
	return d, nil
}
