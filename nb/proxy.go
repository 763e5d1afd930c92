package nb

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"sync"

	"nasbook/engine/data"
	"nasbook/engine/proxy"
	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

// uploads holds the files the user gave the notebook, by name.
type uploads struct {
	mu    sync.Mutex
	files map[string][]byte
}

// AddUpload makes data available to cells as the uploaded file name
// (UploadedFile); the browser's kernel calls it when the user picks a file.
func (s *Session) AddUpload(name string, data []byte) {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	if s.uploads.files == nil {
		s.uploads.files = map[string][]byte{}
	}
	s.uploads.files[name] = data
}

// UploadedFile returns the text of the file the user uploaded under name
// (the page's "Upload data" button; natively, the file of that name in the
// working directory is not read: call AddUpload).
func UploadedFile(name string) string { return Default.UploadedFile(name) }

// UploadedFile returns an uploaded file's text; see the package-level
// UploadedFile.
func (s *Session) UploadedFile(name string) string { return string(s.upload("UploadedFile", name)) }

func (s *Session) upload(fn, name string) []byte {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	b, ok := s.uploads.files[name]
	if !ok {
		var have []string
		for n := range s.uploads.files {
			have = append(have, n)
		}
		failf(fn, "no uploaded file %q (uploaded: %v); use the toolbar's Upload data button", name, have)
	}
	return b
}

// CIFAR reads an uploaded file of the CIFAR-10 binary format
// (data_batch_1.bin ... test_batch.bin from cifar-10-binary.tar.gz, gzip or
// not): 32x32 colour images standardised with the training set's means and
// deviations, as NASLib's pipeline does; 10% held out for validation and 10%
// for test. With nb.ProxiesOn the proxies see what the published zero-cost
// scores saw: a batch of CIFAR-10 training images (NASLib's loader also
// crops and flips them at random, and its 64 images are others).
func CIFAR(name string) *Data { return Default.CIFAR(name) }

// CIFAR reads an uploaded CIFAR-10 file; see the package-level CIFAR.
func (s *Session) CIFAR(name string) *Data {
	d, err := data.ReadCIFAR(bytes.NewReader(s.upload("CIFAR", name)), data.CIFARConfig{Standardize: true})
	if err != nil {
		fail("CIFAR", err)
	}
	sp := d.Split(0.1, 0.1, data.NewRand(0))
	return &Data{Name: "cifar10", Train: sp.Train, Valid: sp.Valid, Test: sp.Test}
}

// CSVColumn reads a CSV text with a header and returns the numeric column
// value keyed by the column key, e.g. CSVColumn(text, "arch",
// "cifar10_test") for NAS-Bench-201's accuracy table. Rows whose value is
// not a number are left out.
func CSVColumn(text, key, value string) map[string]float64 {
	return Default.CSVColumn(text, key, value)
}

// CSVColumn reads a column; see the package-level CSVColumn.
func (*Session) CSVColumn(text, key, value string) map[string]float64 {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		fail("CSVColumn", err)
	}
	if len(rows) == 0 {
		failf("CSVColumn", "an empty CSV")
	}
	ki, vi := -1, -1
	for i, h := range rows[0] {
		switch strings.TrimSpace(h) {
		case key:
			ki = i
		case value:
			vi = i
		}
	}
	if ki < 0 || vi < 0 {
		failf("CSVColumn", "columns %q and %q not both in the header %v", key, value, rows[0])
	}
	out := make(map[string]float64, len(rows)-1)
	for _, r := range rows[1:] {
		if ki < len(r) && vi < len(r) {
			if v, err := strconv.ParseFloat(strings.TrimSpace(r[vi]), 64); err == nil {
				out[r[ki]] = v
			}
		}
	}
	return out
}

// SampleNB201 returns n distinct NAS-Bench-201 architectures drawn uniformly
// with seed, as benchmark strings.
func SampleNB201(n int, seed int64) []string { return Default.SampleNB201(n, seed) }

// SampleNB201 draws architectures; see the package-level SampleNB201.
func (*Session) SampleNB201(n int, seed int64) []string {
	if n < 0 || n > nb201Archs {
		failf("SampleNB201", "n = %d, want 0 to %d", n, nb201Archs)
	}
	r := rand.New(rand.NewSource(seed))
	var out []string
	for _, i := range r.Perm(nb201Archs)[:n] {
		out = append(out, nb201.FromIndex(i).String())
	}
	return out
}

// ProxyScores are zero-cost proxy scores of architectures: Scores[i][j] is
// proxy Names[j] of Archs[i] (NaN when not finite).
type ProxyScores struct {
	Archs  []string
	Names  []string
	Scores [][]float64
}

// Column returns one proxy's scores, in the order of Archs.
func (p *ProxyScores) Column(name string) []float64 {
	for j, n := range p.Names {
		if n == name {
			out := make([]float64, len(p.Archs))
			for i := range out {
				out[i] = p.Scores[i][j]
			}
			return out
		}
	}
	failf("ProxyScores.Column", "no proxy %q (have %v)", name, p.Names)
	return nil
}

func (p *ProxyScores) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d architectures, proxies %s", len(p.Archs), strings.Join(p.Names, ", "))
	return b.String()
}

// Proxies scores architectures (NB201 strings or any notation `nasbook
// score` reads) with zero-cost proxies (synflow, snip, grasp, fisher,
// grad_norm, jacob_cov, naswot, params, flops; none given means synflow),
// on each space's default network (NB201: the CIFAR-10 network, C=16, N=5,
// 32x32 inputs). Data-dependent proxies use a Gaussian batch of 64. The
// work runs in the session's Pool (in the browser, one Web Worker per
// core), with a progress bar; the scores do not depend on the pool's size.
func Proxies(archs []string, proxies ...string) *ProxyScores {
	return Default.Proxies(archs, proxies...)
}

