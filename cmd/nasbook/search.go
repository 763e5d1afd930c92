package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/stat"

	"nasbook/engine/data"
	"nasbook/engine/estimate"
	"nasbook/engine/proxy"
	"nasbook/engine/search"
	"nasbook/engine/search/tabular"
	"nasbook/internal/atomicfile"
	"nasbook/space"
	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/space/transformer"
)

// listFlag is a flag that may be repeated.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func searchCmd(args []string) error { return runSearch(args, os.Stdout) }

// checkpointKey is what a checkpoint file records of the command that wrote
// it: every flag that changes the result, with its value, one per line.
func checkpointKey(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		switch f.Name {
		case "checkpoint", "checkpoint-every", "json", "q", "workers":
			return // where and how often to save, how to print and on how many workers, change no result
		}
		fmt.Fprintf(&b, "-%s=%s\n", f.Name, f.Value)
	})
	return b.String()
}

// maxCheckpoint bounds a checkpoint file, far above a search's (100,000
// evaluations of NAS-Bench-201 take about 20 MB).
const maxCheckpoint = 1 << 30

// loadCheckpoint reads o.checkpoint, if it exists, and checks that it was
// written by a search with the same flags; it returns the saved state (nil
// for a new search) and the key of these flags.
func loadCheckpoint(o *searchOpts) (state []byte, key string, err error) {
	key = checkpointKey(o.fs)
	f, err := os.Open(o.checkpoint)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, key, nil
	}
	if err != nil {
		return nil, key, fmt.Errorf("-checkpoint: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, key, fmt.Errorf("-checkpoint %s: not a regular file", o.checkpoint)
	}
	state, err = io.ReadAll(io.LimitReader(f, maxCheckpoint+1))
	if err != nil {
		return nil, key, fmt.Errorf("-checkpoint: %w", err)
	}
	if len(state) > maxCheckpoint {
		return nil, key, fmt.Errorf("-checkpoint %s: more than %d MiB, not a checkpoint of nasbook search", o.checkpoint, maxCheckpoint>>20)
	}
	var saved struct {
		Key *string `json:"key"`
	}
	if json.Unmarshal(state, &saved) != nil || saved.Key == nil {
		return nil, key, fmt.Errorf("-checkpoint %s: not a checkpoint of nasbook search (remove it, or name another file)", o.checkpoint)
	}
	if *saved.Key != key {
		was, now := strings.Split(*saved.Key, "\n"), strings.Split(key, "\n")
		var diff []string
		for _, l := range now {
			if l != "" && !slices.Contains(was, l) {
				name, _, _ := strings.Cut(l, "=")
				old := "not given"
				for _, w := range was {
					if strings.HasPrefix(w, name+"=") {
						old = w
					}
				}
				diff = append(diff, fmt.Sprintf("%s here, %s there", l, old))
			}
		}
		return nil, key, fmt.Errorf("-checkpoint %s was written by a search with other flags (%s): run it with those, or name another file", o.checkpoint, strings.Join(diff, "; "))
	}
	return state, key, nil
}

// searchOpts are the flags of a search by a table or a proxy.
type searchOpts struct {
	tables, where                       listFlag
	space, metric, objectives, minimize string
	strategy, cost, proxy               string
	budget, seeds                       int
	seconds                             float64
	wall                                time.Duration
	seed                                int64
	json, quiet                         bool

	// Multi-fidelity: the -metric of -table after tableEpochs, lowMetric of
	// lowTable after lowEpochs.
	lowTable, lowMetric    string
	tableEpochs, lowEpochs int
	epochBudget            int
	train                  string // a dataset to score architectures by training on
	trainEpochs            string
	workers                int
	trainImages            int
	checkpoint             string
	checkpointEvery        time.Duration
	fs                     *flag.FlagSet
}

