package nb

import (
	"bytes"
	"math"
	"strings"
	"testing"
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
