package compute

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestElementwiseMatchesReference holds the element-wise kernels to the
// reference on lengths below, at and past the vector widths of the SIMD
// kernels (a ragged tail each time), ReLU on zeros and NaN included.
func TestElementwiseMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	ref := Reference()
	for _, fast := range fastSets() {
		for _, n := range []int{1, 3, 8, 15, 16, 17, 31, 32, 33, 100, 1027} {
			name := fmt.Sprintf("%s n=%d", fast.Name, n)
			x, dy := randSlice(r, n), randSlice(r, n)
			x[0] = 0
			if n > 5 {
				x[5] = float32(math.NaN())
			}
			y1, y2 := make([]float32, n), make([]float32, n)
			fast.ReLU(x, y1)
			ref.ReLU(x, y2)
			for i := range y1 {
				if !(y1[i] == y2[i] || (y1[i] != y1[i] && y2[i] != y2[i])) {
					t.Fatalf("%s ReLU: element %d of %v is %v, reference %v", name, i, x[i], y1[i], y2[i])
				}
			}
			copy(y1, x)
			fast.ReLU(y1, y1) // in place
			if n > 5 && !math.IsNaN(float64(y1[5])) {
				t.Fatalf("%s ReLU in place lost a NaN", name)
			}
			dx1, dx2 := randSlice(r, n), make([]float32, n)
			copy(dx2, dx1)
			fast.ReLUBackward(x, dy, dx1)
			ref.ReLUBackward(x, dy, dx2)
			closeEnough(t, name+" ReLUBackward", dx1, dx2, 0)
			fast.ReLUMask(x, dy, dx1)
			ref.ReLUMask(x, dy, dx2)
			closeEnough(t, name+" ReLUMask", dx1, dx2, 0)
			copy(dx2, dx1)
			fast.Axpy(-0.75, dy, dx1)
			ref.Axpy(-0.75, dy, dx2)
			closeEnough(t, name+" Axpy", dx1, dx2, 1e-6)
		}
		for _, p := range []Channels{{1, 1, 1}, {2, 3, 1}, {3, 2, 15}, {2, 5, 16}, {4, 3, 17}, {2, 16, 49}, {3, 4, 784}, {1, 40, 64}} {
			name := fmt.Sprintf("%s %+v", fast.Name, p)
			n := p.N * p.C * p.HW
			b, x := randSlice(r, p.C), randSlice(r, n)
			y1, y2 := randSlice(r, n), make([]float32, n)
			copy(y2, y1)
			fast.AddChannels(p, b, y1)
			ref.AddChannels(p, b, y2)
			closeEnough(t, name+" AddChannels", y1, y2, 1e-6)
			for _, bias := range [][]float32{b, nil} {
				copy(y2, y1)
				z := append([]float32(nil), y1...)
				fast.BiasReLU(p, bias, z)
				ref.BiasReLU(p, bias, y2)
				closeEnough(t, fmt.Sprintf("%s BiasReLU (bias %v)", name, bias != nil), z, y2, 0)
			}
			d1, d2 := randSlice(r, p.C), make([]float32, p.C)
			copy(d2, d1)
			fast.SumChannels(p, x, d1)
			ref.SumChannels(p, x, d2)
			closeEnough(t, name+" SumChannels", d1, d2, 1e-5*math.Sqrt(float64(p.N*p.HW)))
		}
	}
}

func TestChannelsPanicsOnShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("AddChannels with a short y did not panic")
		}
	}()
	Go().AddChannels(Channels{N: 2, C: 3, HW: 4}, make([]float32, 3), make([]float32, 23))
}

func BenchmarkElementwise(b *testing.B) {
	// conv1's output in W1: 64×16×28×28.
	p := Channels{N: 64, C: 16, HW: 28 * 28}
	n := p.N * p.C * p.HW
	r := rand.New(rand.NewSource(1))
	x, dy, y, bias := randSlice(r, n), randSlice(r, n), make([]float32, n), randSlice(r, p.C)
	ks := Default()
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"relu", func() { ks.ReLU(x, y) }},
		{"relu-backward", func() { ks.ReLUBackward(x, dy, y) }},
		{"add-channels", func() { ks.AddChannels(p, bias, y) }},
		{"sum-channels", func() { ks.SumChannels(p, dy, bias) }},
		{"axpy", func() { ks.Axpy(0.5, x, y) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.f()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
