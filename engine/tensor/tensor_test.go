package tensor

import (
	"fmt"
	"math/rand"
	"testing"
)

func TestOffsetAndViews(t *testing.T) {
	x := New(2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	if got := x.At(1, 2, 3); got != 23 {
		t.Fatalf("At(1,2,3) = %v, want 23", got)
	}
	s := x.Slice(1, 1, 3) // [2,2,4]
	if s.IsContiguous() {
		t.Fatal("slice along a middle dim should not be contiguous")
	}
	if got := s.At(1, 0, 2); got != 18 {
		t.Fatalf("slice At(1,0,2) = %v, want 18", got)
	}
	s.Set(-1, 0, 0, 0)
	if x.At(0, 1, 0) != -1 {
		t.Fatal("slice does not share storage")
	}
	v := s.Values()
	want := []float32{-1, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}
	if fmt.Sprint(v) != fmt.Sprint(want) {
		t.Fatalf("Values = %v, want %v", v, want)
	}
	r := x.Reshape(6, -1)
	if r.Shape[1] != 4 || r.At(5, 3) != 23 {
		t.Fatalf("reshape: %v", r)
	}
	row := x.Row(1)
	if row.At(0, 0) != 12 || len(row.Shape) != 2 {
		t.Fatalf("row: %v", row)
	}
	c := s.Clone()
	c.Data[0] = 100
	if x.At(0, 1, 0) != -1 {
		t.Fatal("clone shares storage")
	}
}

func TestSeededInit(t *testing.T) {
	a := New(10).Uniform(rand.New(rand.NewSource(1)), -1, 1)
	b := New(10).Uniform(rand.New(rand.NewSource(1)), -1, 1)
	if MaxAbsDiff(a, b) != 0 {
		t.Fatal("same seed gives different tensors")
	}
	h := New(1000).HeUniform(rand.New(rand.NewSource(2)), 6)
	for _, v := range h.Data {
		if v < -1 || v >= 1 {
			t.Fatalf("HeUniform(fanIn=6) value %v outside ±1", v)
		}
	}
}

func ExampleTensor_Offset() {
	x := New(2, 3) // strides [3 1]
	fmt.Println(x.Strides, x.Offset(1, 2))
	// Output: [3 1] 5
}
