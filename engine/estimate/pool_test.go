package estimate

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"nasbook/engine/search"
	"nasbook/engine/train"
	"nasbook/space/nb201"
)

// forgetful is a pool that holds no run between jobs, as a worker that
// did not train a survivor's earlier rungs: it trains the survivor again
// from the start.
type forgetful struct{ Local }

func (f *forgetful) Train(ctx context.Context, jobs []Job, epoch func(int, train.EpochStats), done func(int, Result, int, error) []Job) error {
	forget := func(jobs []Job) []Job {
		for i := range jobs {
			jobs[i].Key = ""
		}
		return jobs
	}
	return f.Local.Train(ctx, forget(jobs), epoch, func(i int, r Result, w int, err error) []Job {
		return forget(done(i, r, w, err))
	})
}

// rungsText is what a Halving found, without the epochs' durations.
func rungsText(rungs []Rung) string {
	s := ""
	for _, r := range rungs {
		for _, res := range r.Results {
			for i := range res.Curve {
				res.Curve[i].Duration = 0
			}
			s += fmt.Sprintf("%d: %+v\n", r.Epochs, res)
		}
	}
	return s
}

// Successive halving finds the same rungs, curve for curve, on one worker,
// on two, and on a pool that trains each survivor again from the start
// instead of continuing it.
func TestHalvingIsTheSameInAnyPool(t *testing.T) {
	specs, d := tinySpecs(6), tinyData()
	var want string
	for k, pool := range []Pool{&Local{N: 1}, &Local{N: 2}, &forgetful{Local{N: 2}}} {
		epochs := map[int]int{}
		h := Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 3, Pool: pool, Config: Config{Batch: 32, Seed: 3,
			OnEpoch: func(c int, _ train.EpochStats) { epochs[c]++ }}}
		rungs, err := h.Run(context.Background(), specs, d)
		if err != nil {
			t.Fatal(err)
		}
		got := rungsText(rungs)
		if k == 0 {
			want = got
			if len(rungs) != 2 || len(rungs[1].Results) != 2 {
				t.Fatalf("rungs:\n%s", got)
			}
			continue
		}
		if got != want {
			t.Errorf("pool %d (%T, %d workers):\n%s\nwant\n%s", k, pool, pool.Workers(), got, want)
		}
		n := 0
		for _, e := range epochs {
			n += e
		}
		if want := map[int]int{1: 10, 2: 12}[k]; n != want { // forgetful: the 2 survivors' first epoch again
			t.Errorf("pool %d trained %d epochs, want %d", k, n, want)
		}
	}
}

// A search by training gives the same evaluations on one worker and on two.
func TestSearchByTrainingIsTheSameInAnyPool(t *testing.T) {
	var want []search.Evaluation
	for _, n := range []int{1, 2} {
		tr := &Trainer{Space: nb201.Space{Macro: nb201.Macro{C: 4, N: 1, Size: 8, Classes: 3}}, Data: tinyData(),
			Config: Config{Batch: 32}, Budgets: []int{1, 3}, Pool: &Local{N: n}}
		st, _ := search.NewStrategy("hyperband")
		s, err := search.New(search.Config{Space: tr.Space, Strategy: st, Estimator: tr, Budget: search.Budget{Epochs: 12}, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			want = s.History()
		} else if !reflect.DeepEqual(s.History(), want) {
			t.Errorf("2 workers:\n%v\n1 worker:\n%v", s.History(), want)
		}
	}
}

// A result crosses to and from a pool worker whole, NaN included; an
// error comes back as an error.
func TestResultWire(t *testing.T) {
	r := Result{Candidate: 3, Epochs: 2, ValAcc: 0.5, BestEpoch: 1, TestAcc: math.NaN(), Params: 77,
		Curve: []train.EpochStats{{Epoch: 0, TrainLoss: 1.5, TrainAcc: 0.25, ValLoss: math.NaN(), ValAcc: math.NaN(), Steps: 3, Images: 90, LR: 0.05}}}
	got, err := DecodeResult(EncodeResult(r, nil))
	if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", r) {
		t.Fatalf("%+v, %v; want %+v", got, err, r)
	}
	if _, err := DecodeResult(EncodeResult(Result{}, fmt.Errorf("estimate: no"))); err == nil || err.Error() != "estimate: no" {
		t.Fatalf("error %v", err)
	}
	// A job crosses as JSON, without its data and callbacks.
	j := Job{Spec: tinySpecs(1)[0], Data: tinyData(), Total: 9, Key: "g/1", Candidate: 1,
		Config: Config{Epochs: 3, Batch: 16, LR: 0.1, Optimizer: Adam, Schedule: Constant, WeightDecay: -1, Subset: 50, Patience: 2, Seed: 7,
			OnEpoch: func(int, train.EpochStats) {}, Stop: func() bool { return false }}}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var back Job
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	j.Data, j.Config.OnEpoch, j.Config.Stop = Data{}, nil, nil
	if !reflect.DeepEqual(back, j) {
		t.Fatalf("job %s read back as %+v", b, back)
	}
	st, err := DecodeEpoch(EncodeEpoch(r.Curve[0]))
	if err != nil || fmt.Sprintf("%+v", st) != fmt.Sprintf("%+v", r.Curve[0]) {
		t.Fatalf("%+v, %v", st, err)
	}
}

