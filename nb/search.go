package nb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"nasbook/engine/estimate"
	"nasbook/engine/proxy"
	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/space"
	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/tables"
	"nasbook/viz/figure"
	"nasbook/viz/scene"
)

// Table is a benchmark table: CSV with an index and an arch column and
// columns of results, as NAS-Bench-201's tables: a shipped one (OpenTable)
// or one the user has (LoadTable reads its text, e.g. an uploaded file's).
type Table struct{ t *tabular.Table }

// LoadTable reads a benchmark table from its CSV text, e.g.
//
//	acc := nb.LoadTable(csvText)
//	fmt.Println(acc.Columns())
func LoadTable(csvText string) *Table { return Default.LoadTable(csvText) }

// LoadTable reads a table; see the package-level LoadTable.
func (*Session) LoadTable(csvText string) *Table {
	t, err := tabular.Read("table", strings.NewReader(csvText))
	if err != nil {
		fail("LoadTable", err)
	}
	return &Table{t}
}

// Columns lists the table's columns other than index and arch.
func (t *Table) Columns() []string { return slices.Clone(t.t.Columns) }

// Len is the number of rows.
func (t *Table) Len() int { return len(t.t.Rows) }

// Join returns the rows whose index is in both tables, with the columns of
// both: accuracy from one table and latency from another, say.
func (t *Table) Join(o *Table) *Table {
	j, err := tabular.Join(t.t, o.t)
	if err != nil {
		fail("Table.Join", err)
	}
	return &Table{j}
}

// Where returns the rows whose column has the given text, e.g.
// zc.Where("dataset", "cifar10").
func (t *Table) Where(column, value string) *Table {
	w, err := t.t.Where(column, value)
	if err != nil {
		fail("Table.Where", err)
	}
	return &Table{w}
}

// SearchConfig sets up Search. Zero fields take the defaults in their
// comments.
type SearchConfig struct {
	Space string // the space of the table's arch column: "nb201" (default), "darts", ...
	// In is a space to search instead of a built-in one named by Space,
	// such as one DefineSpace or DefineCellSpace made.
	In *SearchSpace
	// Strategy is rs, re (default), reinforce, bo, bananas, ls, nsga2,
	// exhaustive, or hyperband and bohb, which need LowTable or Train.
	Strategy string
	Budget   int    // evaluations per run; 0 means 100 (no limit with EpochBudget)
	Seed     int64  // the first run's seed; runs use Seed, Seed+1, ...
	Seeds    int    // number of runs; 0 means 1
	Table    *Table // scores architectures by lookup
	// Score, instead of a table, scores an architecture (larger is better),
	// e.g. a short training run or a formula of its costs; Metric names it
	// (default "score").
	Score func(a Arch) float64
	// Proxy, instead of a table, scores architectures by a zero-cost proxy
	// (synflow, snip, naswot, ...) computed on their networks.
	Proxy string
	// Metric is the column to maximise; Objectives lists several columns
	// for a multi-objective search (nsga2), the first being the metric.
	Metric     string
	Objectives []string
	Minimize   []string // columns to minimise rather than maximise
	Quiet      bool     // print no summary line

	// LowTable, with the strategies hyperband and bohb, holds results after
	// fewer epochs of training than Table's: the low fidelity, e.g.
	// nb.OpenTable("nb201/accuracy-12ep") under LowMetric "cifar10_valid"
	// against nb.OpenTable("nb201/accuracy-200ep") under Metric
	// "cifar10_test". Most architectures are looked up at LowEpochs, the
	// best of them at Epochs; the other strategies look every one up at
	// Epochs.
	LowTable  *Table
	LowMetric string
	LowEpochs int // the epochs behind LowTable's results; 0 means 12
	Epochs    int // the epochs behind Table's results; 0 means 200
	// Train, instead of a table, scores architectures by training their
	// networks on it (their validation accuracy, "val_acc"): NAS-Bench-201's
	// network with 4 channels and one cell per stage, batch 32, for each of
	// TrainEpochs with hyperband and bohb, the last of them otherwise. The
	// trainings run in the session's pool of workers (in the browser, one
	// Web Worker per core), as many at once as the strategy can propose
	// before it sees their scores; the result does not depend on the pool.
	Train       *Data
	TrainEpochs []int // ascending; nil means 1, 3, 9
	// EpochBudget, with LowTable or Train, is the epochs of training a run
	// may spend: an evaluation costs its epochs. With it, Budget is no
	// limit unless set.
	EpochBudget int

	// Checkpoint names the search's saved state in the session: the search
	// saves itself there as it goes (every second, and after each run), the
	// session keeps it when the cell is stopped (and the browser's page
	// across restarts of the kernel), and a search with the same
	// Checkpoint and settings continues from it to exactly the result of an
	// uninterrupted run. SavedSearch reads a state.
	Checkpoint string
	// Resume is a state to continue from, as SavedSearch returned it; it
	// comes before Checkpoint's.
	Resume string
}

