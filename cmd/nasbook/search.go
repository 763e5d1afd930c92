package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/stat"

	"nasbook/engine/proxy"
	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/space"
	"nasbook/space/spaces"
)

// listFlag is a flag that may be repeated.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func searchCmd(args []string) error { return runSearch(args, os.Stdout) }

func runSearch(args []string, stdout io.Writer) error {
	if oneshotStrategy(args) { // darts, darts2, gdas, spos: see oneshot.go
		return runOneshot(args, stdout)
	}
	fs := flag.NewFlagSet("search", flag.ExitOnError)
	var tables, where listFlag
	fs.Var(&tables, "table", "benchmark table `file` (CSV with index and arch columns); repeat to join tables on index")
	fs.Var(&where, "where", "keep the rows whose `column=value` (e.g. dataset=cifar10); may be repeated")
	spaceName := fs.String("space", "nb201", "search `space` whose notation the tables' arch column uses: "+strings.Join(spaces.Names(), ", "))
	metric := fs.String("metric", "", "table `column` to maximise (see -minimize)")
	objectives := fs.String("objectives", "", "comma-separated table `columns` to optimise together (NSGA-II)")
	minimize := fs.String("minimize", "", "comma-separated `columns` to minimise rather than maximise")
	strategy := fs.String("strategy", "re", "search strategy: "+strings.Join(search.StrategyNames, "|"))
	budget := fs.Int("budget", 100, "evaluations per run (0: no limit)")
	seconds := fs.Float64("seconds", 0, "simulated-seconds budget per run, summed from the -cost column")
	cost := fs.String("cost", "", "table `column` of simulated seconds per evaluation (training time)")
	wall := fs.Duration("wall", 0, "wall-time budget per run")
	seeds := fs.Int("seeds", 1, "number of runs, with seeds -seed, -seed+1, ...")
	seed0 := fs.Int64("seed", 1, "first seed")
	asJSON := fs.Bool("json", false, "print one JSON object")
	proxyName := fs.String("proxy", "", "score architectures by this zero-cost `proxy` on each one's default network instead of a table;\nwith -table and -metric, each run also reports its best architecture's -metric from the table")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nasbook search -table FILE [-table FILE...] -metric COLUMN | -objectives C1,C2 [-minimize C2] [flags]\n       nasbook search -proxy NAME [-table FILE -metric COLUMN] [flags]")
		fs.PrintDefaults()
	}
	fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	sp, err := spaces.ByName(*spaceName)
	if err != nil {
		return err
	}
	if *proxyName != "" {
		if *objectives != "" || *minimize != "" || *cost != "" || *seconds != 0 {
			return errors.New("-proxy is the one objective, at no simulated cost: -objectives, -minimize, -cost and -seconds need a table to search")
		}
		est, err := proxy.NewEstimator(sp, *proxyName, proxy.Config{})
		if err != nil {
			return err
		}
		var truth *tabular.Estimator
		if len(tables) > 0 {
			if *metric == "" {
				return errors.New("-proxy with -table needs -metric: the column to report for each run's best architecture")
			}
			t, err := loadTables(tables, where)
			if err != nil {
				return err
			}
			if truth, err = tabular.NewEstimator(t, sp, []search.Objective{{Name: *metric}}, ""); err != nil {
				return err
			}
		}
		return searchRuns(stdout, est, truth, *metric, *strategy, searchBudget{*budget, 0, *wall}, *seeds, *seed0, *asJSON)
	}
	if len(tables) == 0 {
		return errors.New("no -table or -proxy given")
	}

	// The objectives, in order, with their directions.
	cols := splitList(*objectives)
	if *metric != "" {
		if len(cols) > 0 && cols[0] != *metric {
			return errors.New("-metric and -objectives disagree: give one, or make -metric the first objective")
		}
		if len(cols) == 0 {
			cols = []string{*metric}
		}
	}
	if len(cols) == 0 {
		return errors.New("no -metric or -objectives given")
	}
	mins := splitList(*minimize)
	for _, m := range mins {
		if !slices.Contains(cols, m) {
			return fmt.Errorf("-minimize %s: not an objective (%s)", m, strings.Join(cols, ","))
		}
	}
	objs := make([]search.Objective, len(cols))
	for i, c := range cols {
		objs[i] = search.Objective{Name: c, Minimize: slices.Contains(mins, c)}
	}
	if strings.EqualFold(*strategy, "nsga2") && len(objs) < 2 {
		return errors.New("-strategy nsga2 needs two or more -objectives")
	}
	if _, err := search.NewStrategy(*strategy); err != nil {
		return err
	}

	t, err := loadTables(tables, where)
	if err != nil {
		return err
	}
	est, err := tabular.NewEstimator(t, sp, objs, *cost)
	if err != nil {
		return err
	}
	return searchRuns(stdout, est, nil, "", *strategy, searchBudget{*budget, *seconds, *wall}, *seeds, *seed0, *asJSON)
}