func searchFlags() (*flag.FlagSet, *searchOpts) {
	o := &searchOpts{}
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	o.fs = fs
	fs.Var(&o.tables, "table", "benchmark table `file` (CSV with index and arch columns); repeat to join tables on index")
	fs.Var(&o.where, "where", "keep the rows whose `column=value` (e.g. dataset=cifar10); may be repeated")
	fs.StringVar(&o.space, "space", "nb201", "search `space` whose notation the tables' arch column uses: "+list(spaces.Names()))
	fs.StringVar(&o.metric, "metric", "", "table `column` to maximise (see -minimize)")
	fs.StringVar(&o.objectives, "objectives", "", "comma-separated table `columns` to optimise together; two or more mean -strategy nsga2")
	fs.StringVar(&o.minimize, "minimize", "", "comma-separated `columns` to minimise rather than maximise")
	fs.StringVar(&o.strategy, "strategy", "re", "search `strategy`: "+list(strategyNames())+"; or a one-shot one (below); nsga2 when there are two or more -objectives")
	fs.IntVar(&o.budget, "budget", 100, "evaluations per run (0: no limit)")
	fs.Float64Var(&o.seconds, "seconds", 0, "simulated-seconds budget per run, summed from the -cost column (0: no limit)")
	fs.StringVar(&o.cost, "cost", "", "table `column` of simulated seconds per evaluation (training time)")
	fs.DurationVar(&o.wall, "wall", 0, "wall-time budget per run (0: no limit)")
	fs.IntVar(&o.seeds, "seeds", 1, "number of runs, with seeds -seed, -seed+1, ...")
	fs.Int64Var(&o.seed, "seed", 1, "first seed")
	fs.BoolVar(&o.json, "json", false, "print one JSON object")
	fs.BoolVar(&o.quiet, "q", false, "show no progress on standard error")
	fs.StringVar(&o.lowTable, "low-table", "", "benchmark table `file` of results after fewer epochs (NAS-Bench-201's accuracy-12ep.csv): the low fidelity\nof -strategy hyperband and bohb, with -low-metric; the other strategies score at -table's")
	fs.StringVar(&o.lowMetric, "low-metric", "", "-low-table's `column` that estimates -metric (e.g. cifar10_valid)")
	fs.IntVar(&o.lowEpochs, "low-epochs", 12, "epochs of training behind -low-table's results")
	fs.IntVar(&o.tableEpochs, "table-epochs", 200, "epochs of training behind -table's results, the full budget, with -low-table")
	fs.IntVar(&o.epochBudget, "epoch-budget", 0, "epochs of training per run, with -low-table: an evaluation costs -table-epochs or -low-epochs\n(0: no limit; with this flag -budget is no limit unless given)")
	fs.StringVar(&o.train, "train", "", "score architectures by training their networks on this `dataset` ("+list(searchDataNames)+", lookup (key-value lookup sequences of token ids, for -space transformer), or your own:\n"+ownDataForms+") instead of a table:\nNAS-Bench-201's network with 4 channels and 1 cell per stage, SGD, batch 32; the objective is val_acc")
	fs.StringVar(&o.trainEpochs, "train-epochs", "1,3,9", "with -train, the `budgets` of epochs an evaluation may train, ascending: hyperband and bohb use them all,\nthe other strategies the last")
	fs.IntVar(&o.trainImages, "train-images", 500, "with -train, training images (the validation images are the dataset's)")
	fs.IntVar(&o.workers, "workers", 0, "with -train, trainings at the same time (0: one per CPU); the result does not depend on it")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "save the search in `file` as it goes; run the same command again to resume it after an interrupt\n(Ctrl+C, a killed process), to the result of an uninterrupted run")
	fs.DurationVar(&o.checkpointEvery, "checkpoint-every", 5*time.Second, "with -checkpoint, save at least this often (0: after every evaluation), after each run and on Ctrl+C")
	fs.StringVar(&o.proxy, "proxy", "", "score architectures by this zero-cost `proxy` ("+list(proxyNames())+") on each one's default network instead of a table;\nwith -table and -metric, each run also reports its best architecture's -metric from the table")
	fs.Usage = func() { searchUsage(fs.Output(), fs) }
	return fs, o
}

func searchUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `usage: nasbook search -table FILE [-table FILE...] -metric COLUMN [flags]
       nasbook search -table FILE [-table FILE...] -objectives C1,C2[,...] [-minimize C2] [flags]
       nasbook search -table FILE -metric COLUMN -low-table FILE -low-metric COLUMN -epoch-budget N [flags]
       nasbook search -proxy NAME [-table FILE -metric COLUMN] [flags]
       nasbook search -train DATASET [-train-epochs 1,3,9] [flags]
       nasbook search -strategy %s [flags]

Searches a space and prints each run's best architecture (-json: one JSON object).
A table search looks every architecture up in benchmark tables (NAS-Bench-201's
CSV files); a proxy search scores each one with a zero-cost proxy; a training
search trains each one's network; a one-shot search trains a supernet on a
dataset and derives a cell from it. Hyperband and BOHB score most architectures
after fewer epochs: on the results of -low-table, or by training for the first
of -train-epochs; an evaluation costs its epochs against -epoch-budget.
With -checkpoint, a search saves itself as it goes and resumes where it stopped.

strategies:  %s
one-shot:    %s
proxies:     %s
spaces:      %s (one-shot: %s)
datasets:    %s (one-shot, -train)

Flags of a table, proxy or training search:
`, strings.Join(oneshotNames(), "|"), list(strategyNames()), list(oneshotNames()), list(proxyNames()), list(spaces.Names()), list(oneshotSpaces), list(searchDataNames))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nFlags of a one-shot search (-strategy %s):\n", strings.Join(oneshotNames(), "|"))
	ofs, _ := oneshotFlags()
	ofs.SetOutput(w)
	ofs.PrintDefaults()
}

func runSearch(args []string, stdout io.Writer) error {
	if oneshotStrategy(args) { // darts, darts2, gdas, spos: see oneshot.go
		return runOneshot(args, stdout)
	}
	fs, o := searchFlags()
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkAll(atLeast("budget", o.budget, 0), atLeast("seconds", o.seconds, 0), atLeast("wall", o.wall, 0),
		atLeast("seeds", o.seeds, 1), atLeast("epoch-budget", o.epochBudget, 0), atLeast("low-epochs", o.lowEpochs, 1),
		atLeast("table-epochs", o.tableEpochs, 1), atLeast("checkpoint-every", o.checkpointEvery, 0)); err != nil {
		return err
	}
	strategySet, budgetSet := false, false
	fs.Visit(func(f *flag.Flag) {
		strategySet = strategySet || f.Name == "strategy"
		budgetSet = budgetSet || f.Name == "budget"
	})
	if o.epochBudget > 0 && !budgetSet {
		o.budget = 0
	}
	sp, err := spaces.ByName(o.space)
	if err != nil {
		return fmt.Errorf("-space: %w", err)
	}
	strategy, err := search.StrategyName(o.strategy)
	if err != nil {
		return fmt.Errorf("-strategy %s: want one of %s, or one-shot %s", o.strategy, list(strategyNames()), list(oneshotNames()))
	}
	budget := searchBudget{evaluations: o.budget, seconds: o.seconds, wall: o.wall}
	if o.train != "" {
		return trainSearch(stdout, sp, budget, o)
	}
	if o.proxy != "" {
		if o.objectives != "" || o.minimize != "" || o.cost != "" || o.seconds != 0 {
			return errors.New("-proxy is the one objective, at no simulated cost: -objectives, -minimize, -cost and -seconds need a table to search")
		}
		if len(o.where) > 0 && len(o.tables) == 0 {
			return errors.New("-where filters a -table, and there is none")
		}
		est, err := proxy.NewEstimator(sp, o.proxy, proxy.Config{})
		if err != nil {
			return fmt.Errorf("-proxy: %w", err)
		}
		var truth *tabular.Estimator
		if len(o.tables) > 0 {
			if o.metric == "" {
				return errors.New("-proxy with -table needs -metric: the column to report for each run's best architecture")
			}
			t, err := loadTables(o.tables, o.where)
			if err != nil {
				return err
			}
			if truth, err = tabular.NewEstimator(t, sp, []search.Objective{{Name: o.metric}}, ""); err != nil {
				return err
			}
		}
		if o.lowTable != "" || o.epochBudget != 0 {
			return errors.New("-low-table and -epoch-budget are for a search by tables; a proxy trains for no epochs")
		}
		budget.seconds = 0
		return searchRuns(stdout, est, truth, budget, o)
	}
	if len(o.tables) == 0 {
		return errors.New("no -table or -proxy given: a search needs benchmark tables to look architectures up in, or a proxy to score them")
	}

	// The objectives, in order, with their directions.
	cols := splitList(o.objectives)
	if o.metric != "" {
		if len(cols) > 0 && cols[0] != o.metric {
			return errors.New("-metric and -objectives disagree: give one, or make -metric the first objective")
		}
		if len(cols) == 0 {
			cols = []string{o.metric}
		}
	}
	if len(cols) == 0 {
		return errors.New("no -metric or -objectives given: name the table column to optimise")
	}
	mins := splitList(o.minimize)
	for _, m := range mins {
		if !slices.Contains(cols, m) {
			return fmt.Errorf("-minimize %s: not an objective (%s)", m, strings.Join(cols, ","))
		}
	}
	objs := make([]search.Objective, len(cols))
	for i, c := range cols {
		objs[i] = search.Objective{Name: c, Minimize: slices.Contains(mins, c)}
	}
	// Two or more objectives are NSGA-II's to search; the other strategies
	// follow the first objective alone, which would leave the rest unsearched.
	switch {
	case len(objs) > 1 && !strategySet:
		o.strategy = "nsga2"
	case len(objs) > 1 && strategy != "nsga2":
		return fmt.Errorf("-strategy %s optimises one objective; -objectives %s needs nsga2 (the default with two or more objectives)", o.strategy, strings.Join(cols, ","))
	case len(objs) < 2 && strategy == "nsga2":
		return errors.New("-strategy nsga2 needs two or more -objectives")
	}

	t, err := loadTables(o.tables, o.where)
	if err != nil {
		return err
	}
	if o.lowTable != "" || o.lowMetric != "" {
		return fidelitySearch(stdout, t, sp, objs[0], budget, o)
	}
	switch {
	case strategy == "hyperband" || strategy == "bohb":
		return fmt.Errorf("-strategy %s trains architectures for several numbers of epochs: give -low-table and -low-metric, a table of results after fewer epochs", o.strategy)
	case o.epochBudget > 0:
		return errors.New("-epoch-budget counts epochs of the tables' results at two budgets: give -low-table and -low-metric")
	}
	est, err := tabular.NewEstimator(t, sp, objs, o.cost)
	if err != nil {
		return err
	}
	return searchRuns(stdout, est, nil, budget, o)
}

