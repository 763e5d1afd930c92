package nb

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"nasbook/engine/data"
	"nasbook/engine/oneshot"
	"nasbook/engine/train"
	"nasbook/space/custom"
	"nasbook/space/spec"
	"nasbook/viz/figure"
	"nasbook/viz/scene"
)

// DARTSConfig sets up a one-shot search. Zero fields take the defaults in
// their comments, sized for a lesson: a run of 10 epochs over 640 images
// takes seconds natively and well under a minute in the browser.
type DARTSConfig struct {
	Space string // "nb201" (default) or "darts"
	// In is a cell space DefineCellSpace made, to relax instead of Space:
	// its operations, nodes and network (C, N or Layers, unless C is set
	// here). Its cells must be NAS-Bench-201's form (an edge from every
	// earlier node) in an nb201 network, or DARTS's (two inputs per node) in
	// a darts network.
	In     *SearchSpace
	Method string // "darts" (default: first order), "darts2" (second order), "gdas" or "spos"
	Data   *Data  // required; its training part is split in halves, for the weights and for α
	Images int    // training images used, both halves together; 0 means 640
	Epochs int    // 0 means 10
	C      int    // channels of the first cells; 0 means 4
	// N is the number of cells per stage of the nb201 network, 0 meaning 1:
	// three cells in all. NAS-Bench-201's network has 5 (17 cells), the depth
	// at which its first-order DARTS derives a cell of skips only.
	N     int
	Batch int // 0 means 32
	// ArchLR is the architecture weights' Adam learning rate, 0 meaning
	// 3e-3; ArchDecay their weight decay, 0 meaning 1e-3 and a negative
	// value none; ArchSteps the number of their steps, each on its own
	// validation batch, before every weight step, 0 meaning 1 (see
	// engine/oneshot.Config; DARTS: 3e-4, 1e-3 and 1 for 50 epochs of 25,000
	// images).
	ArchLR, ArchDecay float64
	ArchSteps         int
	// Remedies for the collapse to parameter-free operations (see
	// engine/oneshot.Config): MaxSkips caps the derived cell's skips
	// (P-DARTS), StopSkips stops the search once the derived cell has that
	// many (DARTS+), AuxSkip adds a decaying skip to every edge (DARTS-);
	// MaxParamFree caps skips and pools together.
	MaxSkips, StopSkips, MaxParamFree int
	AuxSkip                           bool
	// Latency makes the search latency-aware, as ProxylessNAS and FBNet:
	// LatencyWeight (per ms) times the expected latency of the relaxed cells
	// joins the architecture loss (SPOS: its evolution scores accuracy less
	// that). "device" times every candidate op where it runs, on this
	// device; a device of the nb201/latency table ("pixel3", "raspi4", ...)
	// gives each op's share of that device's latency of NAS-Bench-201's
	// network, fitted to its 15,625 measured networks (the nb201 space).
	// A sweep over LatencyWeight traces an accuracy-latency front.
	Latency       string
	LatencyWeight float64
	Seed          int64
	// Name labels the run in PlotEntropy; empty means the method's name.
	Name string
	// NoCanvas leaves the canvas alone; Quiet prints no per-epoch lines.
	NoCanvas, Quiet bool
}

// DARTSEpoch is one epoch of a search. Weights holds the softmax weight of
// every op (in Ops order) of every edge of the normal cell (in Edges order).
type DARTSEpoch struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	ValidAcc            float64
	Entropy             float64 // mean over edges, in nats
	Skips, ParamFree    int     // in the cell derived at the end of the epoch
	Latency             float64 // expected, in ms, with DARTSConfig.Latency
	Derived             string
	Weights             [][]float64
}

