package compute

// Convolution by im2col + GEMM. For each image and group the input patch
// matrix col [Cg·R·S, OH·OW] is built (row (c,r,s) holds the input pixels that
// weight (c,r,s) multiplies, zero where the tap hits padding), and then
//
//	forward:         y_g  = W_g · col            W_g [Kg, Cg·R·S]
//	backward-data:   dx_g += col2im(W_gᵀ · dy_g)
//	backward-filter: dW_g += dy_g · colᵀ
//
// A 1×1 convolution with stride 1 and no padding uses the input itself as col.

func (p Conv) pointwise() bool {
	return p.R == 1 && p.S == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0
}

// validRange returns the output columns [lo, hi) whose input column
// o·stride + off lies inside [0, size).
func validRange(off, stride, size, out int) (lo, hi int) {
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	if size-1-off >= 0 {
		hi = (size-1-off)/stride + 1
	}
	hi = min(hi, out)
	lo = min(lo, out)
	return lo, max(lo, hi)
}

// im2col writes the patch matrix of one group's input x [Cg, H, W].
func im2col(p Conv, cg int, x, col []float32) {
	oh, ow := p.OutH(), p.OutW()
	ohw := oh * ow
	for c := 0; c < cg; c++ {
		plane := x[c*p.H*p.W : (c+1)*p.H*p.W]
		for r := 0; r < p.R; r++ {
			for s := 0; s < p.S; s++ {
				row := col[((c*p.R+r)*p.S+s)*ohw : ((c*p.R+r)*p.S+s+1)*ohw]
				off := s*p.DilW - p.PadW
				lo, hi := validRange(off, p.StrideW, p.W, ow)
				for y := 0; y < oh; y++ {
					dst := row[y*ow : (y+1)*ow]
					ih := y*p.StrideH - p.PadH + r*p.DilH
					if ih < 0 || ih >= p.H || lo == hi { // a row of padding
						clear(dst)
						continue
					}
					src := plane[ih*p.W : (ih+1)*p.W]
					clear(dst[:lo])
					clear(dst[hi:])
					if p.StrideW == 1 {
						copy(dst[lo:hi], src[lo+off:hi+off])
						continue
					}
					for o := lo; o < hi; o++ {
						dst[o] = src[o*p.StrideW+off]
					}
				}
			}
		}
	}
}

// col2im adds the patch-matrix gradient col back into dx [Cg, H, W].
func col2im(p Conv, cg int, col, dx []float32) {
	oh, ow := p.OutH(), p.OutW()
	ohw := oh * ow
	for c := 0; c < cg; c++ {
		plane := dx[c*p.H*p.W : (c+1)*p.H*p.W]
		for r := 0; r < p.R; r++ {
			for s := 0; s < p.S; s++ {
				row := col[((c*p.R+r)*p.S+s)*ohw : ((c*p.R+r)*p.S+s+1)*ohw]
				off := s*p.DilW - p.PadW
				lo, hi := validRange(off, p.StrideW, p.W, ow)
				for y := 0; y < oh; y++ {
					ih := y*p.StrideH - p.PadH + r*p.DilH
					if ih < 0 || ih >= p.H || lo == hi {
						continue
					}
					src := row[y*ow+lo : y*ow+hi]
					dst := plane[ih*p.W : (ih+1)*p.W]
					if p.StrideW == 1 {
						dst = dst[lo+off : hi+off]
						for i, v := range src {
							dst[i] += v
						}
						continue
					}
					for i, v := range src {
						dst[(lo+i)*p.StrideW+off] += v
					}
				}
			}
		}
	}
}

func (ws *workspace) conv2D(p Conv, x, w, y []float32) {
	p = p.check(x, w, y, "Conv2D")
	cg, kg := p.C/p.Groups, p.K/p.Groups
	ckk, ohw, hw := cg*p.R*p.S, p.OutH()*p.OutW(), p.H*p.W
	for n := 0; n < p.N; n++ {
		for g := 0; g < p.Groups; g++ {
			xg := x[(n*p.C+g*cg)*hw : (n*p.C+(g+1)*cg)*hw]
			col := xg
			if !p.pointwise() {
				col = grow(&ws.col, ckk*ohw)
				ws.i2c(p, cg, xg, col)
			}
			yg := y[(n*p.K+g*kg)*ohw : (n*p.K+(g+1)*kg)*ohw]
			ws.mm(false, false, kg, ohw, ckk, 1, w[g*kg*ckk:(g+1)*kg*ckk], ckk, col, ohw, 0, yg, ohw)
		}
	}
}

func (ws *workspace) conv2DBackwardData(p Conv, dy, w, dx []float32) {
	p = p.check(dx, w, dy, "Conv2DBackwardData")
	cg, kg := p.C/p.Groups, p.K/p.Groups
	ckk, ohw, hw := cg*p.R*p.S, p.OutH()*p.OutW(), p.H*p.W
	for n := 0; n < p.N; n++ {
		for g := 0; g < p.Groups; g++ {
			dxg := dx[(n*p.C+g*cg)*hw : (n*p.C+(g+1)*cg)*hw]
			dyg := dy[(n*p.K+g*kg)*ohw : (n*p.K+(g+1)*kg)*ohw]
			wg := w[g*kg*ckk : (g+1)*kg*ckk]
			if p.pointwise() {
				ws.mm(true, false, ckk, ohw, kg, 1, wg, ckk, dyg, ohw, 1, dxg, ohw)
				continue
			}
			col := grow(&ws.col, ckk*ohw)
			ws.mm(true, false, ckk, ohw, kg, 1, wg, ckk, dyg, ohw, 0, col, ohw)
			ws.c2i(p, cg, col, dxg)
		}
	}
}

func (ws *workspace) conv2DBackwardFilter(p Conv, x, dy, dw []float32) {
	p = p.check(x, dw, dy, "Conv2DBackwardFilter")
	cg, kg := p.C/p.Groups, p.K/p.Groups
	ckk, ohw, hw := cg*p.R*p.S, p.OutH()*p.OutW(), p.H*p.W
	for n := 0; n < p.N; n++ {
		for g := 0; g < p.Groups; g++ {
			xg := x[(n*p.C+g*cg)*hw : (n*p.C+(g+1)*cg)*hw]
			col := xg
			if !p.pointwise() {
				col = grow(&ws.col, ckk*ohw)
				ws.i2c(p, cg, xg, col)
			}
			dyg := dy[(n*p.K+g*kg)*ohw : (n*p.K+(g+1)*kg)*ohw]
			ws.mm(false, true, kg, ckk, ohw, 1, dyg, ohw, col, ohw, 1, dw[g*kg*ckk:(g+1)*kg*ckk], ckk)
		}
	}
}
