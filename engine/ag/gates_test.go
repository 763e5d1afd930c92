package ag

import (
	"math/rand"
	"testing"

	"nasbook/engine/tensor"
)

// gated runs op on x under gates recorded at the values rec: once to record,
// then returns a build that replays them on whatever x holds.
func gated(rec []float32, x *Var, op func(tp *Tape, x *Var) *Var) func(tp *Tape) *Var {
	g := &Gates{}
	saved := append([]float32(nil), x.Value.Data...)
	copy(x.Value.Data, rec)
	tp := NewTape(nil)
	tp.Gates = g
	op(tp, x)
	copy(x.Value.Data, saved)
	g.Replay = true
	return func(tp *Tape) *Var {
		g.Rewind()
		tp.Gates = g
		return op(tp, x)
	}
}

// Recording gates changes nothing; replaying them applies the recorded
// choices to new values. The replayed ops are linear in x, so their
// gradients check with a step that crosses the kinks and ties of the plain
// ops.
func TestGatesReplayRecordedChoices(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	ops := map[string]func(tp *Tape, x *Var) *Var{
		"relu":              func(tp *Tape, x *Var) *Var { return tp.ReLU(x) },
		"maxpool 3x3 s2 p1": func(tp *Tape, x *Var) *Var { return tp.MaxPool2D(x, 3, 2, 1) },
		"maxpool 2x2":       func(tp *Tape, x *Var) *Var { return tp.MaxPool2D(x, 2, 0, 0) },
	}
	for name, op := range ops {
		x := leaf(r, 2, 3, 7, 6)
		plain := op(NewTape(nil), x).Value.Clone()
		tp := NewTape(nil)
		tp.Gates = &Gates{}
		for i, v := range op(tp, x).Value.Data {
			if v != plain.Data[i] {
				t.Fatalf("%s: recording gates changed output %d", name, i)
			}
		}

		rec := append([]float32(nil), x.Value.Data...)
		build := gated(rec, x, op)
		for i, v := range rec {
			x.Value.Data[i] = -v
		}
		// At -rec the replayed ReLU passes exactly the units that were
		// positive (now negative); the replayed pool takes the recorded
		// winners, now the losers.
		y := build(NewTape(nil)).Value
		want := op(NewTape(nil), Leaf(tensor.FromData(rec, 2, 3, 7, 6))).Value
		for i := range y.Data {
			if y.Data[i] != -want.Data[i] {
				t.Fatalf("%s: replayed output %d is %v, want %v", name, i, y.Data[i], -want.Data[i])
			}
		}
		copy(x.Value.Data, rec)
		check(t, name+" replayed", GradCheck{H: 0.5}, build, x)
	}
}

// A replayed pass that does not match the recorded one panics with a
// message instead of reading the wrong masks.
func TestGatesRefuseAnotherShape(t *testing.T) {
	g := &Gates{}
	tp := NewTape(nil)
	tp.Gates = g
	tp.ReLU(Leaf(tensor.New(4)))
	g.Replay = true
	g.Rewind()
	defer func() {
		if recover() == nil {
			t.Error("replaying a ReLU of another size did not panic")
		}
	}()
	tp.ReLU(Leaf(tensor.New(5)))
}
