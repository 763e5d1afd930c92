package nb_test

import (
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"nasbook/nb"
)

// A sweep of the latency weight of a one-shot search on NAS-Bench-201's cell,
// with a Pixel 3's latencies fitted to the benchmark's table, traces a front
// of accuracy (the table's, after 200 epochs on CIFAR-10) against latency
// (the table's, measured on the phone), compared with the true front of all
// 15,625 networks. The sweep's ends, weights 0 and 0.3, are the searches
// the checks compare; the hardware lesson runs the same searches with the
// weights between them too (go test ./notebook runs it).
func TestLatencyAwareDARTSFront(t *testing.T) {
	if testing.Short() {
		t.Skip("two searches")
	}
	s := nb.NewSession(io.Discard, func(nb.Output) {})
	s.Files = nb.NativeFiles()
	acc := s.OpenTable("nb201/accuracy-200ep").ByArch("cifar10_test")
	lat := s.OpenTable("nb201/latency").ByArch("pixel3")
	d := s.Shapes(600, 8, 0, 1)
	var found nb.ParetoSeries
	var lats []float64
	for _, w := range []float64{0, 0.3} {
		r := s.DARTS(nb.DARTSConfig{Data: d, Epochs: 5, Seed: 1, ArchLR: 0.2, ArchSteps: 3, ArchDecay: -1,
			Latency: "pixel3", LatencyWeight: w, NoCanvas: true, Quiet: true})
		a, ok := acc[r.Genotype]
		if !ok {
			t.Fatalf("weight %g: %s is not in the table", w, r.Genotype)
		}
		t.Logf("weight %g: %s: %.2f%%, %.2f ms on the phone (%.2f ms by the fitted model, rmse %.2f ms)", w, r.Genotype, a, lat[r.Genotype], r.Latency, r.LatencyFit)
		if math.Abs(r.Latency-lat[r.Genotype]) > 4*r.LatencyFit+0.5 {
			t.Errorf("weight %g: the model says %.2f ms, the table %.2f", w, r.Latency, lat[r.Genotype])
		}
		found.X, found.Y = append(found.X, lat[r.Genotype]), append(found.Y, a)
		lats = append(lats, lat[r.Genotype])
	}
	if !(lats[len(lats)-1] < lats[0]) {
		t.Errorf("latencies %v ms along the sweep: want the heaviest weight's below the unweighted search's", lats)
	}
	var all nb.ParetoSeries
	for arch, a := range acc {
		all.X, all.Y = append(all.X, lat[arch]), append(all.Y, a)
	}
	refX, refY := slices.Max(all.X), slices.Min(all.Y)
	hvFound := s.Hypervolume(found, true, false, refX, refY)
	hvAll := s.Hypervolume(all, true, false, refX, refY)
	t.Logf("hypervolume of the one-shot front: %.4g, of the true front: %.4g, ratio %.3f", hvFound, hvAll, hvFound/hvAll)
	if !(hvFound > 0 && hvFound <= hvAll) {
		t.Errorf("hypervolumes %.4g found, %.4g true", hvFound, hvAll)
	}
}

func TestLatencyAwareDARTSErrors(t *testing.T) {
	s := nb.NewSession(io.Discard, func(nb.Output) {})
	s.Files = nb.NativeFiles()
	d := s.Shapes(100, 8, 0, 1)
	for _, c := range []struct {
		cfg  nb.DARTSConfig
		want string
	}{
		{nb.DARTSConfig{Data: d, LatencyWeight: 1}, "LatencyWeight without Latency"},
		{nb.DARTSConfig{Data: d, Latency: "pixel9"}, "pixel3"},
		{nb.DARTSConfig{Data: d, Latency: "pixel3", LatencyWeight: -1}, "want 0 or more"},
		{nb.DARTSConfig{Data: d, Space: "darts", Latency: "pixel3"}, "use \"device\""},
	} {
		c.cfg.Quiet, c.cfg.NoCanvas = true, true
		if got := nbError(t, func() { s.DARTS(c.cfg) }); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %q, want it to say %q", c.cfg, got, c.want)
		}
	}
}