// SearchResult is what Search found over its runs.
type SearchResult struct {
	Strategy   string
	Objectives []string
	Mean, Std  float64     // of the runs' best first objective
	Runs       []SearchRun // one per seed
	// Curve[i] is the mean over runs of the best first objective after i+1
	// evaluations; Lower and Upper are Curve less and plus one standard
	// deviation over runs.
	Curve, Lower, Upper []float64
	// Front is the Pareto front of all runs together (several objectives),
	// by the second objective from its best to its worst.
	Front []FrontMember
	// Optimum is the table's best value of the first objective (its
	// largest, or smallest when minimised), against which the runs' regret
	// is measured; NaN when the search scored by Score or Proxy.
	Optimum float64

	minimized []string     // cfg.Minimize
	replay    *scene.Scene // the first run on the canvas, with its history
}

// Regret returns, at each number of evaluations, the mean over runs of the
// regret (Optimum less the best found so far, or the other way round for a
// minimised objective), and the regret of the runs at the first and third
// quartiles, between which lie the middle half of the runs. It is nil
// without a table.
func (r SearchResult) Regret() (mean, q1, q3 []float64) {
	if math.IsNaN(r.Optimum) || len(r.Runs) == 0 {
		return nil, nil, nil
	}
	curves := make([][]float64, len(r.Runs))
	for k, run := range r.Runs {
		curves[k] = run.Curve
	}
	return search.Regret(curves, r.Optimum, slices.Contains(r.minimized, r.Objectives[0]))
}

// SearchRun is one run of a search.
type SearchRun struct {
	Seed  int64
	Arch  string  // the best architecture on the first objective
	Value float64 // its first objective
	Front []FrontMember
	// Curve[i] is the best first objective after i+1 evaluations.
	Curve []float64
}

// FrontMember is an architecture of a Pareto front with its objectives.
type FrontMember struct {
	Arch   string
	Values map[string]float64 // by column
}

// BestArch returns the best architecture of all runs on the first
// objective (of the first run among equals).
func (r SearchResult) BestArch() string {
	best := 0
	sign := 1.0
	if slices.Contains(r.minimized, r.Objectives[0]) {
		sign = -1
	}
	for k, run := range r.Runs {
		if sign*run.Value > sign*r.Runs[best].Value {
			best = k
		}
	}
	return r.Runs[best].Arch
}

func (r SearchResult) String() string {
	s := fmt.Sprintf("%s: best %s %.4g ± %.2g over %d runs", r.Strategy, r.Objectives[0], r.Mean, r.Std, len(r.Runs))
	if m, _, _ := r.Regret(); m != nil {
		s += fmt.Sprintf(", mean regret %.3g", m[len(m)-1])
	}
	return s
}

// Search runs a search strategy over seeds on a benchmark table, e.g.
//
//	acc := nb.LoadTable(csvText)
//	r := nb.Search(nb.SearchConfig{Strategy: "re", Budget: 100, Seeds: 10, Table: acc, Metric: "cifar10_test"})
//	nb.Show(r.Runs[0].Arch)
func Search(cfg SearchConfig) SearchResult { return Default.Search(cfg) }

// Search runs a search; see the package-level Search.
func (s *Session) Search(cfg SearchConfig) SearchResult {
	r, err := s.runSearch(cfg)
	if err != nil {
		fail("Search", err)
	}
	if !cfg.Quiet {
		fmt.Fprintln(s.stdout, r)
	}
	return r
}

