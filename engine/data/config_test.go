package data

import (
	"fmt"
	"testing"
)

func TestBadConfigsPanicWithAMessage(t *testing.T) {
	for _, tc := range []struct {
		gen  Generator
		want string
	}{
		{Spirals{N: -1}, "data: spirals: N = -1 < 0"},
		{Circles{Classes: -2}, "data: circles: Classes = -2 < 1"},
		{Moons{Noise: -0.1}, "data: moons: noise -0.1 < 0"},
		{XOR{Margin: 1}, "data: XOR.Margin = 1, want [0, 1)"},
		{Shapes{Classes: 8}, "data: Shapes.Classes = 8, want 1 to 7 (the number of shape kinds)"},
		{Shapes{Kinds: []ShapeKind{Circle, 9}}, "data: Shapes.Kinds holds ShapeKind(9)"},
		{Shapes{Kinds: []ShapeKind{Ring, Cross, Ring}}, "data: Shapes.Kinds lists ring twice"},
		{Shapes{Size: 3}, "data: Shapes.Size = 3 < 4"},
		{Stripes{Noise: -1}, "data: Stripes.Noise = -1 < 0"},
	} {
		func() {
			defer func() {
				if got := fmt.Sprint(recover()); got != tc.want {
					t.Errorf("%T: panic %q, want %q", tc.gen, got, tc.want)
				}
			}()
			tc.gen.Generate()
		}()
	}
}

func BenchmarkBatcher(b *testing.B) {
	for _, size := range []int{8, 16, 28} {
		for _, batch := range []int{32, 256} {
			b.Run(fmt.Sprintf("image=%d/batch=%d", size, batch), func(b *testing.B) {
				d := Stripes{N: 1024, Size: size}.Generate()
				it := NewBatcher(d, batch, NewRand(1))
				var bt Batch
				b.SetBytes(int64(batch * d.Features() * 4))
				b.ResetTimer()
				for range b.N {
					it.Cycle(&bt)
				}
			})
		}
	}
}

func BenchmarkShapes(b *testing.B) {
	for _, size := range []int{8, 16, 32} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			for i := range b.N {
				Shapes{N: 100, Size: size, Seed: int64(i)}.Generate()
			}
		})
	}
}
