package compute

import "math"

// poolWindows calls f for each output element with the input indices of its
// window that lie inside the image (padding excluded).
func poolWindows(p Pool, f func(yi int, xs []int)) {
	oh, ow := p.OutH(), p.OutW()
	var xs []int
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					xs = xs[:0]
					for i := 0; i < p.KH; i++ {
						for j := 0; j < p.KW; j++ {
							ih, iw := y*p.StrideH-p.PadH+i, x*p.StrideW-p.PadW+j
							if ih >= 0 && ih < p.H && iw >= 0 && iw < p.W {
								xs = append(xs, ((n*p.C+c)*p.H+ih)*p.W+iw)
							}
						}
					}
					f(((n*p.C+c)*oh+y)*ow+x, xs)
				}
			}
		}
	}
}

func argmax(x []float32, xs []int) int {
	best, m := xs[0], float32(math.Inf(-1))
	for _, i := range xs {
		if x[i] > m {
			best, m = i, x[i]
		}
	}
	return best
}

// MaxPool2DRef is the reference MaxPool2D.
func MaxPool2DRef(p Pool, x, y []float32) {
	p = p.check(x, y, "MaxPool2DRef")
	poolWindows(p, func(yi int, xs []int) { y[yi] = x[argmax(x, xs)] })
}

// MaxPool2DBackwardRef is the reference MaxPool2DBackward.
func MaxPool2DBackwardRef(p Pool, x, dy, dx []float32) {
	p = p.check(x, dy, "MaxPool2DBackwardRef")
	poolWindows(p, func(yi int, xs []int) { dx[argmax(x, xs)] += dy[yi] })
}

// AvgPool2DRef is the reference AvgPool2D.
func AvgPool2DRef(p Pool, x, y []float32) {
	p = p.check(x, y, "AvgPool2DRef")
	poolWindows(p, func(yi int, xs []int) {
		var s float64
		for _, i := range xs {
			s += float64(x[i])
		}
		y[yi] = float32(s / float64(len(xs)))
	})
}

// AvgPool2DBackwardRef is the reference AvgPool2DBackward.
func AvgPool2DBackwardRef(p Pool, dy, dx []float32) {
	p = p.check(dx, dy, "AvgPool2DBackwardRef")
	poolWindows(p, func(yi int, xs []int) {
		g := dy[yi] / float32(len(xs))
		for _, i := range xs {
			dx[i] += g
		}
	})
}