// CompareSearch runs Search with each strategy and plots, against the
// number of queries, the mean regret over seeds (the table's best less the
// best found so far) on log axes, with a band from the first to the third
// quartile of the runs (see SearchResult.Regret); a
// search by Score or Proxy, which knows no optimum, plots the mean best
// metric instead.
func CompareSearch(cfg SearchConfig, strategies ...string) []SearchResult {
	return Default.CompareSearch(cfg, strategies...)
}

// CompareSearch compares strategies; see the package-level CompareSearch.
func (s *Session) CompareSearch(cfg SearchConfig, strategies ...string) []SearchResult {
	if len(strategies) == 0 {
		failf("CompareSearch", "no strategies")
	}
	var rs []SearchResult
	for _, name := range strategies {
		c := cfg
		c.Strategy = name
		r, err := s.runSearch(c)
		if err != nil {
			fail("CompareSearch", err)
		}
		if !cfg.Quiet {
			fmt.Fprintln(s.stdout, r)
		}
		rs = append(rs, r)
	}
	s.plotSearch("CompareSearch", rs)
	return rs
}

// PlotSearch plots search results as CompareSearch does: the mean regret
// (or, without a table, the mean best metric) against the number of
// queries, each with its band over seeds.
func PlotSearch(results ...SearchResult) { Default.PlotSearch(results...) }

// PlotSearch plots results; see the package-level PlotSearch.
func (s *Session) PlotSearch(results ...SearchResult) { s.plotSearch("PlotSearch", results) }

func (s *Session) plotSearch(fn string, rs []SearchResult) {
	if len(rs) == 0 {
		failf(fn, "no results")
	}
	metric := rs[0].Objectives[0]
	regret := true
	for _, r := range rs {
		regret = regret && !math.IsNaN(r.Optimum) && r.Objectives[0] == metric
	}
	spec := &figure.Spec{Kind: figure.KindLine, Title: "mean best " + metric + " against queries",
		XLabel: "queries", YLabel: "best " + metric}
	if regret {
		spec.Title = "regret on " + metric + ": the table's best less the best found"
		spec.XLabel, spec.YLabel = "queries (log scale)", "regret (log scale)"
		spec.LogX, spec.LogY = true, true
	}
	// A regret of 0 (every run found the optimum) is drawn at floor, the
	// bottom of a log axis.
	floor := 1e-4 * max(math.Abs(rs[0].Optimum), 1)
	for _, r := range rs {
		x := make([]float64, len(r.Curve))
		for i := range x {
			x[i] = float64(i + 1)
		}
		y, lo, hi := r.Curve, r.Lower, r.Upper
		if regret {
			y, lo, hi = r.Regret()
			for i := range y {
				y[i], lo[i], hi[i] = max(y[i], floor), max(lo[i], floor), max(hi[i], floor)
			}
		}
		se := figure.Series{Name: r.Strategy, X: x, Y: y}
		if len(r.Runs) > 1 {
			se.Lower, se.Upper = lo, hi
		}
		spec.Series = append(spec.Series, se)
	}
	s.figure(fn, spec)
}