// DARTSResult is what a search returns.
type DARTSResult struct {
	Method, Space string
	Name          string // DARTSConfig.Name
	Genotype      string // the derived architecture in the space's notation
	Edges         []string
	Ops           []string
	Weights       [][]float64 // final softmax weights of the normal cell, per edge and op
	Start         [][]float64 // the weights before the first step (nearly uniform)
	Entropy       float64     // mean over edges of the entropy of Weights, in nats
	// InheritedAcc is the test accuracy of the derived cell on the
	// supernet's own weights, one op per edge and nothing retrained: what
	// the supernet says the architecture is worth (Retrain says what it is).
	InheritedAcc     float64
	Skips, ParamFree int // in the derived normal cell
	// Latency is the derived architecture's latency in ms by the search's
	// latency model (DARTSConfig.Latency), LatencyFit that model's
	// root-mean-square error over the table it was fitted to (0 when timed
	// on this device).
	Latency, LatencyFit float64
	Epochs              []DARTSEpoch
	StoppedEarly        bool
	Seconds             float64
	Updates             int // weight snapshots sent to the canvas

	res     *oneshot.Result
	derived oneshot.Derived
	net     *oneshot.Supernet
	cells   *custom.CellSpace // a defined space's, to write its notation
	data    *Data
	latency *oneshot.Latency
	source  string       // DARTSConfig.Latency
	replay  *scene.Scene // the final weights, with those of every epoch
}

// setDerived makes d the result's architecture: its notation, counts, and
// its accuracy on the supernet's weights.
func (r *DARTSResult) setDerived(d oneshot.Derived) {
	r.derived = d
	r.Genotype = d.Notation
	if r.cells != nil && d.Spec != nil {
		// Write the derived cells in the defined space's own notation.
		c := d.Spec.Cells
		if a, err := r.cells.FromCells(c.Normal, c.Reduce); err == nil {
			r.Genotype = r.cells.Format(a)
		}
	}
	r.Skips, r.ParamFree = d.Skips, d.ParamFree
	r.InheritedAcc = 0
	p, err := r.net.PathOf(d.Cells)
	if err == nil && r.data.Test != nil && r.data.Test.Len() > 0 {
		r.InheritedAcc = (&oneshot.Estimator{Net: r.net, Data: r.data.Test}).Accuracy(p)
	}
	if err == nil && r.latency != nil {
		r.Latency = r.latency.Of(p)
	}
}

// Cap derives the architecture of r again with at most maxSkips skip
// connections and at most maxParamFree parameter-free ops (skips and pools)
// in its normal cell, 0 meaning no cap, as DARTSConfig's MaxSkips and
// MaxParamFree would have: the weakest surplus ones give way to their
// edge's next strongest op. The search is not run again; the result shares
// r's supernet and history.
func (r *DARTSResult) Cap(maxSkips, maxParamFree int) *DARTSResult {
	if r == nil || r.net == nil || r.Method == "spos" {
		failf("Cap", "no DARTS or GDAS search result")
	}
	if maxSkips < 0 || maxParamFree < 0 {
		failf("Cap", "negative cap %d, %d", maxSkips, maxParamFree)
	}
	c := *r
	c.setDerived(r.net.Derive(r.res.Weights, oneshot.Cap{Skips: maxSkips, ParamFree: maxParamFree}))
	return &c
}

func (r *DARTSResult) String() string {
	stop := ""
	if r.StoppedEarly {
		stop = " (stopped early)"
	}
	lat := ""
	if r.latency != nil {
		lat = fmt.Sprintf(" · %.3g ms on %s", r.Latency, r.source)
	}
	return fmt.Sprintf("%s on %s, %d epochs in %.1f s%s: %s · %d skip connections, %d parameter-free ops%s",
		r.Method, r.Space, len(r.Epochs), r.Seconds, stop, r.Genotype, r.Skips, r.ParamFree, lat)
}

// DARTS runs a one-shot architecture search (DARTS, second-order DARTS,
// GDAS or SPOS) on d, animating the cell on the canvas: every edge shows all
// its candidate ops, each drawn as wide and opaque as its softmax weight,
// four to five times a second; the final weights stay on it (for a space
// that DefineCellSpace made, the derived cell does). A progress bar moves
// while it runs.
//
//	r := nb.DARTS(nb.DARTSConfig{Data: nb.MNIST(14), Epochs: 10})
//	fmt.Println(r.Genotype)
func DARTS(cfg DARTSConfig) *DARTSResult { return Default.DARTS(cfg) }