// fidelitySearch searches t's metric after o.tableEpochs with the results
// of o.lowTable after o.lowEpochs as the low fidelity.
func fidelitySearch(stdout io.Writer, t *tabular.Table, sp space.Space, obj search.Objective, budget searchBudget, o *searchOpts) error {
	switch {
	case o.lowTable == "" || o.lowMetric == "":
		return errors.New("-low-table and -low-metric go together: the table of results after -low-epochs, and its column")
	case o.objectives != "" && strings.Contains(o.objectives, ","):
		return errors.New("-low-table is for one objective, -metric")
	case o.cost != "" || o.seconds != 0:
		return errors.New("-low-table counts the cost of an evaluation in epochs (-epoch-budget), not -cost and -seconds")
	case o.lowEpochs >= o.tableEpochs:
		return fmt.Errorf("-low-epochs %d is not less than -table-epochs %d", o.lowEpochs, o.tableEpochs)
	}
	low, err := loadTables([]string{o.lowTable}, o.where)
	if err != nil {
		return fmt.Errorf("-low-table: %w", err)
	}
	f, err := tabular.NewFidelities(sp, obj.Minimize,
		tabular.Level{Epochs: o.lowEpochs, Table: low, Column: o.lowMetric},
		tabular.Level{Epochs: o.tableEpochs, Table: t, Column: obj.Name})
	if err != nil {
		return err
	}
	budget.epochs = o.epochBudget
	return searchRuns(stdout, f, nil, budget, o)
}