// runSearch runs cfg's seeds, showing a progress bar over all their
// evaluations unless cfg.Quiet.
func (s *Session) runSearch(cfg SearchConfig) (SearchResult, error) {
	var res SearchResult
	if cfg.Space == "" {
		cfg.Space = "nb201"
	}
	var sp space.Space
	if cfg.In != nil {
		sp = cfg.In.s
	} else {
		var err error
		if sp, err = spaces.ByName(cfg.Space); err != nil {
			return res, err
		}
	}
	scorers := 0
	for _, set := range []bool{cfg.Table != nil, cfg.Score != nil, cfg.Proxy != "", cfg.Train != nil} {
		if set {
			scorers++
		}
	}
	if scorers != 1 {
		return res, fmt.Errorf("give exactly one of Table, Score, Proxy and Train to score architectures with")
	}
	if cfg.Train != nil && len(cfg.Objectives) == 0 && cfg.Metric == "" {
		cfg.Metric = "val_acc"
	}
	if cfg.Train != nil && (cfg.Metric != "val_acc" || len(cfg.Objectives) > 1) {
		return res, fmt.Errorf("Train scores by validation accuracy, Metric val_acc, not %q", cfg.Metric)
	}
	if (cfg.LowTable != nil || cfg.LowMetric != "") && (cfg.Table == nil || cfg.LowTable == nil || cfg.LowMetric == "") {
		return res, fmt.Errorf("LowTable and LowMetric go with Table: a table of results after fewer epochs, its column, and the full one")
	}
	if cfg.EpochBudget < 0 {
		return res, fmt.Errorf("EpochBudget %d: want 0 or more", cfg.EpochBudget)
	}
	if cfg.EpochBudget > 0 && cfg.LowTable == nil && cfg.Train == nil {
		return res, fmt.Errorf("EpochBudget counts epochs of training: give LowTable (results at two budgets) or Train")
	}
	cols := slices.Clone(cfg.Objectives)
	switch {
	case cfg.Table == nil && len(cols) > 1:
		return res, fmt.Errorf("Score and Proxy give one objective; several Objectives need a Table")
	case cfg.Proxy != "" && len(cols) == 0:
		cols = []string{cfg.Proxy}
	case cfg.Score != nil && len(cols) == 0:
		cols = []string{cmp.Or(cfg.Metric, "score")}
	case cfg.Metric != "" && len(cols) == 0:
		cols = []string{cfg.Metric}
	case cfg.Metric != "" && cols[0] != cfg.Metric:
		return res, fmt.Errorf("Metric %q is not the first of Objectives %v", cfg.Metric, cols)
	case len(cols) == 0:
		return res, fmt.Errorf("no Metric (a column of the table: %s)", strings.Join(cfg.Table.t.Columns, ", "))
	}
	for _, m := range cfg.Minimize {
		if !slices.Contains(cols, m) {
			return res, fmt.Errorf("Minimize %q is not an objective (%s)", m, strings.Join(cols, ", "))
		}
	}
	objs := make([]search.Objective, len(cols))
	for i, c := range cols {
		objs[i] = search.Objective{Name: c, Minimize: slices.Contains(cfg.Minimize, c)}
	}
	if cfg.Strategy == "" {
		cfg.Strategy = "re"
	}
	budget, seeds := cfg.Budget, cfg.Seeds
	if budget <= 0 && cfg.EpochBudget == 0 {
		budget = 100
	}
	if seeds <= 0 {
		seeds = 1
	}
	var est search.Estimator
	switch {
	case cfg.LowTable != nil:
		if len(objs) > 1 {
			return res, fmt.Errorf("LowTable is for one objective, Metric")
		}
		low, full := cmp.Or(cfg.LowEpochs, 12), cmp.Or(cfg.Epochs, 200)
		f, err := tabular.NewFidelities(sp, objs[0].Minimize,
			tabular.Level{Epochs: low, Table: cfg.LowTable.t, Column: cfg.LowMetric},
			tabular.Level{Epochs: full, Table: cfg.Table.t, Column: objs[0].Name})
		if err != nil {
			return res, err
		}
		est, sp = f, f.Space()
	case cfg.Train != nil:
		if nbs, ok := sp.(nb201.Space); ok {
			t := cfg.Train.Train
			if t.H%4 != 0 || t.W%4 != 0 {
				return res, fmt.Errorf("Train %s: its %dx%d images do not fit NAS-Bench-201's network, whose two reductions halve them", cfg.Train.Name, t.H, t.W)
			}
			nbs.Macro = nb201.Macro{C: 4, N: 1, Classes: t.Classes, Size: t.H}
			sp = nbs
		}
		est = &estimate.Trainer{Space: sp, Data: estimate.Data{Train: cfg.Train.Train, Valid: cfg.Train.Valid}, Budgets: cfg.TrainEpochs,
			Config: estimate.Config{Batch: 32, Seed: cfg.Seed}, Pool: s.TrainPool}
	case cfg.Table != nil:
		tab, err := tabular.NewEstimator(cfg.Table.t, sp, objs, "")
		if err != nil {
			return res, err
		}
		est, sp = tab, tab.Space()
	case cfg.Score != nil:
		est = &funcEstimator{objs: objs, f: func(a space.Arch) float64 {
			return cfg.Score(Arch{Space: sp.Name(), Choices: a.Clone(), Text: sp.Format(a), sp: definedOnly(cfg.In)})
		}}
	default:
		pe, err := proxy.NewEstimator(sp, cfg.Proxy, proxy.Config{})
		if err != nil {
			return res, fmt.Errorf("Proxy %q: want one zero-cost proxy (%v)", cfg.Proxy, err)
		}
		pe.Objective = objs[0]
		est = pe
	}

	res = SearchResult{Strategy: cfg.Strategy, Objectives: cols, Optimum: math.NaN(), minimized: cfg.Minimize}
	if cfg.Table != nil {
		v, err := cfg.Table.t.Numbers(cols[0])
		if err != nil {
			return res, err
		}
		if objs[0].Minimize {
			res.Optimum = slices.Min(v)
		} else {
			res.Optimum = slices.Max(v)
		}
	}
	id := fmt.Sprintf("search-%p", &res)
	unit := budget // the progress of a run: evaluations, or thousandths of its epochs
	if unit == 0 {
		unit = 1000
	}
	lastShown := time.Time{}
	progress := func(done int, label string, force bool) {
		// A few updates a second are enough for the eye.
		if now := time.Now(); !cfg.Quiet && (force || now.Sub(lastShown) > 150*time.Millisecond) {
			lastShown = now
			s.ShowProgress(Progress{ID: id, Label: label, Done: done, Total: seeds * unit})
		}
	}
	progress(0, cfg.Strategy+": starting", true)
	// The first run stands for the others on the canvas, and is kept to
	// replay (Replay) also when Quiet draws nothing as it goes.
	canvas := &searchScene{sess: s, sp: sp, objs: objs, title: fmt.Sprintf("%s, seed %d", cfg.Strategy, cfg.Seed), shown: time.Now(), live: !cfg.Quiet}
	if cfg.Table != nil && cfg.LowTable == nil {
		canvas.metrics = cols // an edited cell moves on the chart by the tables the notebook opened
	}
	rc := search.RepeatConfig{Space: sp, Strategy: cfg.Strategy, Estimator: est,
		Budget: search.Budget{Evaluations: budget, Epochs: cfg.EpochBudget}, Seed: cfg.Seed, Seeds: seeds,
		OnEvent: func(k int, e search.Event) {
			if ev, ok := e.(*search.Evaluated); ok {
				if budget > 0 {
					progress(k*budget+ev.N, fmt.Sprintf("%s: seed %d, evaluation %d of %d", cfg.Strategy, cfg.Seed+int64(k), ev.N, budget), false)
				} else {
					progress(k*1000+int(1000*ev.Used.Fraction), fmt.Sprintf("%s: seed %d, %d of %d epochs", cfg.Strategy, cfg.Seed+int64(k), ev.Used.Epochs, cfg.EpochBudget), false)
				}
			}
			if k == 0 {
				canvas.event(e)
			}
		}}
	if cfg.Checkpoint != "" || cfg.Resume != "" {
		rc.Key = searchKey(cfg)
		state := cfg.Resume
		if state == "" {
			state = s.SavedSearch(cfg.Checkpoint)
		}
		if state != "" {
			rc.State = []byte(state)
		}
	}
	if cfg.Checkpoint != "" {
		rc.SaveEvery = time.Second
		rc.Save = func(b []byte) error {
			s.keepSearch(cfg.Checkpoint, string(b))
			return nil
		}
	}
	rep, err := search.Repeat(context.Background(), rc)
	if err != nil {
		return res, err
	}
	if budget > 0 {
		progress(seeds*unit, fmt.Sprintf("%s: %d runs of %d evaluations", cfg.Strategy, seeds, budget), true)
	} else {
		progress(seeds*unit, fmt.Sprintf("%s: %d runs of %d epochs", cfg.Strategy, seeds, cfg.EpochBudget), true)
	}
	for _, r := range rep.Runs {
		run := SearchRun{Seed: r.Seed, Arch: sp.Format(r.Best.Arch), Value: r.Best.Values[0], Curve: r.Curve}
		if len(objs) > 1 {
			run.Front = members(sp, cols, cfg.Minimize, r.Front)
		}
		res.Runs = append(res.Runs, run)
	}
	res.replay = canvas.final
	res.Mean, res.Std = rep.Mean, rep.Std
	res.Curve, res.Lower, res.Upper = rep.Curve, rep.Lower, rep.Upper
	if len(objs) > 1 {
		res.Front = members(sp, cols, cfg.Minimize, rep.Front)
	}
	return res, nil
}