// DARTS runs a one-shot search; see the package-level DARTS.
func (s *Session) DARTS(cfg DARTSConfig) *DARTSResult {
	if cfg.Data == nil || cfg.Data.Train == nil {
		failf("DARTS", "no data")
	}
	method := oneshot.DARTS
	if cfg.Method != "" {
		m, err := oneshot.ParseMethod(strings.ToLower(cfg.Method))
		if err != nil {
			fail("DARTS", err)
		}
		method = m
	}
	if cfg.Images == 0 {
		cfg.Images = 640
	}
	if cfg.C == 0 && cfg.In == nil {
		cfg.C = 4
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 10
	}
	if cfg.Images < 0 || cfg.C < 0 || cfg.N < 0 || cfg.Epochs < 0 || cfg.Batch < 0 || cfg.ArchSteps < 0 || cfg.ArchLR < 0 {
		failf("DARTS", "negative images, C, N, epochs, batch, ArchSteps or ArchLR")
	}
	tr := cfg.Data.Train
	sk := oneshot.Skeleton{C: cfg.C, Input: []int{tr.C, tr.H, tr.W}, Classes: tr.Classes}
	var cells *custom.CellSpace
	switch {
	case cfg.In != nil:
		cs, ok := cfg.In.s.(*custom.CellSpace)
		if !ok {
			failf("DARTS", "space %s is not cell-based: define it with DefineCellSpace to relax it", cfg.In.Name)
		}
		form := map[spec.Macro]int{spec.MacroNB201: 0, spec.MacroDARTS: 2}
		if want, ok := form[cs.Network.Macro]; !ok || cs.InputsPerNode != want {
			failf("DARTS", "space %s: the relaxation takes an edge from every earlier node in an nb201 network, or two inputs per node in a darts network", cs.SpaceName)
		}
		cells, cfg.Space = cs, cs.SpaceName
		sk.Macro, sk.N, sk.Layers, sk.Nodes = cs.Network.Macro, cs.Network.N, cs.Network.Layers, cs.Nodes
		sk.Ops, sk.Custom = cs.Ops, cs.CustomOps
		if cfg.C == 0 {
			sk.C = cs.Network.C
		}
	default:
		switch strings.ToLower(cfg.Space) {
		case "", "nb201":
			cfg.Space, sk.N = "nb201", cfg.N
		case "darts":
			sk.Macro, cfg.Space = spec.MacroDARTS, "darts"
		default:
			failf("DARTS", "space %q, want nb201 or darts", cfg.Space)
		}
	}
	if cfg.N > 0 && cfg.Space != "nb201" {
		failf("DARTS", "N is the cells per stage of the nb201 network; space %s sets its own network", cfg.Space)
	}
	wtrain, wvalid := SplitForSearch(tr, cfg.Images, cfg.Seed)
	net, err := oneshot.NewSupernet(sk, data.NewRand(cfg.Seed))
	if err != nil {
		fail("DARTS", err)
	}
	res := &DARTSResult{Method: method.String(), Name: cfg.Name, Space: cfg.Space, Ops: net.Skeleton.Ops, data: cfg.Data, source: cfg.Latency}
	switch {
	case cfg.Latency != "":
		if cfg.LatencyWeight < 0 {
			failf("DARTS", "LatencyWeight %g, want 0 or more", cfg.LatencyWeight)
		}
		res.latency, res.LatencyFit = s.latencyModel("DARTS", net, cfg.Latency)
		res.latency.Weight = cfg.LatencyWeight
	case cfg.LatencyWeight != 0:
		failf("DARTS", "LatencyWeight without Latency: say where latencies come from (\"device\", or a device of nb201/latency such as \"pixel3\")")
	}
	for _, e := range net.Edges {
		res.Edges = append(res.Edges, fmt.Sprintf("%d-%d", e.From, e.To))
	}
	id := fmt.Sprintf("darts-%p", res)
	title := fmt.Sprintf("%s on %s", method, cfg.Space)
	res.Start = net.Probabilities()[0]
	oc := oneshot.Config{Method: method, Epochs: cfg.Epochs, Batch: cfg.Batch, ArchLR: cfg.ArchLR, ArchWeightDecay: cfg.ArchDecay, ArchSteps: cfg.ArchSteps,
		MaxSkips: cfg.MaxSkips, MaxParamFree: cfg.MaxParamFree, StopSkips: cfg.StopSkips, AuxSkip: cfg.AuxSkip, Seed: cfg.Seed,
		Latency:      res.latency,
		WeightsEvery: 220 * time.Millisecond,
		OnWeights: func(sn oneshot.Snapshot) {
			// The canvas first: a cell paused at its first output shows
			// the weights before the first step.
			if !cfg.NoCanvas && method != oneshot.SPOS {
				sc := weightsScene(net, sn.Weights[0], fmt.Sprintf("%s · step %d/%d", title, sn.Step, sn.Steps))
				s.Update(id+"-canvas", Output{scene.MIMEType: sc, "text/plain": ""})
				res.Updates++
			}
			label := fmt.Sprintf("epoch %d/%d · loss %.3f · entropy %.3f", sn.Epoch+1, cfg.Epochs, sn.Loss, sn.Entropy)
			s.ShowProgress(Progress{ID: id, Label: label, Done: sn.Step, Total: sn.Steps})
		},
		OnEpoch: func(l oneshot.EpochLog) {
			if !cfg.Quiet {
				lat := ""
				if res.latency != nil {
					lat = fmt.Sprintf(" · expected %.3g ms on %s", l.Latency, cfg.Latency)
				}
				fmt.Fprintf(s.stdout, "epoch %d/%d: train loss %.3f, accuracy %.1f%% · valid accuracy %.1f%% · entropy %.3f · %s (%d skips, %d parameter-free)%s\n",
					l.Epoch+1, cfg.Epochs, l.TrainLoss, 100*l.TrainAcc, 100*l.ValidAcc, l.Entropy, l.Derived, l.Skips, l.ParamFree, lat)
			}
		},
	}
	r, err := oneshot.Search(context.Background(), net, wtrain, wvalid, oc)
	if err != nil {
		fail("DARTS", err)
	}
	res.res, res.net, res.cells = r, net, cells
	res.setDerived(r.Derived)
	if cells != nil && !cfg.NoCanvas {
		d := r.Derived.Spec.Cells
		if a, err := cells.FromCells(d.Normal, d.Reduce); err == nil {
			s.finalScene(id+"-canvas", cfg.In.arch(a))
		}
	}
	res.Weights = r.Weights[0]
	res.Entropy = oneshot.MeanEntropy([][][]float64{res.Weights})
	res.StoppedEarly = r.StoppedEarly
	res.Seconds = r.Seconds
	for _, l := range r.History {
		res.Epochs = append(res.Epochs, DARTSEpoch{Epoch: l.Epoch + 1, TrainLoss: l.TrainLoss, TrainAcc: l.TrainAcc, ValidAcc: l.ValidAcc,
			Entropy: l.Entropy, Skips: l.Skips, ParamFree: l.ParamFree, Latency: l.Latency, Derived: l.Derived, Weights: l.Weights[0]})
	}
	if method != oneshot.SPOS {
		res.replay = weightsReplay(net, res, fmt.Sprintf("%s · final weights after %d epochs", title, len(r.History)))
	}
	if !cfg.NoCanvas && cells == nil && method != oneshot.SPOS {
		// The last weights stay on the canvas: each edge's boldest op is the
		// derived cell's, and how far it stands out is what the search did.
		s.Update(id+"-canvas", Output{scene.MIMEType: res.replay, "text/plain": ""})
	}
	if !cfg.Quiet {
		fmt.Fprintln(s.stdout, res)
	}
	return res
}

