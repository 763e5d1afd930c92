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