// Rebalance spreads the held runs: 3 of 4 on one worker become 2 and 2, both
// of 2 become one each, a run too costly to move usefully stays, runs no
// worker holds are left to whichever is free, two runs swap where moving
// either alone helps nothing, and a run whose move costs more than it gains
// stays.
func TestRebalance(t *testing.T) {
	for _, c := range []struct {
		holders []int
		cost    []float64
		workers int
		move    float64
		want    string // each worker's jobs after the moves
	}{
		{[]int{0, 1, 0, 0}, []float64{1, 1, 1, 1}, 2, 0, "[[2 3] [0 1]]"},
		{[]int{0, 0}, []float64{1, 1}, 2, 0, "[[1] [0]]"},
		{[]int{1, 1, 1}, []float64{1, 1, 1}, 2, 0, "[[0] [1 2]]"},
		{[]int{0, 0, 1}, []float64{5, 1, 1}, 2, 0, "[[0] [1 2]]"},
		{[]int{0, 1}, []float64{5, 1}, 2, 0, "[[0] [1]]"},
		{[]int{-1, 0, 0, -1}, []float64{1, 1, 1, 1}, 2, 0, "[[2] [1]]"},
		{[]int{2, 2, 2, 2, 0}, []float64{1, 1, 1, 1, 1}, 3, 0, "[[0 4] [1] [2 3]]"},
		{[]int{0, 0, 1, 1}, []float64{5, 3, 4, 2}, 2, 0, "[[0 3] [1 2]]"},
		{[]int{0, 0, 1, 1}, []float64{5, 3, 4, 2}, 2, 0.2, "[[0 3] [1 2]]"},
		{[]int{0, 0}, []float64{1, 1}, 2, 0.5, "[[1] [0]]"},
		{[]int{0, 0}, []float64{1, 1}, 2, 1.5, "[[0 1] []]"},
		{[]int{0, 0, 1, 1}, []float64{5, 3, 4, 2}, 2, 1, "[[0 1] [2 3]]"},
	} {
		moves := Rebalance(c.holders, c.cost, c.workers, c.move)
		got := make([][]int, c.workers)
		for i, h := range c.holders {
			if w, ok := moves[i]; ok {
				h = w
			}
			if h >= 0 {
				got[h] = append(got[h], i)
			}
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("Rebalance(%v, %v, %d) = %v: %v, want %s", c.holders, c.cost, c.workers, moves, got, c.want)
		}
	}
}

