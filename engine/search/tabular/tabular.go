// Package tabular reads tabular NAS benchmarks (CSV tables of precomputed
// results, as NAS-Bench-201's) and scores architectures by looking them up:
// a search.Estimator that costs nothing, so strategies can be compared over
// many seeds.
//
// A table is CSV with a header row that names an `index` column (an integer
// key) and an `arch` column (the architecture in its space's notation, which
// the space's Parse reads), and any other columns: numbers (accuracies,
// latencies, proxy scores) or text (a dataset name). Tables of the same
// benchmark join on their index, so accuracy from one file and a device's
// latency from another make a two-objective problem. A table may list an
// index more than once (one row per dataset, say); narrow it with Where
// before joining or scoring.
//
// Errors name the table, line and field at fault.
package tabular

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"strings"

	"nasbook/engine/search"
	"nasbook/internal/limit"
	"nasbook/space"
	"nasbook/tables"
)

// Bounds on the tables Read accepts, far beyond any benchmark's table
// (NAS-Bench-201's is 15,625 rows of a few hundred bytes; NAS-Bench-101's
// 423,624 rows) so that a file that is no table (a binary file, /dev/zero)
// ends with an error at its first megabyte instead of filling memory.
const (
	MaxBytes   = 1 << 30 // a whole table, 1 GiB
	MaxLine    = 1 << 20 // one line, 1 MiB
	MaxRows    = 1 << 22 // 4,194,304 rows
	MaxColumns = 1 << 12 // 4,096 columns
)

// Table is a benchmark table. Rows keep the text of their fields; columns are
// parsed as numbers when an estimator needs them.
type Table struct {
	Name    string   // names the table in errors, e.g. its file name
	Columns []string // every column but index and arch, in file order
	Rows    []Row
}

// Row is one line of a table.
type Row struct {
	Line   int    // in the file, 1 for the header
	Index  int    // the index column
	Arch   string // the arch column
	Fields []string
}

// Shipped reads the table the product ships under name (package tables)
// from fsys, the program's files (tables.Files() natively).
func Shipped(fsys fs.FS, name string) (*Table, error) {
	info, err := tables.Find(name)
	if err != nil {
		return nil, err
	}
	f, err := tables.Open(fsys, info)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(name, f)
}