// searchKey is what a saved state records of the settings of its search:
// those that change its result, but for the functions (Score), which it
// cannot compare.
func searchKey(cfg SearchConfig) string {
	name := func(t *Table) string {
		if t == nil {
			return ""
		}
		return fmt.Sprintf("%s (%d rows)", t.t.Name, len(t.t.Rows))
	}
	in := ""
	if cfg.In != nil {
		in = cfg.In.s.Name()
	}
	data := ""
	if cfg.Train != nil {
		data = cfg.Train.String()
	}
	return fmt.Sprintf("space %s %s, strategy %s, budget %d, epochs %d, seed %d, seeds %d, table %s, metric %s, objectives %v, minimize %v, proxy %s, low table %s, %s at %d and %d epochs, train %s at %v, score %v",
		cfg.Space, in, cfg.Strategy, cfg.Budget, cfg.EpochBudget, cfg.Seed, cfg.Seeds, name(cfg.Table), cfg.Metric, cfg.Objectives, cfg.Minimize, cfg.Proxy,
		name(cfg.LowTable), cfg.LowMetric, cfg.LowEpochs, cfg.Epochs, data, cfg.TrainEpochs, cfg.Score != nil)
}

// SavedSearch returns the state that a search with SearchConfig.Checkpoint
// name saved, or "" if none did: text (JSON) that SearchConfig.Resume takes,
// in this session or another.
func SavedSearch(name string) string { return Default.SavedSearch(name) }