// Contrast returns, over the edges of the normal cell, the smallest ratio of
// the weight of an edge's strongest op to that of its weakest: 1 when the
// weights are uniform, 4 when every edge's favourite has at least four
// times the weight of its least favourite.
func (r *DARTSResult) Contrast() float64 {
	c := math.Inf(1)
	for _, w := range r.Weights {
		c = min(c, slices.Max(w)/slices.Min(w))
	}
	return c
}

// SplitForSearch takes the first n images of d (all when n is 0 or more
// than d has) and splits them in two stratified halves, the first to train
// the weights and the second for the architecture weights.
func SplitForSearch(d *data.Dataset, n int, seed int64) (train, valid *data.Dataset) {
	return oneshot.SplitForSearch(d, n, seed)
}

// weightsScene is the cell of a supernet with every candidate op of every
// edge drawn, as the canvas bundles edges between the same nodes, each with
// Weight its softmax weight w[edge][op] scaled so that the strongest op of
// the edge has weight 1 — so the argmax op is the boldest on its edge, and
// an op of a quarter of its weight is drawn at a quarter. The ops are named
// once, in a legend.
func weightsScene(net *oneshot.Supernet, w [][]float64, title string) *scene.Scene {
	c := &scene.Cell{Legend: true}
	inputs := net.Edges[0].To // the first intermediate node follows the inputs
	last := net.Edges[len(net.Edges)-1].To
	for i := 0; i <= last; i++ {
		label := fmt.Sprint(i)
		switch {
		case inputs == 1 && i == 0:
			label = "in"
		case inputs == 2 && i < 2:
			label = []string{"c_{k-2}", "c_{k-1}"}[i]
		case inputs == 1 && i == last:
			label = "out"
		}
		c.Nodes = append(c.Nodes, scene.Node{ID: i, Label: label})
	}
	for e, ed := range net.Edges {
		top := 0.0
		for _, v := range w[e] {
			top = max(top, v)
		}
		for o, op := range net.Skeleton.Ops {
			v := 0.0
			if top > 0 {
				v = w[e][o] / top
			}
			c.Edges = append(c.Edges, scene.Edge{From: ed.From, To: ed.To, Op: op, Weight: min(max(v, 0), 1)})
		}
	}
	return &scene.Scene{Kind: scene.KindCell, Title: title, Cell: c}
}

