package compute

import "math"

// Go pooling kernels: the window of each output is clipped to the image once
// (hs..he, ws..we) instead of testing every tap.

func (p Pool) window(y, x int) (hs, he, ws, we int) {
	hs, ws = y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
	he, we = min(hs+p.KH, p.H), min(ws+p.KW, p.W)
	return max(hs, 0), he, max(ws, 0), we
}

// pair2 reports whether p is the common 2×2, stride 2, unpadded pool, which
// has a fast path.
func (p Pool) pair2() bool {
	return p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0
}

// MaxPool2D is the Go max-pool forward kernel.
func MaxPool2D(p Pool, x, y []float32) {
	p = p.check(x, y, "MaxPool2D")
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	if p.pair2() {
		for nc := 0; nc < p.N*p.C; nc++ {
			for oy := 0; oy < oh; oy++ {
				r0 := x[nc*hw+2*oy*p.W : nc*hw+2*oy*p.W+2*ow]
				r1 := x[nc*hw+(2*oy+1)*p.W : nc*hw+(2*oy+1)*p.W+2*ow]
				out := y[(nc*oh+oy)*ow : (nc*oh+oy+1)*ow]
				for o := range out {
					out[o] = max(r0[2*o], r0[2*o+1], r1[2*o], r1[2*o+1])
				}
			}
		}
		return
	}
	for nc := 0; nc < p.N*p.C; nc++ {
		plane := x[nc*hw : (nc+1)*hw]
		out := y[nc*oh*ow : (nc+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				hs, he, ws, we := p.window(oy, ox)
				m := float32(math.Inf(-1))
				for i := hs; i < he; i++ {
					for _, v := range plane[i*p.W+ws : i*p.W+we] {
						if v > m {
							m = v
						}
					}
				}
				out[oy*ow+ox] = m
			}
		}
	}
}

// MaxPool2DBackward is the Go max-pool backward kernel.
func MaxPool2DBackward(p Pool, x, dy, dx []float32) {
	p = p.check(x, dy, "MaxPool2DBackward")
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	if p.pair2() {
		for nc := 0; nc < p.N*p.C; nc++ {
			for oy := 0; oy < oh; oy++ {
				o0, o1 := nc*hw+2*oy*p.W, nc*hw+(2*oy+1)*p.W
				r0, r1 := x[o0:o0+2*ow], x[o1:o1+2*ow]
				d0, d1 := dx[o0:o0+2*ow], dx[o1:o1+2*ow]
				g := dy[(nc*oh+oy)*ow : (nc*oh+oy+1)*ow]
				for o, gv := range g {
					// First maximum in row-major window order, as the reference.
					m, at, row := r0[2*o], 2*o, d0
					if v := r0[2*o+1]; v > m {
						m, at = v, 2*o+1
					}
					if v := r1[2*o]; v > m {
						m, at, row = v, 2*o, d1
					}
					if v := r1[2*o+1]; v > m {
						at, row = 2*o+1, d1
					}
					row[at] += gv
				}
			}
		}
		return
	}
	for nc := 0; nc < p.N*p.C; nc++ {
		plane := x[nc*hw : (nc+1)*hw]
		dplane := dx[nc*hw : (nc+1)*hw]
		g := dy[nc*oh*ow : (nc+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				hs, he, ws, we := p.window(oy, ox)
				m, at := float32(math.Inf(-1)), hs*p.W+ws
				for i := hs; i < he; i++ {
					for j := ws; j < we; j++ {
						if v := plane[i*p.W+j]; v > m {
							m, at = v, i*p.W+j
						}
					}
				}
				dplane[at] += g[oy*ow+ox]
			}
		}
	}
}

// AvgPool2D is the Go average-pool forward kernel (count_include_pad=False).
func AvgPool2D(p Pool, x, y []float32) {
	p = p.check(x, y, "AvgPool2D")
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	for nc := 0; nc < p.N*p.C; nc++ {
		plane := x[nc*hw : (nc+1)*hw]
		out := y[nc*oh*ow : (nc+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				hs, he, ws, we := p.window(oy, ox)
				var s float32
				for i := hs; i < he; i++ {
					for _, v := range plane[i*p.W+ws : i*p.W+we] {
						s += v
					}
				}
				out[oy*ow+ox] = s / float32((he-hs)*(we-ws))
			}
		}
	}
}

// AvgPool2DBackward is the Go average-pool backward kernel.
func AvgPool2DBackward(p Pool, dy, dx []float32) {
	p = p.check(dx, dy, "AvgPool2DBackward")
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	for nc := 0; nc < p.N*p.C; nc++ {
		dplane := dx[nc*hw : (nc+1)*hw]
		g := dy[nc*oh*ow : (nc+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				hs, he, ws, we := p.window(oy, ox)
				v := g[oy*ow+ox] / float32((he-hs)*(we-ws))
				for i := hs; i < he; i++ {
					row := dplane[i*p.W+ws : i*p.W+we]
					for j := range row {
						row[j] += v
					}
				}
			}
		}
	}
}