// SavedSearch returns a saved state; see the package-level SavedSearch.
func (s *Session) SavedSearch(name string) string {
	s.savedMu.Lock()
	defer s.savedMu.Unlock()
	return s.saved[name]
}

// KeepSearch stores a search's saved state under name, as the search
// itself does as it goes: a host that starts a new session for the
// notebook (a restarted kernel) hands it the states the old one kept (see
// OnSearchSaved).
func (s *Session) KeepSearch(name, state string) {
	s.savedMu.Lock()
	defer s.savedMu.Unlock()
	if s.saved == nil {
		s.saved = map[string]string{}
	}
	s.saved[name] = state
}

// keepSearch keeps a state and tells the host.
func (s *Session) keepSearch(name, state string) {
	s.KeepSearch(name, state)
	if s.OnSearchSaved != nil {
		s.OnSearchSaved(name, state)
	}
}

// Resume runs the search of cfg from the state saved under cfg.Checkpoint
// (or cfg.Resume), as Search does, and fails if there is none: the search a
// stopped cell was running goes on where its last save left it, to exactly
// the result it would have had.
//
//	cfg := nb.SearchConfig{Strategy: "bo", Table: acc, Metric: "cifar10_test", Seeds: 10, Checkpoint: "bo"}
//	r := nb.Search(cfg) // stopped half-way ...
//	r = nb.Resume(cfg)  // ... goes on from there
func Resume(cfg SearchConfig) SearchResult { return Default.Resume(cfg) }

// Resume continues a search; see the package-level Resume.
func (s *Session) Resume(cfg SearchConfig) SearchResult {
	if cfg.Resume == "" && (cfg.Checkpoint == "" || s.SavedSearch(cfg.Checkpoint) == "") {
		if cfg.Checkpoint == "" {
			failf("Resume", "give SearchConfig.Checkpoint, the name of a saved search, or Resume, a saved state")
		}
		failf("Resume", "no search is saved under %q", cfg.Checkpoint)
	}
	return s.Search(cfg)
}

// definedOnly is the space an Arch carries: set for a defined space.
func definedOnly(sp *SearchSpace) space.Space {
	if sp != nil && sp.defined {
		return sp.s
	}
	return nil
}

// funcEstimator scores by a function of the notebook's.
type funcEstimator struct {
	objs []search.Objective
	f    func(space.Arch) float64
}

func (e *funcEstimator) Objectives() []search.Objective { return e.objs }

