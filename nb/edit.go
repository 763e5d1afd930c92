package nb

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"nasbook/space"
	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/space/spec"
	"nasbook/viz/scene"
)

// A cell drawn on the canvas can be edited there: nb.Show marks the cells of
// an architecture of a space with a scene.Edit, the canvas changes the
// choices edge by edge, and the kernel answers each change with Edited.

// Selected returns the architecture on the canvas as the student left it:
// the last cell shown or clicked there, with the edits made to it by hand.
// It is an error before the canvas has an editable cell.
//
//	a := nb.Selected()
//	fmt.Println(a, nb.Cost(a))
func Selected() Arch { return Default.Selected() }

// Selected returns the canvas's architecture; see the package-level Selected.
func (s *Session) Selected() Arch {
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if s.selected == nil {
		failf("Selected", "no architecture on the canvas yet: draw a cell with nb.Show, or click a point of a chart, and click its edges to change it")
	}
	return *s.selected
}

// EditRequest is an architecture edited on the canvas, as the canvas sends
// it: its space and choices (scene.Edit), and the metrics of the chart the
// cell was opened from, if any (scene.Axis.Metric).
type EditRequest struct {
	Space   string `json:"space"`
	Choices []int  `json:"choices"`
	X       string `json:"x,omitempty"`
	Y       string `json:"y,omitempty"`
}

// EditAnswer is what the canvas shows beside an edited cell.
type EditAnswer struct {
	Arch  string   `json:"arch,omitempty"`  // in the space's notation
	Parse string   `json:"parse,omitempty"` // an nb.Parse call that gives the architecture in a cell
	Lines []string `json:"lines,omitempty"` // the figures: costs, then each open table's values
	// Point is the architecture on the chart's axes, when both metrics are known.
	Point []float64 `json:"point,omitempty"`
	Error string    `json:"error,omitempty"`
}

// Edited costs an architecture edited on the canvas, looks it up in the
// benchmark tables the notebook has opened, and makes it the Selected one.
// It never panics: a request it cannot answer is an answer with an Error.
func (s *Session) Edited(req EditRequest) (ans EditAnswer) {
	defer func() {
		if r := recover(); r != nil {
			ans = EditAnswer{Error: fmt.Sprint(r)}
		}
	}()
	sp, err := s.editSpace(req.Space)
	if err != nil {
		return EditAnswer{Error: err.Error()}
	}
	if err := space.Valid(sp.s, req.Choices); err != nil {
		return EditAnswer{Error: err.Error()}
	}
	a := sp.arch(space.Arch(slices.Clone(req.Choices)))
	ans.Arch = a.Text
	ans.Parse = fmt.Sprintf("nb.Parse(%q, %q)", sp.Name, a.Text)
	metrics := map[string]float64{}
	if sc, err := space.ToSpec(sp.s, a.Choices); err == nil {
		if r, err := spec.Cost(sc, 64); err == nil {
			metrics["params"], metrics["macs"], metrics["flops"] = float64(r.Params)/1e6, float64(r.MACs)/1e6, float64(r.FLOPs)/1e6
			line := fmt.Sprintf("%s M params · %s M MACs", sigfig(metrics["params"]), sigfig(metrics["macs"]))
			if r.ActiveParams != r.Params {
				metrics["active_params"] = float64(r.ActiveParams) / 1e6
				line = fmt.Sprintf("%s M params (%s M active) · %s M MACs (%s M with every expert)", sigfig(metrics["params"]),
					sigfig(metrics["active_params"]), sigfig(metrics["macs"]), sigfig(float64(r.TotalMACs)/1e6))
			}
			ans.Lines = append(ans.Lines, line)
		}
		if ms, n, ok := s.predictLatency(sc); ok {
			metrics["latency"] = ms
			ans.Lines = append(ans.Lines, fmt.Sprintf("%s ms on this device (%d layers timed)", sigfig(ms), n))
		}
	}
	for _, name := range s.openTables() {
		vals, cols := s.tableValues(name, a.Text)
		if len(cols) == 0 {
			continue
		}
		var parts []string
		for _, c := range cols {
			if _, ok := metrics[c]; !ok {
				metrics[c] = vals[c]
			}
			parts = append(parts, c+" "+sigfig(vals[c]))
		}
		ans.Lines = append(ans.Lines, name+": "+strings.Join(parts, " · "))
	}
	if req.X != "" && req.Y != "" {
		x, okx := metrics[req.X]
		y, oky := metrics[req.Y]
		if okx && oky {
			ans.Point = []float64{x, y}
		}
	}
	s.editMu.Lock()
	s.selected = &a
	s.editMu.Unlock()
	return ans
}

