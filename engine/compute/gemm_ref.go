package compute

import "fmt"

func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	bad := func(s []float32, r, c, ld int) bool {
		return r > 0 && c > 0 && (ld < c || len(s) < (r-1)*ld+c)
	}
	if m < 0 || n < 0 || k < 0 || bad(a, ar, ac, lda) || bad(b, br, bc, ldb) || bad(c, m, n, ldc) {
		panic(fmt.Sprintf("kernel: gemm m=%d n=%d k=%d transA=%v transB=%v: len(a)=%d lda=%d len(b)=%d ldb=%d len(c)=%d ldc=%d",
			m, n, k, transA, transB, len(a), lda, len(b), ldb, len(c), ldc))
	}
}

// GemmRef is the reference GemmFunc: the defining triple loop with float64
// accumulation.
func GemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			v := float32(float64(alpha) * s)
			if beta != 0 {
				v += beta * c[i*ldc+j]
			}
			c[i*ldc+j] = v
		}
	}
}
