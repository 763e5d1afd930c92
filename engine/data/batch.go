package data

import (
	"fmt"
	"math/rand"
	"nasbook/engine/tensor"
)

// Batch is a reusable buffer for a minibatch of N examples.
//
// X holds N*C*H*W values in NCHW order, laid out as Dataset.X; Y holds N
// labels. Gather and Batcher.Next reslice X and Y within their capacity, so
// once a Batch has held its largest batch, filling it again allocates nothing.
type Batch struct {
	X          []float32 // len N*C*H*W, NCHW
	Y          []int     // len N
	N, C, H, W int
}

// Shape returns [N, C, H, W].
func (b *Batch) Shape() [4]int { return [4]int{b.N, b.C, b.H, b.W} }

// Gather copies examples idx of d, in that order, into dst.
func (d *Dataset) Gather(dst *Batch, idx []int) {
	f := d.Features()
	n := len(idx)
	if cap(dst.X) < n*f {
		dst.X = make([]float32, n*f)
	}
	if cap(dst.Y) < n {
		dst.Y = make([]int, n)
	}
	dst.X, dst.Y = dst.X[:n*f], dst.Y[:n]
	dst.N, dst.C, dst.H, dst.W = n, d.C, d.H, d.W
	for j, i := range idx {
		copy(dst.X[j*f:(j+1)*f], d.X[i*f:(i+1)*f])
		dst.Y[j] = d.Y[i]
	}
}

// Batcher walks a dataset in minibatches, epoch after epoch.
//
// Each epoch visits every example once (or, with DropLast, all but fewer than
// Size of them) in an order drawn from the Batcher's generator at the start of
// the epoch; with a nil generator the order is 0, 1, ..., N-1. The usual loop is
//
//	var b data.Batch
//	for epoch := 0; epoch < epochs; epoch++ {
//		for it.Next(&b) {
//			// use b.X, b.Y
//		}
//	}
type Batcher struct {
	Data     *Dataset
	Size     int  // examples per batch; the last batch of an epoch may be smaller
	DropLast bool // skip a last batch smaller than Size

	rng   *rand.Rand
	order []int
	pos   int // next position in order; 0 means an epoch is about to start
	epoch int
}

// NewBatcher returns a Batcher over d with batches of size examples whose
// order is shuffled by rng each epoch (nil rng: no shuffling). The Batcher
// keeps one index per example, so d must not change length afterwards.
func NewBatcher(d *Dataset, size int, rng *rand.Rand) *Batcher {
	if size < 1 {
		panic(fmt.Sprintf("data: NewBatcher: batch size %d < 1", size))
	}
	order := make([]int, d.Len())
	for i := range order {
		order[i] = i
	}
	return &Batcher{Data: d, Size: size, rng: rng, order: order}
}

// Len returns the number of batches in one epoch.
func (it *Batcher) Len() int {
	n := len(it.order)
	if it.DropLast {
		return n / it.Size
	}
	return (n + it.Size - 1) / it.Size
}

// Epoch returns the number of epochs completed.
func (it *Batcher) Epoch() int { return it.epoch }

// Next fills dst with the next batch of the current epoch and reports true,
// or reports false, leaving dst alone, when the epoch is over; the call after
// that starts the next epoch.
func (it *Batcher) Next(dst *Batch) bool {
	n := len(it.order)
	if it.pos == 0 && it.rng != nil {
		it.rng.Shuffle(n, it.swap)
	}
	left := n - it.pos
	if left == 0 || (it.DropLast && left < it.Size) {
		it.pos = 0
		it.epoch++
		return false
	}
	k := min(left, it.Size)
	it.Data.Gather(dst, it.order[it.pos:it.pos+k])
	it.pos += k
	return true
}

// Cycle fills dst with the next batch, starting a new epoch when the current
// one is over, for loops that count steps rather than epochs. The dataset
// must not be empty.
func (it *Batcher) Cycle(dst *Batch) {
	if !it.Next(dst) && !it.Next(dst) {
		panic("data: Batcher.Cycle: no batch in an epoch of " + it.Data.Name)
	}
}

// Skip passes over one epoch without reading it: the order is drawn as
// Next would draw it, so the epochs after it are those a Batcher that read
// it gives. It is for continuing a run elsewhere, by rebuilding its
// Batcher and skipping the epochs it has read. It must come between
// epochs.
func (it *Batcher) Skip() {
	if it.pos != 0 {
		panic("data: Batcher.Skip in the middle of an epoch")
	}
	if it.rng != nil {
		it.rng.Shuffle(len(it.order), it.swap)
	}
	it.epoch++
}

func (it *Batcher) swap(i, j int) { it.order[i], it.order[j] = it.order[j], it.order[i] }

// Tensors is a Batcher whose batches come as tensors: the form of
// engine/train's Batches, one pass over the data per epoch. The tensor views
// the batch buffer, reused from one batch to the next.
type Tensors struct {
	it *Batcher
	b  Batch
}

// Tensors returns batches of size examples of d, shuffled by rng (nil keeps
// the file order).
func (d *Dataset) Tensors(size int, rng *rand.Rand) *Tensors {
	return &Tensors{it: NewBatcher(d, size, rng)}
}

// Skip passes over one epoch without reading it (Batcher.Skip).
func (t *Tensors) Skip() { t.it.Skip() }

// Next returns the next batch [N, C, H, W] and its labels, or false at the
// end of an epoch (the next call starts the next epoch).
func (t *Tensors) Next() (*tensor.Tensor, []int, bool) {
	if !t.it.Next(&t.b) {
		return nil, nil, false
	}
	return tensor.FromData(t.b.X, t.b.N, t.b.C, t.b.H, t.b.W), t.b.Y, true
}
