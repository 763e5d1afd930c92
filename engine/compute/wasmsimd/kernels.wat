;; nasbook's WebAssembly SIMD kernels (f32x4). See doc.go for the calling
;; convention: every pointer is a byte offset into the Go module's memory,
;; which this module imports; strides and sizes are in elements.
;;
;; The export names and signatures are an interface: engine/compute's
;; simd_js.go declares each of them with //go:wasmimport.
(module
  (import "env" "memory" (memory 0))

  ;; Blocking of the GEMM (Goto/BLIS, as the Go GEMM): C is updated in blocks
  ;; of MC×NC over slices of KC of the shared dimension; the micro-kernel keeps
  ;; a 4×8 tile of C in eight f32x4 accumulators. The workspace ws holds
  ;;   [0, 128)                       a 4×8 tile for edge blocks
  ;;   [128, 128 + 4·MC·KC)           packed A, row panels of 4
  ;;   [.., .. + 4·KC·NC)             packed B, column panels of 8
  ;; MC = 64, KC = 256, NC = 512; engine/compute sizes ws to match.

  ;; gemm: C = alpha·op(A)·op(B) + beta·C (see compute.GemmFunc). a, b, c, ws
  ;; are byte offsets; m, n, k ≥ 1.
  (func $gemm (export "gemm")
    (param $ta i32) (param $tb i32) (param $m i32) (param $n i32) (param $k i32)
    (param $alpha f32) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $beta f32) (param $c i32) (param $ldc i32) (param $ws i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $pa i32) (local $pb i32)
    ;; A·Bᵀ with a long shared dimension: dot products of rows, no packing.
    (if (i32.and (i32.and (i32.eqz (local.get $ta)) (local.get $tb)) (i32.ge_s (local.get $k) (i32.const 32)))
      (then
        (call $scale_c (local.get $m) (local.get $n) (local.get $beta) (local.get $c) (local.get $ldc))
        (if (f32.eq (local.get $alpha) (f32.const 0)) (then (return)))
        (call $gemm_nt (local.get $m) (local.get $n) (local.get $k) (local.get $alpha) (local.get $a) (local.get $lda)
          (local.get $b) (local.get $ldb) (local.get $c) (local.get $ldc) (local.get $ws))
        (return)))
    ;; With beta 0 the first slice of k stores its products into C instead of
    ;; adding them, so C is neither cleared first nor read.
    (if (i32.or (f32.ne (local.get $beta) (f32.const 0)) (f32.eq (local.get $alpha) (f32.const 0)))
      (then (call $scale_c (local.get $m) (local.get $n) (local.get $beta) (local.get $c) (local.get $ldc))))
    (if (f32.eq (local.get $alpha) (f32.const 0)) (then (return)))
    (local.set $pa (i32.add (local.get $ws) (i32.const 128)))
    (local.set $pb (i32.add (local.get $pa) (i32.const 65536))) ;; 4·MC·KC
    (local.set $jc (i32.const 0))
    (loop $jl
      (local.set $nc (call $min (i32.const 512) (i32.sub (local.get $n) (local.get $jc))))
      (local.set $pc (i32.const 0))
      (loop $pl
        (local.set $kc (call $min (i32.const 256) (i32.sub (local.get $k) (local.get $pc))))
        (call $pack_b (local.get $tb) (local.get $b) (local.get $ldb) (local.get $pc) (local.get $jc)
          (local.get $kc) (local.get $nc) (local.get $pb))
        (local.set $ic (i32.const 0))
        (loop $il
          (local.set $mc (call $min (i32.const 64) (i32.sub (local.get $m) (local.get $ic))))
          (call $pack_a (local.get $ta) (local.get $a) (local.get $lda) (local.get $ic) (local.get $pc)
            (local.get $mc) (local.get $kc) (local.get $alpha) (local.get $pa))
          (call $macro (local.get $mc) (local.get $nc) (local.get $kc) (local.get $pa) (local.get $pb)
            (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $ldc)) (local.get $jc)) (i32.const 2)))
            (local.get $ldc) (local.get $ws)
            (i32.or (f32.ne (local.get $beta) (f32.const 0)) (i32.ne (local.get $pc) (i32.const 0))))
          (br_if $il (i32.lt_s (local.tee $ic (i32.add (local.get $ic) (i32.const 64))) (local.get $m))))
        (br_if $pl (i32.lt_s (local.tee $pc (i32.add (local.get $pc) (i32.const 256))) (local.get $k))))
      (br_if $jl (i32.lt_s (local.tee $jc (i32.add (local.get $jc) (i32.const 512))) (local.get $n)))))

