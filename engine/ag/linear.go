package ag

import "fmt"

// Linear returns y = x·wᵀ + b.
//
//	x [..., In], w [Out, In], b [Out] or nil  ->  y [..., Out]
//
// Leading dimensions of x are flattened into rows.
func (t *Tape) Linear(x, w, b *Var) *Var {
	mustShape("Linear weight", w, 2)
	out, in := w.Shape()[0], w.Shape()[1]
	xs := x.Shape()
	if len(xs) == 0 || xs[len(xs)-1] != in || (b != nil && b.Value.Len() != out) {
		panic(fmt.Sprintf("ag: Linear: x %v, w %v, b %v", xs, w.Shape(), shapeOf(b)))
	}
	n := x.Value.Len() / in
	shape := append(append([]int(nil), xs[:len(xs)-1]...), out)
	y := t.out(shape, x, w, b)
	xd, wd, yd := x.Value.Data, w.Value.Data, y.Value.Data
	t.K.Gemm(false, true, n, out, in, 1, xd, in, wd, in, 0, yd, out)
	if b != nil {
		bd := b.Value.Data
		for i := 0; i < n; i++ {
			row := yd[i*out : (i+1)*out]
			for j, v := range bd {
				row[j] += v
			}
		}
	}
	t.record(y, func() {
		dy := y.Grad.Data
		if x.Grad != nil { // dx [n,in] += dy [n,out] · w [out,in]
			t.K.Gemm(false, false, n, in, out, 1, dy, out, wd, in, 1, x.Grad.Data, in)
		}
		if w.Grad != nil { // dw [out,in] += dyᵀ · x
			t.K.Gemm(true, false, out, in, n, 1, dy, out, xd, in, 1, w.Grad.Data, in)
		}
		if b != nil && b.Grad != nil {
			db := b.Grad.Data
			for i := 0; i < n; i++ {
				for j, v := range dy[i*out : (i+1)*out] {
					db[j] += v
				}
			}
		}
	})
	if t.Observer != nil {
		t.Observer.Observe(OpLinear, y, x, w)
	}
	return y
}

func shapeOf(v *Var) []int {
	if v == nil {
		return nil
	}
	return v.Shape()
}
