package tensor

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
)

// Tensor is a strided view of float32 values.
//
// The element at index (i0, ..., ik) is Data[Σ ij*Strides[j]]. Shape and Strides
// have the same length; a scalar has an empty shape and one element.
type Tensor struct {
	Data    []float32
	Shape   []int
	Strides []int
}

// New returns a zeroed contiguous tensor of the given shape.
func New(shape ...int) *Tensor {
	n := Numel(shape)
	return &Tensor{Data: make([]float32, n), Shape: cloneInts(shape), Strides: Contiguous(shape)}
}

// FromData wraps data (not copied) as a contiguous tensor of the given shape.
// The tensor shares storage with data.
func FromData(data []float32, shape ...int) *Tensor {
	n := Numel(shape)
	if len(data) < n {
		panic(fmt.Sprintf("tensor: FromData: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{Data: data[:n:n], Shape: cloneInts(shape), Strides: Contiguous(shape)}
}

// Numel returns the number of elements of a tensor with the given shape.
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Contiguous returns the row-major strides of shape.
func Contiguous(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = st
		st *= shape[i]
	}
	return s
}

func cloneInts(s []int) []int { return append([]int(nil), s...) }

// Len returns the number of elements.
func (t *Tensor) Len() int { return Numel(t.Shape) }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// IsContiguous reports whether t is laid out row-major without gaps, so that
// Data[:t.Len()] holds its elements in index order.
func (t *Tensor) IsContiguous() bool {
	st := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Strides[i] != st {
			return false
		}
		st *= t.Shape[i]
	}
	return true
}

// Offset returns the position in Data of the element at idx.
func (t *Tensor) Offset(idx ...int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", idx, t.Shape))
	}
	o := 0
	for i, v := range idx {
		if v < 0 || v >= t.Shape[i] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.Shape))
		}
		o += v * t.Strides[i]
	}
	return o
}

// At returns the element at idx.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.Offset(idx...)] }

// Set sets the element at idx to v.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.Offset(idx...)] = v }

// Values returns the elements of t in index order. For a contiguous tensor it
// is Data[:Len()] itself (shared storage); otherwise a fresh copy.
func (t *Tensor) Values() []float32 {
	n := t.Len()
	if t.IsContiguous() {
		return t.Data[:n:n]
	}
	out := make([]float32, 0, n)
	t.each(func(off int) { out = append(out, t.Data[off]) })
	return out
}

// each calls f with the Data offset of every element, in index order.
func (t *Tensor) each(f func(off int)) {
	if t.Len() == 0 {
		return
	}
	idx := make([]int, len(t.Shape))
	off := 0
	for {
		f(off)
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			off += t.Strides[i]
			if idx[i] < t.Shape[i] {
				break
			}
			off -= idx[i] * t.Strides[i]
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// Clone returns a contiguous copy of t that shares nothing with it.
func (t *Tensor) Clone() *Tensor {
	v := t.Values()
	return &Tensor{Data: append([]float32(nil), v...), Shape: cloneInts(t.Shape), Strides: Contiguous(t.Shape)}
}

// CopyFrom copies the elements of src into t in index order. The shapes must
// have the same number of elements.
func (t *Tensor) CopyFrom(src *Tensor) {
	if t.Len() != src.Len() {
		panic(fmt.Sprintf("tensor: CopyFrom: shape %v from %v", t.Shape, src.Shape))
	}
	v := src.Values()
	if t.IsContiguous() {
		copy(t.Data[:len(v)], v)
		return
	}
	i := 0
	t.each(func(off int) { t.Data[off] = v[i]; i++ })
}

// Fill sets every element of t to v.
func (t *Tensor) Fill(v float32) {
	if t.IsContiguous() {
		d := t.Data[:t.Len()]
		for i := range d {
			d[i] = v
		}
		return
	}
	t.each(func(off int) { t.Data[off] = v })
}

// Reshape returns a view of t with a new shape and the same elements. One
// dimension may be -1 and is inferred. t must be contiguous. The view shares
// storage with t.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Reshape of non-contiguous tensor with shape %v", t.Shape))
	}
	shape = cloneInts(shape)
	n, infer := 1, -1
	for i, d := range shape {
		if d == -1 {
			if infer >= 0 {
				panic("tensor: Reshape with more than one -1")
			}
			infer = i
			continue
		}
		n *= d
	}
	if infer >= 0 && n > 0 {
		shape[infer] = t.Len() / n
		n *= shape[infer]
	}
	if n != t.Len() {
		panic(fmt.Sprintf("tensor: Reshape %v to %v", t.Shape, shape))
	}
	return &Tensor{Data: t.Data[:n:n], Shape: shape, Strides: Contiguous(shape)}
}

