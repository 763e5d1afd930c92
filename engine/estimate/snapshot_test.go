package estimate

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"nasbook/space/spec"
)

// sansDurations is a snapshot's bytes with its epochs' durations zeroed,
// the only thing two runs of one job may differ in.
func sansDurations(t *testing.T, b []byte) []byte {
	t.Helper()
	sn, err := decodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sn.curve {
		sn.curve[i].Duration = 0
	}
	return sn.encode()
}

// resultText is a result without its epochs' durations.
func resultText(r Result) string {
	for i := range r.Curve {
		r.Curve[i].Duration = 0
	}
	return fmt.Sprintf("%+v", r)
}

// A run exported after an epoch, imported into a fresh Runs (twice over:
// the second Runs exports it again before any job) and continued, is the
// uninterrupted run: the same curve and accuracies, and the same
// parameters, batch-norm statistics, optimizer state and dropout draws (the
// snapshots of both after 3 of 4 epochs are the same bytes), and its last
// epoch gives the same result.
func TestExportedRunContinuesExactly(t *testing.T) {
	d := tinyData()
	dropout := spec.Spec{Kind: spec.KindSequential, Input: []int{1, 8, 8}, Classes: 3, Layers: []spec.Layer{
		{Op: spec.Conv, Out: 4, Kernel: 3, Same: true}, {Op: spec.BatchNorm}, {Op: spec.ReLU}, {Op: spec.GlobalPool},
		{Op: spec.Dropout, P: 0.3}, {Op: spec.Linear, Out: 3, Bias: true}}}
	for _, tc := range []struct {
		name string
		spec *spec.Spec
		cfg  Config
	}{
		{"sgd", tinySpecs(1)[0], Config{Batch: 16, Seed: 7}},
		{"adam, a subset", tinySpecs(2)[1], Config{Batch: 16, Seed: 8, Optimizer: Adam, Subset: 40}},
		{"sgd, dropout", &dropout, Config{Batch: 16, Seed: 9}},
		// Patience 2 at a rate that never improves on the first epoch: the
		// run ends early in its fourth epoch, after the import.
		{"patience", tinySpecs(1)[0], Config{Batch: 16, Seed: 10, LR: 1e-30, Schedule: Constant, Patience: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			job := func(epochs int) Job {
				cfg := tc.cfg
				cfg.Epochs = epochs
				return Job{Spec: tc.spec, Data: d, Config: cfg, Total: 4, Key: "g/1", Candidate: 1}
			}
			var whole Runs
			want3, err := whole.Do(ctx, job(3))
			if err != nil {
				t.Fatal(err)
			}
			snap3, err := whole.Export("g/1")
			if err != nil {
				t.Fatal(err)
			}

			var a, b, c Runs
			if _, err := a.Do(ctx, job(1)); err != nil {
				t.Fatal(err)
			}
			moved, err := a.Export("g/1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Export("g/1"); err == nil {
				t.Error("a run exported twice")
			}
			if err := b.Import("g/1", moved); err != nil {
				t.Fatal(err)
			}
			if again, err := b.Export("g/1"); err != nil || !bytes.Equal(again, moved) {
				t.Fatalf("an imported run exported again: %v", err)
			}
			if err := c.Import("g/1", moved); err != nil {
				t.Fatal(err)
			}
			got3, err := c.Do(ctx, job(3))
			if err != nil {
				t.Fatal(err)
			}
			if resultText(got3) != resultText(want3) {
				t.Fatalf("continued after an export:\n%s\nuninterrupted:\n%s", resultText(got3), resultText(want3))
			}
			got, err := c.Export("g/1")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sansDurations(t, got), sansDurations(t, snap3)) {
				t.Fatal("after 3 epochs the continued run's state differs from the uninterrupted run's")
			}
			// Both snapshots go on to the last epoch in fresh Runs.
			var e, f Runs
			if err := e.Import("g/1", snap3); err != nil {
				t.Fatal(err)
			}
			if err := f.Import("g/1", got); err != nil {
				t.Fatal(err)
			}
			w, err1 := e.Do(ctx, job(4))
			g, err2 := f.Do(ctx, job(4))
			j := job(4)
			j.Key = ""
			straight, err := new(Runs).Do(ctx, j)
			if err1 != nil || err2 != nil || err != nil || resultText(g) != resultText(straight) || resultText(w) != resultText(straight) {
				t.Fatalf("the last epoch: %v %v %v\n%s\n%s\nuninterrupted:\n%s", err1, err2, err, resultText(g), resultText(w), resultText(straight))
			}
			if early := tc.cfg.Patience > 0; straight.Early != early || straight.Epochs != map[bool]int{false: 4, true: 3}[early] {
				t.Fatalf("early %v after %d epochs", straight.Early, straight.Epochs)
			}
		})
	}
}

// An imported run that is not the job's (another seed) is not continued:
// the job trains from the start, and gives what it gives anywhere.
func TestImportedRunOfAnotherJobIsNotContinued(t *testing.T) {
	d, s := tinyData(), tinySpecs(1)[0]
	ctx := context.Background()
	job := Job{Spec: s, Data: d, Config: Config{Batch: 16, Seed: 1, Epochs: 1}, Total: 3, Key: "g/0"}
	var a, b Runs
	if _, err := a.Do(ctx, job); err != nil {
		t.Fatal(err)
	}
	snap, err := a.Export("g/0")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Import("g/0", snap); err != nil {
		t.Fatal(err)
	}
	job.Config.Seed, job.Config.Epochs = 2, 2
	got, err := b.Do(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	job.Key = ""
	want, err := new(Runs).Do(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	if resultText(got) != resultText(want) {
		t.Fatalf("got\n%s\nwant\n%s", resultText(got), resultText(want))
	}
}

// FuzzSnapshot: decoding any bytes returns a snapshot or an error, never
// panics, and a snapshot it accepts encodes back to the same bytes.
func FuzzSnapshot(f *testing.F) {
	var rs Runs
	job := Job{Spec: tinySpecs(1)[0], Data: tinyData(), Config: Config{Batch: 32, Seed: 1, Epochs: 1, Optimizer: Adam}, Total: 2, Key: "g/0"}
	if _, err := rs.Do(context.Background(), job); err != nil {
		f.Fatal(err)
	}
	snap, err := rs.Export("g/0")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(snap)
	f.Add((&snapshot{total: 1}).encode())
	f.Add([]byte(snapshotMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		sn, err := decodeSnapshot(b)
		if err != nil {
			if sn != nil {
				t.Fatal("a snapshot and an error")
			}
			return
		}
		if !bytes.Equal(sn.encode(), b) {
			t.Fatal("a snapshot that does not encode back to its bytes")
		}
		var rs Runs
		if err := rs.Import("g/0", b); err != nil {
			t.Fatal(err)
		}
	})
}