// weightsReplay is the final weights' scene with the weights before the
// first epoch and after each as its replay: the canvas plays the search back
// epoch by epoch.
func weightsReplay(net *oneshot.Supernet, r *DARTSResult, title string) *scene.Scene {
	sc := weightsScene(net, r.Weights, title)
	rp := &scene.Replay{Unit: "epoch", Steps: len(r.Epochs)}
	for _, w := range append([][][]float64{r.Start}, epochWeights(r)...) {
		var ws []float64
		for _, e := range weightsScene(net, w, "").Cell.Edges {
			ws = append(ws, e.Weight)
		}
		rp.Weights = append(rp.Weights, ws)
	}
	sc.Replay = rp
	return sc
}

func epochWeights(r *DARTSResult) [][][]float64 {
	out := make([][][]float64, len(r.Epochs))
	for i, e := range r.Epochs {
		out[i] = e.Weights
	}
	return out
}

// PlotWeights plots the softmax weight of every op over the epochs of r, one
// panel per edge of the normal cell (numbered as r.Edges), as the DARTS
// paper's figure of the weights' evolution; given edges, only those.
//
//	nb.PlotWeights(r)    // every edge
//	nb.PlotWeights(r, 5) // edge 2-3 of the NAS-Bench-201 cell
func PlotWeights(r *DARTSResult, edges ...int) { Default.PlotWeights(r, edges...) }

// PlotWeights plots the edges' weights; see the package-level PlotWeights.
func (s *Session) PlotWeights(r *DARTSResult, edges ...int) {
	if r == nil || len(r.Epochs) == 0 {
		failf("PlotWeights", "no search result")
	}
	if len(edges) == 0 {
		for e := range r.Edges {
			edges = append(edges, e)
		}
	}
	x := make([]float64, len(r.Epochs)+1)
	for i := range x {
		x[i] = float64(i)
	}
	var panels []figure.Spec
	for _, edge := range edges {
		if edge < 0 || edge >= len(r.Edges) {
			failf("PlotWeights", "edge %d, want 0 to %d", edge, len(r.Edges)-1)
		}
		p := figure.Spec{Kind: figure.KindLine, Title: "edge " + r.Edges[edge], XLabel: "epoch", YLabel: "softmax weight"}
		for o, op := range r.Ops {
			y := []float64{r.Start[edge][o]}
			for _, ep := range r.Epochs {
				y = append(y, ep.Weights[edge][o])
			}
			p.Series = append(p.Series, figure.Series{Name: op, X: x, Y: y})
		}
		panels = append(panels, p)
	}
	if len(panels) == 1 {
		panels[0].Title = fmt.Sprintf("edge %s: softmax weights by epoch", r.Edges[edges[0]])
		s.figure("PlotWeights", &panels[0])
		return
	}
	s.figure("PlotWeights", &figure.Spec{Kind: figure.KindPanels, Title: "softmax weights of every edge by epoch", Panels: panels})
}

