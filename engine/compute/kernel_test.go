package compute

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"runtime"
	"strings"
	"testing"
)

// fastSets are the Sets the tests hold to the reference: the Go kernels and
// the platform's own (natively, Go with gonum's GEMM; under js/wasm with a
// loader that links them, the WebAssembly SIMD kernels).
func fastSets() []*Set {
	if s := Default(); s.Name != "go" {
		return []*Set{Go(), s}
	}
	return []*Set{Go()}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}

// closeEnough compares a fast result with the reference: |got-want| must be
// within tol·(1+max|want|), a float32-rounding budget relative to the scale
// of the result.
func closeEnough(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	scale := 0.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol*(1+scale)) {
			t.Fatalf("%s: element %d = %v, reference %v (scale %v)", name, i, got[i], want[i], scale)
		}
	}
}

func TestGemmMatchesReference(t *testing.T) {
	for _, fast := range fastSets() {
		testGemm(t, fast)
	}
}

func testGemm(t *testing.T, fast *Set) {
	r := rand.New(rand.NewSource(1))
	// {12, 20, 37}: whole row panels and a last column panel 4 wide (the SIMD
	// GEMM's 4×4 edge kernel), as in the 14×14 convolutions of W1.
	sizes := [][3]int{{1, 1, 1}, {3, 5, 2}, {4, 3, 7}, {17, 13, 29}, {12, 20, 37}, {64, 65, 66}, {130, 7, 300}, {5, 1600, 3}, {33, 1601, 259}}
	for _, sz := range sizes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
				m, n, k := sz[0], sz[1], sz[2]
				lda, ldb, ldc := k+1, n+2, n+3
				if tr[0] {
					lda = m + 1
				}
				if tr[1] {
					ldb = k + 2
				}
				a := randSlice(r, max(m, k)*lda)
				b := randSlice(r, max(n, k)*ldb)
				c := randSlice(r, m*ldc)
				c2 := append([]float32(nil), c...)
				fast.Gemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
				GemmRef(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], c2, ldc)
				closeEnough(t, fmt.Sprintf("%s gemm %v trans=%v alpha,beta=%v", fast.Name, sz, tr, ab), c, c2, 1e-5*math.Sqrt(float64(k)))
			}
		}
	}
}

// The platform's GEMM gives the same bits whatever the number of threads
// (natively gonum spreads blocks of C over goroutines).
func TestGemmIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	m, n, k := 300, 257, 190
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	var first []float32
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		c := make([]float32, m*n)
		Default().Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		runtime.GOMAXPROCS(prev)
		if first == nil {
			first = c
			continue
		}
		for i := range c {
			if c[i] != first[i] {
				t.Fatalf("GOMAXPROCS=%d: element %d is %v, with 1 thread %v", procs, i, c[i], first[i])
			}
		}
	}
}

func TestGemmBetaZeroIgnoresNaN(t *testing.T) {
	for _, ks := range fastSets() {
		c := []float32{float32(math.NaN()), float32(math.NaN())}
		ks.Gemm(false, false, 1, 2, 1, 1, []float32{2}, 1, []float32{3, 4}, 2, 0, c, 2)
		if c[0] != 6 || c[1] != 8 {
			t.Fatalf("%s: beta=0 must overwrite C, got %v", ks.Name, c)
		}
	}
}