// Slice returns the view of t with dimension dim restricted to [lo, hi).
// The view shares storage with t.
func (t *Tensor) Slice(dim, lo, hi int) *Tensor {
	if dim < 0 || dim >= len(t.Shape) || lo < 0 || hi > t.Shape[dim] || lo > hi {
		panic(fmt.Sprintf("tensor: Slice(%d, %d, %d) of shape %v", dim, lo, hi, t.Shape))
	}
	shape := cloneInts(t.Shape)
	shape[dim] = hi - lo
	v := &Tensor{Shape: shape, Strides: cloneInts(t.Strides)}
	start := lo * t.Strides[dim]
	if Numel(shape) == 0 {
		v.Data = t.Data[:0]
		return v
	}
	end := start + 1
	for i, d := range shape {
		end += (d - 1) * t.Strides[i]
	}
	v.Data = t.Data[start:end:end]
	return v
}

// Row returns the view t[i], dropping the first dimension. It shares storage
// with t.
func (t *Tensor) Row(i int) *Tensor {
	v := t.Slice(0, i, i+1)
	v.Shape, v.Strides = v.Shape[1:], v.Strides[1:]
	return v
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b *Tensor) bool { return EqualShape(a.Shape, b.Shape) }

// EqualShape reports whether two shapes are equal.
func EqualShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MaxAbsDiff returns max |a-b| over the elements of two tensors with the same
// number of elements.
func MaxAbsDiff(a, b *Tensor) float64 {
	av, bv := a.Values(), b.Values()
	if len(av) != len(bv) {
		panic(fmt.Sprintf("tensor: MaxAbsDiff of shapes %v and %v", a.Shape, b.Shape))
	}
	m := 0.0
	for i := range av {
		d := math.Abs(float64(av[i]) - float64(bv[i]))
		if d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// String formats the shape and the first few values, for debugging.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v[", t.Shape)
	v := t.Values()
	for i, x := range v {
		if i == 8 {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.4g", x)
	}
	b.WriteByte(']')
	return b.String()
}

// Uniform fills t with values drawn uniformly from [lo, hi) using r.
func (t *Tensor) Uniform(r *rand.Rand, lo, hi float32) *Tensor {
	t.fillWith(func() float32 { return lo + (hi-lo)*r.Float32() })
	return t
}

// Normal fills t with values drawn from N(mean, std²) using r.
func (t *Tensor) Normal(r *rand.Rand, mean, std float32) *Tensor {
	t.fillWith(func() float32 { return mean + std*float32(r.NormFloat64()) })
	return t
}

// HeUniform fills t from U(±sqrt(6/fanIn)), the Kaiming-uniform bound for ReLU
// networks (He et al. 2015).
func (t *Tensor) HeUniform(r *rand.Rand, fanIn int) *Tensor {
	b := float32(math.Sqrt(6 / float64(fanIn)))
	return t.Uniform(r, -b, b)
}

// HeNormal fills t from N(0, 2/fanIn) (He et al. 2015).
func (t *Tensor) HeNormal(r *rand.Rand, fanIn int) *Tensor {
	return t.Normal(r, 0, float32(math.Sqrt(2/float64(fanIn))))
}

// XavierUniform fills t from U(±sqrt(6/(fanIn+fanOut))) (Glorot & Bengio 2010).
func (t *Tensor) XavierUniform(r *rand.Rand, fanIn, fanOut int) *Tensor {
	b := float32(math.Sqrt(6 / float64(fanIn+fanOut)))
	return t.Uniform(r, -b, b)
}

func (t *Tensor) fillWith(f func() float32) {
	if t.IsContiguous() {
		d := t.Data[:t.Len()]
		for i := range d {
			d[i] = f()
		}
		return
	}
	t.each(func(off int) { t.Data[off] = f() })
}