// Local starts the jobs with the most work first, so that the last to end
// ends early: a job's work is the epochs it adds to its run times its
// epoch's work (EpochWork), whatever its place in the list.
func TestLocalStartsTheLongestJobsFirst(t *testing.T) {
	specs, d := tinySpecs(4), tinyData()
	local := &Local{N: 1}
	started := func(jobs []Job) []int {
		var order []int
		err := local.Train(context.Background(), jobs, nil, func(i int, _ Result, _ int, err error) []Job {
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, i)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return order
	}
	var jobs []Job
	for i, e := range []int{1, 3, 2, 1} {
		jobs = append(jobs, Job{Spec: specs[i], Data: d, Config: Config{Epochs: e, Batch: 32, Seed: 1}})
	}
	work := func(i int) float64 { return float64(jobs[i].Config.Epochs) * jobs[i].EpochWork() }
	order := started(jobs)
	for k := 1; k < len(order); k++ {
		if work(order[k-1]) < work(order[k]) {
			t.Fatalf("jobs of work %v started in the order %v", []float64{work(0), work(1), work(2), work(3)}, order)
		}
	}
	// A run held after 2 of its 4 epochs adds 2: a new run of the same
	// network for 3 goes before it.
	run := Job{Spec: specs[0], Data: d, Config: Config{Epochs: 2, Batch: 32, Seed: 1}, Total: 4, Key: "g/a"}
	started([]Job{run})
	run.Config.Epochs = 4
	fresh := Job{Spec: specs[0], Data: d, Config: Config{Epochs: 3, Batch: 32, Seed: 2}}
	if order := started([]Job{run, fresh}); order[0] != 1 {
		t.Errorf("the held run's 2 epochs went before a new run's 3: order %v", order)
	}
}

// scripted is a pool of one worker that trains nothing: job i's validation
// accuracy is acc(candidate, epochs), and it runs the jobs first in, first
// out, noting when each starts (c@epochs) and when a result adds one
// (+c@epochs).
type scripted struct {
	acc    func(candidate, epochs int) float64
	events []string
}

func (s *scripted) Workers() int { return 1 }

func (s *scripted) Train(_ context.Context, jobs []Job, _ func(int, train.EpochStats), done func(int, Result, int, error) []Job) error {
	for i := 0; i < len(jobs); i++ {
		j := jobs[i]
		s.events = append(s.events, fmt.Sprintf("%d@%d", j.Candidate, j.Config.Epochs))
		curve := make([]train.EpochStats, j.Config.Epochs)
		for e := range curve {
			curve[e] = train.EpochStats{Epoch: e, ValAcc: s.acc(j.Candidate, e+1)}
		}
		more := done(i, Result{Candidate: j.Candidate, Epochs: j.Config.Epochs, Curve: curve, ValAcc: s.acc(j.Candidate, j.Config.Epochs)}, 0, nil)
		for _, m := range more {
			s.events = append(s.events, fmt.Sprintf("+%d@%d", m.Candidate, m.Config.Epochs))
		}
		jobs = append(jobs, more...)
	}
	return nil
}

// A candidate starts its next rung once the results so far make its place
// certain, before the rung ends; the rungs are those of a rung at a time.
func TestHalvingStartsCertainSurvivorsEarly(t *testing.T) {
	// After 1 epoch: #0 0.90, #1 0.81, #2 0.12, #3 0.88; the best two go
	// on. Once #2's result is in, #0 is ahead of it and of #1, and only #3
	// is left: #0 goes on whatever #3 does. After 2 epochs #3 passes #0.
	acc := func(c, e int) float64 { return []float64{0.9, 0.8, 0.1, 0.85}[c] + 0.01*float64(e*c) }
	pool := &scripted{acc: acc}
	h := Halving{Eta: 2, MinEpochs: 1, MaxEpochs: 4, Pool: pool}
	rungs, err := h.Run(context.Background(), tinySpecs(4), tinyData())
	if err != nil {
		t.Fatal(err)
	}
	want := "0@1 1@1 2@1 +0@2 3@1 +3@2 0@2 3@2 +3@4 3@4"
	if got := strings.Join(pool.events, " "); got != want {
		t.Errorf("jobs started %s, want %s", got, want)
	}
	var got []string
	for _, r := range rungs {
		var cs []string
		for _, res := range r.Results {
			cs = append(cs, fmt.Sprintf("#%d %.2f", res.Candidate, res.ValAcc))
		}
		got = append(got, fmt.Sprintf("%d: %s", r.Epochs, strings.Join(cs, ", ")))
	}
	if w := "1: #0 0.90, #3 0.88, #1 0.81, #2 0.12 | 2: #3 0.91, #0 0.90 | 4: #3 0.97"; strings.Join(got, " | ") != w {
		t.Errorf("rungs\n%s\nwant\n%s", strings.Join(got, " | "), w)
	}
}

// A place is certain when fewer than keep others can end ahead: the
// pending ones count ahead, a tie goes to the earlier candidate, and a NaN
// accuracy is behind every number.
func TestCertainSurvivors(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		size, keep int
		results    map[int]float64
		want       string
	}{
		{4, 2, map[int]float64{0: 0.9}, "[]"},
		{4, 2, map[int]float64{0: 0.9, 1: 0.8, 2: 0.1}, "[0]"},
		{3, 2, map[int]float64{0: 0.5, 1: 0.5}, "[0]"},
		{3, 2, map[int]float64{1: 0.5, 2: 0.5}, "[1]"},
		{3, 1, map[int]float64{0: 0.5, 1: 0.5}, "[]"},
		{3, 2, map[int]float64{0: nan, 1: 0.1, 2: 0.2}, "[1 2]"},
		{3, 3, map[int]float64{0: nan}, "[0]"},
	} {
		rg := halvingRung{size: c.size, alive: []int{0, 1, 2, 3}[:c.size], results: map[int]Result{}}
		for i, v := range c.results {
			rg.results[i] = Result{Candidate: i, ValAcc: v}
		}
		if got := fmt.Sprint(rg.certain(c.keep)); got != c.want {
			t.Errorf("%d candidates, %d go on, results %v: certain %s, want %s", c.size, c.keep, c.results, got, c.want)
		}
	}
}