func (e *funcEstimator) Estimate(a space.Arch) (search.Score, error) {
	v := e.f(a)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return search.Score{}, fmt.Errorf("Score returned %v for %v", v, a)
	}
	return search.Score{Values: []float64{v}}, nil
}

// searchScene draws a run on the canvas as it goes: every evaluation against
// its number (one objective) or the first objective against the second (a
// Pareto scene), with the strategy's population highlighted and, for
// NAS-Bench-201, each point's cell a click away (and editable there). It
// records when each point was in the population, so that the finished
// run's scene carries its replay (scene.Replay): the canvas plays it back
// evaluation by evaluation.
type searchScene struct {
	sess    *Session
	sp      space.Space
	objs    []search.Objective
	metrics []string // the objectives' table columns, to place edited cells by
	title   string
	live    bool // draw as it goes
	points  []scene.Point
	cells   []scene.Cell
	cellOf  map[string]int // index in cells by architecture
	at      map[int]int    // index in points by evaluation number
	open    map[int]int    // population members by point, with the step they joined at
	spans   []scene.Span   // members that left
	shown   time.Time
	final   *scene.Scene // the finished run, with its replay
}

func (c *searchScene) event(e search.Event) {
	switch e := e.(type) {
	case *search.Evaluated:
		text := c.sp.Format(e.Arch)
		p := scene.Point{X: float64(e.N), Y: e.Values[0], Label: text}
		if len(c.objs) > 1 {
			p.X = e.Values[1]
		}
		if c.sp.Name() == "nb201" {
			k, ok := c.cellOf[text]
			if !ok {
				if c.cellOf == nil {
					c.cellOf = map[string]int{}
				}
				k = len(c.cells)
				c.cells = append(c.cells, *nb201Editable(nb201.FromChoices(e.Arch)).Cell)
				c.cellOf[text] = k
			}
			p.Cell = &k
		}
		if c.at == nil {
			c.at = map[int]int{}
		}
		c.at[e.N] = len(c.points)
		c.points = append(c.points, p)
	case *search.PopulationChanged:
		if c.open == nil {
			c.open = map[int]int{}
		}
		step := len(c.points)
		now := map[int]bool{}
		for _, m := range e.Members {
			if i, ok := c.at[m.N]; ok {
				now[i] = true
				if _, in := c.open[i]; !in {
					c.open[i] = step
				}
			}
		}
		for _, i := range slices.Sorted(maps.Keys(c.open)) {
			if !now[i] {
				if from := c.open[i]; from < step {
					c.spans = append(c.spans, scene.Span{P: i, From: from, To: step, Group: "population"})
				}
				delete(c.open, i)
			}
		}
	case *search.Finished:
		c.final = c.scene(true)
		if c.live {
			c.show(c.final)
		}
		return
	}
	if now := time.Now(); c.live && now.Sub(c.shown) > 500*time.Millisecond {
		c.shown = now
		c.show(c.scene(false))
	}
}

// scene is the chart of the run so far; with replay, its history too.
func (c *searchScene) scene(replay bool) *scene.Scene {
	pts := slices.Clone(c.points)
	for i := range c.open {
		pts[i].Group = "population"
	}
	pl := &scene.Plot{X: scene.Axis{Label: "evaluation"}, Y: scene.Axis{Label: c.objs[0].Name, Minimize: c.objs[0].Minimize}, Points: pts, Cells: slices.Clone(c.cells)}
	shareOptions(pl)
	sc := &scene.Scene{Kind: scene.KindPoints, Title: c.title, Plot: pl}
	if len(c.objs) > 1 {
		sc.Kind = scene.KindPareto
		pl.X = scene.Axis{Label: c.objs[1].Name, Minimize: c.objs[1].Minimize}
	}
	if len(c.metrics) > 1 {
		pl.Y.Metric, pl.X.Metric = c.metrics[0], c.metrics[1]
	}
	if replay {
		r := &scene.Replay{Unit: "evaluation", Steps: len(pts), Spans: slices.Clone(c.spans)}
		for _, i := range slices.Sorted(maps.Keys(c.open)) {
			r.Spans = append(r.Spans, scene.Span{P: i, From: c.open[i], Group: "population"})
		}
		sc.Replay = r
	}
	return sc
}

