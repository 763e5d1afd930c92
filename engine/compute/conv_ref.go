package compute

// convTaps calls f for every (input index, weight index, output index) triple
// of the convolution p, skipping taps that fall in the zero padding. It is the
// defining sum of a convolution written once for the three reference kernels.
func convTaps(p Conv, f func(xi, wi, yi int)) {
	oh, ow := p.OutH(), p.OutW()
	cg, kg := p.C/p.Groups, p.K/p.Groups
	for n := 0; n < p.N; n++ {
		for k := 0; k < p.K; k++ {
			g := k / kg
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					yi := ((n*p.K+k)*oh+y)*ow + x
					for c := 0; c < cg; c++ {
						for r := 0; r < p.R; r++ {
							ih := y*p.StrideH - p.PadH + r*p.DilH
							if ih < 0 || ih >= p.H {
								continue
							}
							for s := 0; s < p.S; s++ {
								iw := x*p.StrideW - p.PadW + s*p.DilW
								if iw < 0 || iw >= p.W {
									continue
								}
								f(((n*p.C+g*cg+c)*p.H+ih)*p.W+iw, ((k*cg+c)*p.R+r)*p.S+s, yi)
							}
						}
					}
				}
			}
		}
	}
}

// Conv2DRef is the reference Conv2D.
func Conv2DRef(p Conv, x, w, y []float32) {
	p = p.check(x, w, y, "Conv2DRef")
	_, _, ny := p.Sizes()
	acc := make([]float64, ny)
	convTaps(p, func(xi, wi, yi int) { acc[yi] += float64(x[xi]) * float64(w[wi]) })
	for i, v := range acc {
		y[i] = float32(v)
	}
}

// Conv2DBackwardDataRef is the reference Conv2DBackwardData.
func Conv2DBackwardDataRef(p Conv, dy, w, dx []float32) {
	p = p.check(dx, w, dy, "Conv2DBackwardDataRef")
	nx, _, _ := p.Sizes()
	acc := make([]float64, nx)
	convTaps(p, func(xi, wi, yi int) { acc[xi] += float64(dy[yi]) * float64(w[wi]) })
	for i, v := range acc {
		dx[i] += float32(v)
	}
}

// Conv2DBackwardFilterRef is the reference Conv2DBackwardFilter.
func Conv2DBackwardFilterRef(p Conv, x, dy, dw []float32) {
	p = p.check(x, dw, dy, "Conv2DBackwardFilterRef")
	_, nw, _ := p.Sizes()
	acc := make([]float64, nw)
	convTaps(p, func(xi, wi, yi int) { acc[wi] += float64(dy[yi]) * float64(x[xi]) })
	for i, v := range acc {
		dw[i] += float32(v)
	}
}
