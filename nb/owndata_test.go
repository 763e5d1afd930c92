package nb_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"

	"nasbook/engine/data"
	"nasbook/nb"
)

// nbError runs f and returns the message of the nb.Error it fails with.
func nbError(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		e, ok := recover().(*nb.Error)
		if !ok {
			t.Fatalf("no nb.Error")
		}
		msg = e.Error()
	}()
	f()
	return ""
}

func TestLoadCSVTrains(t *testing.T) {
	s := nb.NewSession(io.Discard, func(nb.Output) {})
	var b strings.Builder
	b.WriteString("id,x,y,arm\n")
	d := s.Spirals(600, 2, 0.05, 3)
	for _, ds := range []*data.Dataset{d.Train, d.Valid, d.Test} {
		for i := range ds.Len() {
			x := ds.Example(i)
			// Features on scales far apart: standardising puts them level.
			fmt.Fprintf(&b, "p%d, %g, %g, %s\n", i, 1000*x[0], x[1]/1000, []string{"inner", "outer"}[ds.Y[i]])
		}
	}
	own := s.LoadCSV(b.String(), nb.CSVOptions{Label: "arm", Ignore: []string{"id"}})
	if own.Train.C != 2 || own.Train.Classes != 2 || own.Train.ClassName(1) != "outer" {
		t.Fatalf("read %v: %d features, %d classes", own, own.Train.C, own.Train.Classes)
	}
	if n := own.Train.Len() + own.Valid.Len() + own.Test.Len(); n != 600 || own.Test.Len() != 90 {
		t.Fatalf("%d examples, %d for test; want 600 and 90", n, own.Test.Len())
	}
	res := s.Train(nb.MLP(32, 32), own, nb.TrainConfig{Epochs: 30, Batch: 32, LR: 0.01, Seed: 1, Quiet: true})
	t.Logf("test accuracy %.3f", res.TestAcc)
	if res.TestAcc < 0.9 {
		t.Errorf("an MLP learned the spirals from a CSV to %.1f%% test accuracy, want 90%% or more", 100*res.TestAcc)
	}
}

func TestLoadCSVErrors(t *testing.T) {
	s := nb.NewSession(io.Discard, func(nb.Output) {})
	for _, c := range []struct {
		text string
		opt  nb.CSVOptions
		want string
	}{
		{"x,y,label\n1,2,a\n3,oops,b\n", nb.CSVOptions{}, "line 3"},
		{"x,y,label\n1,2,a\n3,4\n", nb.CSVOptions{}, "line 3"},
		{"x,label\n1,a\n2,a\n", nb.CSVOptions{}, "one class"},
		{"x,label\n1,a\n2,b\n", nb.CSVOptions{Label: "class"}, "class"},
		{"x,label\n1,a\n2,b\n", nb.CSVOptions{Valid: 0.6, Test: 0.5}, "nothing to train on"},
		{"x;label\n1;a\n2;b\n", nb.CSVOptions{Comma: ";;"}, "one character"},
		{"", nb.CSVOptions{}, "LoadCSV"},
	} {
		got := nbError(t, func() { s.LoadCSV(c.text, c.opt) })
		t.Log(got)
		if !strings.Contains(got, c.want) {
			t.Errorf("LoadCSV(%q, %+v): %q, want it to say %q", c.text, c.opt, got, c.want)
		}
	}
	d := s.LoadCSV("x;label\n1;a\n2;b\n3;a\n4;b\n5;a\n6;b\n7;a\n8;b\n", nb.CSVOptions{Comma: ";", Valid: -1, Test: -1})
	if d.Train.Len() != 8 || d.Valid.Len() != 0 {
		t.Errorf("with no parts held out: %v", d)
	}
}

// idx writes an IDX file of unsigned bytes.
func idx(dims []int, v []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(v)
	return b.Bytes()
}

func TestLoadIDX(t *testing.T) {
	s := nb.NewSession(io.Discard, func(nb.Output) {})
	// 40 images of 4x4: class 0 dark, class 1 bright.
	const n = 40
	pix := make([]byte, n*16)
	labels := make([]byte, n)
	for i := range n {
		labels[i] = byte(i % 2)
		for j := range 16 {
			pix[i*16+j] = byte(20 + 200*int(labels[i]) + j)
		}
	}
	s.AddUpload("images.idx", idx([]int{n, 4, 4}, pix))
	s.AddUpload("labels.idx", idx([]int{n}, labels))
	if got := s.Uploads(); len(got) != 2 || got[0] != "images.idx" {
		t.Errorf("Uploads() = %v", got)
	}
	d := s.LoadIDX(s.UploadedFile("images.idx"), s.UploadedFile("labels.idx"))
	if d.Train.C != 1 || d.Train.H != 4 || d.Train.W != 4 || d.Train.Classes != 2 {
		t.Fatalf("read %v", d)
	}
	if got := d.Train.Len() + d.Valid.Len() + d.Test.Len(); got != n {
		t.Errorf("%d examples, want %d", got, n)
	}
	mean, _ := d.Train.ChannelStats()
	if mean[0] > 1e-4 || mean[0] < -1e-4 {
		t.Errorf("training mean %g after standardising, want 0", mean[0])
	}
	for _, c := range []struct{ images, labels, want string }{
		{string(idx([]int{n, 4, 4}, pix[:100])), string(idx([]int{n}, labels)), "images"},
		{string(idx([]int{n, 4, 4}, pix)), string(idx([]int{n - 1}, labels[:n-1])), "40 examples but 39 labels"},
		{"not an idx file", string(idx([]int{n}, labels)), "images"},
	} {
		got := nbError(t, func() { s.LoadIDX(c.images, c.labels) })
		t.Log(got)
		if !strings.Contains(got, c.want) {
			t.Errorf("LoadIDX: %q, want it to say %q", got, c.want)
		}
	}
}