// trainSearch scores architectures by training them on o.train.
func trainSearch(stdout io.Writer, sp space.Space, budget searchBudget, o *searchOpts) error {
	if o.proxy != "" || len(o.tables) > 0 || o.lowTable != "" || o.objectives != "" || o.cost != "" || o.seconds != 0 {
		return errors.New("-train scores by training, with val_acc the one objective: -proxy, -table, -low-table, -objectives, -cost and -seconds are for other searches")
	}
	var epochs []int
	for _, f := range splitList(o.trainEpochs) {
		e, err := strconv.Atoi(f)
		if err != nil || e < 1 || (len(epochs) > 0 && e <= epochs[len(epochs)-1]) {
			return fmt.Errorf("-train-epochs %s: want ascending numbers of epochs, 1 or more, e.g. 1,3,9", o.trainEpochs)
		}
		epochs = append(epochs, e)
	}
	if len(epochs) == 0 {
		return fmt.Errorf("-train-epochs %q: want one or more numbers of epochs, e.g. 1,3,9", o.trainEpochs)
	}
	if err := checkAll(atLeast("train-images", o.trainImages, 1), atLeast("workers", o.workers, 0)); err != nil {
		return err
	}
	var d data.Splits
	if o.train == "lookup" {
		d = data.Lookup{N: 6000, Seed: o.seed}.Generate().Split(0.15, 0.15, data.NewRand(o.seed))
	} else {
		var err error
		if d, err = loadSearchData(o.train, o.seed); err != nil {
			return fmt.Errorf("-train: %w", err)
		}
	}
	train := d.Train
	if train.Len() > o.trainImages {
		train = train.Subset(data.NewRand(o.seed).Perm(train.Len())[:o.trainImages])
	}
	if ts, ok := sp.(transformer.Space); ok {
		ts.Classes, ts.Vocab = d.Train.Classes, d.Train.Vocab
		ts.Input = []int{d.Train.C, d.Train.H, d.Train.W}
		if d.Train.Vocab > 0 {
			ts.Input = []int{d.Train.H, 1}
		} else if p := cmp.Or(ts.Patch, 4); d.Train.H%p != 0 || d.Train.W%p != 0 {
			return fmt.Errorf("-train %s: its %dx%d images do not split into the transformer's %dx%d patches", o.train, d.Train.H, d.Train.W, p, p)
		}
		sp = ts
	} else if d.Train.Vocab > 0 {
		return fmt.Errorf("-train %s: its examples are token ids, which only the transformer space reads (-space transformer)", o.train)
	}
	if nb, ok := sp.(nb201.Space); ok {
		if d.Train.H%4 != 0 || d.Train.W%4 != 0 {
			return fmt.Errorf("-train %s: its %dx%d images do not fit NAS-Bench-201's network, whose two reductions halve them (shapes and mnist28 do)", o.train, d.Train.H, d.Train.W)
		}
		nb.Macro = nb201.Macro{C: 4, N: 1, Classes: d.Train.Classes, Size: d.Train.H}
		sp = nb
	}
	budget.epochs = o.epochBudget
	est := &estimate.Trainer{Space: sp, Data: estimate.Data{Train: train, Valid: d.Valid}, Budgets: epochs,
		Config: estimate.Config{Batch: 32, Seed: o.seed}, Pool: &estimate.Local{N: o.workers}}
	return searchRuns(stdout, est, nil, budget, o)
}

type searchBudget struct {
	evaluations int
	epochs      int
	seconds     float64
	wall        time.Duration
}

