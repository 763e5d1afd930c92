package search

import "math/rand"

// Source is a math/rand Source whose whole state is one counter (SplitMix64,
// Steele et al. 2014): the n-th number drawn is a fixed function of the seed
// and n. A search saves State as a number and resumes its random stream
// exactly where it stopped, which an opaque rand.NewSource cannot do.
//
// Only the rand.Rand methods that draw through the Source are resumable this
// way; rand.Rand.Read buffers bytes of its own and must not be used.
type Source struct {
	State uint64 `json:"state"`
}

var _ rand.Source64 = (*Source)(nil)

// NewSource returns a source seeded with seed (scrambled, so that nearby seeds
// start far apart).
func NewSource(seed int64) *Source {
	s := &Source{}
	s.Seed(seed)
	return s
}

// Seed resets the source to the stream of seed.
func (s *Source) Seed(seed int64) {
	s.State = uint64(seed)
	s.State = s.Uint64()
}

// Uint64 advances the counter and returns the next number.
func (s *Source) Uint64() uint64 {
	s.State += 0x9e3779b97f4a7c15
	z := s.State
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Int63 returns the next number in [0, 2^63).
func (s *Source) Int63() int64 { return int64(s.Uint64() >> 1) }