// Read reads a table in CSV. name labels the table in errors. A table over
// MaxBytes, MaxLine, MaxRows or MaxColumns is an error.
func Read(name string, r io.Reader) (*Table, error) {
	cr := csv.NewReader(&limit.Reader{R: r, What: name, Bytes: MaxBytes, Line: MaxLine})
	cr.ReuseRecord = true
	readErr := func(err error) error {
		var le *limit.Error
		if errors.As(err, &le) {
			return le // names the table already
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty table, want a header with index and arch columns", name)
	}
	if err != nil {
		return nil, readErr(err)
	}
	if len(header) > MaxColumns {
		return nil, fmt.Errorf("%s: line 1: %d columns, more than %d", name, len(header), MaxColumns)
	}
	t := &Table{Name: name}
	idx, arch := -1, -1
	var keep []int
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case h == "index" && idx < 0:
			idx = i
		case h == "arch" && arch < 0:
			arch = i
		case slices.Contains(t.Columns, h) || h == "index" || h == "arch":
			return nil, fmt.Errorf("%s: line 1: column %q appears twice", name, limit.Clip(h))
		case h == "":
			return nil, fmt.Errorf("%s: line 1: column %d has no name", name, i+1)
		default:
			t.Columns = append(t.Columns, h)
			keep = append(keep, i)
		}
	}
	if idx < 0 || arch < 0 {
		return nil, fmt.Errorf("%s: line 1: the header %q needs an index and an arch column", name, limit.Clip(strings.Join(header, ",")))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(t.Rows) == MaxRows {
			return nil, fmt.Errorf("%s: line %d: more than %d rows", name, line, MaxRows)
		}
		row := Row{Line: line, Arch: strings.TrimSpace(rec[arch]), Fields: make([]string, len(keep))}
		if row.Index, err = strconv.Atoi(strings.TrimSpace(rec[idx])); err != nil {
			return nil, fmt.Errorf("%s: line %d, field index: %q is not an integer", name, line, limit.Clip(rec[idx]))
		}
		for j, i := range keep {
			row.Fields[j] = strings.TrimSpace(rec[i])
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return t, nil
}

// column returns the position of a column in Columns.
func (t *Table) column(name string) (int, error) {
	if i := slices.Index(t.Columns, name); i >= 0 {
		return i, nil
	}
	return -1, fmt.Errorf("%s: no column %q (it has %s)", t.Name, name, strings.Join(t.Columns, ", "))
}

// Float returns the value of column c (a position in Columns) in row i.
func (t *Table) Float(i, c int) (float64, error) {
	r := t.Rows[i]
	v, err := strconv.ParseFloat(r.Fields[c], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: line %d, field %s: %q is not a finite number", t.Name, r.Line, t.Columns[c], limit.Clip(r.Fields[c]))
	}
	return v, nil
}

// Numbers returns a numeric column, one value per row.
func (t *Table) Numbers(name string) ([]float64, error) {
	c, err := t.column(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(t.Rows))
	for i := range t.Rows {
		if out[i], err = t.Float(i, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Where returns the rows whose column has the given text, e.g.
// Where("dataset", "cifar10"). The rows are shared with t.
func (t *Table) Where(column, value string) (*Table, error) {
	c, err := t.column(column)
	if err != nil {
		return nil, err
	}
	out := &Table{Name: fmt.Sprintf("%s[%s=%s]", t.Name, column, value), Columns: t.Columns}
	for _, r := range t.Rows {
		if r.Fields[c] == value {
			out.Rows = append(out.Rows, r)
		}
	}
	if len(out.Rows) == 0 {
		return nil, fmt.Errorf("%s: no row has %s = %q", t.Name, column, value)
	}
	return out, nil
}

// unique checks that every index appears once.
func (t *Table) unique() (map[int]int, error) {
	at := make(map[int]int, len(t.Rows))
	for i, r := range t.Rows {
		if j, dup := at[r.Index]; dup {
			return nil, fmt.Errorf("%s: line %d, field index: index %d is also on line %d (narrow the table with Where)", t.Name, r.Line, r.Index, t.Rows[j].Line)
		}
		at[r.Index] = i
	}
	return at, nil
}

// Join returns the rows whose index is in every table, with the columns of
// all of them, in the order of the first table's rows. The tables must agree
// on each row's arch and must not share a column name.
func Join(ts ...*Table) (*Table, error) {
	if len(ts) == 0 {
		return nil, errors.New("tabular: join of no tables")
	}
	if len(ts) == 1 {
		return ts[0], nil
	}
	names := make([]string, len(ts))
	out := &Table{}
	ats := make([]map[int]int, len(ts))
	for k, t := range ts {
		names[k] = t.Name
		for _, c := range t.Columns {
			if slices.Contains(out.Columns, c) {
				return nil, fmt.Errorf("tabular: join: column %q is in %s and an earlier table", c, t.Name)
			}
			out.Columns = append(out.Columns, c)
		}
		var err error
		if ats[k], err = t.unique(); err != nil {
			return nil, err
		}
	}
	out.Name = strings.Join(names, "+")
rows:
	for _, r := range ts[0].Rows {
		j := Row{Line: r.Line, Index: r.Index, Arch: r.Arch, Fields: slices.Clone(r.Fields)}
		for k, t := range ts[1:] {
			i, ok := ats[k+1][r.Index]
			if !ok {
				continue rows
			}
			o := t.Rows[i]
			if o.Arch != r.Arch {
				return nil, fmt.Errorf("tabular: join: index %d is %s on %s line %d but %s on %s line %d", r.Index, r.Arch, ts[0].Name, r.Line, o.Arch, t.Name, o.Line)
			}
			j.Fields = append(j.Fields, o.Fields...)
		}
		out.Rows = append(out.Rows, j)
	}
	if len(out.Rows) == 0 {
		return nil, fmt.Errorf("tabular: join of %s: no index is in every table", out.Name)
	}
	return out, nil
}

// Estimator scores an architecture by the row of a table that lists it. The
// zero value is not usable; make one with NewEstimator.
type Estimator struct {
	space   space.Space
	objs    []search.Objective
	rows    map[string]int // space.Format of the row's arch -> entry
	entries []Entry
}

var _ search.Estimator = (*Estimator)(nil)

// Entry is one architecture of a table and its values.
type Entry struct {
	Index   int
	Arch    space.Arch
	Values  []float64 // one per objective
	Seconds float64   // from the cost column; 0 without one
}

// NewEstimator returns an estimator of the objectives (columns of t) for the
// architectures of sp. cost names a column of simulated seconds (training
// time) counted against a search's Budget.Seconds; "" means none. Every row's
// arch must parse in sp, and each architecture may appear once.
func NewEstimator(t *Table, sp space.Space, objectives []search.Objective, cost string) (*Estimator, error) {
	if len(objectives) == 0 {
		return nil, errors.New("tabular: no objectives")
	}
	if _, err := t.unique(); err != nil {
		return nil, err
	}
	cols := make([]int, len(objectives))
	for k, o := range objectives {
		c, err := t.column(o.Name)
		if err != nil {
			return nil, err
		}
		cols[k] = c
	}
	costCol := -1
	if cost != "" {
		c, err := t.column(cost)
		if err != nil {
			return nil, err
		}
		costCol = c
	}
	e := &Estimator{space: sp, objs: slices.Clone(objectives), rows: make(map[string]int, len(t.Rows))}
	for i, r := range t.Rows {
		a, err := sp.Parse(r.Arch)
		if err == nil {
			err = space.Valid(sp, a)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d, field arch: %w", t.Name, r.Line, err)
		}
		key := sp.Format(a)
		if j, dup := e.rows[key]; dup {
			return nil, fmt.Errorf("%s: line %d, field arch: %s is also index %d", t.Name, r.Line, r.Arch, e.entries[j].Index)
		}
		en := Entry{Index: r.Index, Arch: a, Values: make([]float64, len(cols))}
		for k, c := range cols {
			if en.Values[k], err = t.Float(i, c); err != nil {
				return nil, err
			}
		}
		if costCol >= 0 {
			if en.Seconds, err = t.Float(i, costCol); err != nil {
				return nil, err
			}
			if en.Seconds < 0 {
				return nil, fmt.Errorf("%s: line %d, field %s: negative cost %v", t.Name, r.Line, cost, en.Seconds)
			}
		}
		e.rows[key] = len(e.entries)
		e.entries = append(e.entries, en)
	}
	return e, nil
}

func (e *Estimator) Objectives() []search.Objective { return e.objs }

// Estimate looks a up.
func (e *Estimator) Estimate(a space.Arch) (search.Score, error) {
	i, ok := e.rows[e.space.Format(a)]
	if !ok {
		return search.Score{}, fmt.Errorf("tabular: %s is not in the table", e.space.Format(a))
	}
	en := e.entries[i]
	return search.Score{Values: slices.Clone(en.Values), Seconds: en.Seconds}, nil
}

// Entries returns every architecture of the table with its values, in the
// table's order. The caller must not modify them.
func (e *Estimator) Entries() []Entry { return e.entries }

// Space returns the estimator's space narrowed to the architectures the
// table lists: its Check also rejects the others, so that every strategy
// searches only what the table can score. A table that lists a whole space
// (NAS-Bench-201's 15,625) changes nothing but the cost of Check; one that
// lists a sample (a proxy table of some hundred architectures) needs it.
// It samples uniformly over the table's architectures (for NAS-Bench-201's
// full table, the same distribution as nb201.Space's uniform choices); the
// space's own sampling, mutation and encoding are not used.
func (e *Estimator) Space() space.Space { return listed{e.space, e} }

var _ space.Sampler = listed{}

type listed struct {
	space.Space
	e *Estimator
}

func (l listed) Sample(r *rand.Rand) space.Arch {
	return l.e.entries[r.Intn(len(l.e.entries))].Arch.Clone()
}

func (l listed) Check(a space.Arch) error {
	if err := l.Space.Check(a); err != nil {
		return err
	}
	if _, ok := l.e.rows[l.Space.Format(a)]; !ok {
		return fmt.Errorf("tabular: %s is not in the table", l.Space.Format(a))
	}
	return nil
}
