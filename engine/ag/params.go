package ag

import (
	"fmt"

	"nasbook/engine/tensor"
)

// Params is a set of named parameters stored in two flat slices: Data holds
// every value and Grad every gradient, in the order the parameters were
// added. Each parameter's Var has Value and Grad tensors that are views into
// Data and Grad at the same offset, so optimizers update all parameters with
// one loop over Data and Grad.
//
// Adding a parameter may move Data and Grad to larger slices; the Vars handed
// out earlier are re-pointed, but slices of Data or Grad taken before an Add
// go stale. Build the model first, then train.
type Params struct {
	Data []float32
	Grad []float32

	list  []Param
	index map[string]int
}

// Param is one named entry of a Params.
type Param struct {
	Name   string
	Offset int // position of the first value in Data and Grad
	Var    *Var
}

// Add appends a zeroed parameter of the given shape and returns its Var. Names
// must be unique.
func (ps *Params) Add(name string, shape ...int) *Var {
	if ps.index == nil {
		ps.index = map[string]int{}
	}
	if _, dup := ps.index[name]; dup {
		panic(fmt.Sprintf("ag: parameter %q added twice", name))
	}
	n, off := tensor.Numel(shape), len(ps.Data)
	if off+n > cap(ps.Data) {
		c := max(2*cap(ps.Data), off+n, 1024)
		data, grad := make([]float32, off, c), make([]float32, off, c)
		copy(data, ps.Data)
		copy(grad, ps.Grad)
		ps.Data, ps.Grad = data, grad
		for _, p := range ps.list {
			ps.point(p)
		}
	}
	ps.Data = ps.Data[:off+n]
	ps.Grad = ps.Grad[:off+n]
	shape = append([]int(nil), shape...)
	p := Param{Name: name, Offset: off, Var: &Var{Value: &tensor.Tensor{Shape: shape}, Grad: &tensor.Tensor{Shape: shape}}}
	ps.point(p)
	ps.index[name] = len(ps.list)
	ps.list = append(ps.list, p)
	return p.Var
}

func (ps *Params) point(p Param) {
	n := p.Var.Value.Len()
	p.Var.Value.Data = ps.Data[p.Offset : p.Offset+n : p.Offset+n]
	p.Var.Grad.Data = ps.Grad[p.Offset : p.Offset+n : p.Offset+n]
	p.Var.Value.Strides = tensor.Contiguous(p.Var.Value.Shape)
	p.Var.Grad.Strides = p.Var.Value.Strides
}

// Lookup returns the parameter called name.
func (ps *Params) Lookup(name string) (*Var, bool) {
	i, ok := ps.index[name]
	if !ok {
		return nil, false
	}
	return ps.list[i].Var, true
}

// List returns the parameters in the order they were added.
func (ps *Params) List() []Param { return ps.list }

// Len returns the number of scalar parameters.
func (ps *Params) Len() int { return len(ps.Data) }

// ZeroGrad sets every gradient to zero.
func (ps *Params) ZeroGrad() { clear(ps.Grad) }

// CopyFrom copies the values of src, which must hold the same names and
// shapes in the same order, into ps.
func (ps *Params) CopyFrom(src *Params) {
	if len(src.list) != len(ps.list) || len(src.Data) != len(ps.Data) {
		panic(fmt.Sprintf("ag: CopyFrom: %d params (%d values) from %d (%d)", len(ps.list), len(ps.Data), len(src.list), len(src.Data)))
	}
	for i, p := range ps.list {
		if q := src.list[i]; p.Name != q.Name || !tensor.SameShape(p.Var.Value, q.Var.Value) {
			panic(fmt.Sprintf("ag: CopyFrom: parameter %d is %q %v, source has %q %v", i, p.Name, p.Var.Shape(), q.Name, q.Var.Shape()))
		}
	}
	copy(ps.Data, src.Data)
}
