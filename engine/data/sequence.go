package data

import (
	"fmt"
	"math/rand"
	"strconv"
)

// Lookup generates a key–value lookup task on token ids: each sequence is
// Pairs pairs, one token each (keys distinct, drawn from Keys keys; values
// from Values values), then a query token naming one of the keys; the label
// is the query's value. A network must match the query against the pairs'
// keys and read the value of the one that matches: content-based attention,
// which a bag of tokens cannot do (every value in the sequence is as
// likely). Depth, heads and width all change how fast a transformer learns
// it, so a search by training has something to find.
//
// The zero value makes 2000 sequences of 4 pairs over 8 keys and 8 values:
// 5 tokens, 72 token ids, 8 classes. The same config, Seed included, always
// gives the same dataset.
type Lookup struct {
	N      int // sequences; 0 means 2000
	Pairs  int // pairs per sequence; 0 means 4
	Keys   int // keys to draw from, at least Pairs; 0 means 8
	Values int // values, the classes; 0 means 8
	Seed   int64
}

// Token ids: the pair of key k and value v is k·Values + v; the query for
// key k is Keys·Values + k. Class v is value v.
func (c Lookup) sizes() (n, pairs, keys, values int) {
	return orDefault(c.N, 2000), orDefault(c.Pairs, 4), orDefault(c.Keys, 8), orDefault(c.Values, 8)
}

// Check reports a config that Generate cannot make.
func (c Lookup) Check() error {
	n, pairs, keys, values := c.sizes()
	switch {
	case n < 1 || n > 1_000_000:
		return fmt.Errorf("data: lookup of %d sequences, want 1 to 1000000", n)
	case pairs < 1 || pairs > 64:
		return fmt.Errorf("data: lookup of %d pairs, want 1 to 64", pairs)
	case keys < pairs || keys > 64:
		return fmt.Errorf("data: lookup of %d keys, want %d (the pairs) to 64", keys, pairs)
	case values < 2 || values > 64:
		return fmt.Errorf("data: lookup of %d values, want 2 to 64", values)
	}
	return nil
}

// Generate returns the sequences, [1, Pairs+1, 1] token ids each with Vocab
// = Keys·(Values+1). It panics on a config that Check refuses.
func (c Lookup) Generate() *Dataset {
	if err := c.Check(); err != nil {
		panic(err.Error())
	}
	n, pairs, keys, values := c.sizes()
	t := pairs + 1
	d := &Dataset{Name: "lookup", C: 1, H: t, W: 1, Classes: values, Vocab: keys * (values + 1),
		X: make([]float32, 0, n*t), Y: make([]int, n)}
	for v := range values {
		d.ClassNames = append(d.ClassNames, "v"+strconv.Itoa(v))
	}
	rng := rand.New(rand.NewSource(c.Seed))
	vs := make([]int, pairs)
	for i := range n {
		ks := rng.Perm(keys)[:pairs]
		for j, k := range ks {
			vs[j] = rng.Intn(values)
			d.X = append(d.X, float32(k*values+vs[j]))
		}
		q := rng.Intn(pairs)
		d.X = append(d.X, float32(keys*values+ks[q]))
		d.Y[i] = vs[q]
	}
	return d
}