;; gemm_nt adds alpha·A·Bᵀ into C for row-major A (m×k) and B (n×k), where
  ;; both operands run along k in memory: the gradient of a convolution's
  ;; filter (dy · colᵀ) and a linear layer's forward (x · wᵀ). Packing them
  ;; for the micro-kernel would transpose both; instead each 2×4 block of C
  ;; is 8 dot products of rows, f32x4 along k (dot24), so nothing is copied.
  ;; Past the last row or column, the block repeats the last one and drops
  ;; its results.
  (func $gemm_nt (param $m i32) (param $n i32) (param $k i32) (param $alpha f32) (param $a i32) (param $lda i32)
    (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $ws i32)
    (local $i i32) (local $j i32) (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $ldb4 i32)
    (local $cp i32) (local $va v128) (local $l i32) (local $nr i32)
    (local.set $ldb4 (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $a0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
      (local.set $a1 (select (i32.add (local.get $a0) (i32.shl (local.get $lda) (i32.const 2))) (local.get $a0)
        (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb4))))
        (local.set $nr (call $min (i32.const 4) (i32.sub (local.get $n) (local.get $j))))
        (if (i32.eq (local.get $nr) (i32.const 1))
          (then (call $dot21 (local.get $a0) (local.get $a1) (local.get $b0) (local.get $k) (local.get $ws)))
          (else
            (call $dot24 (local.get $a0) (local.get $a1) (local.get $b0)
              (select (i32.add (local.get $b0) (local.get $ldb4)) (local.get $b0) (i32.gt_s (local.get $nr) (i32.const 1)))
              (select (i32.add (local.get $b0) (i32.shl (local.get $ldb4) (i32.const 1))) (local.get $b0) (i32.gt_s (local.get $nr) (i32.const 2)))
              (select (i32.add (local.get $b0) (i32.mul (local.get $ldb4) (i32.const 3))) (local.get $b0) (i32.gt_s (local.get $nr) (i32.const 3)))
              (local.get $k) (local.get $ws))))
        ;; C[i, j:j+4] += alpha·ws[0:4], and C[i+1, j:j+4] += alpha·ws[4:8].
        (local.set $l (i32.const 0))
        (loop $two
          (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add
            (i32.mul (i32.add (local.get $i) (local.get $l)) (local.get $ldc)) (local.get $j)) (i32.const 2))))
          (if (i32.eq (local.get $nr) (i32.const 4))
            (then (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp))
              (f32x4.mul (local.get $va) (v128.load (i32.add (local.get $ws) (i32.shl (local.get $l) (i32.const 4))))))))
            (else
              (f32.store (local.get $cp) (f32.add (f32.load (local.get $cp))
                (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $ws) (i32.shl (local.get $l) (i32.const 4)))))))
              (if (i32.gt_s (local.get $nr) (i32.const 1)) (then
                (f32.store offset=4 (local.get $cp) (f32.add (f32.load offset=4 (local.get $cp))
                  (f32.mul (local.get $alpha) (f32.load offset=4 (i32.add (local.get $ws) (i32.shl (local.get $l) (i32.const 4)))))))))
              (if (i32.gt_s (local.get $nr) (i32.const 2)) (then
                (f32.store offset=8 (local.get $cp) (f32.add (f32.load offset=8 (local.get $cp))
                  (f32.mul (local.get $alpha) (f32.load offset=8 (i32.add (local.get $ws) (i32.shl (local.get $l) (i32.const 4)))))))))))
          (br_if $two (i32.and (i32.eqz (local.get $l))
            (i32.lt_s (i32.add (local.get $i) (local.tee $l (i32.add (local.get $l) (i32.const 1)))) (local.get $m)))))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $n))))
      (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 2))) (local.get $m)))))

  ;; dot24 writes at out the dot products of the rows a0 and a1 with the rows
  ;; b0..b3, k floats each: out[0:4] for a0, out[4:8] for a1. Each of the
  ;; eight is summed in four lanes along k, the lanes added at the end.
  (func $dot24 (param $a0 i32) (param $a1 i32) (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $b3 i32)
    (param $k i32) (param $out i32)
    (local $p i32) (local $end i32) (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $end (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $p))))
      (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $p))))
      (local.set $y (v128.load (i32.add (local.get $b0) (local.get $p))))
      (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
      (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
      (local.set $y (v128.load (i32.add (local.get $b1) (local.get $p))))
      (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
      (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
      (local.set $y (v128.load (i32.add (local.get $b2) (local.get $p))))
      (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
      (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
      (local.set $y (v128.load (i32.add (local.get $b3) (local.get $p))))
      (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
      (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (local.set $s00 (call $hsum4 (local.get $s00) (local.get $s01) (local.get $s02) (local.get $s03)))
    (local.set $s10 (call $hsum4 (local.get $s10) (local.get $s11) (local.get $s12) (local.get $s13)))
    ;; The last k mod 4 products, lane j taking b_j's.
    (local.set $end (i32.shl (local.get $k) (i32.const 2)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $y (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1
        (f32x4.splat (f32.load (i32.add (local.get $b0) (local.get $p))))
        (f32.load (i32.add (local.get $b1) (local.get $p))))
        (f32.load (i32.add (local.get $b2) (local.get $p))))
        (f32.load (i32.add (local.get $b3) (local.get $p)))))
      (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (v128.load32_splat (i32.add (local.get $a0) (local.get $p))) (local.get $y))))
      (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (v128.load32_splat (i32.add (local.get $a1) (local.get $p))) (local.get $y))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl)))
    (v128.store (local.get $out) (local.get $s00))
    (v128.store offset=16 (local.get $out) (local.get $s10)))

;; dot21 is dot24 for one row b0: it writes out[0] and out[4] only, summed
  ;; in the same order as dot24's lanes, so a column gets the same bits
  ;; whichever of the two computes it.
  (func $dot21 (param $a0 i32) (param $a1 i32) (param $b0 i32) (param $k i32) (param $out i32)
    (local $p i32) (local $end i32) (local $y v128) (local $s0 v128) (local $s1 v128)
    (local $t0 f32) (local $t1 f32) (local $bv f32)
    (local.set $end (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $y (v128.load (i32.add (local.get $b0) (local.get $p))))
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (i32.add (local.get $a0) (local.get $p))) (local.get $y))))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load (i32.add (local.get $a1) (local.get $p))) (local.get $y))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (local.set $t0 (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 2 (local.get $s0)))
      (f32.add (f32x4.extract_lane 1 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
    (local.set $t1 (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s1)) (f32x4.extract_lane 2 (local.get $s1)))
      (f32.add (f32x4.extract_lane 1 (local.get $s1)) (f32x4.extract_lane 3 (local.get $s1)))))
    (local.set $end (i32.shl (local.get $k) (i32.const 2)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $bv (f32.load (i32.add (local.get $b0) (local.get $p))))
      (local.set $t0 (f32.add (local.get $t0) (f32.mul (f32.load (i32.add (local.get $a0) (local.get $p))) (local.get $bv))))
      (local.set $t1 (f32.add (local.get $t1) (f32.mul (f32.load (i32.add (local.get $a1) (local.get $p))) (local.get $bv))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl)))
    (f32.store (local.get $out) (local.get $t0))
    (f32.store offset=16 (local.get $out) (local.get $t1)))

  ;; hsum4 is the vector of the lane sums of s0, s1, s2 and s3.
  (func $hsum4 (param $s0 v128) (param $s1 v128) (param $s2 v128) (param $s3 v128) (result v128)
    (local $x0 v128) (local $x1 v128)
    (local.set $x0 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $s0) (local.get $s1))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $s0) (local.get $s1))))
    (local.set $x1 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $s2) (local.get $s3))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $s2) (local.get $s3))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x0) (local.get $x1))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x0) (local.get $x1))))

    (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  ;; scale_c: C = beta·C over m×n (beta 0 writes zeros; beta 1 does nothing).
  (func $scale_c (param $m i32) (param $n i32) (param $beta f32) (param $c i32) (param $ldc i32)
    (local $row i32) (local $p i32) (local $end i32) (local $vend i32) (local $vb v128)
    (if (f32.eq (local.get $beta) (f32.const 1)) (then (return)))
    (local.set $vb (f32x4.splat (local.get $beta)))
    (local.set $row (local.get $c))
    (loop $rows
      (local.set $end (i32.add (local.get $row) (i32.shl (local.get $n) (i32.const 2))))
      (if (f32.eq (local.get $beta) (f32.const 0))
        (then (call $zero (local.get $row) (local.get $n)))
        (else
          (local.set $p (local.get $row))
          (local.set $vend (i32.sub (local.get $end) (i32.const 12)))
          (block $vdone (loop $v
            (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
            (v128.store (local.get $p) (f32x4.mul (v128.load (local.get $p)) (local.get $vb)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $v)))
          (block $done (loop $s
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (f32.store (local.get $p) (f32.mul (f32.load (local.get $p)) (local.get $beta)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $s)))))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 2))))
      (br_if $rows (local.tee $m (i32.sub (local.get $m) (i32.const 1))))))

  ;; pack_a writes alpha·op(A)[ic:ic+mc, pc:pc+kc] at dst as row panels of 4:
  ;; panel q holds, for each p, the 4 values op(A)[ic+4q+r, pc+p] (rows past
  ;; mc are zero).
  (func $pack_a (param $ta i32) (param $a i32) (param $lda i32) (param $ic i32) (param $pc i32)
    (param $mc i32) (param $kc i32) (param $alpha f32) (param $dst i32)
    (local $q i32) (local $r i32) (local $p i32) (local $src i32) (local $d i32) (local $step i32)
    (local $rowstep i32)
    ;; op(A)[i, p] is at a + 4·(i·lda + p), or a + 4·(p·lda + i) when transposed:
    ;; step is the byte distance between p and p+1, rowstep between i and i+1.
    (if (local.get $ta)
      (then (local.set $step (i32.shl (local.get $lda) (i32.const 2))) (local.set $rowstep (i32.const 4)))
      (else (local.set $step (i32.const 4)) (local.set $rowstep (i32.shl (local.get $lda) (i32.const 2)))))
    (local.set $q (i32.const 0))
    (loop $panels (block $next
      ;; A whole panel of a transposed A: the 4 values of each p are adjacent.
      (if (i32.and (local.get $ta) (i32.le_s (i32.add (local.get $q) (i32.const 4)) (local.get $mc)))
        (then
          (local.set $src (i32.add (local.get $a) (i32.shl
            (i32.add (i32.mul (local.get $pc) (local.get $lda)) (i32.add (local.get $ic) (local.get $q))) (i32.const 2))))
          (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
          (local.set $p (local.get $kc))
          (loop $tp
            (v128.store (local.get $d) (f32x4.mul (f32x4.splat (local.get $alpha)) (v128.load (local.get $src))))
            (local.set $src (i32.add (local.get $src) (local.get $step)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $tp (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
          (br $next)))
      ;; A whole panel of a row-major A: 4×4 blocks transposed in registers.
      (if (i32.and (i32.eqz (local.get $ta)) (i32.le_s (i32.add (local.get $q) (i32.const 4)) (local.get $mc)))
        (then
          (local.set $src (i32.add (local.get $a) (i32.shl
            (i32.add (i32.mul (i32.add (local.get $ic) (local.get $q)) (local.get $lda)) (local.get $pc)) (i32.const 2))))
          (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
          (local.set $p (local.get $kc))
          (block $td (loop $tl
            (br_if $td (i32.lt_s (local.get $p) (i32.const 4)))
            (call $tr4 (local.get $d) (i32.const 16) (local.get $src) (local.get $rowstep) (local.get $alpha))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 64)))
            (local.set $p (i32.sub (local.get $p) (i32.const 4)))
            (br $tl)))
          (block $rd (loop $rl
            (br_if $rd (i32.eqz (local.get $p)))
            (f32.store (local.get $d) (f32.mul (local.get $alpha) (f32.load (local.get $src))))
            (f32.store offset=4 (local.get $d) (f32.mul (local.get $alpha)
              (f32.load (i32.add (local.get $src) (local.get $rowstep)))))
            (f32.store offset=8 (local.get $d) (f32.mul (local.get $alpha)
              (f32.load (i32.add (local.get $src) (i32.shl (local.get $rowstep) (i32.const 1))))))
            (f32.store offset=12 (local.get $d) (f32.mul (local.get $alpha)
              (f32.load (i32.add (local.get $src) (i32.mul (local.get $rowstep) (i32.const 3))))))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $rl)))
          (br $next)))
      (local.set $r (i32.const 0))
      (loop $rows
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (local.get $q) (local.get $kc)) (local.get $r)) (i32.const 2))))
        (if (i32.lt_s (i32.add (local.get $q) (local.get $r)) (local.get $mc))
          (then
            (local.set $src (i32.add (local.get $a)
              (i32.add
                (i32.mul (i32.add (i32.add (local.get $ic) (local.get $q)) (local.get $r)) (local.get $rowstep))
                (i32.mul (local.get $pc) (local.get $step)))))
            (local.set $p (local.get $kc))
            (loop $ps
              (f32.store (local.get $d) (f32.mul (local.get $alpha) (f32.load (local.get $src))))
              (local.set $src (i32.add (local.get $src) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (br_if $ps (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
          (else
            (local.set $p (local.get $kc))
            (loop $zs
              (f32.store (local.get $d) (f32.const 0))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (br_if $zs (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))))
        (br_if $rows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4)))))
      (br_if $panels (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 4))) (local.get $mc)))))

  ;; pack_b writes op(B)[pc:pc+kc, jc:jc+nc] at dst as column panels of 8:
  ;; panel q holds, for each p, the 8 values op(B)[pc+p, jc+8q+j] (columns
  ;; past nc are zero).
  (func $pack_b (param $tb i32) (param $b i32) (param $ldb i32) (param $pc i32) (param $jc i32)
    (param $kc i32) (param $nc i32) (param $dst i32)
    (local $q i32) (local $j i32) (local $p i32) (local $src i32) (local $d i32) (local $ld4 i32)
    (local.set $ld4 (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $q (i32.const 0))
    (loop $panels
      block $done
      (if (i32.and (i32.eqz (local.get $tb)) (i32.le_s (i32.add (local.get $q) (i32.const 8)) (local.get $nc)))
        (then
          ;; A whole panel of a row-major B: two vector copies per p.
          (local.set $src (i32.add (local.get $b) (i32.shl
            (i32.add (i32.mul (local.get $pc) (local.get $ldb)) (i32.add (local.get $jc) (local.get $q))) (i32.const 2))))
          (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
          (local.set $p (local.get $kc))
          (loop $ps
            (v128.store (local.get $d) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $ld4)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $ps (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
        (else (block $slow
          ;; A whole panel of a transposed B: two 4×4 transposes per 4 p.
          (br_if $slow (i32.or (i32.eqz (local.get $tb)) (i32.gt_s (i32.add (local.get $q) (i32.const 8)) (local.get $nc))))
          (local.set $src (i32.add (local.get $b) (i32.shl
            (i32.add (i32.mul (i32.add (local.get $jc) (local.get $q)) (local.get $ldb)) (local.get $pc)) (i32.const 2))))
          (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
          (local.set $p (local.get $kc))
          (block $td (loop $tl
            (br_if $td (i32.lt_s (local.get $p) (i32.const 4)))
            (call $tr4 (local.get $d) (i32.const 32) (local.get $src) (local.get $ld4) (f32.const 1))
            (call $tr4 (i32.add (local.get $d) (i32.const 16)) (i32.const 32)
              (i32.add (local.get $src) (i32.shl (local.get $ld4) (i32.const 2))) (local.get $ld4) (f32.const 1))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 128)))
            (local.set $p (i32.sub (local.get $p) (i32.const 4)))
            (br $tl)))
          (block $rd (loop $rl
            (br_if $rd (i32.eqz (local.get $p)))
            (local.set $j (i32.const 0))
            (loop $jl
              (f32.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2)))
                (f32.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $ld4)))))
              (br_if $jl (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 8))))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $rl)))
          (br $done))
          (local.set $j (i32.const 0))
          (loop $cols
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $q) (local.get $kc)) (local.get $j)) (i32.const 2))))
            (local.set $p (local.get $kc))
            (if (i32.lt_s (i32.add (local.get $q) (local.get $j)) (local.get $nc))
              (then
                (if (local.get $tb)
                  (then
                    ;; op(B)[p, j] = B[j, p]: walk along the row of B.
                    (local.set $src (i32.add (local.get $b) (i32.shl (i32.add
                      (i32.mul (i32.add (i32.add (local.get $jc) (local.get $q)) (local.get $j)) (local.get $ldb))
                      (local.get $pc)) (i32.const 2))))
                    (loop $ts
                      (f32.store (local.get $d) (f32.load (local.get $src)))
                      (local.set $src (i32.add (local.get $src) (i32.const 4)))
                      (local.set $d (i32.add (local.get $d) (i32.const 32)))
                      (br_if $ts (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
                  (else
                    (local.set $src (i32.add (local.get $b) (i32.shl (i32.add
                      (i32.mul (local.get $pc) (local.get $ldb))
                      (i32.add (i32.add (local.get $jc) (local.get $q)) (local.get $j))) (i32.const 2))))
                    (loop $ns
                      (f32.store (local.get $d) (f32.load (local.get $src)))
                      (local.set $src (i32.add (local.get $src) (local.get $ld4)))
                      (local.set $d (i32.add (local.get $d) (i32.const 32)))
                      (br_if $ns (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))))
              (else
                (loop $zs
                  (f32.store (local.get $d) (f32.const 0))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $zs (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))))
            (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 8))))))
      end ;; $done
      (br_if $panels (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 8))) (local.get $nc)))))