// randConvs returns ragged convolution problems: odd sizes, strides,
// dilations, asymmetric padding and groups.
func randConvs(r *rand.Rand, depthwise bool) []Conv {
	var ps []Conv
	for len(ps) < 40 {
		g := 1 + r.Intn(3)
		p := Conv{
			N: 1 + r.Intn(3), C: g * (1 + r.Intn(3)), H: 1 + r.Intn(9), W: 1 + r.Intn(9),
			K: g * (1 + r.Intn(3)), R: 1 + r.Intn(3), S: 1 + r.Intn(4),
			StrideH: 1 + r.Intn(2), StrideW: 1 + r.Intn(3), PadH: r.Intn(3), PadW: r.Intn(2),
			DilH: 1 + r.Intn(2), DilW: 1 + r.Intn(2), Groups: g,
		}
		if depthwise {
			p.Groups, p.K = p.C, p.C
		}
		if r.Intn(4) == 0 {
			p.R, p.S, p.StrideH, p.StrideW, p.PadH, p.PadW = 1, 1, 1, 1, 0, 0
		}
		if p.OutH() > 0 && p.OutW() > 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

func testConv(t *testing.T, depthwise bool) {
	for _, fast := range fastSets() {
		testConvSet(t, fast, depthwise)
	}
}

func testConvSet(t *testing.T, fast *Set, depthwise bool) {
	r := rand.New(rand.NewSource(2))
	ref := Reference()
	for _, p := range randConvs(r, depthwise) {
		checkConv(t, r, fast, ref, p, depthwise)
	}
}

func TestConvMatchesReference(t *testing.T)      { testConv(t, false) }
func TestDepthwiseMatchesReference(t *testing.T) { testConv(t, true) }

func TestConvRefKnownValue(t *testing.T) {
	// 3×3 input 1..9, 2×2 all-ones kernel, stride 1, no padding: each output is
	// the sum of a 2×2 block: 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28.
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	y := make([]float32, 4)
	Conv2DRef(Conv{N: 1, C: 1, H: 3, W: 3, K: 1, R: 2, S: 2}, x, []float32{1, 1, 1, 1}, y)
	if fmt.Sprint(y) != "[12 16 24 28]" {
		t.Fatalf("got %v", y)
	}
}

func TestPoolMatchesReference(t *testing.T) {
	for _, fast := range fastSets() {
		testPool(t, fast)
	}
}

func testPool(t *testing.T, fast *Set) {
	r := rand.New(rand.NewSource(3))
	ref := Reference()
	for i := 0; i < 80; i++ {
		k := 1 + r.Intn(3)
		p := Pool{N: 1 + r.Intn(2), C: 1 + r.Intn(3), H: k + r.Intn(7), W: k + r.Intn(7), KH: k, KW: k,
			StrideH: 1 + r.Intn(2), StrideW: 1 + r.Intn(3), PadH: r.Intn(k/2 + 1), PadW: r.Intn(k/2 + 1)}
		if i%4 == 0 { // the 2×2/2 fast path, odd sizes included
			p.KH, p.KW, p.StrideH, p.StrideW, p.PadH, p.PadW = 2, 2, 2, 2, 0, 0
			p.H, p.W = 2+r.Intn(6), 2+r.Intn(6)
		}
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
		x, dy := randSlice(r, nx), randSlice(r, ny)
		if i%8 == 0 { // ties: the gradient goes to the first maximum
			for j := range x {
				x[j] = float32(r.Intn(3))
			}
		}
		y1, y2 := make([]float32, ny), make([]float32, ny)
		fast.MaxPool2D(p, x, y1)
		ref.MaxPool2D(p, x, y2)
		closeEnough(t, fmt.Sprintf("%s maxpool %+v", fast.Name, p), y1, y2, 0)
		fast.AvgPool2D(p, x, y1)
		ref.AvgPool2D(p, x, y2)
		closeEnough(t, fmt.Sprintf("%s avgpool %+v", fast.Name, p), y1, y2, 1e-6)
		dx1, dx2 := make([]float32, nx), make([]float32, nx)
		fast.MaxPool2DBackward(p, x, dy, dx1)
		ref.MaxPool2DBackward(p, x, dy, dx2)
		closeEnough(t, fmt.Sprintf("%s maxpool backward %+v", fast.Name, p), dx1, dx2, 1e-6)
		clear(dx1)
		clear(dx2)
		fast.AvgPool2DBackward(p, dy, dx1)
		ref.AvgPool2DBackward(p, dy, dx2)
		closeEnough(t, fmt.Sprintf("%s avgpool backward %+v", fast.Name, p), dx1, dx2, 1e-6)
	}
}

func TestAvgPoolExcludesPadding(t *testing.T) {
	// 2×2 image, 3×3 window, padding 1, stride 2: one output averaging the
	// four real pixels only (PyTorch count_include_pad=False) = 2.5.
	y := make([]float32, 1)
	for _, ks := range append(fastSets(), Reference()) {
		ks.AvgPool2D(Pool{N: 1, C: 1, H: 2, W: 2, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}, []float32{1, 2, 3, 4}, y)
		if y[0] != 2.5 {
			t.Fatalf("%s: got %v, want 2.5", ks.Name, y[0])
		}
	}
}

func TestBatchNormMatchesReference(t *testing.T) {
	for _, fast := range fastSets() {
		testBatchNorm(t, fast)
	}
}

func testBatchNorm(t *testing.T, fast *Set) {
	r := rand.New(rand.NewSource(4))
	ref := Reference()
	for i := 0; i < 30; i++ {
		p := BatchNorm{N: 1 + r.Intn(4), C: 1 + r.Intn(5), HW: 1 + r.Intn(20)}
		n := p.N * p.C * p.HW
		x, dy := randSlice(r, n), randSlice(r, n)
		for j := range x {
			x[j] = 3 + 2*x[j] // offset mean to exercise the centred variance
		}
		var gamma, beta []float32
		if i%2 == 0 {
			gamma, beta = randSlice(r, p.C), randSlice(r, p.C)
		}
		type out struct{ y, mean, vr, is, dx, dg, db []float32 }
		run := func(ks *Set) out {
			o := out{make([]float32, n), make([]float32, p.C), make([]float32, p.C), make([]float32, p.C), make([]float32, n), make([]float32, p.C), make([]float32, p.C)}
			ks.BatchNormTrain(p, x, gamma, beta, o.y, o.mean, o.vr, o.is)
			ks.BatchNormBackward(p, x, gamma, o.mean, o.is, dy, o.dx, o.dg, o.db)
			return o
		}
		a, b := run(fast), run(ref)
		name := fmt.Sprintf("%s bn %+v", fast.Name, p)
		closeEnough(t, name+" y", a.y, b.y, 1e-5)
		closeEnough(t, name+" mean", a.mean, b.mean, 1e-6)
		closeEnough(t, name+" var", a.vr, b.vr, 1e-5)
		closeEnough(t, name+" dx", a.dx, b.dx, 1e-4)
		closeEnough(t, name+" dgamma", a.dg, b.dg, 1e-5)
		closeEnough(t, name+" dbeta", a.db, b.db, 1e-5)
		y1, y2 := make([]float32, n), make([]float32, n)
		fast.BatchNormInfer(p, x, gamma, beta, a.mean, a.vr, y1)
		ref.BatchNormInfer(p, x, gamma, beta, a.mean, a.vr, y2)
		closeEnough(t, name+" infer", y1, y2, 1e-5)
	}
}

func BenchmarkGemm(b *testing.B) {
	for _, n := range []int{32, 64, 128, 256, 512} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewSource(1))
			a, bb, c := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
			ks := Go()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ks.Gemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkConv(b *testing.B) {
	// conv2 of W1: 64×16×14×14, 3×3, 16→32, pad 1.
	p := Conv{N: 64, C: 16, H: 14, W: 14, K: 32, R: 3, S: 3, PadH: 1, PadW: 1}
	r := rand.New(rand.NewSource(1))
	nx, nw, ny := p.Sizes()
	x, w, y := randSlice(r, nx), randSlice(r, nw), randSlice(r, ny)
	ks := Go()
	flop := 2 * float64(p.MACs())
	b.Run("forward", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ks.Conv2D(p, x, w, y)
		}
		b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("data", func(b *testing.B) {
		dx := make([]float32, nx)
		for i := 0; i < b.N; i++ {
			ks.Conv2DBackwardData(p, y, w, dx)
		}
		b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("filter", func(b *testing.B) {
		dw := make([]float32, nw)
		for i := 0; i < b.N; i++ {
			ks.Conv2DBackwardFilter(p, x, y, dw)
		}
		b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// TestSIMDLinked fails when NASBOOK_REQUIRE_SIMD is set and the SIMD kernels
// are not linked, so a run meant to test them cannot pass without them.
func TestSIMDLinked(t *testing.T) {
	s := SIMD()
	if s == nil {
		if os.Getenv("NASBOOK_REQUIRE_SIMD") != "" {
			t.Fatal("NASBOOK_REQUIRE_SIMD is set but the WebAssembly SIMD kernels are not linked")
		}
		t.Skip("no WebAssembly SIMD kernels on this platform")
	}
	if d := Default(); d.Name != s.Name {
		t.Errorf("Default() is %q with SIMD kernels linked, want %q", d.Name, s.Name)
	}
}

// TestWiderShapesMatchReference covers rows wide enough for the vector loops
// of the SIMD kernels (several f32x4 per row and a ragged tail) on the paths
// the workloads take: 2×2/2 max pooling, depthwise (stride 1 and 2), 3×3
// convs and stride-1 convs as wide as their input.
func TestWiderShapesMatchReference(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	ref := Reference()
	for _, fast := range fastSets() {
		for _, hw := range [][2]int{{10, 19}, {9, 8}, {28, 28}, {6, 14}, {5, 33}} {
			p := Pool{N: 2, C: 3, H: hw[0], W: hw[1], KH: 2, KW: 2}
			nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
			x, dy := randSlice(r, nx), randSlice(r, ny)
			for j := 0; j < nx; j += 3 {
				x[j] = float32(r.Intn(2)) // ties
			}
			y1, y2 := make([]float32, ny), make([]float32, ny)
			fast.MaxPool2D(p, x, y1)
			ref.MaxPool2D(p, x, y2)
			closeEnough(t, fmt.Sprintf("%s maxpool %+v", fast.Name, p), y1, y2, 0)
			dx1, dx2 := randSlice(r, nx), make([]float32, nx)
			copy(dx2, dx1)
			fast.MaxPool2DBackward(p, x, dy, dx1)
			ref.MaxPool2DBackward(p, x, dy, dx2)
			closeEnough(t, fmt.Sprintf("%s maxpool backward %+v", fast.Name, p), dx1, dx2, 1e-6)
		}
		var convs []Conv
		for i := 0; i < 12; i++ {
			c := 1 + r.Intn(3)
			k := 3 + 2*r.Intn(2)
			convs = append(convs, Conv{N: 2, C: c, K: c, Groups: c, H: 3 + r.Intn(14), W: 3 + r.Intn(14), R: k, S: k - 2*r.Intn(2),
				PadH: r.Intn(k), PadW: r.Intn(k), DilH: 1 + r.Intn(2), DilW: 1 + r.Intn(2)})
			convs = append(convs, Conv{N: 2, C: c, K: c, Groups: c, H: 3 + r.Intn(14), W: 3 + r.Intn(14), R: k, S: k,
				StrideH: 1 + r.Intn(3), StrideW: 2, PadH: r.Intn(k), PadW: r.Intn(k), DilW: 1 + r.Intn(2)})
			convs = append(convs, Conv{N: 2, C: c, K: 1 + r.Intn(9), H: 5 + r.Intn(14), W: 5 + r.Intn(14), R: 3, S: 3, PadH: 1, PadW: 1,
				StrideW: 1 + r.Intn(2)})
			// Stride 1 with the output as wide as the input (the SIMD patch
			// copies' one-copy-per-row path), down to planes narrower than
			// the filter.
			d := 1 + r.Intn(2)
			convs = append(convs, Conv{N: 2, C: c, K: 1 + r.Intn(5), H: 1 + r.Intn(16), W: 1 + r.Intn(16), R: k, S: k,
				PadH: r.Intn(k), PadW: d * (k - 1) / 2, DilH: 1 + r.Intn(2), DilW: d})
		}
		for _, p := range convs {
			if p.OutH() <= 0 || p.OutW() <= 0 {
				continue
			}
			checkConv(t, r, fast, ref, p, p.Depthwise())
		}
	}
}

// TestSIMDAfterMemoryGrowth: the SIMD kernels share the Go program's memory
// object, so they must see memory it gained after they were linked. A 64 MB
// allocation grows it; the product of matrices at its far end must be right.
func TestSIMDAfterMemoryGrowth(t *testing.T) {
	s := SIMD()
	if s == nil {
		t.Skip("no WebAssembly SIMD kernels on this platform")
	}
	big := make([]float32, 16<<20)
	r := rand.New(rand.NewSource(6))
	const m, n, k = 19, 23, 37
	tail := big[len(big)-(m*k+k*n+m*n):]
	a, b, c := tail[:m*k], tail[m*k:m*k+k*n], tail[m*k+k*n:]
	copy(a, randSlice(r, m*k))
	copy(b, randSlice(r, k*n))
	want := make([]float32, m*n)
	GemmRef(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	s.Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
	closeEnough(t, "gemm in grown memory", c, want, 1e-5*math.Sqrt(k))
}

// TestWindowLargerThanPaddedInput: a window that does not fit the padded
// input leaves no output, as PyTorch says (a 3×3 stride-3 Conv2d on 1×1:
// "Kernel size can't be greater than actual input size"; MaxPool2d(2) on 1×1
// and AvgPool2d(3, stride=2) on 2×2: "Output size is too small"), and the
// kernels refuse it rather than read past the input. Where the window fits,
// the sizes are PyTorch's (conv_7x1_1x7's 1×7 half, stride (1, 2), padding
// (0, 3), takes a 2×2 input to 2×1).
func TestWindowLargerThanPaddedInput(t *testing.T) {
	for _, c := range []struct {
		p      Conv
		oh, ow int
	}{
		{Conv{N: 1, C: 1, K: 1, H: 1, W: 1, R: 3, S: 3, StrideH: 3, StrideW: 3}, 0, 0},
		{Conv{N: 1, C: 1, K: 1, H: 2, W: 2, R: 3, S: 3, StrideH: 2, StrideW: 2}, 0, 0},
		{Conv{N: 1, C: 1, K: 1, H: 2, W: 5, R: 3, S: 5, DilH: 2, StrideH: 4}, 0, 1},
		{Conv{N: 1, C: 1, K: 1, H: 2, W: 2, R: 1, S: 7, StrideW: 2, PadW: 3}, 2, 1},
		{Conv{N: 1, C: 1, K: 1, H: 2, W: 1, R: 7, S: 1, StrideH: 2, PadH: 3}, 1, 1},
	} {
		if oh, ow := c.p.OutH(), c.p.OutW(); oh != c.oh || ow != c.ow {
			t.Errorf("%+v: output %d×%d, want %d×%d", c.p, oh, ow, c.oh, c.ow)
		}
		if c.oh > 0 && c.ow > 0 {
			continue
		}
		for _, s := range append(fastSets(), Reference()) {
			mustPanic(t, fmt.Sprintf("%s Conv2D %+v", s.Name, c.p), "empty output", func() {
				s.Conv2D(c.p, make([]float32, 64), make([]float32, 64), make([]float32, 64))
			})
		}
	}
	for _, c := range []struct {
		p      Pool
		oh, ow int
	}{
		{Pool{N: 1, C: 1, H: 1, W: 1, KH: 2, KW: 2}, 0, 0},
		{Pool{N: 1, C: 1, H: 2, W: 2, KH: 3, KW: 3, StrideH: 2, StrideW: 2}, 0, 0},
		{Pool{N: 1, C: 1, H: 2, W: 2, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}, 1, 1},
	} {
		if oh, ow := c.p.OutH(), c.p.OutW(); oh != c.oh || ow != c.ow {
			t.Errorf("%+v: output %d×%d, want %d×%d", c.p, oh, ow, c.oh, c.ow)
		}
		if c.oh > 0 && c.ow > 0 {
			continue
		}
		for _, s := range append(fastSets(), Reference()) {
			mustPanic(t, fmt.Sprintf("%s MaxPool2D %+v", s.Name, c.p), "MaxPool2D", func() {
				s.MaxPool2D(c.p, make([]float32, 64), make([]float32, 64))
			})
		}
	}
}

// mustPanic fails unless f panics with a message containing want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), want) {
			t.Errorf("%s: panic %v, want one saying %q", name, e, want)
		}
	}()
	f()
}

// TestSmallPlanesMatchReference covers planes of 1 to 3 pixels under
// windows as wide or wider (the 1×7 and 7×1 halves of conv_7x1_1x7, 5×5 and
// 3×3, unpadded or padded to keep the size), at strides 1 to 3, where a
// whole row of a tap can fall in the padding: every problem whose window
// fits the padded input, dense and depthwise.
func TestSmallPlanesMatchReference(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	ref := Reference()
	for _, fast := range fastSets() {
		for hw := range 9 {
			for _, rs := range [][2]int{{1, 7}, {7, 1}, {5, 5}, {3, 3}} {
				for st := range 9 {
					for pad := range 4 {
						for _, dw := range []bool{false, true} {
							p := Conv{N: 2, C: 2, K: 2, H: 1 + hw/3, W: 1 + hw%3, R: rs[0], S: rs[1], StrideH: 1 + st/3, StrideW: 1 + st%3,
								PadH: pad / 2 * (rs[0] - 1) / 2, PadW: pad % 2 * (rs[1] - 1) / 2, DilH: 1 + r.Intn(2), DilW: 1 + r.Intn(2)}
							if dw {
								p.Groups = 2
							}
							if p.OutH() == 0 || p.OutW() == 0 {
								continue
							}
							checkConv(t, r, fast, ref, p, dw)
						}
					}
				}
			}
		}
	}
}

// checkConv compares fast's convolution of p (its depthwise kernels if
// depthwise), forward and both gradients (accumulated onto a non-zero
// start), with ref's on random operands.
func checkConv(t *testing.T, r *rand.Rand, fast, ref *Set, p Conv, depthwise bool) {
	t.Helper()
	fwd, bwdD, bwdF := fast.Conv2D, fast.Conv2DBackwardData, fast.Conv2DBackwardFilter
	if depthwise {
		fwd, bwdD, bwdF = fast.DepthwiseConv2D, fast.DepthwiseConv2DBackwardData, fast.DepthwiseConv2DBackwardFilter
	}
	nx, nw, ny := p.Sizes()
	x, w, dy := randSlice(r, nx), randSlice(r, nw), randSlice(r, ny)
	y1, y2 := make([]float32, ny), make([]float32, ny)
	fwd(p, x, w, y1)
	ref.Conv2D(p, x, w, y2)
	closeEnough(t, fmt.Sprintf("%s forward %+v", fast.Name, p), y1, y2, 1e-5)
	dx1, dx2 := randSlice(r, nx), make([]float32, nx)
	copy(dx2, dx1)
	bwdD(p, dy, w, dx1)
	ref.Conv2DBackwardData(p, dy, w, dx2)
	closeEnough(t, fmt.Sprintf("%s backward-data %+v", fast.Name, p), dx1, dx2, 1e-5)
	dw1, dw2 := randSlice(r, nw), make([]float32, nw)
	copy(dw2, dw1)
	bwdF(p, x, dy, dw1)
	ref.Conv2DBackwardFilter(p, x, dy, dw2)
	closeEnough(t, fmt.Sprintf("%s backward-filter %+v", fast.Name, p), dw1, dw2, 1e-5)
}