type searchBudget struct {
	evaluations int
	seconds     float64
	wall        time.Duration
}

// searchRuns runs the search once per seed and prints the report. With
// truth, each run's best architecture is also looked up in its table under
// metric (a proxy search judged by the benchmark).
func searchRuns(stdout io.Writer, est search.Estimator, truth *tabular.Estimator, metric, strategy string, b searchBudget, seeds int, seed0 int64, asJSON bool) error {
	if seeds < 1 {
		return fmt.Errorf("-seeds %d: want 1 or more", seeds)
	}
	var sp space.Space
	switch e := est.(type) {
	case *tabular.Estimator:
		sp = e.Space() // search only what the tables list
	case *proxy.Estimator:
		sp = e.Space
	}
	objs := est.Objectives()
	out := searchReport{Space: sp.Name(), Strategy: strategy, Objectives: objs, Budget: b.evaluations, Metric: metric}
	var bests, truths []float64
	var pooled []search.Evaluation
	for k := range seeds {
		seed := seed0 + int64(k)
		st, _ := search.NewStrategy(strategy)
		s, err := search.New(search.Config{Space: sp, Strategy: st, Estimator: est, Seed: seed,
			Budget: search.Budget{Evaluations: b.evaluations, Seconds: b.seconds, Wall: b.wall}})
		if err != nil {
			return err
		}
		if err := s.Run(context.Background()); err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		best, ok := s.Best()
		if !ok {
			return fmt.Errorf("seed %d: no evaluation within the budget", seed)
		}
		run := searchRun{Seed: seed, Arch: sp.Format(best.Arch), Value: best.Values[0], Evaluations: len(s.History()), Seconds: s.Used().Seconds}
		if truth != nil {
			v, err := truth.Estimate(best.Arch)
			if err != nil {
				return fmt.Errorf("seed %d: %w", seed, err)
			}
			run.MetricValue = &v.Values[0]
			truths = append(truths, v.Values[0])
		}
		if len(objs) > 1 {
			run.Front = frontMembers(sp, objs, s.Front())
			pooled = append(pooled, s.Front()...)
		}
		out.Runs = append(out.Runs, run)
		bests = append(bests, run.Value)
	}
	out.Mean, out.Std = meanStd(bests)
	if truth != nil {
		m, sd := meanStd(truths)
		out.MetricMean, out.MetricStd = &m, &sd
	}
	if len(objs) > 1 {
		out.Front = frontMembers(sp, objs, search.PooledFront(pooled)) // of all runs together
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	out.print(stdout)
	return nil
}

// meanStd is the mean and sample standard deviation (0 for one value).
func meanStd(x []float64) (float64, float64) {
	m, s := stat.MeanStdDev(x, nil)
	if len(x) == 1 {
		s = 0
	}
	return m, s
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// loadTables reads, filters and joins the tables.
func loadTables(files, where []string) (*tabular.Table, error) {
	var ts []*tabular.Table
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		t, err := tabular.Read(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, w := range where {
			col, val, ok := strings.Cut(w, "=")
			if !ok {
				return nil, fmt.Errorf("-where %q: want column=value", w)
			}
			if slices.Contains(t.Columns, col) {
				if t, err = t.Where(col, val); err != nil {
					return nil, err
				}
			}
		}
		ts = append(ts, t)
	}
	return tabular.Join(ts...)
}

type searchReport struct {
	Space      string             `json:"space"`
	Strategy   string             `json:"strategy"`
	Objectives []search.Objective `json:"objectives"`
	Budget     int                `json:"budget"`
	Mean       float64            `json:"mean"` // of the runs' best first objective
	Std        float64            `json:"std"`  // sample standard deviation
	// Metric names the table column a proxy search's bests are looked up
	// in; MetricMean and MetricStd summarise their values.
	Metric     string           `json:"metric,omitempty"`
	MetricMean *float64         `json:"metric_mean,omitempty"`
	MetricStd  *float64         `json:"metric_std,omitempty"`
	Runs       []searchRun      `json:"runs"`
	Front      []map[string]any `json:"front,omitempty"` // of all runs together
}

type searchRun struct {
	Seed        int64            `json:"seed"`
	Arch        string           `json:"arch"`                   // best on the first objective
	Value       float64          `json:"value"`                  // its first objective
	MetricValue *float64         `json:"metric_value,omitempty"` // a proxy search's best, in the table
	Evaluations int              `json:"evaluations"`
	Seconds     float64          `json:"seconds,omitempty"`
	Front       []map[string]any `json:"front,omitempty"`
}

// frontMembers lists a front as objects with the arch and one field per
// objective, named as its column.
func frontMembers(sp space.Space, objs []search.Objective, front []search.Evaluation) []map[string]any {
	out := make([]map[string]any, len(front))
	for i, e := range front {
		m := map[string]any{"arch": sp.Format(e.Arch)}
		for k, o := range objs {
			m[o.Name] = e.Values[k]
		}
		out[i] = m
	}
	return out
}

func (r *searchReport) print(w io.Writer) {
	var dirs []string
	for _, o := range r.Objectives {
		d := "max"
		if o.Minimize {
			d = "min"
		}
		dirs = append(dirs, o.Name+" ("+d+")")
	}
	fmt.Fprintf(w, "%s on %s, %s, %d runs of %d evaluations\n\n", r.Strategy, r.Space, strings.Join(dirs, ", "), len(r.Runs), r.Budget)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if r.MetricMean != nil {
		fmt.Fprintf(tw, "seed\t%s\t%s\tarch\n", r.Objectives[0].Name, r.Metric)
		for _, run := range r.Runs {
			fmt.Fprintf(tw, "%d\t%.4g\t%.4g\t%s\n", run.Seed, run.Value, *run.MetricValue, run.Arch)
		}
	} else {
		fmt.Fprintf(tw, "seed\t%s\tarch\n", r.Objectives[0].Name)
		for _, run := range r.Runs {
			fmt.Fprintf(tw, "%d\t%.4g\t%s\n", run.Seed, run.Value, run.Arch)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\nbest %s: mean %.4g, std %.2g over %d runs\n", r.Objectives[0].Name, r.Mean, r.Std, len(r.Runs))
	if r.MetricMean != nil {
		fmt.Fprintf(w, "its %s in the table: mean %.4g, std %.2g\n", r.Metric, *r.MetricMean, *r.MetricStd)
	}
	if len(r.Front) > 0 {
		fmt.Fprintf(w, "\nPareto front of all runs (%d architectures):\n", len(r.Front))
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, o := range r.Objectives {
			fmt.Fprintf(tw, "%s\t", o.Name)
		}
		fmt.Fprintln(tw, "arch")
		for _, m := range r.Front {
			for _, o := range r.Objectives {
				fmt.Fprintf(tw, "%.4g\t", m[o.Name])
			}
			fmt.Fprintln(tw, m["arch"])
		}
		tw.Flush()
	}
}
