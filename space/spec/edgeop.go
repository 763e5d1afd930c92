package spec

import (
	"math/rand"

	"nasbook/engine/ag"
	"nasbook/engine/nn"
)

// EdgeOp builds the cell operation called op — a built-in one or one of
// s.Ops — for a single edge, as Build builds it inside a cell: from an input
// of shape in ([C,H,W]) to c channels with stride 1 or 2, its parameters
// added to ps under name and initialised from r. It returns the module and
// its output shape. Packages that build their own cell networks around the
// operations (a one-shot supernet, say) use it to get exactly the layers of a
// spec's cells.
func EdgeOp(s *Spec, ps *ag.Params, r *rand.Rand, name, op string, in []int, c, stride int) (nn.Module, []int, error) {
	b := &builder{ps: ps, r: r, spec: s}
	return b.edgeOp(name, op, in, c, stride)
}