// PlotEntropy plots, over the epochs of each result, the mean entropy of
// the architecture weights: log(number of ops) when uniform, falling as the
// search commits.
func PlotEntropy(rs ...*DARTSResult) { Default.PlotEntropy(rs...) }

// PlotEntropy plots entropies; see the package-level PlotEntropy.
func (s *Session) PlotEntropy(rs ...*DARTSResult) {
	if len(rs) == 0 {
		failf("PlotEntropy", "no results")
	}
	x := []float64{0}
	series := map[string][]float64{}
	for i, r := range rs {
		if r == nil {
			failf("PlotEntropy", "result %d is nil", i+1)
		}
		name := fmt.Sprintf("%d: %s", i+1, r.label())
		series[name] = []float64{oneshot.MeanEntropy([][][]float64{r.Start})}
		for j, ep := range r.Epochs {
			if j+1 >= len(x) {
				x = append(x, float64(ep.Epoch))
			}
			series[name] = append(series[name], ep.Entropy)
		}
	}
	for name, ys := range series {
		for len(ys) < len(x) { // a run stopped early: hold its last value
			ys = append(ys, ys[len(ys)-1])
		}
		series[name] = ys
	}
	s.Line("mean entropy of the architecture weights (nats) by epoch", x, series)
}

func (r *DARTSResult) label() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Method
}

// Retrain trains the derived architecture of r from scratch on the data it
// was searched on (all of its training part) and returns the test accuracy.
func Retrain(r *DARTSResult, epochs int) *RetrainResult { return Default.Retrain(r, epochs) }

// RetrainResult is the outcome of Retrain.
type RetrainResult struct {
	Arch             string
	Params           int
	TestAcc, Seconds float64
}

func (r *RetrainResult) String() string {
	return fmt.Sprintf("%s, %d parameters: test accuracy %.2f%% (%.1f s)", r.Arch, r.Params, 100*r.TestAcc, r.Seconds)
}

// Retrain trains the derived architecture; see the package-level Retrain.
func (s *Session) Retrain(r *DARTSResult, epochs int) *RetrainResult {
	if r == nil || r.res == nil || r.derived.Spec == nil {
		failf("Retrain", "no search result")
	}
	if epochs <= 0 {
		epochs = 10
	}
	d := r.data
	rr, err := oneshot.Retrain(context.Background(), r.derived.Spec, d.Train, d.Valid, d.Test, oneshot.RetrainConfig{Epochs: epochs,
		OnEpoch: func(e train.EpochStats) {
			fmt.Fprintf(s.stdout, "retrain epoch %d/%d: train accuracy %.1f%%, valid accuracy %.1f%%\n", e.Epoch+1, epochs, 100*e.TrainAcc, 100*e.ValAcc)
		}})
	if err != nil {
		fail("Retrain", err)
	}
	out := &RetrainResult{Arch: r.Genotype, Params: rr.Params, TestAcc: rr.TestAcc, Seconds: rr.Seconds}
	fmt.Fprintln(s.stdout, out)
	return out
}

// finalScene replaces an animation with its result: the derived cell, each
// edge labelled with its op. The summary line names it in text.
func (s *Session) finalScene(id string, x any) {
	if scs := s.scenes(x); len(scs) > 0 {
		s.Update(id, Output{scene.MIMEType: scs[0], "text/plain": ""})
	}
}