func (c *searchScene) show(sc *scene.Scene) {
	c.sess.Update(fmt.Sprintf("search-canvas-%p", c), Output{scene.MIMEType: sc, "text/plain": ""})
}

// members are the evaluations es of a front, by the second objective from
// its best to its worst (minimize says which way that is), then by the
// first.
func members(sp space.Space, cols []string, minimize []string, es []search.Evaluation) []FrontMember {
	out := make([]FrontMember, len(es))
	for i, e := range es {
		m := FrontMember{Arch: sp.Format(e.Arch), Values: map[string]float64{}}
		for k, c := range cols {
			m.Values[c] = e.Values[k]
		}
		out[i] = m
	}
	sign := func(c string) float64 {
		if slices.Contains(minimize, c) {
			return 1
		}
		return -1
	}
	slices.SortStableFunc(out, func(a, b FrontMember) int {
		if c := cmp.Compare(sign(cols[1])*a.Values[cols[1]], sign(cols[1])*b.Values[cols[1]]); c != 0 {
			return c
		}
		return cmp.Compare(sign(cols[0])*a.Values[cols[0]], sign(cols[0])*b.Values[cols[0]])
	})
	return out
}

// OpenTable opens one of the benchmark tables that ship with nasbook, by
// name (Tables lists them):
//
//	nb201/accuracy-200ep  test accuracy after 200 epochs: cifar10_test, cifar100_test, imagenet16_120_test
//	nb201/accuracy-12ep   test and valid accuracy after 12 epochs, the same datasets
//	nb201/latency         ms on pixel3, samsung_a50, raspi4, silver_4114, gold_6226, 1080ti_1, titan_rtx_1, titan_rtx_256
//	nb201/zero-cost       NASLib's zero-cost proxy scores, one row per dataset and architecture
//
// In the browser a table is fetched the first time a cell opens it; later
// calls return the same table. Tables the user has are read with LoadTable.
func OpenTable(name string) *Table { return Default.OpenTable(name) }

// OpenTable opens a shipped table; see the package-level OpenTable.
func (s *Session) OpenTable(name string) *Table {
	s.tablesMu.Lock()
	defer s.tablesMu.Unlock()
	if t, ok := s.tables[name]; ok {
		return t
	}
	if _, err := tables.Find(name); err != nil {
		fail("OpenTable", err)
	}
	if s.Files == nil {
		failf("OpenTable", "this notebook host has no data files")
	}
	t, err := tabular.Shipped(s.Files, name)
	if err != nil {
		fail("OpenTable", err)
	}
	if s.tables == nil {
		s.tables = map[string]*Table{}
	}
	s.tables[name] = &Table{t}
	return s.tables[name]
}

// Tables lists the names of the shipped tables, which OpenTable opens.
func Tables() []string { return tables.Names() }

// ByArch returns a numeric column keyed by architecture string, e.g. the
// accuracy to compare proxy scores with:
//
//	acc := nb.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")
func (t *Table) ByArch(column string) map[string]float64 {
	v, err := t.t.Numbers(column)
	if err != nil {
		fail("Table.ByArch", err)
	}
	out := make(map[string]float64, len(v))
	for i, r := range t.t.Rows {
		out[r.Arch] = v[i]
	}
	return out
}

// Column returns a numeric column, one value per row in the table's order.
// Infinities stay (NASLib's nwot is -inf for a few networks, the lowest
// score, which ranks them last); a field that is no number is an error
// naming its line.
func (t *Table) Column(column string) []float64 {
	c := slices.Index(t.t.Columns, column)
	if c < 0 {
		failf("Table.Column", "%s: no column %q (it has %s)", t.t.Name, column, strings.Join(t.t.Columns, ", "))
	}
	out := make([]float64, len(t.t.Rows))
	for i, r := range t.t.Rows {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.Fields[c]), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			failf("Table.Column", "%s: line %d, field %s: %q is not a number", t.t.Name, r.Line, column, r.Fields[c])
		}
		out[i] = v
	}
	return out
}

// Archs returns the arch column, one string per row.
func (t *Table) Archs() []string {
	out := make([]string, len(t.t.Rows))
	for i, r := range t.t.Rows {
		out[i] = r.Arch
	}
	return out
}