// A free worker takes the first in order, of those the longest, of the
// jobs whose runs it holds, then of those nobody holds; else it takes over
// a run of a busy worker holding two or more of those waiting, never one
// early stopping ended; else it waits.
func TestPick(t *testing.T) {
	for _, c := range []struct {
		holders []int // of jobs 0, 1, ...
		work    []float64
		busy    []bool
		want    int   // job, or -1
		order   []int // nil: all 0
	}{
		{[]int{-1, -1, -1}, []float64{5, 1, 3}, []bool{false, false}, 2, []int{2, 1, 1}}, // the least order first
		{[]int{-1, 0}, []float64{1, 1}, []bool{false, false}, 1, []int{0, 1}},            // its own before the order
		{[]int{1, 1, 1}, []float64{2, 2, 2}, []bool{false, true}, 2, []int{3, 2, 1}},     // taken over in order
		{[]int{-1, 1, 1, -1}, []float64{1, 2, 3, 4}, []bool{false, false}, 3, nil},       // 1 holds nothing for 0
		{[]int{-1, 0, 0, -1}, []float64{1, 2, 3, 4}, []bool{false, false}, 2, nil},       // its own first
		{[]int{-1, -1}, []float64{2, 2}, []bool{false, true}, 0, nil},                    // the first on a tie
		{[]int{1, 1}, []float64{2, 3}, []bool{false, true}, 1, nil},                      // taken over
		{[]int{1, 1}, []float64{2, 3}, []bool{false, false}, -1, nil},                    // the holder is free
		{[]int{1}, []float64{3}, []bool{false, true}, -1, nil},                           // one: it waits for its holder
		{[]int{1, 1, 1}, []float64{2, 0, 1}, []bool{false, true}, 0, nil},                // the longest with work
		{[]int{1, 1, 2, 2}, []float64{1, 0, 5, 6}, []bool{false, true, true}, 3, nil},    // of two busy holders
	} {
		pending := make([]int, len(c.holders))
		for i := range pending {
			pending[i] = i
		}
		got := Pick(0, pending, func(i int) int { return c.holders[i] }, c.busy, func(i int) int {
			if c.order == nil {
				return 0
			}
			return c.order[i]
		}, func(i int) float64 { return c.work[i] })
		if got >= 0 {
			got = pending[got]
		}
		if got != c.want {
			t.Errorf("holders %v, work %v, order %v, busy %v: worker 0 takes job %d, want %d", c.holders, c.work, c.order, c.busy, got, c.want)
		}
	}
}
