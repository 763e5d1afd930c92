package wasmsimd

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestAssembleKnownBytes(t *testing.T) {
	// The bytes wat2wasm writes for this module (no name section).
	src := `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`
	want := "0061736d01000000" + "0107016002" + "7f7f017f" + "03020100" + "070701036164640000" + "0a09010700200020016a0b"
	got, err := Assemble([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != want {
		t.Fatalf("got  %x\nwant %s", got, want)
	}
}

func TestFoldedEqualsFlat(t *testing.T) {
	flat := `(module (import "env" "memory" (memory 0))
	  (func $f (export "f") (param $p i32) (param $x f32) (local $v v128)
	    local.get $p
	    local.get $p
	    v128.load offset=16
	    local.get $x
	    f32x4.splat
	    f32x4.mul
	    v128.store
	    block $out
	      loop $l
	        local.get $p
	        i32.eqz
	        br_if $out
	        local.get $p
	        i32.const -1
	        i32.add
	        local.set $p
	        br $l
	      end
	    end))`
	folded := `(module (import "env" "memory" (memory 0))
	  (func $f (export "f") (param $p i32) (param $x f32) (local $v v128)
	    (v128.store (local.get $p) (f32x4.mul (v128.load offset=16 (local.get $p)) (f32x4.splat (local.get $x))))
	    (block $out (loop $l
	      (br_if $out (i32.eqz (local.get $p)))
	      (local.set $p (i32.add (local.get $p) (i32.const -1)))
	      (br $l)))))`
	a, err := Assemble([]byte(flat))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Assemble([]byte(folded))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("flat %x\nfolded %x", a, b)
	}
}

func TestAssembleErrors(t *testing.T) {
	for _, src := range []string{
		`(module (func (i32.frob)))`,
		`(module (func (br $nowhere)))`,
		`(module (func (local.get $x)))`,
		`(module (func (call $g)))`,
		`(module (func (v128.load align=32 (i32.const 0))))`,
		`(module (func (i32.const 99999999999)))`,
		`(module (func (block`,
	} {
		if _, err := Assemble([]byte(src)); err == nil || !strings.HasPrefix(err.Error(), "wasmsimd:") {
			t.Errorf("%s: error %v", src, err)
		}
	}
}

func TestKernelsAssemble(t *testing.T) {
	if _, err := Module(); err != nil {
		t.Fatal(err)
	}
}

// wabtSample exercises every kind of immediate the assembler reads; wantWabt
// is what wat2wasm (wabt 1.0.39, npm package wabt) writes for it. The
// kernels.wat of this commit also assembles byte for byte as wabt does.
const wabtSample = `(module
  (import "env" "memory" (memory 0))
  (func $f (export "f") (param $p i32) (param $x f32) (result f32)
    (local $v v128) (local $i i32) (local $d f64)
    (local.set $v (f32x4.mul (v128.load32_splat offset=4 (local.get $p)) (v128.const f32x4 1.5 -2 0 3)))
    (v128.store offset=16 align=4 (local.get $p)
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v) (f32x4.splat (local.get $x))))
    (local.set $i (i32.const -129))
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $i) (i32.const 100000)))
      (local.set $i (i32.add (local.get $i) (i32.const 0x40)))
      (br $l)))
    (local.set $d (f64.sqrt (f64.promote_f32 (local.get $x))))
    (memory.fill (local.get $p) (i32.const 0) (i32.const 8))
    (drop (call $g (f32x4.extract_lane 2 (v128.bitselect (local.get $v) (v128.load (local.get $p)) (f32x4.gt (local.get $v) (local.get $v))))))
    (if (result f32) (i32.eqz (local.get $i))
      (then (f32.demote_f64 (local.get $d)))
      (else (f32.const -0.25))))
  (func $g (param f32) (result f32) local.get 0 f32.neg))`

const wantWabt = "0061736d01000000010c0260027f7d017d60017d017d020f0103656e76066d656d6f72790200000303020001070501016600000a9e0102950103017b017f017c2000fd090204fd0c0000c03f000000c00000000000004040fde6012102200020022001fd13fd0d00010203101112130405060714151617fd0b021041ff7e210302400340200341a08d064e0d01200341c0006a21030c000b0b2001bb9f2104200041004108fc0b0020022000fd00040020022002fd44fd52fd1f0210011a200345047d2004b60543000080be0b0b050020008c0b"

func TestAssembleMatchesWabt(t *testing.T) {
	got, err := Assemble([]byte(wabtSample))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != wantWabt {
		t.Fatalf("got  %x\nwant %s", got, wantWabt)
	}
}

// wantLink is the link module of wabtSample: type section as the sample's,
// an import of env.kernels (a funcref table of one slot), and f, of type 0,
// whose body passes its two parameters to slot 0 with call_indirect. Node 20
// instantiates it on a table holding the sample's f and returns what f
// returns.
const wantLink = "0061736d01000000010c0260027f7d017d60017d017d02110103656e76076b65726e656c730170000103020100070501016600000a0d010b002000200141001100000b"

func TestAssembleLinked(t *testing.T) {
	plain, err := Assemble([]byte(wabtSample))
	if err != nil {
		t.Fatal(err)
	}
	linked, err := AssembleLinked([]byte(wabtSample))
	if err != nil {
		t.Fatal(err)
	}
	// The linked module is the plain one followed by one custom section.
	if !bytes.HasPrefix(linked, plain) {
		t.Fatal("the linked module does not start with the plain module")
	}
	sec := linked[len(plain):]
	payload := append(name(LinkSection), mustHex(t, wantLink)...)
	want := append(append([]byte{0}, uleb(uint32(len(payload)))...), payload...)
	if !bytes.Equal(sec, want) {
		t.Fatalf("custom section\ngot  %x\nwant %x", sec, want)
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
