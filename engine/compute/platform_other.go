//go:build !js

package compute

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// platformSet is the Go kernels with gonum's GEMM under the convolutions
// and linear layers (Native).
func platformSet() *Set { return Native() }

// Native returns the Go kernels with gonum's Sgemm for the products large
// enough to repay it: its inner loops are assembly on amd64 and arm64 and it
// spreads blocks of C over goroutines, each block summed in one fixed order,
// so results do not depend on GOMAXPROCS. Natively this is about twice the
// Go GEMM's speed on one core.
func Native() *Set {
	s := Go()
	ws := &workspace{i2c: im2col, c2i: col2im}
	ws.mm = ws.gonumGemm
	s.Name = "go+gonum"
	s.Gemm = ws.gonumGemm
	s.Conv2D, s.Conv2DBackwardData, s.Conv2DBackwardFilter = ws.conv2D, ws.conv2DBackwardData, ws.conv2DBackwardFilter
	return s
}

func (ws *workspace) gonumGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || alpha == 0 || k <= 2 || m*n*k <= 4096 {
		ws.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