// searchRuns runs the search once per seed and prints the report. With
// truth, each run's best architecture is also looked up in its table under
// metric (a proxy search judged by the benchmark).
func searchRuns(stdout io.Writer, est search.Estimator, truth *tabular.Estimator, b searchBudget, o *searchOpts) error {
	metric, strategy, seeds := "", o.strategy, o.seeds
	if truth != nil {
		metric = o.metric
	}
	var sp space.Space
	switch e := est.(type) {
	case *tabular.Estimator:
		sp = e.Space() // search only what the tables list
	case *tabular.Fidelities:
		sp = e.Space()
	case *proxy.Estimator:
		sp = e.Space
	case *estimate.Trainer:
		sp = e.Space
	}
	objs := est.Objectives()
	m := newMeter("search", o.quiet)
	defer m.Finish()
	limited := b.evaluations > 0 || b.epochs > 0 || b.seconds > 0 || b.wall > 0
	cfg := search.RepeatConfig{Space: sp, Strategy: strategy, Estimator: est,
		Budget: search.Budget{Evaluations: b.evaluations, Epochs: b.epochs, Seconds: b.seconds, Wall: b.wall}, Seed: o.seed, Seeds: seeds,
		OnEvent: func(k int, e search.Event) {
			if ev, ok := e.(*search.Evaluated); ok {
				m.Update(searchProgress(k, seeds, ev.Used, limited))
			}
		}}
	ctx := context.Background()
	if o.checkpoint != "" {
		var stop context.CancelFunc
		// The first Ctrl+C saves after the evaluation in progress (a
		// training goes on to its end); a second one ends the program.
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		context.AfterFunc(ctx, stop)
		var err error
		if cfg.State, cfg.Key, err = loadCheckpoint(o); err != nil {
			return err
		}
		cfg.SaveEvery = o.checkpointEvery
		cfg.Save = func(state []byte) error {
			if err := atomicfile.WriteFile(o.checkpoint, state, 0o644); err != nil {
				return fmt.Errorf("-checkpoint: %w", err)
			}
			return nil
		}
	}
	rep, err := search.Repeat(ctx, cfg)
	m.Finish() // before the report, on a terminal shared with standard output
	if err != nil {
		if o.checkpoint != "" && ctx.Err() != nil {
			return fmt.Errorf("interrupted; the search so far is saved in %s: run the same command to resume it", o.checkpoint)
		}
		if o.checkpoint != "" && cfg.State != nil {
			return fmt.Errorf("-checkpoint %s: %w", o.checkpoint, err)
		}
		return err
	}
	out := searchReport{Space: sp.Name(), Strategy: strategy, Objectives: objs, Budget: b.evaluations, EpochBudget: b.epochs, Metric: metric, Mean: rep.Mean, Std: rep.Std}
	var truths []float64
	for _, r := range rep.Runs {
		run := searchRun{Seed: r.Seed, Arch: sp.Format(r.Best.Arch), Value: r.Best.Values[0], Evaluations: r.Used.Evaluations, Epochs: r.Used.Epochs, Seconds: r.Used.Seconds}
		if truth != nil {
			v, err := truth.Estimate(r.Best.Arch)
			if err != nil {
				return fmt.Errorf("seed %d: %w", r.Seed, err)
			}
			run.MetricValue = &v.Values[0]
			truths = append(truths, v.Values[0])
		}
		if len(objs) > 1 {
			run.Front = frontMembers(sp, objs, r.Front)
		}
		out.Runs = append(out.Runs, run)
	}
	if truth != nil {
		m, sd := meanStd(truths)
		out.MetricMean, out.MetricStd = &m, &sd
	}
	if len(objs) > 1 {
		out.Front = frontMembers(sp, objs, rep.Front) // of all runs together
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	out.print(stdout)
	return nil
}

// searchProgress is the fraction done and the count of a search of seeds runs,
// in run k with u of its budget used. A run without a limit counts as done
// only when it ends.
func searchProgress(k, seeds int, u search.Usage, limited bool) (float64, string) {
	f := float64(k) / float64(seeds)
	if limited {
		f += u.Fraction / float64(seeds)
	}
	if seeds == 1 {
		return f, fmt.Sprintf("%d evaluations", u.Evaluations)
	}
	return f, fmt.Sprintf("run %d/%d, %d evaluations", k+1, seeds, u.Evaluations)
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

// loadTables reads, filters and joins the tables. A -where applies to every
// table with its column; a column that no table has is an error.
func loadTables(files, where []string) (*tabular.Table, error) {
	var ts []*tabular.Table
	var all []string // the columns of all tables, for messages
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("-table: %w", err)
		}
		t, err := tabular.Read(name, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("-table: %w", err)
		}
		for _, c := range t.Columns {
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
		ts = append(ts, t)
	}
	for _, w := range where {
		col, val, ok := strings.Cut(w, "=")
		if !ok || col == "" {
			return nil, fmt.Errorf("-where %q: want column=value", w)
		}
		found := false
		for i, t := range ts {
			if slices.Contains(t.Columns, col) {
				found = true
				var err error
				if ts[i], err = t.Where(col, val); err != nil {
					return nil, fmt.Errorf("-where %s: %w", w, err)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("-where %s: no table has a column %q (the columns: %s)", w, col, strings.Join(all, ", "))
		}
	}
	return tabular.Join(ts...)
}

type searchReport struct {
	Space      string             `json:"space"`
	Strategy   string             `json:"strategy"`
	Objectives []search.Objective `json:"objectives"`
	Budget     int                `json:"budget"`
	// EpochBudget is the budget of epochs per run of a multi-fidelity
	// search; 0 without one.
	EpochBudget int     `json:"epoch_budget,omitempty"`
	Mean        float64 `json:"mean"` // of the runs' best first objective
	Std         float64 `json:"std"`  // sample standard deviation
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
	Epochs      int              `json:"epochs,omitempty"` // of training, in a multi-fidelity search
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
	if r.EpochBudget > 0 {
		fmt.Fprintf(w, "%s on %s, %s, %d runs of %d epochs of training\n\n", r.Strategy, r.Space, strings.Join(dirs, ", "), len(r.Runs), r.EpochBudget)
	} else {
		fmt.Fprintf(w, "%s on %s, %s, %d runs of %d evaluations\n\n", r.Strategy, r.Space, strings.Join(dirs, ", "), len(r.Runs), r.Budget)
	}
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
