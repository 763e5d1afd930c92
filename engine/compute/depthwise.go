package compute

// Direct depthwise convolution (Groups == C == K): each channel plane is
// convolved with its own R×S filter. The loops run over taps (r, s) outside and
// output rows inside, so each inner loop is a strided axpy or dot over one row
// with the padding range computed once (validRange).

func depthwiseCheck(p Conv, x, w, y []float32, name string) Conv {
	p = p.check(x, w, y, name)
	if !p.Depthwise() {
		panic("kernel: " + name + ": not a depthwise convolution")
	}
	return p
}

// DepthwiseConv2D is the Go depthwise forward kernel.
func DepthwiseConv2D(p Conv, x, w, y []float32) {
	p = depthwiseCheck(p, x, w, y, "DepthwiseConv2D")
	oh, ow := p.OutH(), p.OutW()
	hw, ohw, rs := p.H*p.W, oh*ow, p.R*p.S
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			xp := x[(n*p.C+c)*hw : (n*p.C+c+1)*hw]
			yp := y[(n*p.C+c)*ohw : (n*p.C+c+1)*ohw]
			wc := w[c*rs : (c+1)*rs]
			clear(yp)
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					wv := wc[r*p.S+s]
					off := s*p.DilW - p.PadW
					lo, hi := validRange(off, p.StrideW, p.W, ow)
					for oy := 0; oy < oh; oy++ {
						ih := oy*p.StrideH - p.PadH + r*p.DilH
						if ih < 0 || ih >= p.H || lo == hi {
							continue
						}
						dst := yp[oy*ow+lo : oy*ow+hi]
						if p.StrideW == 1 {
							src := xp[ih*p.W+lo+off : ih*p.W+hi+off]
							src = src[:len(dst)]
							for i, v := range src {
								dst[i] += wv * v
							}
							continue
						}
						src := xp[ih*p.W : (ih+1)*p.W]
						for i := range dst {
							dst[i] += wv * src[(lo+i)*p.StrideW+off]
						}
					}
				}
			}
		}
	}
}

// DepthwiseConv2DBackwardData is the Go depthwise backward-data kernel.
func DepthwiseConv2DBackwardData(p Conv, dy, w, dx []float32) {
	p = depthwiseCheck(p, dx, w, dy, "DepthwiseConv2DBackwardData")
	oh, ow := p.OutH(), p.OutW()
	hw, ohw, rs := p.H*p.W, oh*ow, p.R*p.S
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			xp := dx[(n*p.C+c)*hw : (n*p.C+c+1)*hw]
			yp := dy[(n*p.C+c)*ohw : (n*p.C+c+1)*ohw]
			wc := w[c*rs : (c+1)*rs]
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					wv := wc[r*p.S+s]
					off := s*p.DilW - p.PadW
					lo, hi := validRange(off, p.StrideW, p.W, ow)
					for oy := 0; oy < oh; oy++ {
						ih := oy*p.StrideH - p.PadH + r*p.DilH
						if ih < 0 || ih >= p.H || lo == hi {
							continue
						}
						src := yp[oy*ow+lo : oy*ow+hi]
						if p.StrideW == 1 {
							dst := xp[ih*p.W+lo+off : ih*p.W+hi+off]
							dst = dst[:len(src)]
							for i, v := range src {
								dst[i] += wv * v
							}
							continue
						}
						dst := xp[ih*p.W : (ih+1)*p.W]
						for i, v := range src {
							dst[(lo+i)*p.StrideW+off] += wv * v
						}
					}
				}
			}
		}
	}
}

// DepthwiseConv2DBackwardFilter is the Go depthwise backward-filter kernel.
func DepthwiseConv2DBackwardFilter(p Conv, x, dy, dw []float32) {
	p = depthwiseCheck(p, x, dw, dy, "DepthwiseConv2DBackwardFilter")
	oh, ow := p.OutH(), p.OutW()
	hw, ohw, rs := p.H*p.W, oh*ow, p.R*p.S
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			xp := x[(n*p.C+c)*hw : (n*p.C+c+1)*hw]
			yp := dy[(n*p.C+c)*ohw : (n*p.C+c+1)*ohw]
			wc := dw[c*rs : (c+1)*rs]
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					off := s*p.DilW - p.PadW
					lo, hi := validRange(off, p.StrideW, p.W, ow)
					var acc float32
					for oy := 0; oy < oh; oy++ {
						ih := oy*p.StrideH - p.PadH + r*p.DilH
						if ih < 0 || ih >= p.H || lo == hi {
							continue
						}
						g := yp[oy*ow+lo : oy*ow+hi]
						if p.StrideW == 1 {
							src := xp[ih*p.W+lo+off : ih*p.W+hi+off]
							src = src[:len(g)]
							for i, v := range g {
								acc += v * src[i]
							}
							continue
						}
						src := xp[ih*p.W : (ih+1)*p.W]
						for i, v := range g {
							acc += v * src[(lo+i)*p.StrideW+off]
						}
					}
					wc[r*p.S+s] += acc
				}
			}
		}
	}
}
