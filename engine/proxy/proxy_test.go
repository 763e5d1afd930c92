package proxy

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"nasbook/internal/shared"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nasbook/engine/data"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// sharedData returns ../shared/data/<name>, or skips the test.
func sharedData(t testing.TB, name string) string { return shared.Dir(t, name) }

// readCSV returns the rows of a shared CSV as maps from column to value.
func readCSV(t testing.TB, name string) []map[string]string {
	f, err := os.Open(filepath.Join(sharedData(t, "nb201"), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t testing.TB, s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// naslibRows returns the CIFAR-10 rows of zero-cost-naslib.csv with their
// 200-epoch CIFAR-10 test accuracy from accuracy-200ep.csv (joined on index).
func naslibRows(t testing.TB) (rows []map[string]string, acc []float64) {
	accByIndex := map[string]string{}
	for _, r := range readCSV(t, "accuracy-200ep.csv") {
		accByIndex[r["index"]] = r["cifar10_test"]
	}
	for _, r := range readCSV(t, "zero-cost-naslib.csv") {
		if r["dataset"] == "cifar10" {
			rows = append(rows, r)
			acc = append(acc, num(t, accByIndex[r["index"]]))
		}
	}
	return rows, acc
}

// NASLib's synflow scores (zero-cost-naslib.csv, from NAS-Bench-Suite-Zero)
// on NAS-Bench-201's CIFAR-10 network. Synflow needs no data, so ours must
// rank the architectures as NASLib's do: the issue asks Spearman's rho above
// 0.9 with NASLib and above 0.7 with 200-epoch CIFAR-10 test accuracy (the
// paper reports 0.737 over the whole space). The file has 724 CIFAR-10
// rows; scoring them all takes about 80 s of CPU, so the test scores a
// seeded random subset of 100 (about 12 s of CPU; NASBOOK_FULL=1 scores
// all). 100 are enough: a wrong sign, a missing absolute value or a wrong
// layer drops the rho with NASLib far below 0.9, and over 100 the rho with
// accuracy varies by about 0.04 from sample to sample (NASLib's own column:
// 0.75 to 0.81 over the subsets of 60 to 300 of this permutation), well
// above 0.7. Measured: over the 100, rho 0.9988 with NASLib and 0.8081 with
// accuracy (NASLib's own column: 0.8081); over 300, 0.9991 and 0.8006
// (NASLib's: 0.8009); over all 724, 0.9993 and 0.7761 (NASLib's: 0.7764).
func TestSynflowMatchesNASLib(t *testing.T) {
	rows, acc := naslibRows(t)
	idx := rand.New(rand.NewSource(1)).Perm(len(rows))
	if os.Getenv("NASBOOK_FULL") == "" && !testing.Short() {
		idx = idx[:100]
	} else if testing.Short() {
		idx = idx[:40]
	}
	specs := make([]*spec.Spec, len(idx))
	ref, accs := make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		a, err := nb201.Parse(rows[i]["arch"])
		if err != nil {
			t.Fatal(err)
		}
		specs[k] = a.Spec(nb201.Macro{})
		ref[k], accs[k] = num(t, rows[i]["synflow"]), acc[i]
	}
	scores, err := ScoreAll(context.Background(), Local{}, specs, []Proxy{Synflow}, Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ours := make([]float64, len(scores))
	for i, s := range scores {
		ours[i] = s[0]
	}
	rhoRef, rhoAcc := Spearman(ours, ref), Spearman(ours, accs)
	t.Logf("%d archs: rho %.4f with NASLib's synflow, %.4f with test accuracy (NASLib's: %.4f)", len(idx), rhoRef, rhoAcc, Spearman(ref, accs))
	if rhoRef <= 0.9 || (rhoAcc <= 0.7 && !testing.Short()) {
		t.Errorf("rho %.4f with NASLib (want > 0.9), %.4f with accuracy (want > 0.7)", rhoRef, rhoAcc)
	}
}

// The data-dependent proxies against NASLib's columns. NASLib scores a
// batch of 64 CIFAR-10 training images; the project ships no CIFAR-10, so
// ours score a batch of Gaussian noise with random labels (Config.Data
// nil) and cannot reproduce the numbers, only the order, which these
// proxies owe mostly to the architecture. A sign error, a missing absolute
// value or a wrong Hessian shows up as a low or negative rho (GraSP by
// plain finite differences scored -0.33). The test scores a seeded sample
// of 16 architectures at batch 16 (about 80 s of CPU; NASBOOK_FULL=1
// scores all 724 at 64): snip .956, grad_norm .979, naswot .918, grasp
// .950, fisher .862, jacob_cov .865, each at least .05 above its bar,
// while a wrong sign or a missing absolute value turns a rho negative.
// The 24 that begin with these 16 give .958, .963, .895, .910, .911, .749;
// their first 12 give fisher .797, which is why the sample is not smaller.
// On another 40 at batch 16: .971, .971, .972, .925, .903, .874; at batch
// 64, grasp .879, fisher .879, jacob_cov .895. Noise costs jacob_cov and
// naswot most: both read the input's structure.
func TestDataProxiesAgreeWithNASLib(t *testing.T) {
	if testing.Short() {
		t.Skip("about 80 s of CPU")
	}
	rows, _ := naslibRows(t)
	idx := rand.New(rand.NewSource(2)).Perm(len(rows))[:16]
	cfg := Config{Batch: 16}
	if os.Getenv("NASBOOK_FULL") != "" {
		idx, cfg.Batch = idx[:0], 64
		for i := range rows {
			idx = append(idx, i)
		}
	}
	ps := []Proxy{SNIP, GradNorm, NASWOT, GraSP, Fisher, JacobCov}
	column := map[Proxy]string{SNIP: "snip", GradNorm: "grad_norm", NASWOT: "nwot", GraSP: "grasp", Fisher: "fisher", JacobCov: "jacov"}
	want := map[Proxy]float64{SNIP: 0.9, GradNorm: 0.9, NASWOT: 0.8, GraSP: 0.8, Fisher: 0.8, JacobCov: 0.6}
	specs := make([]*spec.Spec, len(idx))
	for k, i := range idx {
		a, err := nb201.Parse(rows[i]["arch"])
		if err != nil {
			t.Fatal(err)
		}
		specs[k] = a.Spec(nb201.Macro{})
	}
	scores, err := ScoreAll(context.Background(), Local{}, specs, ps, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j, p := range ps {
		var ours, ref []float64
		for k, i := range idx {
			if !math.IsNaN(scores[k][j]) {
				ours, ref = append(ours, scores[k][j]), append(ref, num(t, rows[i][column[p]]))
			}
		}
		rho := Spearman(ours, ref)
		t.Logf("%s: rho %.3f with NASLib's %s over %d architectures", p, rho, column[p], len(ours))
		if rho < want[p] || len(ours) < len(idx)-1 {
			t.Errorf("%s: rho %.3f with NASLib over %d of %d architectures, want at least %.2f", p, rho, len(ours), len(idx), want[p])
		}
	}
}

// The params and flops proxies are NASLib's columns of zero-cost-naslib.csv
// (in millions, six significant digits): both must print as the file does.
func TestCostProxiesMatchNASLib(t *testing.T) {
	rows, _ := naslibRows(t)
	for _, r := range rows {
		a, err := nb201.Parse(r["arch"])
		if err != nil {
			t.Fatal(err)
		}
		got, err := Score(a.Spec(nb201.Macro{}), []Proxy{Params, FLOPs}, Config{})
		if err != nil {
			t.Fatal(err)
		}
		wantP, wantF := num(t, r["params"]), num(t, r["flops"])
		if !shared.SixDigits(got[0], wantP) || !shared.SixDigits(got[1], wantF) {
			t.Fatalf("%s: params %.6g flops %.6g, NASLib %g %g", a, got[0], got[1], wantP, wantF)
		}
	}
}

// smallSpecs are NB201 networks small enough to score every proxy quickly.
func smallSpecs(n int) []*spec.Spec {
	r := rand.New(rand.NewSource(3))
	var out []*spec.Spec
	for len(out) < n {
		var a nb201.Arch
		for i := range a {
			a[i] = nb201.Op(r.Intn(nb201.NumOps))
		}
		out = append(out, a.Spec(nb201.Macro{C: 4, N: 1, Size: 8}))
	}
	return out
}

// Scores do not depend on the number of workers: each job builds its
// network and batch from its own seed.
func TestWorkersGiveIdenticalScores(t *testing.T) {
	specs := smallSpecs(8)
	cfg := Config{Batch: 8, Seed: 5}
	one, err := ScoreAll(context.Background(), Local{Workers: 1}, specs, All(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	four, err := ScoreAll(context.Background(), Local{Workers: 4}, specs, All(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range one {
		for j := range one[i] {
			a, b := one[i][j], four[i][j]
			if math.Float64bits(a) != math.Float64bits(b) && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Errorf("%s %s: %v with 1 worker, %v with 4", specs[i].Arch, All()[j], a, b)
			}
		}
	}
	t.Logf("%s: %v", specs[0].Arch, one[0])
}

// A job survives the trip through JSON that a browser pool worker makes.
func TestJobJSON(t *testing.T) {
	s := smallSpecs(1)[0]
	j := Job{Spec: s, Proxies: []Proxy{Synflow, NASWOT, Params}, Config: Config{Batch: 4, Seed: 2}}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var k Job
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	want, got := j.Run(), k.Run()
	rb, _ := json.Marshal(got)
	var back Result
	if err := json.Unmarshal(rb, &back); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(want.Scores) != fmt.Sprint(back.Scores) || want.Err != "" {
		t.Fatalf("direct %v (%s), through JSON %v", want.Scores, want.Err, back.Scores)
	}
}

// A batch of real data reaches every job: ScoreAll draws it once from
// Config.Data and ships it in Config.Examples, which survives JSON (a
// browser pool worker's path); the scores are those of Score on the
// dataset, and differ from the scores on noise. A batch that does not fit
// the network is refused with the reason.
func TestScoreAllCarriesTheBatch(t *testing.T) {
	d := data.Shapes{N: 40, Size: 8, Classes: 3, Seed: 4}.Generate()
	specs := smallSpecs(3)
	for _, s := range specs {
		s.Input = []int{1, 8, 8}
		s.SetClasses(3)
	}
	ps := []Proxy{SNIP, NASWOT}
	cfg := Config{Batch: 16, Seed: 1, Data: d}
	all, err := ScoreAll(context.Background(), Local{Workers: 2}, specs, ps, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := cfg.Draw(specs[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		direct, err := Score(s, ps, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(Job{Spec: s, Proxies: ps, Config: Config{Batch: 16, Seed: 1, Examples: ex}})
		var j Job
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		shipped := j.Run()
		noise, _ := Score(s, ps, Config{Batch: 16, Seed: 1})
		if fmt.Sprint(all[i]) != fmt.Sprint(direct) || fmt.Sprint(shipped.Scores) != fmt.Sprint(direct) {
			t.Errorf("spec %d: ScoreAll %v, Score %v, through JSON %v (%s)", i, all[i], direct, shipped.Scores, shipped.Err)
		}
		if direct[0] == noise[0] {
			t.Errorf("spec %d: snip %v on the data and on noise", i, direct[0])
		}
	}
	bad := *ex
	bad.Y = append([]int{7}, ex.Y[1:]...)
	if _, err := Score(specs[0], ps, Config{Examples: &bad}); err == nil || !strings.Contains(err.Error(), "label 7") {
		t.Errorf("a label beyond the classes: %v", err)
	}
	if _, err := Score(smallSpecs(1)[0], ps, Config{Examples: ex}); err == nil || !strings.Contains(err.Error(), "takes [3 8 8]") {
		t.Errorf("a batch of another shape: %v", err)
	}
}

// GraSP restores the weights it perturbs: scoring it twice on one network
// gives the same number.
func TestGraSPIsRepeatable(t *testing.T) {
	s := smallSpecs(1)[0]
	v, err := Score(s, []Proxy{GraSP, GraSP}, Config{Batch: 8})
	if err != nil {
		t.Fatal(err)
	}
	if v[0] != v[1] || math.IsNaN(v[0]) {
		t.Fatalf("grasp %v then %v", v[0], v[1])
	}
}

func TestSpearman(t *testing.T) {
	// Ties share their mean rank: ranks of x are 1, 2.5, 2.5, 4.
	x := []float64{1, 2, 2, 3}
	y := []float64{10, 20, 30, 40}
	if got, want := Spearman(x, y), 0.9486832980505138; math.Abs(got-want) > 1e-12 {
		t.Errorf("Spearman = %v, want %v (scipy.stats.spearmanr)", got, want)
	}
	if got := Spearman([]float64{1, 2, 3}, []float64{3, 2, 1}); got != -1 {
		t.Errorf("reversed: %v", got)
	}
}

func TestParse(t *testing.T) {
	for _, p := range All() {
		q, err := Parse(p.String())
		if err != nil || q != p {
			t.Errorf("Parse(%q) = %v, %v", p, q, err)
		}
	}
	if p, _ := Parse("jacov"); p != JacobCov {
		t.Error("jacov")
	}
	if _, err := Parse("zen"); err == nil {
		t.Error("zen parsed")
	}
}

// BenchmarkSynflow measures synflow throughput (architectures per second)
// on NAS-Bench-201's CIFAR-10 network, with 1 and 2 workers.
func BenchmarkSynflow(b *testing.B) {
	rows, _ := naslibRows(b)
	specs := make([]*spec.Spec, 16)
	for i := range specs {
		a, err := nb201.Parse(rows[i]["arch"])
		if err != nil {
			b.Fatal(err)
		}
		specs[i] = a.Spec(nb201.Macro{})
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			n := 0
			for b.Loop() {
				if _, err := ScoreAll(context.Background(), Local{Workers: w}, specs, []Proxy{Synflow}, Config{}, nil); err != nil {
					b.Fatal(err)
				}
				n += len(specs)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "archs/s")
		})
	}
}