// sigfig writes v with four significant digits.
func sigfig(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// editSpace finds a space by name: built in, or defined by the notebook.
func (s *Session) editSpace(name string) (*SearchSpace, error) {
	s.editMu.Lock()
	sp, ok := s.defined[name]
	s.editMu.Unlock()
	if ok {
		return sp, nil
	}
	b, err := spaces.ByName(name)
	if err != nil {
		return nil, err
	}
	return &SearchSpace{Name: b.Name(), s: b}, nil
}

// remember keeps a space the notebook defined, so that its cells drawn on
// the canvas can be edited.
func (s *Session) remember(sp *SearchSpace) {
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if s.defined == nil {
		s.defined = map[string]*SearchSpace{}
	}
	s.defined[sp.Name] = sp
}

// predictLatency sums the latency table of this session (the layers Latency
// has timed) over sc's layers, predicting the layers not timed from those
// that were. It reports false when nothing has been timed.
func (s *Session) predictLatency(sc *spec.Spec) (ms float64, timed int, ok bool) {
	s.latencyMu.Lock()
	defer s.latencyMu.Unlock()
	if len(s.latency.Entries) == 0 {
		return 0, 0, false
	}
	n, err := spec.Lower(sc)
	if err != nil {
		return 0, 0, false
	}
	for i := range n.Layers {
		l := &n.Layers[i]
		if l.Aux {
			continue
		}
		ms += s.latency.Predict(l)
	}
	return ms, len(s.latency.Entries), !math.IsNaN(ms)
}

// openTables lists the names of the shipped tables the notebook opened.
func (s *Session) openTables() []string {
	s.tablesMu.Lock()
	defer s.tablesMu.Unlock()
	return slices.Sorted(maps.Keys(s.tables))
}

// tableValues returns the numeric fields of arch's row in the open table
// name, by column, and the columns in the table's order; none if the table
// has no row, or more than one, for arch.
func (s *Session) tableValues(name, arch string) (map[string]float64, []string) {
	s.tablesMu.Lock()
	t := s.tables[name]
	s.tablesMu.Unlock()
	if t == nil {
		return nil, nil
	}
	row := -1
	for i, r := range t.t.Rows {
		if r.Arch == arch {
			if row >= 0 {
				return nil, nil // one row per dataset, say: which one is not ours to pick
			}
			row = i
		}
	}
	if row < 0 {
		return nil, nil
	}
	vals := map[string]float64{}
	var cols []string
	for c, name := range t.t.Columns {
		v, err := strconv.ParseFloat(strings.TrimSpace(t.t.Rows[row].Fields[c]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		vals[name] = v
		cols = append(cols, name)
	}
	return vals, cols
}

// editable marks the cells of scs, the pictures of architecture a of sp,
// as editable on the canvas. It maps the cells' edges onto sp's choices in
// order, either one choice per edge (an operation, NAS-Bench-201's form) or
// two (an input node, then an operation: DARTS's form), and marks nothing
// unless every edge shows the option its choice has.
func editable(sp *SearchSpace, a space.Arch, scs []*scene.Scene) {
	dims := sp.s.Dims()
	if len(dims) != len(a) {
		return
	}
	var edges int
	for _, sc := range scs {
		if sc.Cell == nil {
			return
		}
		for _, e := range sc.Cell.Edges {
			if e.Op != "concat" {
				edges++
			}
		}
	}
	var per int
	switch len(dims) {
	case edges:
		per = 1
	case 2 * edges:
		per = 2
	default:
		return
	}
	options := make([][]string, len(dims))
	for k, d := range dims {
		options[k] = d.Options
	}
	var eds []*scene.Edit
	k := 0
	for _, sc := range scs {
		ed := &scene.Edit{Space: sp.Name, Choices: slices.Clone([]int(a)), Options: options}
		for _, e := range sc.Cell.Edges {
			if e.Op == "concat" {
				continue
			}
			in := -1
			if per == 2 {
				in, k = k, k+1
				if options[in][a[in]] != strconv.Itoa(e.From) {
					return
				}
			}
			if options[k][a[k]] != e.Op {
				return
			}
			ed.Op, ed.Input = append(ed.Op, k), append(ed.Input, in)
			k++
		}
		if per == 1 {
			ed.Input = nil
		}
		eds = append(eds, ed)
	}
	for i, sc := range scs {
		sc.Cell.Edit = eds[i]
		if sc.Validate() != nil {
			for _, sc := range scs {
				sc.Cell.Edit = nil
			}
			return
		}
	}
}

// nb201Editable is the editable cell of an NAS-Bench-201 architecture.
func nb201Editable(a nb201.Arch) *scene.Scene {
	sc := nb201Scene(a)
	sp := &SearchSpace{Name: "nb201", s: nb201.Space{}}
	if c, err := sp.s.Parse(a.String()); err == nil {
		editable(sp, c, []*scene.Scene{sc})
	}
	return sc
}
