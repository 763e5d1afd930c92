package oneshot

import "nasbook/engine/data"

// SplitForSearch takes the first n images of d (all when n is 0 or more
// than d has) and splits them in two stratified halves drawn with seed, the
// first to train the weights and the second for the architecture weights:
// the train and valid of Search.
func SplitForSearch(d *data.Dataset, n int, seed int64) (train, valid *data.Dataset) {
	if n > 0 && n < d.Len() {
		d = d.Slice(0, n)
	}
	sp := d.Split(0.5, 0, data.NewRand(seed))
	return sp.Train, sp.Valid
}
