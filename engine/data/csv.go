package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"nasbook/internal/limit"
)

// HeaderMode says whether the first row of a CSV file names its columns.
type HeaderMode int

const (
	// HeaderAuto takes the first row as a header when one of its feature
	// fields is not a number (or when CSVConfig.Label or Ignore need names).
	HeaderAuto HeaderMode = iota
	HeaderYes             // the first row is a header
	HeaderNo              // every row is data
)

// CSVConfig says how ReadCSV turns a table into a dataset. The zero value
// reads comma-separated numbers with the label in the last column and a
// header if the first row looks like one.
type CSVConfig struct {
	Name string // dataset name; "" means "csv"

	// Label names the label column, found in the header. If empty,
	// LabelColumn chooses it by position: counted from 1, negative counts
	// from the end (-1 is the last column), and 0 means the last column.
	Label       string
	LabelColumn int

	Header HeaderMode
	Ignore []string // names of columns to skip, such as an id; needs a header

	// Classes, if set, lists the class names: a label must be one of them and
	// its class is its index. If nil, labels that are all integers ≥ 0 are
	// their own class numbers (Classes = largest + 1); otherwise the distinct
	// labels, sorted, are the classes.
	Classes []string

	Comma rune // field separator; 0 means ','
}

// ReadCSV reads a table of numeric feature columns and one label column.
// Each row becomes an example of shape [F, 1, 1], F being the number of
// feature columns, in file order. Blank lines are skipped; spaces around
// fields are ignored. Errors name the line and the field. A file over
// MaxCSVBytes, a line over MaxCSVLine, a row over MaxCSVColumns or a table
// of more than MaxValues features is an error.
func ReadCSV(r io.Reader, cfg CSVConfig) (*Dataset, error) {
	name := cfg.Name
	if name == "" {
		name = "csv"
	}
	cr := csv.NewReader(&limit.Reader{R: r, What: "csv", Bytes: MaxCSVBytes, Line: MaxCSVLine})
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	if cfg.Comma != 0 {
		cr.Comma = cfg.Comma
	}
	read := func() ([]string, error) {
		rec, err := cr.Read()
		var pe *csv.ParseError
		var le *limit.Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("data: csv line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
		}
		if errors.As(err, &le) {
			return nil, fmt.Errorf("data: %w", le)
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("data: csv: %v", err)
		}
		return rec, err
	}
	first, err := read()
	if err == io.EOF {
		return nil, errors.New("data: csv: no rows")
	}
	if err != nil {
		return nil, err
	}
	first = slices.Clone(first)
	line, _ := cr.FieldPos(0)
	width := len(first)
	if width > MaxCSVColumns {
		return nil, fmt.Errorf("data: csv line %d: %d fields, more than %d", line, width, MaxCSVColumns)
	}

	// Find the label column by position now; by name once the header is known.
	label := -1
	if cfg.Label == "" {
		c := cfg.LabelColumn
		switch {
		case c == 0:
			label = width - 1
		case c > 0:
			label = c - 1
		default:
			label = width + c
		}
		if label < 0 || label >= width {
			return nil, fmt.Errorf("data: csv line %d: label column %d of %d fields", line, cfg.LabelColumn, width)
		}
	}
	header := cfg.Header == HeaderYes
	if cfg.Header == HeaderAuto {
		header = cfg.Label != "" || len(cfg.Ignore) > 0
		for i, f := range first {
			if i != label && !isNumber(f) {
				header = true
			}
		}
	}
	if !header && cfg.Label != "" {
		return nil, fmt.Errorf("data: csv: Label %q needs a header", cfg.Label)
	}
	if !header && len(cfg.Ignore) > 0 {
		return nil, fmt.Errorf("data: csv: Ignore %q needs a header", cfg.Ignore)
	}
	names := make([]string, width)
	for i := range names {
		if header {
			names[i] = strconv.Quote(strings.TrimSpace(first[i]))
		} else {
			names[i] = strconv.Itoa(i + 1)
		}
	}
	skip := make([]bool, width)
	if header {
		col := func(n string) int {
			return slices.IndexFunc(first, func(h string) bool { return strings.TrimSpace(h) == n })
		}
		if cfg.Label != "" {
			if label = col(cfg.Label); label < 0 {
				return nil, fmt.Errorf("data: csv line %d: no column named %q in the header", line, cfg.Label)
			}
		}
		for _, n := range cfg.Ignore {
			i := col(n)
			if i < 0 {
				return nil, fmt.Errorf("data: csv line %d: no column named %q in the header", line, n)
			}
			if i == label {
				return nil, fmt.Errorf("data: csv: column %q is both the label and ignored", n)
			}
			skip[i] = true
		}
	}
	skip[label] = true
	features := 0
	for _, s := range skip {
		if !s {
			features++
		}
	}
	if features == 0 {
		return nil, fmt.Errorf("data: csv line %d: no feature columns besides the label", line)
	}

	d := &Dataset{Name: name, C: features, H: 1, W: 1}
	var labels []string
	classOf := make(map[string]int, len(cfg.Classes))
	for i, c := range cfg.Classes {
		if _, dup := classOf[c]; dup {
			return nil, fmt.Errorf("data: csv: Classes lists %q twice", c)
		}
		classOf[c] = i
	}
	row := func(rec []string) error {
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			return fmt.Errorf("data: csv line %d: %d fields, want %d", line, len(rec), width)
		}
		if len(d.X) > MaxValues-features {
			return fmt.Errorf("data: csv line %d: more than %d values in all (the most a dataset read from a file holds)", line, MaxValues)
		}
		for i, f := range rec {
			if skip[i] {
				continue
			}
			f = strings.TrimSpace(f)
			v, err := strconv.ParseFloat(f, 32)
			if errors.Is(err, strconv.ErrRange) {
				return fmt.Errorf("data: csv line %d, field %s: %q is out of the float32 range", line, names[i], f)
			}
			if err != nil {
				return fmt.Errorf("data: csv line %d, field %s: %q is not a number", line, names[i], f)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("data: csv line %d, field %s: %q is not a finite number", line, names[i], f)
			}
			d.X = append(d.X, float32(v))
		}
		l := strings.TrimSpace(rec[label])
		if l == "" {
			return fmt.Errorf("data: csv line %d, field %s: empty label", line, names[label])
		}
		if _, ok := classOf[l]; cfg.Classes != nil && !ok {
			return fmt.Errorf("data: csv line %d, field %s: label %q is not one of the %d classes", line, names[label], l, len(cfg.Classes))
		}
		labels = append(labels, l)
		return nil
	}
	if !header {
		if err := row(first); err != nil {
			return nil, err
		}
	}
	for {
		rec, err := read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := row(rec); err != nil {
			return nil, err
		}
	}
	if len(labels) == 0 {
		return nil, errors.New("data: csv: no data rows after the header")
	}
	if cfg.Classes != nil {
		d.Classes, d.ClassNames = len(cfg.Classes), slices.Clone(cfg.Classes)
		d.Y = make([]int, len(labels))
		for i, l := range labels {
			d.Y[i] = classOf[l]
		}
		return d, nil
	}
	if err := d.setLabels(labels); err != nil {
		return nil, err
	}
	return d, nil
}

// setLabels numbers labels: integers ≥ 0 are their own class numbers, and
// anything else is numbered by its place among the distinct labels, sorted.
func (d *Dataset) setLabels(labels []string) error {
	d.Y = make([]int, len(labels))
	ints := true
	for i, l := range labels {
		v, err := strconv.Atoi(l)
		if err != nil || v < 0 || v >= MaxClasses {
			ints = false
			break
		}
		d.Y[i] = v
		d.Classes = max(d.Classes, v+1)
	}
	if ints {
		d.ClassNames = digitNames(d.Classes)
		return nil
	}
	names := slices.Compact(slices.Sorted(slices.Values(labels)))
	if len(names) > MaxClasses {
		return fmt.Errorf("data: csv: %d distinct labels, more than %d classes", len(names), MaxClasses)
	}
	for i, l := range labels {
		d.Y[i], _ = slices.BinarySearch(names, l)
	}
	d.Classes, d.ClassNames = len(names), names
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}