// Proxies scores architectures; see the package-level Proxies.
func (s *Session) Proxies(archs []string, proxies ...string) *ProxyScores {
	return s.proxiesOn("Proxies", nil, archs, proxies)
}

// ProxiesOn scores architectures as Proxies does, on d: each space's
// default network (NB201: C=16, N=5) takes d's images and classes, and the
// data-dependent proxies score a batch of 64 of d's training images instead
// of noise. On an uploaded CIFAR-10 file (nb.CIFAR) that is the published
// scores' setting, up to which 64 images are drawn.
func ProxiesOn(d *Data, archs []string, proxies ...string) *ProxyScores {
	return Default.ProxiesOn(d, archs, proxies...)
}

// ProxiesOn scores architectures on d; see the package-level ProxiesOn.
func (s *Session) ProxiesOn(d *Data, archs []string, proxies ...string) *ProxyScores {
	if d == nil || d.Train == nil || d.Train.Len() == 0 {
		failf("ProxiesOn", "want data with training images")
	}
	return s.proxiesOn("ProxiesOn", d, archs, proxies)
}

func (s *Session) proxiesOn(fn string, d *Data, archs []string, proxies []string) *ProxyScores {
	specs := make([]*spec.Spec, len(archs))
	for i, a := range archs {
		var err error
		if specs[i], err = spaces.Spec(a, spaces.Settings{}); err != nil {
			fail(fn, err)
		}
		if d != nil {
			t := d.Train
			specs[i].Input = []int{t.C, t.H, t.W}
			specs[i].SetClasses(t.Classes)
		}
	}
	var cfg proxy.Config
	if d != nil {
		cfg.Data = d.Train
	}
	return s.scoreSpecs(fn, archs, specs, proxies, cfg)
}

// ProxiesOf scores architectures of any space, the spaces a notebook
// defines included, with zero-cost proxies in the session's pool: the pool's
// workers receive each architecture's network as a spec.
func ProxiesOf(archs []Arch, proxies ...string) *ProxyScores {
	return Default.ProxiesOf(archs, proxies...)
}

// ProxiesOf scores architectures; see the package-level ProxiesOf.
func (s *Session) ProxiesOf(archs []Arch, proxies ...string) *ProxyScores {
	names := make([]string, len(archs))
	specs := make([]*spec.Spec, len(archs))
	for i, a := range archs {
		names[i], specs[i] = a.Text, s.specOf("ProxiesOf", a)
	}
	return s.scoreSpecs("ProxiesOf", names, specs, proxies, proxy.Config{})
}

func (s *Session) scoreSpecs(fn string, archs []string, specs []*spec.Spec, proxies []string, cfg proxy.Config) *ProxyScores {
	if len(proxies) == 0 {
		proxies = []string{"synflow"}
	}
	ps, err := proxy.ParseList(strings.Join(proxies, ","))
	if err != nil {
		fail(fn, err)
	}
	out := &ProxyScores{Archs: append([]string(nil), archs...)}
	for _, p := range ps {
		out.Names = append(out.Names, p.String())
	}
	id := fmt.Sprintf("proxies-%p", out)
	label := "scoring " + strings.Join(out.Names, ", ")
	s.ShowProgress(Progress{ID: id, Label: label, Total: len(archs)})
	out.Scores, err = proxy.ScoreAll(context.Background(), s.Pool, specs, ps, cfg, func(done int) {
		if done == len(archs) || done%4 == 0 {
			s.ShowProgress(Progress{ID: id, Label: label, Done: done, Total: len(archs)})
		}
	})
	if err != nil {
		fail(fn, err)
	}
	return out
}

// Spearman returns Spearman's rank correlation of x and y, leaving out
// pairs with a NaN.
func Spearman(x, y []float64) float64 { return Default.Spearman(x, y) }

// Spearman computes rank correlation; see the package-level Spearman.
func (*Session) Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		failf("Spearman", "%d and %d values", len(x), len(y))
	}
	return proxy.Spearman(x, y)
}

// PlotProxy plots one proxy's scores against accuracy (keyed by
// architecture, e.g. from CSVColumn) for the architectures that have both,
// titled with Spearman's rho, and returns rho.
func PlotProxy(p *ProxyScores, name string, accuracy map[string]float64) float64 {
	return Default.PlotProxy(p, name, accuracy)
}

// PlotProxy plots a proxy against accuracy; see the package-level PlotProxy.
func (s *Session) PlotProxy(p *ProxyScores, name string, accuracy map[string]float64) float64 {
	col := p.Column(name)
	var x, y []float64
	for i, a := range p.Archs {
		acc, ok := accuracy[a]
		if !ok || math.IsNaN(col[i]) {
			continue
		}
		x, y = append(x, col[i]), append(y, acc)
	}
	if len(x) < 2 {
		failf("PlotProxy", "%d of %d architectures have an accuracy", len(x), len(p.Archs))
	}
	rho := proxy.Spearman(x, y)
	s.Scatter(fmt.Sprintf("%s vs accuracy: Spearman rho = %.3f (%d architectures)", name, rho, len(x)), x, y)
	return rho
}

// nb201Archs is the size of the NAS-Bench-201 cell space: 5 operations on
// 6 edges.
const nb201Archs = 15625