;; tr4 stores the transpose of the 4×4 block whose rows start at src, src+ld,
  ;; src+2ld, src+3ld (bytes), times alpha, as four vectors dstride bytes apart
  ;; from dst: vector p holds element p of each row.
  (func $tr4 (param $dst i32) (param $dstride i32) (param $src i32) (param $ld i32) (param $alpha f32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $va v128)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $r0 (v128.load (local.get $src)))
    (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $ld))))
    (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $ld) (i32.const 1)))))
    (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $ld) (i32.const 3)))))
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    (v128.store (local.get $dst) (f32x4.mul (local.get $va)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
    (v128.store (local.get $dst) (f32x4.mul (local.get $va)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
    (v128.store (local.get $dst) (f32x4.mul (local.get $va)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3))))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
    (v128.store (local.get $dst) (f32x4.mul (local.get $va)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))))

    ;; macro adds the product of packed A (mc×kc at pa) and packed B (kc×nc at
  ;; pb) into C (byte offset c, row stride ldc elements), or stores it there
  ;; when acc is 0. A last column panel 4 wide has its own micro-kernel; the
  ;; other edge tiles go through the 4×8 tile at ws.
  (func $macro (param $mc i32) (param $nc i32) (param $kc i32) (param $pa i32) (param $pb i32)
    (param $c i32) (param $ldc i32) (param $ws i32) (param $acc i32)
    (local $jr i32) (local $ir i32) (local $mr i32) (local $nr i32) (local $bp i32) (local $cp i32)
    (local $ld4 i32) (local $i i32) (local $j i32) (local $o i32) (local $v f32)
    (local.set $ld4 (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $jr (i32.const 0))
    (loop $jl
      (local.set $nr (call $min (i32.const 8) (i32.sub (local.get $nc) (local.get $jr))))
      (local.set $bp (i32.add (local.get $pb) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
      (local.set $ir (i32.const 0))
      (loop $il
        (local.set $mr (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $ir) (local.get $ld4)) (i32.shl (local.get $jr) (i32.const 2)))))
        (block $tile
          (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
            (then
              (call $micro (local.get $kc)
                (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (local.get $bp) (local.get $cp) (local.get $ld4) (local.get $acc))
              (br $tile)))
          (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 4)))
            (then
              (call $micro44 (local.get $kc)
                (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (local.get $bp) (local.get $cp) (local.get $ld4) (local.get $acc))
              (br $tile)))
          (call $micro (local.get $kc)
            (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
            (local.get $bp) (local.get $ws) (i32.const 32) (i32.const 0))
          (local.set $i (i32.const 0))
          (loop $ti
            (local.set $j (i32.const 0))
            (loop $tj
              (local.set $o (i32.add (local.get $cp)
                (i32.add (i32.mul (local.get $i) (local.get $ld4)) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $v (f32.load (i32.add (local.get $ws)
                (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 3)) (local.get $j)) (i32.const 2)))))
              (if (local.get $acc) (then (local.set $v (f32.add (f32.load (local.get $o)) (local.get $v)))))
              (f32.store (local.get $o) (local.get $v))
              (br_if $tj (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nr))))
            (br_if $ti (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $mr)))))
        (br_if $il (i32.lt_s (local.tee $ir (i32.add (local.get $ir) (i32.const 4))) (local.get $mc))))
      (br_if $jl (i32.lt_s (local.tee $jr (i32.add (local.get $jr) (i32.const 8))) (local.get $nc)))))

  ;; micro adds the 4×8 product of a packed A panel (kc×4 at ap) and a packed
  ;; B panel (kc×8 at bp) into the 4×8 block of C at c (row stride ld4 bytes),
  ;; or stores it there when acc is 0.
  (func $micro (param $kc i32) (param $ap i32) (param $bp i32) (param $c i32) (param $ld4 i32) (param $acc i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (loop $p
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      (local.set $av (v128.load32_splat (local.get $ap)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=4 (local.get $ap)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=8 (local.get $ap)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=12 (local.get $ap)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $p (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $acc)
      (then
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31))))
      (else
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c10))
        (v128.store offset=16 (local.get $c) (local.get $c11))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c20))
        (v128.store offset=16 (local.get $c) (local.get $c21))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c30))
        (v128.store offset=16 (local.get $c) (local.get $c31)))))

  ;; micro44 is micro for the first 4 columns of the B panel only: the last
  ;; panel of a width that is 4 past a multiple of 8.
  (func $micro44 (param $kc i32) (param $ap i32) (param $bp i32) (param $c i32) (param $ld4 i32) (param $acc i32)
    (local $b0 v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (loop $p
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $ap)) (local.get $b0))))
      (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (v128.load32_splat offset=4 (local.get $ap)) (local.get $b0))))
      (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (v128.load32_splat offset=8 (local.get $ap)) (local.get $b0))))
      (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (v128.load32_splat offset=12 (local.get $ap)) (local.get $b0))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $p (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $acc)
      (then
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c0)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c1)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c2)))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c3))))
      (else
        (v128.store (local.get $c) (local.get $c0))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c1))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c2))
        (local.set $c (i32.add (local.get $c) (local.get $ld4)))
        (v128.store (local.get $c) (local.get $c3)))))

  ;; --- helpers ------------------------------------------------------------------------------

  ;; copy moves n floats from src to dst (the ranges do not overlap). From 4
  ;; floats on, the last vector overlaps the one before instead of a scalar
  ;; tail.
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $last i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.ge_s (local.get $n) (i32.const 4))
      (then
        (local.set $last (i32.sub (i32.shl (local.get $n) (i32.const 2)) (i32.const 16)))
        (v128.store (i32.add (local.get $dst) (local.get $last)) (v128.load (i32.add (local.get $src) (local.get $last))))
        (local.set $end (i32.add (local.get $dst) (local.get $last)))
        (loop $v
          (v128.store (local.get $dst) (v128.load (local.get $src)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (br_if $v (i32.lt_u (local.get $dst) (local.get $end))))
        (return)))
    (block $done (loop $s
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $s))))

  ;; zero clears n floats at dst (memory.fill costs a call into the
  ;; engine, too much for the few floats of a row's padding).
  (func $zero (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $vdone (loop $v
      (br_if $vdone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
      (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $v)))
    (block $done (loop $s
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.const 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $s))))

  ;; add_to adds n floats at src into dst.
  (func $add_to (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $vdone (loop $v
      (br_if $vdone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $v)))
    (block $done (loop $s
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $s))))

  ;; hsum is the sum of the four lanes of v.
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; pad_plane copies the h×w plane at src into the ph×pws buffer at dst at
  ;; row oh, column ow. The rest of the buffer is left as it is: the callers
  ;; zero it once for all the planes of a call, whose copies all land on the
  ;; same rows and columns.
  (func $pad_plane (param $src i32) (param $h i32) (param $w i32) (param $dst i32) (param $ph i32)
    (param $pws i32) (param $oh i32) (param $ow i32)
    (local $d i32)
    (local.set $d (i32.add (local.get $dst)
      (i32.shl (i32.add (i32.mul (local.get $oh) (local.get $pws)) (local.get $ow)) (i32.const 2))))
    (loop $rows
      (call $copy (local.get $d) (local.get $src) (local.get $w))
      (local.set $d (i32.add (local.get $d) (i32.shl (local.get $pws) (i32.const 2))))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $w) (i32.const 2))))
      (br_if $rows (local.tee $h (i32.sub (local.get $h) (i32.const 1))))))

  ;; --- im2col / col2im -----------------------------------------------------------------------

  ;; valid_lo and valid_hi bound the output columns o whose input column
  ;; o·stride + off lies in [0, size), as validRange in conv.go.
  (func $valid_lo (param $off i32) (param $stride i32) (param $out i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $off) (i32.const 0))
      (then (call $min (local.get $out)
        (i32.div_s (i32.sub (i32.add (i32.sub (i32.const 0) (local.get $off)) (local.get $stride)) (i32.const 1))
          (local.get $stride))))
      (else (i32.const 0))))

  (func $valid_hi (param $off i32) (param $stride i32) (param $size i32) (param $out i32) (param $lo i32) (result i32)
    (local $hi i32)
    (if (i32.ge_s (i32.sub (i32.sub (local.get $size) (i32.const 1)) (local.get $off)) (i32.const 0))
      (then (local.set $hi (i32.add (i32.div_s (i32.sub (i32.sub (local.get $size) (i32.const 1)) (local.get $off))
        (local.get $stride)) (i32.const 1)))))
    (local.set $hi (call $min (local.get $hi) (local.get $out)))
    (select (local.get $lo) (local.get $hi) (i32.gt_s (local.get $lo) (local.get $hi))))

  ;; im2col writes the patch matrix [cg·r·s, oh·ow] of one group's input x
  ;; [cg, h, w] at col (see im2col in conv.go).
  (func $im2col (export "im2col") (param $x i32) (param $col i32) (param $cg i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $r i32) (param $s i32) (param $sh i32) (param $sw i32)
    (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (local $c i32) (local $tr i32) (local $ts i32) (local $y i32) (local $off i32) (local $lo i32) (local $hi i32)
    (local $ih i32) (local $dst i32) (local $src i32) (local $o i32) (local $plane i32)
    (local $cd i32) (local $cs i32) (local $cn i32)
    (if (i32.and (i32.and (i32.eq (local.get $sh) (i32.const 1)) (i32.eq (local.get $sw) (i32.const 1)))
        (i32.eq (local.get $ow) (local.get $w)))
      (then
        (call $im2col_s1 (local.get $x) (local.get $col) (local.get $cg) (local.get $h) (local.get $w) (local.get $oh)
          (local.get $r) (local.get $s) (local.get $ph) (local.get $pw) (local.get $dh) (local.get $dw) (i32.const 0))
        (return)))
    (local.set $dst (local.get $col))
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $plane (i32.add (local.get $x) (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
      (local.set $tr (i32.const 0))
      (loop $rl
        (local.set $ts (i32.const 0))
        (loop $sl
          (local.set $off (i32.sub (i32.mul (local.get $ts) (local.get $dw)) (local.get $pw)))
          (local.set $lo (call $valid_lo (local.get $off) (local.get $sw) (local.get $ow)))
          (local.set $hi (call $valid_hi (local.get $off) (local.get $sw) (local.get $w) (local.get $ow) (local.get $lo)))
          (local.set $y (i32.const 0))
          (loop $yl
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph))
              (i32.mul (local.get $tr) (local.get $dh))))
            (if (i32.or (i32.lt_s (local.get $ih) (i32.const 0)) (i32.ge_s (local.get $ih) (local.get $h)))
              (then (call $zero (local.get $dst) (local.get $ow)))
              (else
                (if (local.get $lo) (then (call $zero (local.get $dst) (local.get $lo))))
                (if (i32.lt_s (local.get $hi) (local.get $ow))
                  (then (call $zero (i32.add (local.get $dst) (i32.shl (local.get $hi) (i32.const 2)))
                    (i32.sub (local.get $ow) (local.get $hi)))))
                (local.set $src (i32.add (local.get $plane) (i32.shl (i32.mul (local.get $ih) (local.get $w)) (i32.const 2))))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    ;; $copy, inlined: calls cost as much as copying a short row.
                    (local.set $cd (i32.add (local.get $dst) (i32.shl (local.get $lo) (i32.const 2))))
                    (local.set $cs (i32.add (local.get $src) (i32.shl (i32.add (local.get $lo) (local.get $off)) (i32.const 2))))
                    (local.set $cn (i32.shl (i32.sub (local.get $hi) (local.get $lo)) (i32.const 2)))
                    (if (i32.ge_s (local.get $cn) (i32.const 16))
                      (then
                        (local.set $cn (i32.sub (local.get $cn) (i32.const 16)))
                        (v128.store (i32.add (local.get $cd) (local.get $cn)) (v128.load (i32.add (local.get $cs) (local.get $cn))))
                        (local.set $cn (i32.add (local.get $cd) (local.get $cn)))
                        (loop $cv
                          (v128.store (local.get $cd) (v128.load (local.get $cs)))
                          (local.set $cd (i32.add (local.get $cd) (i32.const 16)))
                          (local.set $cs (i32.add (local.get $cs) (i32.const 16)))
                          (br_if $cv (i32.lt_u (local.get $cd) (local.get $cn)))))
                      (else (call $copy (local.get $cd) (local.get $cs) (i32.shr_s (local.get $cn) (i32.const 2))))))
                  (else
                    (local.set $o (local.get $lo))
                    (block $gd (loop $gl
                      (br_if $gd (i32.ge_s (local.get $o) (local.get $hi)))
                      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $o) (i32.const 2)))
                        (f32.load (i32.add (local.get $src) (i32.shl
                          (i32.add (i32.mul (local.get $o) (local.get $sw)) (local.get $off)) (i32.const 2)))))
                      (local.set $o (i32.add (local.get $o) (i32.const 1)))
                      (br $gl)))))))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $ow) (i32.const 2))))
            (br_if $yl (i32.lt_s (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh))))
          (br_if $sl (i32.lt_s (local.tee $ts (i32.add (local.get $ts) (i32.const 1))) (local.get $s))))
        (br_if $rl (i32.lt_s (local.tee $tr (i32.add (local.get $tr) (i32.const 1))) (local.get $r))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cg)))))

  ;; col2im adds the patch-matrix gradient at col into dx [cg, h, w].
  (func $col2im (export "col2im") (param $col i32) (param $dx i32) (param $cg i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $r i32) (param $s i32) (param $sh i32) (param $sw i32)
    (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (local $c i32) (local $tr i32) (local $ts i32) (local $y i32) (local $off i32) (local $lo i32) (local $hi i32)
    (local $ih i32) (local $src i32) (local $dst i32) (local $o i32) (local $plane i32) (local $a i32)
    (if (i32.and (i32.and (i32.eq (local.get $sh) (i32.const 1)) (i32.eq (local.get $sw) (i32.const 1)))
        (i32.eq (local.get $ow) (local.get $w)))
      (then
        (call $im2col_s1 (local.get $dx) (local.get $col) (local.get $cg) (local.get $h) (local.get $w) (local.get $oh)
          (local.get $r) (local.get $s) (local.get $ph) (local.get $pw) (local.get $dh) (local.get $dw) (i32.const 1))
        (return)))
    (local.set $src (local.get $col))
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $plane (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
      (local.set $tr (i32.const 0))
      (loop $rl
        (local.set $ts (i32.const 0))
        (loop $sl
          (local.set $off (i32.sub (i32.mul (local.get $ts) (local.get $dw)) (local.get $pw)))
          (local.set $lo (call $valid_lo (local.get $off) (local.get $sw) (local.get $ow)))
          (local.set $hi (call $valid_hi (local.get $off) (local.get $sw) (local.get $w) (local.get $ow) (local.get $lo)))
          (local.set $y (i32.const 0))
          (loop $yl
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph))
              (i32.mul (local.get $tr) (local.get $dh))))
            (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $h)))
              (then
                (local.set $dst (i32.add (local.get $plane) (i32.shl (i32.mul (local.get $ih) (local.get $w)) (i32.const 2))))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then (call $add_to (i32.add (local.get $dst) (i32.shl (i32.add (local.get $lo) (local.get $off)) (i32.const 2)))
                    (i32.add (local.get $src) (i32.shl (local.get $lo) (i32.const 2)))
                    (i32.sub (local.get $hi) (local.get $lo))))
                  (else
                    (local.set $o (local.get $lo))
                    (block $gd (loop $gl
                      (br_if $gd (i32.ge_s (local.get $o) (local.get $hi)))
                      (local.set $a (i32.add (local.get $dst) (i32.shl
                        (i32.add (i32.mul (local.get $o) (local.get $sw)) (local.get $off)) (i32.const 2))))
                      (f32.store (local.get $a) (f32.add (f32.load (local.get $a))
                        (f32.load (i32.add (local.get $src) (i32.shl (local.get $o) (i32.const 2))))))
                      (local.set $o (i32.add (local.get $o) (i32.const 1)))
                      (br $gl)))))))
            (local.set $src (i32.add (local.get $src) (i32.shl (local.get $ow) (i32.const 2))))
            (br_if $yl (i32.lt_s (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh))))
          (br_if $sl (i32.lt_s (local.tee $ts (i32.add (local.get $ts) (i32.const 1))) (local.get $s))))
        (br_if $rl (i32.lt_s (local.tee $tr (i32.add (local.get $tr) (i32.const 1))) (local.get $r))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cg)))))

