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

	states     []State
	stateIndex map[string]int
}

// State is a named value a model keeps besides its parameters, such as a
// batch norm's running mean and variance: training updates it in place, no
// optimizer sees it, and it is not counted among the parameters. With the
// parameters it is the model's whole state, what an exported model needs
// to predict what this one predicts.
type State struct {
	Name  string
	Shape []int
	Data  []float32
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
	ps.checkName(name)
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

func (ps *Params) checkName(name string) {
	if ps.index == nil {
		ps.index = map[string]int{}
	}
	if _, dup := ps.index[name]; dup {
		panic(fmt.Sprintf("ag: parameter %q added twice", name))
	}
	if _, dup := ps.stateIndex[name]; dup {
		panic(fmt.Sprintf("ag: state %q added twice", name))
	}
}

// AddState records data, of the given shape, as the state called name.
// The caller keeps updating data in place; names are unique among
// parameters and states.
func (ps *Params) AddState(name string, data []float32, shape ...int) {
	ps.checkName(name)
	if n := tensor.Numel(shape); n != len(data) {
		panic(fmt.Sprintf("ag: state %q of shape %v given %d values", name, shape, len(data)))
	}
	if ps.stateIndex == nil {
		ps.stateIndex = map[string]int{}
	}
	ps.stateIndex[name] = len(ps.states)
	ps.states = append(ps.states, State{Name: name, Shape: append([]int(nil), shape...), Data: data})
}

// LookupState returns the state called name.
func (ps *Params) LookupState(name string) (State, bool) {
	i, ok := ps.stateIndex[name]
	if !ok {
		return State{}, false
	}
	return ps.states[i], true
}

// States returns the states in the order they were added.
func (ps *Params) States() []State { return ps.states }

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

// CopyFrom copies the values and states of src, which must hold the same
// names and shapes in the same order, into ps.
func (ps *Params) CopyFrom(src *Params) {
	if len(src.list) != len(ps.list) || len(src.Data) != len(ps.Data) {
		panic(fmt.Sprintf("ag: CopyFrom: %d params (%d values) from %d (%d)", len(ps.list), len(ps.Data), len(src.list), len(src.Data)))
	}
	for i, p := range ps.list {
		if q := src.list[i]; p.Name != q.Name || !tensor.SameShape(p.Var.Value, q.Var.Value) {
			panic(fmt.Sprintf("ag: CopyFrom: parameter %d is %q %v, source has %q %v", i, p.Name, p.Var.Shape(), q.Name, q.Var.Shape()))
		}
	}
	if len(src.states) != len(ps.states) {
		panic(fmt.Sprintf("ag: CopyFrom: %d states from %d", len(ps.states), len(src.states)))
	}
	for i, s := range ps.states {
		if q := src.states[i]; s.Name != q.Name || len(s.Data) != len(q.Data) {
			panic(fmt.Sprintf("ag: CopyFrom: state %d is %q, source has %q", i, s.Name, q.Name))
		}
	}
	copy(ps.Data, src.Data)
	for i, s := range ps.states {
		copy(s.Data, src.states[i].Data)
	}
}
