package nb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"nasbook/engine/estimate"
	"nasbook/engine/train"
	"nasbook/space/spec"
	"nasbook/viz/figure"
)

// CellNetConfig sets up TrainCell. Zero fields take the defaults in
// brackets.
type CellNetConfig struct {
	C      int     // channels of the first stage; the others have 2C and 4C [8]
	N      int     // cells per stage [1]
	Epochs int     // [3]
	Batch  int     // [64]
	LR     float64 // SGD with Nesterov momentum, cosine schedule [0.05]
	Subset int     // train on this many training examples [all]
	Seed   int64   // the initial weights and the order of the examples
}

// CellNetResult is a network of stacked cells trained from scratch.
type CellNetResult struct {
	Arch      string
	Params    int
	MACs      int64 // per example
	Curve     []EpochResult
	ValidAcc  float64 // best over the epochs
	TestAcc   float64 // after the last epoch
	Seconds   float64
	Structure string // the network, stage by stage
}

func (r *CellNetResult) String() string {
	return fmt.Sprintf("%d parameters, %.2f M MACs: test accuracy %.2f%% after %d epochs (%.1f s)",
		r.Params, float64(r.MACs)/1e6, 100*r.TestAcc, len(r.Curve), r.Seconds)
}

// TrainCell stacks a searched cell (an NB201 string, or a cell of a space
// DefineCellSpace made with its NB201 network) into a network and trains it
// from scratch on d: a 3x3 convolution stem, N cells at C channels, a
// residual block of stride 2 that halves the resolution and doubles the
// channels, N cells at 2C, another reduction, N cells at 4C, global average
// pooling and a linear classifier, as NAS-Bench-201 builds its networks. It
// prints the network's stages and each epoch, shows a progress bar, and
// plots the accuracy curves.
func TrainCell(arch string, d *Data, cfg CellNetConfig) *CellNetResult {
	return Default.TrainCell(arch, d, cfg)
}

// TrainCell trains a stacked cell; see the package-level TrainCell.
func (s *Session) TrainCell(arch string, d *Data, cfg CellNetConfig) *CellNetResult {
	if d == nil || d.Train == nil || d.Valid == nil || d.Test == nil {
		failf("TrainCell", "want data with training, validation and test parts")
	}
	if cfg.C < 0 || cfg.N < 0 || cfg.Epochs < 0 {
		failf("TrainCell", "C = %d, N = %d, Epochs = %d: want 0 (the default) or more", cfg.C, cfg.N, cfg.Epochs)
	}
	c, n, epochs := cmpOr(cfg.C, 8), cmpOr(cfg.N, 1), cmpOr(cfg.Epochs, 3)
	sp, err := dataSpec(arch, d, c, n)
	if err != nil {
		fail("TrainCell", err)
	}
	counted, err := spec.Cost(sp, 64)
	if err != nil {
		fail("TrainCell", err)
	}
	t := d.Train
	var st strings.Builder
	fmt.Fprintf(&st, "input %dx%dx%d -> stem: 3x3 conv to %d channels\n", t.C, t.H, t.W, c)
	h, w := t.H, t.W
	for k := range 3 {
		if k > 0 {
			h, w = (h+1)/2, (w+1)/2
			fmt.Fprintf(&st, "  reduction: residual block, stride 2 -> %dx%d, %d channels\n", h, w, c<<k)
		}
		fmt.Fprintf(&st, "  %d cell(s) at %dx%d, %d channels\n", n, h, w, c<<k)
	}
	fmt.Fprintf(&st, "-> global average pool -> linear to %d classes", t.Classes)
	res := &CellNetResult{Arch: arch, Structure: st.String(), MACs: counted.MACs}
	fmt.Fprintln(s.stdout, res.Structure)

	id := fmt.Sprintf("cellnet-%p", res)
	s.ShowProgress(Progress{ID: id, Label: "building the network", Total: epochs})
	start := time.Now()
	ec := estimate.Config{Epochs: epochs, Batch: cfg.Batch, LR: float32(cfg.LR), Subset: cfg.Subset, Seed: cfg.Seed,
		OnEpoch: func(_ int, e train.EpochStats) {
			r := EpochResult{Epoch: e.Epoch + 1, TrainLoss: e.TrainLoss, TrainAcc: e.TrainAcc, ValidLoss: e.ValLoss, ValidAcc: e.ValAcc, Seconds: e.Duration.Seconds()}
			res.Curve = append(res.Curve, r)
			fmt.Fprintf(s.stdout, "epoch %d: train loss %.3f, train acc %.2f%%, valid acc %.2f%% (%.1f s)\n",
				r.Epoch, r.TrainLoss, 100*r.TrainAcc, 100*r.ValidAcc, r.Seconds)
			s.ShowProgress(Progress{ID: id, Label: fmt.Sprintf("epoch %d of %d: valid acc %.1f%%", r.Epoch, epochs, 100*r.ValidAcc), Done: r.Epoch, Total: epochs})
		}}
	out, err := estimate.Train(context.Background(), sp, estimate.Data{Train: d.Train, Valid: d.Valid, Test: d.Test}, ec)
	if err != nil {
		fail("TrainCell", err)
	}
	res.Params, res.ValidAcc, res.TestAcc, res.Seconds = out.Params, out.ValAcc, out.TestAcc, time.Since(start).Seconds()
	x := make([]float64, len(res.Curve))
	tr, va := make([]float64, len(res.Curve)), make([]float64, len(res.Curve))
	for i, e := range res.Curve {
		x[i], tr[i], va[i] = float64(e.Epoch), 100*e.TrainAcc, 100*e.ValidAcc
	}
	if len(x) > 1 {
		s.figure("TrainCell", &figure.Spec{Kind: figure.KindLine, Title: "the stacked cell trained from scratch",
			XLabel: "epoch", YLabel: "accuracy (%)", Series: []figure.Series{{Name: "train", X: x, Y: tr}, {Name: "valid", X: x, Y: va}}})
	}
	fmt.Fprintln(s.stdout, res)
	return res
}

func cmpOr(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}