;; im2col_s1 is im2col (back = 0) and col2im (back = 1) for stride 1 where
  ;; the output is as wide as the input (ow = w, "same" padding of the
  ;; columns). Then row (c,tr,ts) of col is plane c shifted by
  ;; off = (tr·dh − ph)·w + ts·dw − pw elements: one long copy (or add) per
  ;; row instead of one per output row, after which the |cs| columns that
  ;; wrapped around to the neighbouring image row (cs = ts·dw − pw) are the
  ;; padding taps. im2col zeroes them, and the rows of padding; col2im zeroes
  ;; them in col (which it may clobber) before adding, so that they add
  ;; nothing, and skips the rows of padding. The range is clipped so that
  ;; only the plane itself is read or written (the clipped ends are padding
  ;; taps too).
  (func $im2col_s1 (param $x i32) (param $col i32) (param $cg i32) (param $h i32) (param $w i32) (param $oh i32)
    (param $r i32) (param $s i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $back i32)
    (local $c i32) (local $tr i32) (local $ts i32) (local $ro i32) (local $cs i32) (local $off i32)
    (local $ylo i32) (local $yhi i32) (local $lo i32) (local $hi i32) (local $plane i32) (local $hw i32)
    (local $ohw i32) (local $y i32) (local $p i32) (local $e i32) (local $z0 i32) (local $zn i32)
    (local.set $hw (i32.mul (local.get $h) (local.get $w)))
    (local.set $ohw (i32.mul (local.get $oh) (local.get $w)))
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $plane (i32.add (local.get $x) (i32.shl (i32.mul (local.get $c) (local.get $hw)) (i32.const 2))))
      (local.set $tr (i32.const 0))
      (loop $rl
        ;; Output row y reads input row y + ro, inside the plane for y in [ylo, yhi).
        (local.set $ro (i32.sub (i32.mul (local.get $tr) (local.get $dh)) (local.get $ph)))
        (local.set $ylo (call $min (local.get $oh)
          (select (i32.sub (i32.const 0) (local.get $ro)) (i32.const 0) (i32.lt_s (local.get $ro) (i32.const 0)))))
        (local.set $yhi (call $min (local.get $oh) (i32.sub (local.get $h) (local.get $ro))))
        (local.set $yhi (select (local.get $yhi) (local.get $ylo) (i32.gt_s (local.get $yhi) (local.get $ylo))))
        (local.set $ts (i32.const 0))
        (loop $sl
          (local.set $cs (i32.sub (i32.mul (local.get $ts) (local.get $dw)) (local.get $pw)))
          (local.set $off (i32.add (i32.mul (local.get $ro) (local.get $w)) (local.get $cs)))
          ;; The columns [z0, z0+zn) of each row are padding taps.
          (local.set $zn (call $min (local.get $w)
            (select (i32.sub (i32.const 0) (local.get $cs)) (local.get $cs) (i32.lt_s (local.get $cs) (i32.const 0)))))
          (local.set $z0 (select (i32.const 0) (i32.sub (local.get $w) (local.get $zn)) (i32.lt_s (local.get $cs) (i32.const 0))))
          (if (i32.eqz (local.get $back)) (then
            (call $zero (local.get $col) (i32.mul (local.get $ylo) (local.get $w)))
            (call $zero (i32.add (local.get $col) (i32.shl (i32.mul (local.get $yhi) (local.get $w)) (i32.const 2)))
              (i32.sub (local.get $ohw) (i32.mul (local.get $yhi) (local.get $w))))))
          (local.set $lo (i32.mul (local.get $ylo) (local.get $w)))
          (if (i32.lt_s (local.get $lo) (i32.sub (i32.const 0) (local.get $off)))
            (then (local.set $lo (i32.sub (i32.const 0) (local.get $off)))))
          (local.set $hi (call $min (i32.mul (local.get $yhi) (local.get $w)) (i32.sub (local.get $hw) (local.get $off))))
          (if (local.get $back) (then (call $zero_cols (local.get $col) (local.get $ylo) (local.get $yhi) (local.get $w)
            (local.get $z0) (local.get $zn))))
          (if (i32.gt_s (local.get $hi) (local.get $lo)) (then
            (if (local.get $back)
              (then (call $add_to (i32.add (local.get $plane) (i32.shl (i32.add (local.get $lo) (local.get $off)) (i32.const 2)))
                (i32.add (local.get $col) (i32.shl (local.get $lo) (i32.const 2))) (i32.sub (local.get $hi) (local.get $lo))))
              (else (call $copy (i32.add (local.get $col) (i32.shl (local.get $lo) (i32.const 2)))
                (i32.add (local.get $plane) (i32.shl (i32.add (local.get $lo) (local.get $off)) (i32.const 2)))
                (i32.sub (local.get $hi) (local.get $lo)))))))
          (if (i32.eqz (local.get $back)) (then (call $zero_cols (local.get $col) (local.get $ylo) (local.get $yhi) (local.get $w)
            (local.get $z0) (local.get $zn))))
          (local.set $col (i32.add (local.get $col) (i32.shl (local.get $ohw) (i32.const 2))))
          (br_if $sl (i32.lt_s (local.tee $ts (i32.add (local.get $ts) (i32.const 1))) (local.get $s))))
        (br_if $rl (i32.lt_s (local.tee $tr (i32.add (local.get $tr) (i32.const 1))) (local.get $r))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cg)))))

  ;; zero_cols zeroes columns [z0, z0+zn) of rows [ylo, yhi) of the w-wide
  ;; rows at p.
  (func $zero_cols (param $p i32) (param $ylo i32) (param $yhi i32) (param $w i32) (param $z0 i32) (param $zn i32)
    (local $q i32) (local $e i32)
    (if (i32.or (i32.eqz (local.get $zn)) (i32.ge_s (local.get $ylo) (local.get $yhi))) (then (return)))
    (local.set $p (i32.add (local.get $p) (i32.shl (i32.add (i32.mul (local.get $ylo) (local.get $w)) (local.get $z0)) (i32.const 2))))
    (loop $rows
      (local.set $q (local.get $p))
      (local.set $e (i32.add (local.get $p) (i32.shl (local.get $zn) (i32.const 2))))
      (loop $z
        (f32.store (local.get $q) (f32.const 0))
        (br_if $z (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 4))) (local.get $e))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $w) (i32.const 2))))
      (br_if $rows (i32.lt_s (local.tee $ylo (i32.add (local.get $ylo) (i32.const 1))) (local.get $yhi)))))

    ;; --- depthwise convolution -----------------------------------------------------------------
  ;; Each plane is first copied into a zero-padded buffer whose rows are 3
  ;; floats wider than needed, so that every output row is a sum over taps of
  ;; whole f32x4 loads with no bounds tests; the last, partial vector of a row
  ;; stores only its valid lanes.

  ;; taps computes out[oy, ox] (op)= Σ_{tr,ts} w[tr·s+ts] · buf[base + oy·pws +
  ;; ox + tr·rstep + ts·sstep] for oy < oh, ox < ow (pws is the buffer's row
  ;; width times the row stride of the convolution); rstep and sstep are
  ;; element offsets (negative for the flipped taps of backward-data);
  ;; accumulate adds into out instead of overwriting it.
  (func $taps (param $base i32) (param $pws i32) (param $w i32) (param $r i32) (param $s i32)
    (param $rstep i32) (param $sstep i32) (param $out i32) (param $oh i32) (param $ow i32) (param $accumulate i32)
    (local $oy i32) (local $ox i32) (local $row i32) (local $rp i32) (local $cp i32) (local $wp i32)
    (local $tr i32) (local $ts i32) (local $acc v128) (local $o i32) (local $left i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128)
    (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128)
    (local $r1 i32) (local $r2 i32) (local $s2 i32)
    (local.set $rstep (i32.shl (local.get $rstep) (i32.const 2)))
    (local.set $sstep (i32.shl (local.get $sstep) (i32.const 2)))
    ;; 3×3 filters, the common case, keep the nine weights in registers and
    ;; make the nine taps of a vector without loops.
    (if (i32.and (i32.eq (local.get $r) (i32.const 3)) (i32.eq (local.get $s) (i32.const 3)))
      (then
        (local.set $w0 (v128.load32_splat (local.get $w)))
        (local.set $w1 (v128.load32_splat offset=4 (local.get $w)))
        (local.set $w2 (v128.load32_splat offset=8 (local.get $w)))
        (local.set $w3 (v128.load32_splat offset=12 (local.get $w)))
        (local.set $w4 (v128.load32_splat offset=16 (local.get $w)))
        (local.set $w5 (v128.load32_splat offset=20 (local.get $w)))
        (local.set $w6 (v128.load32_splat offset=24 (local.get $w)))
        (local.set $w7 (v128.load32_splat offset=28 (local.get $w)))
        (local.set $w8 (v128.load32_splat offset=32 (local.get $w)))
        (local.set $r1 (local.get $rstep))
        (local.set $r2 (i32.shl (local.get $rstep) (i32.const 1)))
        (local.set $s2 (i32.shl (local.get $sstep) (i32.const 1)))))
    (local.set $oy (i32.const 0))
    (loop $yl
      (local.set $row (i32.add (local.get $base) (i32.shl (i32.mul (local.get $oy) (local.get $pws)) (i32.const 2))))
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $rp (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 2))))
        (if (local.get $s2)
          (then
            (local.set $cp (i32.add (local.get $rp) (local.get $r1)))
            (local.set $o (i32.add (local.get $rp) (local.get $r2)))
            (local.set $acc (f32x4.add (f32x4.add (f32x4.add
              (f32x4.add (f32x4.mul (local.get $w0) (v128.load (local.get $rp)))
                (f32x4.mul (local.get $w1) (v128.load (i32.add (local.get $rp) (local.get $sstep)))))
              (f32x4.add (f32x4.mul (local.get $w2) (v128.load (i32.add (local.get $rp) (local.get $s2))))
                (f32x4.mul (local.get $w3) (v128.load (local.get $cp)))))
              (f32x4.add
                (f32x4.add (f32x4.mul (local.get $w4) (v128.load (i32.add (local.get $cp) (local.get $sstep))))
                  (f32x4.mul (local.get $w5) (v128.load (i32.add (local.get $cp) (local.get $s2)))))
                (f32x4.add (f32x4.mul (local.get $w6) (v128.load (local.get $o)))
                  (f32x4.mul (local.get $w7) (v128.load (i32.add (local.get $o) (local.get $sstep)))))))
              (f32x4.mul (local.get $w8) (v128.load (i32.add (local.get $o) (local.get $s2)))))))
          (else
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $wp (local.get $w))
        (local.set $tr (local.get $r))
        (loop $rl
          (local.set $cp (local.get $rp))
          (local.set $ts (local.get $s))
          (loop $sl
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load32_splat (local.get $wp)) (v128.load (local.get $cp)))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
            (local.set $cp (i32.add (local.get $cp) (local.get $sstep)))
            (br_if $sl (local.tee $ts (i32.sub (local.get $ts) (i32.const 1)))))
          (local.set $rp (i32.add (local.get $rp) (local.get $rstep)))
          (br_if $rl (local.tee $tr (i32.sub (local.get $tr) (i32.const 1)))))))
        (local.set $o (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (i32.const 2))))
        (local.set $left (i32.sub (local.get $ow) (local.get $ox)))
        (if (i32.ge_s (local.get $left) (i32.const 4))
          (then
            (if (local.get $accumulate)
              (then (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $o))))))
            (v128.store (local.get $o) (local.get $acc)))
          (else
            (if (local.get $accumulate)
              (then (local.set $acc (f32x4.add (local.get $acc)
                (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (local.get $o)))
                  (if (result f32) (i32.gt_s (local.get $left) (i32.const 1))
                    (then (f32.load offset=4 (local.get $o))) (else (f32.const 0))))
                  (if (result f32) (i32.gt_s (local.get $left) (i32.const 2))
                    (then (f32.load offset=8 (local.get $o))) (else (f32.const 0))))))))
            (f32.store (local.get $o) (f32x4.extract_lane 0 (local.get $acc)))
            (if (i32.gt_s (local.get $left) (i32.const 1))
              (then (f32.store offset=4 (local.get $o) (f32x4.extract_lane 1 (local.get $acc)))))
            (if (i32.gt_s (local.get $left) (i32.const 2))
              (then (f32.store offset=8 (local.get $o) (f32x4.extract_lane 2 (local.get $acc)))))))
        (br_if $xl (i32.lt_s (local.tee $ox (i32.add (local.get $ox) (i32.const 4))) (local.get $ow))))
      (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh)))))

  ;; taps2 is taps for a column stride of 2: out[oy, ox] (op)= Σ w · buf[base +
  ;; oy·pws + 2·ox + ...]; the even lanes of two loads make each vector.
  (func $taps2 (param $base i32) (param $pws i32) (param $w i32) (param $r i32) (param $s i32)
    (param $rstep i32) (param $sstep i32) (param $out i32) (param $oh i32) (param $ow i32) (param $accumulate i32)
    (local $oy i32) (local $ox i32) (local $row i32) (local $rp i32) (local $cp i32) (local $wp i32)
    (local $tr i32) (local $ts i32) (local $acc v128) (local $o i32) (local $left i32)
    (local.set $rstep (i32.shl (local.get $rstep) (i32.const 2)))
    (local.set $sstep (i32.shl (local.get $sstep) (i32.const 2)))
    (local.set $oy (i32.const 0))
    (loop $yl
      (local.set $row (i32.add (local.get $base) (i32.shl (i32.mul (local.get $oy) (local.get $pws)) (i32.const 2))))
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $wp (local.get $w))
        (local.set $rp (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 3))))
        (local.set $tr (local.get $r))
        (loop $rl
          (local.set $cp (local.get $rp))
          (local.set $ts (local.get $s))
          (loop $sl
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load32_splat (local.get $wp))
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (v128.load (local.get $cp)) (v128.load offset=16 (local.get $cp))))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
            (local.set $cp (i32.add (local.get $cp) (local.get $sstep)))
            (br_if $sl (local.tee $ts (i32.sub (local.get $ts) (i32.const 1)))))
          (local.set $rp (i32.add (local.get $rp) (local.get $rstep)))
          (br_if $rl (local.tee $tr (i32.sub (local.get $tr) (i32.const 1)))))
        (local.set $o (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (i32.const 2))))
        (local.set $left (i32.sub (local.get $ow) (local.get $ox)))
        (if (i32.ge_s (local.get $left) (i32.const 4))
          (then
            (if (local.get $accumulate)
              (then (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $o))))))
            (v128.store (local.get $o) (local.get $acc)))
          (else
            (if (local.get $accumulate)
              (then (local.set $acc (f32x4.add (local.get $acc)
                (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (local.get $o)))
                  (if (result f32) (i32.gt_s (local.get $left) (i32.const 1))
                    (then (f32.load offset=4 (local.get $o))) (else (f32.const 0))))
                  (if (result f32) (i32.gt_s (local.get $left) (i32.const 2))
                    (then (f32.load offset=8 (local.get $o))) (else (f32.const 0))))))))
            (f32.store (local.get $o) (f32x4.extract_lane 0 (local.get $acc)))
            (if (i32.gt_s (local.get $left) (i32.const 1))
              (then (f32.store offset=4 (local.get $o) (f32x4.extract_lane 1 (local.get $acc)))))
            (if (i32.gt_s (local.get $left) (i32.const 2))
              (then (f32.store offset=8 (local.get $o) (f32x4.extract_lane 2 (local.get $acc)))))))
        (br_if $xl (i32.lt_s (local.tee $ox (i32.add (local.get $ox) (i32.const 4))) (local.get $ow))))
      (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh)))))

  ;; depthwise_fwd: y = depthwise conv(x, w) for planes = N·C planes of h×w
  ;; (channel = plane mod c), row stride sh, column stride sw of 1 or 2. buf
  ;; holds (h+2ph)·(w+2pw+3+4(sw−1)) floats.
  (func $depthwise_fwd (export "depthwise_fwd") (param $x i32) (param $wt i32) (param $y i32)
    (param $planes i32) (param $c i32) (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (param $r i32) (param $s i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $buf i32)
    (local $pl i32) (local $hp i32) (local $pws i32)
    (local.set $hp (i32.add (local.get $h) (i32.shl (local.get $ph) (i32.const 1))))
    (local.set $pws (i32.add (i32.add (local.get $w) (i32.shl (local.get $pw) (i32.const 1)))
      (i32.sub (i32.shl (local.get $sw) (i32.const 2)) (i32.const 1))))
    (call $zero (local.get $buf) (i32.mul (local.get $hp) (local.get $pws)))
    (local.set $pl (i32.const 0))
    (loop $pls
      (call $pad_plane
        (i32.add (local.get $x) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $h) (local.get $w))) (i32.const 2)))
        (local.get $h) (local.get $w) (local.get $buf) (local.get $hp) (local.get $pws) (local.get $ph) (local.get $pw))
      (if (i32.eq (local.get $sw) (i32.const 1))
        (then (call $taps (local.get $buf) (i32.mul (local.get $sh) (local.get $pws))
          (i32.add (local.get $wt) (i32.shl (i32.mul (i32.rem_u (local.get $pl) (local.get $c)) (i32.mul (local.get $r) (local.get $s))) (i32.const 2)))
          (local.get $r) (local.get $s)
          (i32.mul (local.get $dh) (local.get $pws)) (local.get $dw)
          (i32.add (local.get $y) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $oh) (local.get $ow))) (i32.const 2)))
          (local.get $oh) (local.get $ow) (i32.const 0)))
        (else (call $taps2 (local.get $buf) (i32.mul (local.get $sh) (local.get $pws))
          (i32.add (local.get $wt) (i32.shl (i32.mul (i32.rem_u (local.get $pl) (local.get $c)) (i32.mul (local.get $r) (local.get $s))) (i32.const 2)))
          (local.get $r) (local.get $s)
          (i32.mul (local.get $dh) (local.get $pws)) (local.get $dw)
          (i32.add (local.get $y) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $oh) (local.get $ow))) (i32.const 2)))
          (local.get $oh) (local.get $ow) (i32.const 0))))
      (br_if $pls (i32.lt_s (local.tee $pl (i32.add (local.get $pl) (i32.const 1))) (local.get $planes)))))

  ;; depthwise_bwd_data: dx += ∂/∂x for stride 1 and ph ≤ (r-1)·dh, pw ≤
  ;; (s-1)·dw. dy is padded to (h+(r-1)dh)×(w+(s-1)dw+3) in buf and correlated
  ;; with the flipped filter.
  (func $depthwise_bwd_data (export "depthwise_bwd_data") (param $dy i32) (param $wt i32) (param $dx i32)
    (param $planes i32) (param $c i32) (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (param $r i32) (param $s i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $buf i32)
    (local $pl i32) (local $hp i32) (local $pws i32) (local $eh i32) (local $ew i32)
    (local.set $eh (i32.mul (i32.sub (local.get $r) (i32.const 1)) (local.get $dh)))
    (local.set $ew (i32.mul (i32.sub (local.get $s) (i32.const 1)) (local.get $dw)))
    (local.set $hp (i32.add (local.get $h) (local.get $eh)))
    (local.set $pws (i32.add (i32.add (local.get $w) (local.get $ew)) (i32.const 3)))
    (call $zero (local.get $buf) (i32.mul (local.get $hp) (local.get $pws)))
    (local.set $pl (i32.const 0))
    (loop $pls
      (call $pad_plane
        (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $oh) (local.get $ow))) (i32.const 2)))
        (local.get $oh) (local.get $ow) (local.get $buf) (local.get $hp) (local.get $pws)
        (i32.sub (local.get $eh) (local.get $ph)) (i32.sub (local.get $ew) (local.get $pw)))
      (call $taps
        (i32.add (local.get $buf) (i32.shl (i32.add (i32.mul (local.get $eh) (local.get $pws)) (local.get $ew)) (i32.const 2)))
        (local.get $pws)
        (i32.add (local.get $wt) (i32.shl (i32.mul (i32.rem_u (local.get $pl) (local.get $c)) (i32.mul (local.get $r) (local.get $s))) (i32.const 2)))
        (local.get $r) (local.get $s)
        (i32.sub (i32.const 0) (i32.mul (local.get $dh) (local.get $pws))) (i32.sub (i32.const 0) (local.get $dw))
        (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $h) (local.get $w))) (i32.const 2)))
        (local.get $h) (local.get $w) (i32.const 1))
      (br_if $pls (i32.lt_s (local.tee $pl (i32.add (local.get $pl) (i32.const 1))) (local.get $planes)))))

  ;; dw3: the 3×3 filter gradient of one plane, wp[3i+j] += Σ g · x at tap (i,
  ;; j), for a column stride of 1. x is the padded plane (row y of the output
  ;; starts at x + y·xrow bytes, tap (i, j) adds i·rstep + j·sstep bytes), g
  ;; the plane of dy with rows of ow4 floats (a multiple of 4, zeros past ow).
  (func $dw3 (param $x i32) (param $g i32) (param $wp i32) (param $oh i32) (param $ow4 i32)
    (param $xrow i32) (param $rstep i32) (param $sstep i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $v v128)
    (local $s2 i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $ox i32)
    (local.set $s2 (i32.shl (local.get $sstep) (i32.const 1)))
    (loop $yl
      (local.set $p0 (local.get $x))
      (local.set $ox (local.get $ow4))
      (loop $xl
        (local.set $v (v128.load (local.get $g)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $rstep)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $rstep)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $p0)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p0) (local.get $sstep))))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p0) (local.get $s2))))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load (local.get $p1)))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p1) (local.get $sstep))))))
        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p1) (local.get $s2))))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (v128.load (local.get $p2)))))
        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p2) (local.get $sstep))))))
        (local.set $a8 (f32x4.add (local.get $a8) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $p2) (local.get $s2))))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (br_if $xl (local.tee $ox (i32.sub (local.get $ox) (i32.const 4)))))
      (local.set $x (i32.add (local.get $x) (local.get $xrow)))
      (br_if $yl (local.tee $oh (i32.sub (local.get $oh) (i32.const 1)))))
    (f32.store (local.get $wp) (f32.add (f32.load (local.get $wp)) (call $hsum (local.get $a0))))
    (f32.store offset=4 (local.get $wp) (f32.add (f32.load offset=4 (local.get $wp)) (call $hsum (local.get $a1))))
    (f32.store offset=8 (local.get $wp) (f32.add (f32.load offset=8 (local.get $wp)) (call $hsum (local.get $a2))))
    (f32.store offset=12 (local.get $wp) (f32.add (f32.load offset=12 (local.get $wp)) (call $hsum (local.get $a3))))
    (f32.store offset=16 (local.get $wp) (f32.add (f32.load offset=16 (local.get $wp)) (call $hsum (local.get $a4))))
    (f32.store offset=20 (local.get $wp) (f32.add (f32.load offset=20 (local.get $wp)) (call $hsum (local.get $a5))))
    (f32.store offset=24 (local.get $wp) (f32.add (f32.load offset=24 (local.get $wp)) (call $hsum (local.get $a6))))
    (f32.store offset=28 (local.get $wp) (f32.add (f32.load offset=28 (local.get $wp)) (call $hsum (local.get $a7))))
    (f32.store offset=32 (local.get $wp) (f32.add (f32.load offset=32 (local.get $wp)) (call $hsum (local.get $a8)))))

  ;; depthwise_bwd_filter: dw += ∂/∂w for row stride sh and column stride sw
  ;; of 1 or 2. x is padded into buf ((h+2ph)×(w+2pw+3+4(sw−1))) and, unless
  ;; ow is a multiple of 4, dy copied into buf2 with rows rounded up to 4
  ;; floats (zeros past ow), so every tap is a dot product of whole vectors
  ;; (of the even lanes of x when sw is 2).
  (func $depthwise_bwd_filter (export "depthwise_bwd_filter") (param $x i32) (param $dy i32) (param $dwt i32)
    (param $planes i32) (param $c i32) (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (param $r i32) (param $s i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (param $buf i32) (param $buf2 i32)
    (local $pl i32) (local $hp i32) (local $pws i32) (local $ow4 i32) (local $tr i32) (local $ts i32)
    (local $oy i32) (local $ox i32) (local $acc v128) (local $gp i32) (local $xp i32) (local $wp i32) (local $tap i32)
    (local $gsrc i32)
    (local.set $hp (i32.add (local.get $h) (i32.shl (local.get $ph) (i32.const 1))))
    (local.set $pws (i32.add (i32.add (local.get $w) (i32.shl (local.get $pw) (i32.const 1)))
      (i32.sub (i32.shl (local.get $sw) (i32.const 2)) (i32.const 1))))
    (local.set $ow4 (i32.and (i32.add (local.get $ow) (i32.const 3)) (i32.const -4)))
    (call $zero (local.get $buf) (i32.mul (local.get $hp) (local.get $pws)))
    (call $zero (local.get $buf2) (i32.mul (local.get $oh) (local.get $ow4)))
    (local.set $pl (i32.const 0))
    (loop $pls
      (call $pad_plane
        (i32.add (local.get $x) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $h) (local.get $w))) (i32.const 2)))
        (local.get $h) (local.get $w) (local.get $buf) (local.get $hp) (local.get $pws) (local.get $ph) (local.get $pw))
      ;; dy's rows are used in place when they are whole vectors.
      (local.set $gsrc (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $pl) (i32.mul (local.get $oh) (local.get $ow))) (i32.const 2))))
      (if (i32.ne (local.get $ow) (local.get $ow4))
        (then
          (call $pad_plane (local.get $gsrc)
            (local.get $oh) (local.get $ow) (local.get $buf2) (local.get $oh) (local.get $ow4) (i32.const 0) (i32.const 0))
          (local.set $gsrc (local.get $buf2))))
      (local.set $wp (i32.add (local.get $dwt)
        (i32.shl (i32.mul (i32.rem_u (local.get $pl) (local.get $c)) (i32.mul (local.get $r) (local.get $s))) (i32.const 2))))
      (if (i32.and (i32.and (i32.eq (local.get $r) (i32.const 3)) (i32.eq (local.get $s) (i32.const 3)))
            (i32.eq (local.get $sw) (i32.const 1)))
        (then
          ;; 3×3, column stride 1: one pass over dy with the nine taps'
          ;; sums in registers, each dy vector loaded once.
          (call $dw3 (local.get $buf) (local.get $gsrc) (local.get $wp) (local.get $oh) (local.get $ow4)
            (i32.shl (i32.mul (local.get $sh) (local.get $pws)) (i32.const 2))
            (i32.shl (i32.mul (local.get $dh) (local.get $pws)) (i32.const 2))
            (i32.shl (local.get $dw) (i32.const 2))))
        (else
      (local.set $tr (i32.const 0))
      (loop $rl
        (local.set $ts (i32.const 0))
        (loop $sl
          (local.set $acc (v128.const i32x4 0 0 0 0))
          (local.set $tap (i32.add (i32.mul (i32.mul (local.get $tr) (local.get $dh)) (local.get $pws))
            (i32.mul (local.get $ts) (local.get $dw))))
          (local.set $gp (local.get $gsrc))
          (local.set $oy (i32.const 0))
          (loop $yl
            (local.set $xp (i32.add (local.get $buf) (i32.shl
              (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $sh)) (local.get $pws)) (local.get $tap)) (i32.const 2))))
            (local.set $ox (local.get $ow4))
            (if (i32.eq (local.get $sw) (i32.const 1))
              (then
                (loop $xl
                  (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $gp)) (v128.load (local.get $xp)))))
                  (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
                  (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
                  (br_if $xl (local.tee $ox (i32.sub (local.get $ox) (i32.const 4))))))
              (else
                (loop $xl2
                  (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $gp))
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                      (v128.load (local.get $xp)) (v128.load offset=16 (local.get $xp))))))
                  (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
                  (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
                  (br_if $xl2 (local.tee $ox (i32.sub (local.get $ox) (i32.const 4)))))))
            (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh))))
          (f32.store (local.get $wp) (f32.add (f32.load (local.get $wp)) (call $hsum (local.get $acc))))
          (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
          (br_if $sl (i32.lt_s (local.tee $ts (i32.add (local.get $ts) (i32.const 1))) (local.get $s))))
        (br_if $rl (i32.lt_s (local.tee $tr (i32.add (local.get $tr) (i32.const 1))) (local.get $r))))))
      (br_if $pls (i32.lt_s (local.tee $pl (i32.add (local.get $pl) (i32.const 1))) (local.get $planes)))))

  ;; --- 2×2, stride 2 max pooling ------------------------------------------------------------
  ;; Four outputs at a time: the even and odd columns of the two input rows
  ;; are separated by shuffles and compared in row-major window order with
  ;; f32x4.pmax / f32x4.gt (b > a), so the first maximum wins as in the
  ;; reference.

  ;; maxpool2_fwd: y [planes, oh, ow] from x [planes, h, w].
  (func $maxpool2_fwd (export "maxpool2_fwd") (param $x i32) (param $y i32) (param $planes i32)
    (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (local $pl i32) (local $oy i32) (local $ox i32) (local $r0 i32) (local $r1 i32) (local $o i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $m f32) (local $back i32)
    (local.set $o (local.get $y))
    (local.set $pl (i32.const 0))
    (loop $pls
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $r0 (i32.add (local.get $x) (i32.shl (i32.add
          (i32.mul (local.get $pl) (i32.mul (local.get $h) (local.get $w)))
          (i32.mul (i32.shl (local.get $oy) (i32.const 1)) (local.get $w))) (i32.const 2))))
        (local.set $r1 (i32.add (local.get $r0) (i32.shl (local.get $w) (i32.const 2))))
        (local.set $ox (i32.const 0))
        (block $vd (loop $vl
          ;; A row's last outputs, past its last whole vector, are the
          ;; vector ending at ow again (those before them are rewritten
          ;; with the same values).
          (if (i32.gt_s (i32.add (local.get $ox) (i32.const 4)) (local.get $ow)) (then
            (br_if $vd (i32.or (i32.ge_s (local.get $ox) (local.get $ow)) (i32.lt_s (local.get $ow) (i32.const 4))))
            (local.set $back (i32.sub (i32.add (local.get $ox) (i32.const 4)) (local.get $ow)))
            (local.set $r0 (i32.sub (local.get $r0) (i32.shl (local.get $back) (i32.const 3))))
            (local.set $r1 (i32.sub (local.get $r1) (i32.shl (local.get $back) (i32.const 3))))
            (local.set $o (i32.sub (local.get $o) (i32.shl (local.get $back) (i32.const 2))))
            (local.set $ox (i32.sub (local.get $ox) (local.get $back)))))
          (local.set $a (v128.load (local.get $r0)))
          (local.set $b (v128.load offset=16 (local.get $r0)))
          (local.set $c (v128.load (local.get $r1)))
          (local.set $d (v128.load offset=16 (local.get $r1)))
          (v128.store (local.get $o)
            (f32x4.pmax
              (f32x4.pmax
                (f32x4.pmax
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c) (local.get $d)))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c) (local.get $d))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
          (br $vl)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_s (local.get $ox) (local.get $ow)))
          (local.set $m (f32.load (local.get $r0)))
          (local.set $m (call $fmax (local.get $m) (f32.load offset=4 (local.get $r0))))
          (local.set $m (call $fmax (local.get $m) (f32.load (local.get $r1))))
          (f32.store (local.get $o) (call $fmax (local.get $m) (f32.load offset=4 (local.get $r1))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 8)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $sl)))
        (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh))))
      (br_if $pls (i32.lt_s (local.tee $pl (i32.add (local.get $pl) (i32.const 1))) (local.get $planes)))))

  ;; fmax is b if b > a, else a (what pmax does per lane).
  (func $fmax (param $a f32) (param $b f32) (result f32)
    (select (local.get $b) (local.get $a) (f32.gt (local.get $b) (local.get $a))))

  ;; maxpool2_bwd: dx += dy routed to the first maximum of each window of x.
  (func $maxpool2_bwd (export "maxpool2_bwd") (param $x i32) (param $dy i32) (param $dx i32) (param $planes i32)
    (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (local $pl i32) (local $oy i32) (local $ox i32) (local $r0 i32) (local $r1 i32) (local $g i32)
    (local $d0 i32) (local $d1 i32) (local $at i32)
    (local $a v128) (local $b v128) (local $m v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $o0 v128) (local $e1 v128) (local $o1 v128) (local $gv v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $fm f32) (local $v f32) (local $off i32)
    (local $keep v128) (local $back i32)
    (local.set $g (local.get $dy))
    (local.set $pl (i32.const 0))
    (loop $pls
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $off (i32.shl (i32.add
          (i32.mul (local.get $pl) (i32.mul (local.get $h) (local.get $w)))
          (i32.mul (i32.shl (local.get $oy) (i32.const 1)) (local.get $w))) (i32.const 2)))
        (local.set $r0 (i32.add (local.get $x) (local.get $off)))
        (local.set $r1 (i32.add (local.get $r0) (i32.shl (local.get $w) (i32.const 2))))
        (local.set $d0 (i32.add (local.get $dx) (local.get $off)))
        (local.set $d1 (i32.add (local.get $d0) (i32.shl (local.get $w) (i32.const 2))))
        (local.set $ox (i32.const 0))
        (local.set $keep (v128.const i32x4 -1 -1 -1 -1))
        (block $vd (loop $vl
          (if (i32.gt_s (i32.add (local.get $ox) (i32.const 4)) (local.get $ow))
            (then
              (br_if $vd (i32.or (i32.ge_s (local.get $ox) (local.get $ow)) (i32.lt_s (local.get $ow) (i32.const 4))))
              ;; The last 1-3 windows of a row: the vector of the last four,
              ;; its first back lanes (done already) adding nothing.
              (local.set $back (i32.sub (local.get $ox) (i32.sub (local.get $ow) (i32.const 4))))
              (local.set $keep (f32x4.ge (v128.const f32x4 0 1 2 3) (f32x4.splat (f32.convert_i32_s (local.get $back)))))
              (local.set $r0 (i32.sub (local.get $r0) (i32.shl (local.get $back) (i32.const 3))))
              (local.set $r1 (i32.sub (local.get $r1) (i32.shl (local.get $back) (i32.const 3))))
              (local.set $d0 (i32.sub (local.get $d0) (i32.shl (local.get $back) (i32.const 3))))
              (local.set $d1 (i32.sub (local.get $d1) (i32.shl (local.get $back) (i32.const 3))))
              (local.set $g (i32.sub (local.get $g) (i32.shl (local.get $back) (i32.const 2))))
              (local.set $ox (i32.sub (local.get $ow) (i32.const 4)))))
          (local.set $a (v128.load (local.get $r0)))
          (local.set $b (v128.load offset=16 (local.get $r0)))
          (local.set $m (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
          (local.set $o0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
          (local.set $a (v128.load (local.get $r1)))
          (local.set $b (v128.load offset=16 (local.get $r1)))
          (local.set $e1 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
          (local.set $o1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
          (local.set $c1 (f32x4.gt (local.get $o0) (local.get $m)))
          (local.set $m (v128.bitselect (local.get $o0) (local.get $m) (local.get $c1)))
          (local.set $c2 (f32x4.gt (local.get $e1) (local.get $m)))
          (local.set $m (v128.bitselect (local.get $e1) (local.get $m) (local.get $c2)))
          (local.set $c3 (f32x4.gt (local.get $o1) (local.get $m)))
          ;; Winners: o1 if c3; else e1 if c2; else o0 if c1; else e0.
          (local.set $w2 (v128.andnot (local.get $c2) (local.get $c3)))
          (local.set $w1 (v128.andnot (v128.andnot (local.get $c1) (local.get $c2)) (local.get $c3)))
          (local.set $w0 (v128.not (v128.or (v128.or (local.get $c1) (local.get $c2)) (local.get $c3))))
          (local.set $gv (v128.and (v128.load (local.get $g)) (local.get $keep)))
          (local.set $a (v128.and (local.get $gv) (local.get $w0)))
          (local.set $b (v128.and (local.get $gv) (local.get $w1)))
          (v128.store (local.get $d0) (f32x4.add (v128.load (local.get $d0))
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b))))
          (v128.store offset=16 (local.get $d0) (f32x4.add (v128.load offset=16 (local.get $d0))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b))))
          (local.set $a (v128.and (local.get $gv) (local.get $w2)))
          (local.set $b (v128.and (local.get $gv) (local.get $c3)))
          (v128.store (local.get $d1) (f32x4.add (v128.load (local.get $d1))
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b))))
          (v128.store offset=16 (local.get $d1) (f32x4.add (v128.load offset=16 (local.get $d1))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
          (local.set $d0 (i32.add (local.get $d0) (i32.const 32)))
          (local.set $d1 (i32.add (local.get $d1) (i32.const 32)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
          (br $vl)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_s (local.get $ox) (local.get $ow)))
          (local.set $fm (f32.load (local.get $r0)))
          (local.set $at (local.get $d0))
          (if (f32.gt (local.tee $v (f32.load offset=4 (local.get $r0))) (local.get $fm))
            (then (local.set $fm (local.get $v)) (local.set $at (i32.add (local.get $d0) (i32.const 4)))))
          (if (f32.gt (local.tee $v (f32.load (local.get $r1))) (local.get $fm))
            (then (local.set $fm (local.get $v)) (local.set $at (local.get $d1))))
          (if (f32.gt (f32.load offset=4 (local.get $r1)) (local.get $fm))
            (then (local.set $at (i32.add (local.get $d1) (i32.const 4)))))
          (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $g))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 8)))
          (local.set $d0 (i32.add (local.get $d0) (i32.const 8)))
          (local.set $d1 (i32.add (local.get $d1) (i32.const 8)))
          (local.set $g (i32.add (local.get $g) (i32.const 4)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $sl)))
        (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh))))
      (br_if $pls (i32.lt_s (local.tee $pl (i32.add (local.get $pl) (i32.const 1))) (local.get $planes)))))

  ;; --- batch norm ----------------------------------------------------------------------------
  ;; Per channel, planes are summed as f32x4 and the planes' sums combined in
  ;; float64, as the Go kernels do row by row. Pointers of absent (nil)
  ;; slices are 0.

  ;; sum is Σ p[i] over n floats.
  (func $sum (param $p i32) (param $n i32) (result f32)
    (local $acc v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $end i32) (local $t f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    ;; Four vectors at a time into four sums, so the adds do not wait on
    ;; each other.
    (block $qd (loop $ql
      (br_if $qd (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
      (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
      (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
      (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $p))))
      (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $ql)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (local.set $t (call $hsum (f32x4.add (f32x4.add (local.get $acc) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $t (f32.add (local.get $t) (f32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl)))
    (local.get $t))

  ;; sumsq is Σ (p[i]-mu)² over n floats.
  (func $sumsq (param $p i32) (param $n i32) (param $mu f32) (result f32)
    (local $acc v128) (local $end i32) (local $t f32) (local $vm v128) (local $d v128) (local $s f32)
    (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $vm (f32x4.splat (local.get $mu)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $qd (loop $ql ;; four sums, as in sum
      (br_if $qd (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
      (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $vm)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $d (f32x4.sub (v128.load offset=16 (local.get $p)) (local.get $vm)))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $d (f32x4.sub (v128.load offset=32 (local.get $p)) (local.get $vm)))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $d (f32x4.sub (v128.load offset=48 (local.get $p)) (local.get $vm)))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $ql)))
    (local.set $acc (f32x4.add (f32x4.add (local.get $acc) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $vm)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (local.set $t (call $hsum (local.get $acc)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f32.sub (f32.load (local.get $p)) (local.get $mu)))
      (local.set $t (f32.add (local.get $t) (f32.mul (local.get $s) (local.get $s))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl)))
    (local.get $t))

  ;; bn_train: see compute.Set.BatchNormTrain; x is [n, c, hw].
  (func $bn_train (export "bn_train") (param $x i32) (param $gamma i32) (param $beta i32) (param $y i32)
    (param $mean i32) (param $var i32) (param $invstd i32) (param $n i32) (param $c i32) (param $hw i32) (param $eps f32)
    (local $ch i32) (local $i i32) (local $s f64) (local $m f64) (local $mu f32) (local $is f32)
    (local $scale f32) (local $shift f32) (local $plane i32) (local $cs i32) (local $src i32) (local $dst i32)
    (local $end i32) (local $vs v128) (local $vh v128)
    (local.set $m (f64.convert_i32_s (i32.mul (local.get $n) (local.get $hw))))
    (local.set $cs (i32.shl (i32.mul (local.get $c) (local.get $hw)) (i32.const 2)))
    (local.set $ch (i32.const 0))
    (loop $chs
      (local.set $plane (i32.add (local.get $x) (i32.shl (i32.mul (local.get $ch) (local.get $hw)) (i32.const 2))))
      (local.set $s (f64.const 0))
      (local.set $i (i32.const 0))
      (loop $a
        (local.set $s (f64.add (local.get $s) (f64.promote_f32
          (call $sum (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs))) (local.get $hw)))))
        (br_if $a (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.set $mu (f32.demote_f64 (f64.div (local.get $s) (local.get $m))))
      (local.set $s (f64.const 0))
      (local.set $i (i32.const 0))
      (loop $b
        (local.set $s (f64.add (local.get $s) (f64.promote_f32
          (call $sumsq (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs))) (local.get $hw) (local.get $mu)))))
        (br_if $b (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (f32.store (i32.add (local.get $mean) (i32.shl (local.get $ch) (i32.const 2))) (local.get $mu))
      (f32.store (i32.add (local.get $var) (i32.shl (local.get $ch) (i32.const 2)))
        (f32.demote_f64 (f64.div (local.get $s) (local.get $m))))
      (local.set $is (f32.demote_f64 (f64.div (f64.const 1)
        (f64.sqrt (f64.add (f64.div (local.get $s) (local.get $m)) (f64.promote_f32 (local.get $eps)))))))
      (f32.store (i32.add (local.get $invstd) (i32.shl (local.get $ch) (i32.const 2))) (local.get $is))
      ;; y = x·scale + shift, scale = invstd·gamma, shift = beta − mean·scale
      ;; (as bnApply in bn.go).
      (local.set $scale (local.get $is))
      (local.set $shift (f32.mul (f32.neg (local.get $mu)) (local.get $is)))
      (if (local.get $gamma) (then
        (local.set $scale (f32.mul (local.get $scale) (f32.load (i32.add (local.get $gamma) (i32.shl (local.get $ch) (i32.const 2))))))
        (local.set $shift (f32.mul (local.get $shift) (f32.load (i32.add (local.get $gamma) (i32.shl (local.get $ch) (i32.const 2))))))))
      (if (local.get $beta) (then
        (local.set $shift (f32.add (local.get $shift) (f32.load (i32.add (local.get $beta) (i32.shl (local.get $ch) (i32.const 2))))))))
      (local.set $vs (f32x4.splat (local.get $scale)))
      (local.set $vh (f32x4.splat (local.get $shift)))
      (local.set $i (i32.const 0))
      (loop $ap
        (local.set $src (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs))))
        (local.set $dst (i32.add (i32.sub (local.get $src) (local.get $x)) (local.get $y)))
        (local.set $end (i32.add (local.get $src) (i32.shl (local.get $hw) (i32.const 2))))
        (block $vd (loop $vl
          (br_if $vd (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $end)))
          (v128.store (local.get $dst) (f32x4.add (f32x4.mul (v128.load (local.get $src)) (local.get $vs)) (local.get $vh)))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (br $vl)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $src) (local.get $end)))
          (f32.store (local.get $dst) (f32.add (f32.mul (f32.load (local.get $src)) (local.get $scale)) (local.get $shift)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (br $sl)))
        (br_if $ap (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (br_if $chs (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 1))) (local.get $c)))))

  ;; bn_bwd: see compute.Set.BatchNormBackward and bn.go:
  ;; dx += k·(dy − a − (x−mu)·b), k = gamma·invstd, a = Σdy/M, b = Σdy·(x−mu)·invstd²/M.
  (func $bn_bwd (export "bn_bwd") (param $x i32) (param $gamma i32) (param $mean i32) (param $invstd i32)
    (param $dy i32) (param $dx i32) (param $dgamma i32) (param $dbeta i32) (param $n i32) (param $c i32) (param $hw i32)
    (local $ch i32) (local $i i32) (local $sdy f64) (local $sdyx f64) (local $mu f32) (local $is f32)
    (local $plane i32) (local $cs i32) (local $xp i32) (local $gp i32) (local $dp i32) (local $end i32)
    (local $va v128) (local $vb v128) (local $vm v128) (local $vk v128) (local $gv v128)
    (local $ta f32) (local $tb f32) (local $g f32) (local $k f32) (local $fa f32) (local $fb f32) (local $mf f32) (local $at i32)
    (local.set $mf (f32.convert_i32_s (i32.mul (local.get $n) (local.get $hw))))
    (local.set $cs (i32.shl (i32.mul (local.get $c) (local.get $hw)) (i32.const 2)))
    (local.set $ch (i32.const 0))
    (loop $chs
      (local.set $plane (i32.shl (i32.mul (local.get $ch) (local.get $hw)) (i32.const 2)))
      (local.set $mu (f32.load (i32.add (local.get $mean) (i32.shl (local.get $ch) (i32.const 2)))))
      (local.set $is (f32.load (i32.add (local.get $invstd) (i32.shl (local.get $ch) (i32.const 2)))))
      (local.set $vm (f32x4.splat (local.get $mu)))
      (local.set $sdy (f64.const 0))
      (local.set $sdyx (f64.const 0))
      (local.set $i (i32.const 0))
      (loop $sums
        (local.set $xp (i32.add (local.get $x) (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs)))))
        (local.set $gp (i32.add (local.get $dy) (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs)))))
        (local.set $end (i32.add (local.get $xp) (i32.shl (local.get $hw) (i32.const 2))))
        (local.set $va (v128.const i32x4 0 0 0 0))
        (local.set $vb (v128.const i32x4 0 0 0 0))
        (block $vd (loop $vl
          (br_if $vd (i32.gt_u (i32.add (local.get $xp) (i32.const 16)) (local.get $end)))
          (local.set $gv (v128.load (local.get $gp)))
          (local.set $va (f32x4.add (local.get $va) (local.get $gv)))
          (local.set $vb (f32x4.add (local.get $vb) (f32x4.mul (local.get $gv) (f32x4.sub (v128.load (local.get $xp)) (local.get $vm)))))
          (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
          (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
          (br $vl)))
        (local.set $ta (call $hsum (local.get $va)))
        (local.set $tb (call $hsum (local.get $vb)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $xp) (local.get $end)))
          (local.set $ta (f32.add (local.get $ta) (f32.load (local.get $gp))))
          (local.set $tb (f32.add (local.get $tb) (f32.mul (f32.load (local.get $gp)) (f32.sub (f32.load (local.get $xp)) (local.get $mu)))))
          (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
          (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
          (br $sl)))
        (local.set $sdy (f64.add (local.get $sdy) (f64.promote_f32 (local.get $ta))))
        (local.set $sdyx (f64.add (local.get $sdyx) (f64.promote_f32 (local.get $tb))))
        (br_if $sums (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.set $sdyx (f64.mul (local.get $sdyx) (f64.promote_f32 (local.get $is))))
      (if (local.get $dgamma) (then
        (local.set $at (i32.add (local.get $dgamma) (i32.shl (local.get $ch) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.demote_f64 (local.get $sdyx))))))
      (if (local.get $dbeta) (then
        (local.set $at (i32.add (local.get $dbeta) (i32.shl (local.get $ch) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.demote_f64 (local.get $sdy))))))
      (if (local.get $dx) (then
        (local.set $g (f32.const 1))
        (if (local.get $gamma) (then
          (local.set $g (f32.load (i32.add (local.get $gamma) (i32.shl (local.get $ch) (i32.const 2)))))))
        (local.set $k (f32.mul (local.get $g) (local.get $is)))
        (local.set $fa (f32.div (f32.demote_f64 (local.get $sdy)) (local.get $mf)))
        (local.set $fb (f32.div (f32.mul (f32.demote_f64 (local.get $sdyx)) (local.get $is)) (local.get $mf)))
        (local.set $va (f32x4.splat (local.get $fa)))
        (local.set $vb (f32x4.splat (local.get $fb)))
        (local.set $vk (f32x4.splat (local.get $k)))
        (local.set $i (i32.const 0))
        (loop $dxs
          (local.set $xp (i32.add (local.get $x) (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs)))))
          (local.set $gp (i32.add (local.get $dy) (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs)))))
          (local.set $dp (i32.add (local.get $dx) (i32.add (local.get $plane) (i32.mul (local.get $i) (local.get $cs)))))
          (local.set $end (i32.add (local.get $xp) (i32.shl (local.get $hw) (i32.const 2))))
          (block $vd2 (loop $vl2
            (br_if $vd2 (i32.gt_u (i32.add (local.get $xp) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $dp) (f32x4.add (v128.load (local.get $dp))
              (f32x4.mul (local.get $vk) (f32x4.sub (f32x4.sub (v128.load (local.get $gp)) (local.get $va))
                (f32x4.mul (f32x4.sub (v128.load (local.get $xp)) (local.get $vm)) (local.get $vb))))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
            (local.set $dp (i32.add (local.get $dp) (i32.const 16)))
            (br $vl2)))
          (block $sd2 (loop $sl2
            (br_if $sd2 (i32.ge_u (local.get $xp) (local.get $end)))
            (f32.store (local.get $dp) (f32.add (f32.load (local.get $dp))
              (f32.mul (local.get $k) (f32.sub (f32.sub (f32.load (local.get $gp)) (local.get $fa))
                (f32.mul (f32.sub (f32.load (local.get $xp)) (local.get $mu)) (local.get $fb))))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
            (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
            (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
            (br $sl2)))
          (br_if $dxs (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))
      (br_if $chs (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 1))) (local.get $c)))))

  ;; --- element-wise ----------------------------------------------------------------------------
  ;; See compute.Set's ReLU, ReLUBackward, AddChannels, SumChannels and Axpy;
  ;; n, c and hw are element counts. Each is one pass of f32x4 over the data
  ;; and a scalar tail.

  ;; relu: y = x < 0 ? 0 : x over n floats (f32x4.pmax keeps a NaN, as the Go
  ;; kernel does).
  (func $relu (export "relu") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $z v128) (local $v f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $x) (i32.const 32)) (local.get $end)))
      (v128.store (local.get $y) (f32x4.pmax (v128.load (local.get $x)) (local.get $z)))
      (v128.store offset=16 (local.get $y) (f32x4.pmax (v128.load offset=16 (local.get $x)) (local.get $z)))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (f32.load (local.get $x)))
      (if (f32.lt (local.get $v) (f32.const 0)) (then (local.set $v (f32.const 0))))
      (f32.store (local.get $y) (local.get $v))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (br $sl))))

  ;; relu_bwd: dx += dy where x > 0, over n floats.
  (func $relu_bwd (export "relu_bwd") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $end i32) (local $z v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $x) (i32.const 32)) (local.get $end)))
      (v128.store (local.get $dx) (f32x4.add (v128.load (local.get $dx))
        (v128.and (v128.load (local.get $dy)) (f32x4.gt (v128.load (local.get $x)) (local.get $z)))))
      (v128.store offset=16 (local.get $dx) (f32x4.add (v128.load offset=16 (local.get $dx))
        (v128.and (v128.load offset=16 (local.get $dy)) (f32x4.gt (v128.load offset=16 (local.get $x)) (local.get $z)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 32)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 32)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $x) (local.get $end)))
      (if (f32.gt (f32.load (local.get $x)) (f32.const 0)) (then
        (f32.store (local.get $dx) (f32.add (f32.load (local.get $dx)) (f32.load (local.get $dy))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
      (br $sl))))

  ;; add_row: p[i] += v over n floats.
  (func $add_row (param $p i32) (param $n i32) (param $v f32)
    (local $end i32) (local $vv v128)
    (local.set $vv (f32x4.splat (local.get $v)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $vv)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
      (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (local.get $v)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl))))

  ;; add_channels: y[i, ch, :] += b[ch] for y [n, c, hw].
  (func $add_channels (export "add_channels") (param $b i32) (param $y i32) (param $n i32) (param $c i32) (param $hw i32)
    (local $i i32) (local $ch i32)
    (local.set $i (i32.const 0))
    (loop $imgs
      (local.set $ch (i32.const 0))
      (loop $chs
        (call $add_row (local.get $y) (local.get $hw) (f32.load (i32.add (local.get $b) (i32.shl (local.get $ch) (i32.const 2)))))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $hw) (i32.const 2))))
        (br_if $chs (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 1))) (local.get $c))))
      (br_if $imgs (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

  ;; sum_channels: dst[ch] += Σ x[i, ch, :] for x [n, c, hw], each row summed
  ;; as f32x4 (sum, above).
  (func $sum_channels (export "sum_channels") (param $x i32) (param $dst i32) (param $n i32) (param $c i32) (param $hw i32)
    (local $i i32) (local $ch i32) (local $at i32)
    (local.set $i (i32.const 0))
    (loop $imgs
      (local.set $ch (i32.const 0))
      (loop $chs
        (local.set $at (i32.add (local.get $dst) (i32.shl (local.get $ch) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (call $sum (local.get $x) (local.get $hw))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $hw) (i32.const 2))))
        (br_if $chs (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 1))) (local.get $c))))
      (br_if $imgs (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

;; bias_relu: y[i, ch, :] = max(y[i, ch, :] + b[ch], 0) for y [n, c, hw], in
  ;; place (b = 0: no bias), as add_channels then relu.
  (func $bias_relu (export "bias_relu") (param $b i32) (param $y i32) (param $n i32) (param $c i32) (param $hw i32)
    (local $i i32) (local $ch i32) (local $p i32) (local $end i32) (local $vb v128) (local $z v128) (local $v f32) (local $bv f32)
    (if (i32.eqz (local.get $b)) (then
      (call $relu (local.get $y) (local.get $y) (i32.mul (local.get $n) (i32.mul (local.get $c) (local.get $hw))))
      (return)))
    (local.set $i (i32.const 0))
    (loop $imgs
      (local.set $ch (i32.const 0))
      (loop $chs
        (local.set $bv (f32.load (i32.add (local.get $b) (i32.shl (local.get $ch) (i32.const 2)))))
        (local.set $vb (f32x4.splat (local.get $bv)))
        (local.set $p (local.get $y))
        (local.set $end (i32.add (local.get $y) (i32.shl (local.get $hw) (i32.const 2))))
        (block $vd (loop $vl
          (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
          (v128.store (local.get $p) (f32x4.pmax (f32x4.add (v128.load (local.get $p)) (local.get $vb)) (local.get $z)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $vl)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $v (f32.add (f32.load (local.get $p)) (local.get $bv)))
          (if (f32.lt (local.get $v) (f32.const 0)) (then (local.set $v (f32.const 0))))
          (f32.store (local.get $p) (local.get $v))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $sl)))
        (local.set $y (local.get $end))
        (br_if $chs (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 1))) (local.get $c))))
      (br_if $imgs (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

  ;; relu_mask: dx = y > 0 ? dy : 0 over n floats.
  (func $relu_mask (export "relu_mask") (param $y i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $end i32) (local $z v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $y) (i32.const 32)) (local.get $end)))
      (v128.store (local.get $dx) (v128.and (v128.load (local.get $dy)) (f32x4.gt (v128.load (local.get $y)) (local.get $z))))
      (v128.store offset=16 (local.get $dx)
        (v128.and (v128.load offset=16 (local.get $dy)) (f32x4.gt (v128.load offset=16 (local.get $y)) (local.get $z))))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 32)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 32)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $y) (local.get $end)))
      (f32.store (local.get $dx) (select (f32.load (local.get $dy)) (f32.const 0) (f32.gt (f32.load (local.get $y)) (f32.const 0))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
      (br $sl))))

    ;; axpy: y += a·x over n floats.
  (func $axpy (export "axpy") (param $a f32) (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $va v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $x) (i32.const 32)) (local.get $end)))
      (v128.store (local.get $y) (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $va) (v128.load (local.get $x)))))
      (v128.store offset=16 (local.get $y) (f32x4.add (v128.load offset=16 (local.get $y))
        (f32x4.mul (local.get $va) (v128.load offset=16 (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $x) (local.get $end)))
      (f32.store (local.get $y) (f32.add (f32.load (local.get $y)) (f32.mul (local.get $a) (f32.load (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (br $sl))))
)
