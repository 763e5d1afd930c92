package compute

// The Go GEMM follows the Goto/BLIS scheme: C is computed in blocks of
// gemmMC×gemmNC over slices of gemmKC of the shared dimension. For each block
// op(B) is packed into column panels gemmNR wide and alpha·op(A) into row
// panels gemmMR tall, both laid out so that the micro-kernel reads them
// sequentially, whatever the transposes were. The micro-kernel keeps a
// gemmMR×gemmNR tile of C in 12 scalar accumulators, which fits the 15 float
// registers the Go amd64 ABI leaves free (4×4 spills and is slower).

const (
	gemmMR = 4
	gemmNR = 3
	gemmKC = 256
	gemmMC = 128
	gemmNC = 1536
)

// gemm is the Go GemmFunc. See GemmFunc for the contract.
func (ws *workspace) gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if alpha == 0 || k == 0 {
		return
	}
	if m*n*k <= 4096 || k <= 2 {
		gemmSmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc)
		return
	}
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			pb := grow(&ws.packB, (nc+gemmNR-1)/gemmNR*gemmNR*kc)
			packB(transB, b, ldb, pc, jc, kc, nc, pb)
			for ic := 0; ic < m; ic += gemmMC {
				mc := min(gemmMC, m-ic)
				pa := grow(&ws.packA, (mc+gemmMR-1)/gemmMR*gemmMR*kc)
				packA(transA, a, lda, ic, pc, mc, kc, alpha, pa)
				macroKernel(mc, nc, kc, pa, pb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemmSmall handles products too small to repay packing: C += alpha·op(A)·op(B).
func gemmSmall(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = alpha * a[p*lda+i]
			} else {
				av = alpha * a[i*lda+p]
			}
			if av == 0 {
				continue
			}
			if !transB {
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					crow[j] += av * bv
				}
			} else {
				for j := range crow {
					crow[j] += av * b[j*ldb+p]
				}
			}
		}
	}
}

// packA writes alpha·op(A)[ic:ic+mc, pc:pc+kc] as row panels of gemmMR:
// panel q holds, for each p, the gemmMR values op(A)[ic+q·MR+r, pc+p], with
// rows past mc zero.
func packA(transA bool, a []float32, lda, ic, pc, mc, kc int, alpha float32, dst []float32) {
	for q := 0; q < mc; q += gemmMR {
		mr := min(gemmMR, mc-q)
		panel := dst[q*kc : (q+gemmMR)*kc]
		if !transA {
			for r := 0; r < gemmMR; r++ {
				if r >= mr {
					for p := 0; p < kc; p++ {
						panel[p*gemmMR+r] = 0
					}
					continue
				}
				src := a[(ic+q+r)*lda+pc : (ic+q+r)*lda+pc+kc]
				for p, v := range src {
					panel[p*gemmMR+r] = alpha * v
				}
			}
			continue
		}
		for p := 0; p < kc; p++ {
			src := a[(pc+p)*lda+ic+q:]
			d := panel[p*gemmMR : p*gemmMR+gemmMR]
			if mr == gemmMR {
				d[0], d[1], d[2], d[3] = alpha*src[0], alpha*src[1], alpha*src[2], alpha*src[3]
				continue
			}
			for r := range d {
				d[r] = 0
				if r < mr {
					d[r] = alpha * src[r]
				}
			}
		}
	}
}

// packB writes op(B)[pc:pc+kc, jc:jc+nc] as column panels of gemmNR: panel q
// holds, for each p, the gemmNR values op(B)[pc+p, jc+q·NR+j], with columns
// past nc zero.
func packB(transB bool, b []float32, ldb, pc, jc, kc, nc int, dst []float32) {
	for q := 0; q < nc; q += gemmNR {
		nr := min(gemmNR, nc-q)
		panel := dst[q*kc : (q+gemmNR)*kc]
		if !transB {
			if nr == gemmNR {
				for p := 0; p < kc; p++ {
					src := b[(pc+p)*ldb+jc+q : (pc+p)*ldb+jc+q+gemmNR]
					d := panel[p*gemmNR : p*gemmNR+gemmNR]
					d[0], d[1], d[2] = src[0], src[1], src[2]
				}
				continue
			}
			for p := 0; p < kc; p++ {
				d := panel[p*gemmNR : p*gemmNR+gemmNR]
				for j := range d {
					d[j] = 0
					if j < nr {
						d[j] = b[(pc+p)*ldb+jc+q+j]
					}
				}
			}
			continue
		}
		for j := 0; j < gemmNR; j++ {
			if j >= nr {
				for p := 0; p < kc; p++ {
					panel[p*gemmNR+j] = 0
				}
				continue
			}
			src := b[(jc+q+j)*ldb+pc : (jc+q+j)*ldb+pc+kc]
			for p, v := range src {
				panel[p*gemmNR+j] = v
			}
		}
	}
}

// macroKernel adds the product of a packed mc×kc block of A and a packed
// kc×nc block of B into C.
func macroKernel(mc, nc, kc int, pa, pb []float32, c []float32, ldc int) {
	var tile [gemmMR * gemmNR]float32
	for jr := 0; jr < nc; jr += gemmNR {
		nr := min(gemmNR, nc-jr)
		bp := pb[jr*kc : (jr+gemmNR)*kc]
		for ir := 0; ir < mc; ir += gemmMR {
			mr := min(gemmMR, mc-ir)
			ap := pa[ir*kc : (ir+gemmMR)*kc]
			if mr == gemmMR && nr == gemmNR {
				microKernel(kc, ap, bp, c[ir*ldc+jr:], ldc)
				continue
			}
			clear(tile[:])
			microKernel(kc, ap, bp, tile[:], gemmNR)
			for i := 0; i < mr; i++ {
				for j := 0; j < nr; j++ {
					c[(ir+i)*ldc+jr+j] += tile[i*gemmNR+j]
				}
			}
		}
	}
}

// microKernel adds the 4×3 product of panels ap (kc×4) and bp (kc×3) into
// c[0:3], c[ldc:ldc+3], c[2·ldc:...], c[3·ldc:...].
func microKernel(kc int, ap, bp []float32, c []float32, ldc int) {
	var c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32 float32
	ap = ap[:kc*gemmMR]
	bp = bp[:kc*gemmNR]
	for len(ap) >= 4 && len(bp) >= 3 {
		b0, b1, b2 := bp[0], bp[1], bp[2]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 := ap[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		a3 := ap[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		ap = ap[4:]
		bp = bp[3:]
	}
	r := c[0:3:3]
	r[0] += c00
	r[1] += c01
	r[2] += c02
	r = c[ldc : ldc+3 : ldc+3]
	r[0] += c10
	r[1] += c11
	r[2] += c12
	r = c[2*ldc : 2*ldc+3 : 2*ldc+3]
	r[0] += c20
	r[1] += c21
	r[2] += c22
	r = c[3*ldc : 3*ldc+3 : 3*ldc+3]
	r[0] += c30
	r[1] += c31
	r[2] += c32
}
