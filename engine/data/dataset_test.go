package data

import (
	"math"
	"slices"
	"testing"
)

func TestSplitIsStratifiedDisjointAndSeeded(t *testing.T) {
	d := Blobs{N: 300, Classes: 3}.Generate()
	// Tag each example by writing its index into x so parts can be traced.
	for i := range d.Y {
		d.X[2*i] = float32(i)
	}
	s := d.Split(0.2, 0.1, NewRand(1))
	if got := []int{s.Train.Len(), s.Valid.Len(), s.Test.Len()}; !slices.Equal(got, []int{210, 60, 30}) {
		t.Fatalf("part sizes %v, want [210 60 30]", got)
	}
	for _, p := range []*Dataset{s.Train, s.Valid, s.Test} {
		h := p.Histogram()
		if h[0] != h[1] || h[1] != h[2] {
			t.Errorf("%s histogram %v, want equal classes", p.Name, h)
		}
		if err := p.Validate(); err != nil {
			t.Error(err)
		}
	}
	seen := map[float32]bool{}
	for _, p := range []*Dataset{s.Train, s.Valid, s.Test} {
		for i := range p.Y {
			id := p.X[2*i]
			if seen[id] {
				t.Fatalf("example %v in two parts", id)
			}
			seen[id] = true
			if p.Y[i] != d.Y[int(id)] {
				t.Fatalf("example %v lost its label", id)
			}
		}
	}
	if len(seen) != 300 {
		t.Errorf("%d examples in the parts, want 300", len(seen))
	}
	s2 := d.Split(0.2, 0.1, NewRand(1))
	if !slices.Equal(s.Test.X, s2.Test.X) || !slices.Equal(s.Train.Y, s2.Train.Y) {
		t.Error("same seed gave different splits")
	}
}

func TestSliceSharesAndSubsetCopies(t *testing.T) {
	d := Moons{N: 10}.Generate()
	v := d.Slice(2, 5)
	v.X[0] = 42
	if d.X[4] != 42 {
		t.Error("Slice does not share storage")
	}
	c := d.Subset([]int{3, 1})
	c.X[0] = -1
	if d.X[6] == -1 || c.Y[1] != d.Y[1] {
		t.Error("Subset shares storage or misplaces labels")
	}
}

func TestPoolAveragesBlocks(t *testing.T) {
	// One 2-channel 4×4 image with X = 100c + 10y + x; 2×2 pooling averages
	// each block, e.g. channel 1, block (1, 0) = mean(120,121,130,131) = 125.5.
	d := &Dataset{Name: "t", C: 2, H: 4, W: 4, Classes: 1, Y: []int{0}, X: make([]float32, 32)}
	for c := 0; c < 2; c++ {
		for y := 0; y < 4; y++ {
			for x := 0; x < 4; x++ {
				d.X[c*16+y*4+x] = float32(100*c + 10*y + x)
			}
		}
	}
	p := d.Pool(2)
	want := []float32{5.5, 7.5, 25.5, 27.5, 105.5, 107.5, 125.5, 127.5}
	if !slices.Equal(p.X, want) || p.H != 2 || p.W != 2 {
		t.Errorf("Pool(2) = %v (%d×%d), want %v", p.X, p.H, p.W, want)
	}
}

