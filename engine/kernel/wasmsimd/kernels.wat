;; nasbook's WebAssembly SIMD kernels (f32x4). See doc.go for the calling
;; convention: every pointer is a byte offset into the Go module's memory,
;; which this module imports; strides and sizes are in elements.
;;
;; The export names and signatures are an interface: engine/kernel's
;; simd_js.go declares each of them with //go:wasmimport.
(module
  (import "env" "memory" (memory 0))

  ;; Blocking of the GEMM (Goto/BLIS, as the Go GEMM): C is updated in blocks
  ;; of MC×NC over slices of KC of the shared dimension; the micro-kernel keeps
  ;; a 4×8 tile of C in eight f32x4 accumulators. The workspace ws holds
  ;;   [0, 128)                       a 4×8 tile for edge blocks
  ;;   [128, 128 + 4·MC·KC)           packed A, row panels of 4
  ;;   [.., .. + 4·KC·NC)             packed B, column panels of 8
  ;; MC = 64, KC = 256, NC = 512; engine/kernel sizes ws to match.

  ;; gemm: C = alpha·op(A)·op(B) + beta·C (see kernel.GemmFunc). a, b, c, ws
  ;; are byte offsets; m, n, k ≥ 1.
  (func $gemm (export "gemm")
    (param $ta i32) (param $tb i32) (param $m i32) (param $n i32) (param $k i32)
    (param $alpha f32) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $beta f32) (param $c i32) (param $ldc i32) (param $ws i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $pa i32) (local $pb i32)
    (call $scale_c (local.get $m) (local.get $n) (local.get $beta) (local.get $c) (local.get $ldc))
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
            (local.get $ldc) (local.get $ws))
          (br_if $il (i32.lt_s (local.tee $ic (i32.add (local.get $ic) (i32.const 64))) (local.get $m))))
        (br_if $pl (i32.lt_s (local.tee $pc (i32.add (local.get $pc) (i32.const 256))) (local.get $k))))
      (br_if $jl (i32.lt_s (local.tee $jc (i32.add (local.get $jc) (i32.const 512))) (local.get $n)))))

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
        (then (memory.fill (local.get $row) (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))
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
    (loop $panels
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
        (br_if $rows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
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
        (else
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
      (br_if $panels (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 8))) (local.get $nc)))))

  ;; macro adds the product of packed A (mc×kc at pa) and packed B (kc×nc at
  ;; pb) into C (byte offset c, row stride ldc elements). Edge tiles go
  ;; through the 4×8 tile at ws.
  (func $macro (param $mc i32) (param $nc i32) (param $kc i32) (param $pa i32) (param $pb i32)
    (param $c i32) (param $ldc i32) (param $ws i32)
    (local $jr i32) (local $ir i32) (local $mr i32) (local $nr i32) (local $bp i32) (local $cp i32)
    (local $ld4 i32) (local $i i32) (local $j i32) (local $t i32) (local $o i32)
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
        (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
          (then
            (call $micro (local.get $kc)
              (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
              (local.get $bp) (local.get $cp) (local.get $ld4)))
          (else
            (v128.store (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=16 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=32 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=48 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=64 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=80 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=96 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (v128.store offset=112 (local.get $ws) (v128.const i32x4 0 0 0 0))
            (call $micro (local.get $kc)
              (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
              (local.get $bp) (local.get $ws) (i32.const 32))
            (local.set $i (i32.const 0))
            (loop $ti
              (local.set $j (i32.const 0))
              (loop $tj
                (local.set $o (i32.add (local.get $cp)
                  (i32.add (i32.mul (local.get $i) (local.get $ld4)) (i32.shl (local.get $j) (i32.const 2)))))
                (f32.store (local.get $o) (f32.add (f32.load (local.get $o))
                  (f32.load (i32.add (local.get $ws)
                    (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 3)) (local.get $j)) (i32.const 2))))))
                (br_if $tj (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nr))))
              (br_if $ti (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $mr))))))
        (br_if $il (i32.lt_s (local.tee $ir (i32.add (local.get $ir) (i32.const 4))) (local.get $mc))))
      (br_if $jl (i32.lt_s (local.tee $jr (i32.add (local.get $jr) (i32.const 8))) (local.get $nc)))))

  ;; micro adds the 4×8 product of a packed A panel (kc×4 at ap) and a packed
  ;; B panel (kc×8 at bp) into the 4×8 block of C at c (row stride ld4 bytes).
  (func $micro (param $kc i32) (param $ap i32) (param $bp i32) (param $c i32) (param $ld4 i32)
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
)
