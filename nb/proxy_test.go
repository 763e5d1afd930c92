package nb

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"nasbook/engine/estimate"
)

func TestProxiesAgainstAnUploadedTable(t *testing.T) {
	var out bytes.Buffer
	s := NewSession(&out, nil)
	archs := s.SampleNB201(3, 1)
	var csv strings.Builder
	csv.WriteString("index,arch,acc\n")
	for i, a := range archs {
		csv.WriteString(strings.Join([]string{"0", a, []string{"80", "90", "85"}[i]}, ",") + "\n")
	}
	s.AddUpload("acc.csv", []byte(csv.String()))
	acc := s.CSVColumn(s.UploadedFile("acc.csv"), "arch", "acc")
	if len(acc) != 3 {
		t.Fatalf("%v", acc)
	}
	p := s.Proxies(archs, "params", "flops")
	rho := s.PlotProxy(p, "params", acc)
	if math.IsNaN(rho) || len(p.Column("flops")) != 3 {
		t.Fatalf("rho %v, %v", rho, p.Scores)
	}
	if !strings.Contains(out.String(), "Spearman rho") {
		t.Errorf("no figure title in %q", out.String())
	}
}

func TestHalvingAndRetrain(t *testing.T) {
	var out bytes.Buffer
	s := NewSession(&out, nil)
	d := s.Shapes(150, 8, 3, 1)
	archs := s.SampleNB201(3, 2)
	r := s.Halving(archs, d, HalvingConfig{Eta: 3, MinEpochs: 1, MaxEpochs: 3, Batch: 32, C: 4})
	if len(r.Rungs) != 2 || len(r.Rungs[1].Results) != 1 || r.Best == "" {
		t.Fatalf("%v", r)
	}
	// The progress bar's total is the epochs the rungs train: 3 candidates
	// for 1 epoch, then the survivor resumes for 2 more (restarting: 3).
	if got := (estimate.Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 3}).Epochs(3); got != 5 {
		t.Errorf("Epochs = %d, want 5", got)
	}
	if got := (estimate.Halving{Eta: 3, MinEpochs: 1, MaxEpochs: 3, Restart: true}).Epochs(3); got != 6 {
		t.Errorf("Epochs with Restart = %d, want 6", got)
	}
	if c := r.Rungs[1].Results[0].Curve; len(c) != 3 {
		t.Errorf("the winner's curve has %d epochs, want 3", len(c))
	}
	rep := s.RetrainBest(r, 1)
	if rep.SearchScore != r.BestValAcc || rep.Retrained.Epochs != 1 {
		t.Fatalf("%+v", rep)
	}
	if !strings.Contains(out.String(), "retrained from scratch") {
		t.Errorf("output %q", out.String())
	}
}