func TestStandardize(t *testing.T) {
	d := Blobs{}.Generate()
	mean, std := d.ChannelStats()
	d.Standardize(mean, std)
	m2, s2 := d.ChannelStats()
	for c := range m2 {
		if math.Abs(float64(m2[c])) > 1e-5 || math.Abs(float64(s2[c])-1) > 1e-5 {
			t.Errorf("channel %d: mean %g std %g after Standardize", c, m2[c], s2[c])
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		d    Dataset
		want string
	}{
		{Dataset{Name: "a", C: 0, H: 1, W: 1}, "data: a: example shape [0 1 1] has a dimension < 1"},
		{Dataset{Name: "a", C: 2, H: 1, W: 1, X: make([]float32, 3), Y: []int{0}, Classes: 1}, "data: a: 3 features for 1 examples of 2 values"},
		{Dataset{Name: "a", C: 1, H: 1, W: 1, X: make([]float32, 1), Y: []int{2}, Classes: 2}, "data: a: example 0 has label 2, want [0, 2)"},
		{Dataset{Name: "a", C: 1, H: 1, W: 1, Classes: 2, ClassNames: []string{"x"}}, "data: a: 1 class names for 2 classes"},
	} {
		err := tc.d.Validate()
		if err == nil || err.Error() != tc.want {
			t.Errorf("Validate() = %v, want %q", err, tc.want)
		}
	}
}

func TestBatcherVisitsEveryExampleOncePerEpoch(t *testing.T) {
	d := Circles{N: 103}.Generate()
	for i := range d.Y {
		d.X[2*i] = float32(i)
	}
	it := NewBatcher(d, 10, NewRand(7))
	if it.Len() != 11 {
		t.Errorf("Len() = %d, want 11", it.Len())
	}
	var b Batch
	var orders [2][]int
	for epoch := 0; epoch < 2; epoch++ {
		nb := 0
		for it.Next(&b) {
			nb++
			if b.C != 2 || b.H != 1 || b.W != 1 || len(b.X) != 2*b.N || len(b.Y) != b.N {
				t.Fatalf("batch shape %v with %d values", b.Shape(), len(b.X))
			}
			for j := 0; j < b.N; j++ {
				id := int(b.X[2*j])
				if d.Y[id] != b.Y[j] {
					t.Fatalf("label of %d is %d in the batch, %d in the set", id, b.Y[j], d.Y[id])
				}
				orders[epoch] = append(orders[epoch], id)
			}
		}
		if nb != 11 {
			t.Errorf("epoch %d: %d batches, want 11", epoch, nb)
		}
		got := slices.Sorted(slices.Values(orders[epoch]))
		for i, v := range got {
			if v != i {
				t.Fatalf("epoch %d does not visit each example once", epoch)
			}
		}
	}
	if it.Epoch() != 2 {
		t.Errorf("Epoch() = %d, want 2", it.Epoch())
	}
	if slices.Equal(orders[0], orders[1]) {
		t.Error("both epochs in the same order")
	}
	it2 := NewBatcher(d, 10, NewRand(7))
	var first []int
	for it2.Next(&b) {
		for j := 0; j < b.N; j++ {
			first = append(first, int(b.X[2*j]))
		}
	}
	if !slices.Equal(first, orders[0]) {
		t.Error("same seed gave a different order")
	}
}

func TestBatcherDropLastAndNoShuffle(t *testing.T) {
	d := Moons{N: 25}.Generate()
	it := NewBatcher(d, 10, nil)
	it.DropLast = true
	var b Batch
	n := 0
	for it.Next(&b) {
		if !slices.Equal(b.Y, d.Y[10*n:10*n+10]) {
			t.Errorf("batch %d not in dataset order", n)
		}
		n++
	}
	if n != 2 || it.Len() != 2 {
		t.Errorf("%d batches (Len %d), want 2", n, it.Len())
	}
}

func TestBatcherDoesNotAllocate(t *testing.T) {
	d := Shapes{N: 64, Size: 8}.Generate()
	it := NewBatcher(d, 16, NewRand(1))
	var b Batch
	it.Cycle(&b)
	allocs := testing.AllocsPerRun(100, func() { it.Cycle(&b) })
	if allocs != 0 {
		t.Errorf("Cycle allocates %v times per batch", allocs)
	}
}

// A Batcher that skips two epochs then reads the third reads what one that
// read all three reads in its third.
func TestBatcherSkipDrawsTheOrder(t *testing.T) {
	d := Circles{N: 23}.Generate()
	for i := range d.Y {
		d.X[2*i] = float32(i)
	}
	epoch := func(it *Batcher) []float32 {
		var b Batch
		var ids []float32
		for it.Next(&b) {
			for j := 0; j < b.N; j++ {
				ids = append(ids, b.X[2*j])
			}
		}
		return ids
	}
	read, skipped := NewBatcher(d, 5, NewRand(3)), NewBatcher(d, 5, NewRand(3))
	epoch(read)
	epoch(read)
	skipped.Skip()
	skipped.Skip()
	if want, got := epoch(read), epoch(skipped); !slices.Equal(got, want) || skipped.Epoch() != 3 {
		t.Fatalf("after skipping 2 epochs, epoch %d reads %v, want %v", skipped.Epoch(), got, want)
	}
}
