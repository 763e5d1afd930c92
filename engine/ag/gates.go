package ag

import "fmt"

// Gates fixes the piecewise choices of a forward pass: which inputs of each
// ReLU are positive, which piece of each hard activation (ReLU6,
// HardSigmoid, HardSwish) each input is on, and which input wins each
// max-pool window. A pass with
// Replay false records them; a later pass with Replay true (same network,
// same batch shape) makes the same choices whatever its values, so its
// output, and its gradient, are smooth functions of the weights near the
// recorded point.
//
// That is what differentiating a gradient needs. Autograd systems that
// differentiate twice treat a ReLU's derivative as a constant mask (its
// second derivative is 0); the gradient computed with replayed gates is the
// same function, so a central difference of two replayed gradients along v
// converges to the Hessian-vector product Hv that double backward would
// give, at O(ε²), where differences of ordinary gradients jump wherever a
// unit changes sides.
type Gates struct {
	// Replay makes the ops reuse the recorded choices instead of recording.
	Replay bool

	relu       [][]bool
	hard       [][]int8
	pool       [][]int32
	nr, nh, np int
}

// Rewind starts the next pass from the first recorded op; call it before
// each replayed pass.
func (g *Gates) Rewind() { g.nr, g.nh, g.np = 0, 0, 0 }

// reluMask returns the mask of this ReLU: recorded from x, or replayed.
func (g *Gates) reluMask(x []float32) []bool {
	if g.Replay {
		if g.nr >= len(g.relu) || len(g.relu[g.nr]) != len(x) {
			panic(fmt.Sprintf("ag: replayed ReLU %d of %d elements does not match the recorded pass", g.nr, len(x)))
		}
		m := g.relu[g.nr]
		g.nr++
		return m
	}
	m := make([]bool, len(x))
	for i, v := range x {
		m[i] = v > 0
	}
	g.relu = append(g.relu, m)
	return m
}

// poolArgmax returns, for every output of a max pool, the index into x of
// the input it takes: recorded from x, or replayed.
func (g *Gates) poolArgmax(x []float32, n, c, h, w, k, stride, pad, oh, ow int) []int32 {
	if g.Replay {
		if g.np >= len(g.pool) || len(g.pool[g.np]) != n*c*oh*ow {
			panic(fmt.Sprintf("ag: replayed max pool %d does not match the recorded pass", g.np))
		}
		a := g.pool[g.np]
		g.np++
		return a
	}
	a := make([]int32, n*c*oh*ow)
	for p := 0; p < n*c; p++ {
		plane := x[p*h*w : (p+1)*h*w]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best := -1
				for di := 0; di < k; di++ {
					for dj := 0; dj < k; dj++ {
						r, s := i*stride-pad+di, j*stride-pad+dj
						if r < 0 || r >= h || s < 0 || s >= w {
							continue
						}
						if q := r*w + s; best < 0 || plane[q] > plane[best] {
							best = q
						}
					}
				}
				a[(p*oh+i)*ow+j] = int32(p*h*w + best)
			}
		}
	}
	g.pool = append(g.pool, a)
	return a
}
