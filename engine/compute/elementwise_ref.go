package compute

// Reference element-wise kernels, following the definitions in Set's
// comments with float64 sums.

// ReLURef writes y = max(x, 0), NaN kept.
func ReLURef(x, y []float32) {
	for i := range y {
		y[i] = x[i]
		if x[i] < 0 {
			y[i] = 0
		}
	}
}

// ReLUBackwardRef accumulates dx += dy where x > 0.
func ReLUBackwardRef(x, dy, dx []float32) {
	for i := range dx {
		if x[i] > 0 {
			dx[i] += dy[i]
		}
	}
}

// AddChannelsRef adds b[c] to channel c of y [N, C, HW].
func AddChannelsRef(p Channels, b, y []float32) {
	for i := 0; i < p.N*p.C*p.HW; i++ {
		y[i] += b[i/p.HW%p.C]
	}
}

// SumChannelsRef accumulates Σ over N and HW of x [N, C, HW] into dst [C].
func SumChannelsRef(p Channels, x, dst []float32) {
	for c := 0; c < p.C; c++ {
		var s float64
		for n := 0; n < p.N; n++ {
			for _, v := range x[(n*p.C+c)*p.HW : (n*p.C+c+1)*p.HW] {
				s += float64(v)
			}
		}
		dst[c] = float32(float64(dst[c]) + s)
	}
}

// AxpyRef accumulates y += a·x.
func AxpyRef(a float32, x, y []float32) {
	for i := range y {
		y[i] = float32(float64(y[i]) + float64(a)*float64(x[i]))
	}
}

// BiasReLURef writes y = max(y + b[c], 0) for channel c of y [N, C, HW]
// (b nil: no bias), NaN kept.
func BiasReLURef(p Channels, b, y []float32) {
	for i := 0; i < p.N*p.C*p.HW; i++ {
		if b != nil {
			y[i] += b[i/p.HW%p.C]
		}
		if y[i] < 0 {
			y[i] = 0
		}
	}
}

// ReLUMaskRef writes dx = dy where y > 0, else 0.
func ReLUMaskRef(y, dy, dx []float32) {
	for i := range dx {
		dx[i] = 0
		if y[i] > 0 {
			dx[i] = dy[i]
		}
	}
}
