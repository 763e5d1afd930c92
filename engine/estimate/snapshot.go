package estimate

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"nasbook/engine/optim"
	"nasbook/engine/train"
)

// A snapshot is a held run between two jobs, as bytes that another process
// (a browser's pool worker) continues exactly: what training changed and
// nothing that the job rebuilds. The network's architecture and initial
// weights, the training subset and the schedule come again from the job
// and its seed; the snapshot carries the parameters and states (batch-norm
// statistics), the optimizer's state, the epochs trained (the data order
// is drawn again epoch by epoch from the seed), the dropouts' draws, the
// global step and the curve (the best accuracy and early stopping's count
// are read again from it).
//
// Layout, little-endian: the magic "nbrun1"; seed, total epochs and steps
// as 8-byte integers; the curve's length and each epoch as index, train
// loss, train accuracy, validation loss, validation accuracy (float64
// bits), steps, images (8 bytes each), learning rate (float32 bits) and
// duration (nanoseconds, 8 bytes); the parameters as a count and float32
// values; the states as a count and, for each, a count and values; the
// dropouts' draws as a count and 8-byte counts; the optimizer's state as a
// length and its bytes (optim's MarshalBinary).
type snapshot struct {
	seed   int64
	total  int
	steps  int
	curve  []train.EpochStats
	params []float32
	states [][]float32
	draws  []uint64
	opt    []byte
}

const snapshotMagic = "nbrun1"

// maxCount bounds the integers of a snapshot that count epochs and steps.
const maxCount = math.MaxInt32

// Export takes the run that a job of key would continue out of rs and
// returns it as bytes that Import, in this process or another, gives to a
// Runs whose next job of key continues it exactly as this one would have:
// the same curve, accuracies and parameters, bit for bit. It is an error
// if rs holds no such run.
func (rs *Runs) Export(key string) ([]byte, error) {
	rs.mu.Lock()
	rn, sn := rs.held[key], rs.moved[key]
	delete(rs.held, key)
	delete(rs.moved, key)
	rs.mu.Unlock()
	if rn != nil {
		var err error
		if sn, err = rn.snapshot(); err != nil {
			return nil, err
		}
	}
	if sn == nil {
		return nil, fmt.Errorf("estimate: no run %q to export", key)
	}
	return sn.encode(), nil
}

// Import keeps the run b holds (from Export) for the next job of key, which
// continues it; a job whose seed or budget is not the run's trains from the
// start, as with any held run. It is an error if b is not a snapshot.
func (rs *Runs) Import(key string, b []byte) error {
	sn, err := decodeSnapshot(b)
	if err != nil {
		return err
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if g, _, _ := strings.Cut(key, "/"); g != rs.group {
		rs.group, rs.held, rs.moved = g, map[string]*runner{}, map[string]*snapshot{}
	}
	delete(rs.held, key)
	rs.moved[key] = sn
	return nil
}

// snapshot returns the run's state.
func (rn *runner) snapshot() (*snapshot, error) {
	m, ok := rn.tc.Optimizer.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("estimate: a run whose optimizer %T has no state to export", rn.tc.Optimizer)
	}
	opt, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	ps := rn.net.Params
	sn := &snapshot{seed: rn.cfg.Seed, total: rn.total, steps: rn.steps, curve: append([]train.EpochStats(nil), rn.res.Curve...),
		params: append([]float32(nil), ps.Data...), draws: rn.net.Draws(), opt: opt}
	for _, st := range ps.States() {
		sn.states = append(sn.states, append([]float32(nil), st.Data...))
	}
	return sn, nil
}

// restore sets a run fresh from newRunner, of the snapshot's job, to the
// snapshot's state. On an error the run is left half restored and must be
// dropped.
func (rn *runner) restore(sn *snapshot) error {
	ps := rn.net.Params
	if len(sn.params) != len(ps.Data) || len(sn.states) != len(ps.States()) {
		return fmt.Errorf("estimate: a snapshot of %d parameters and %d states for a network of %d and %d", len(sn.params), len(sn.states), len(ps.Data), len(ps.States()))
	}
	for i, st := range ps.States() {
		if len(sn.states[i]) != len(st.Data) {
			return fmt.Errorf("estimate: a snapshot's state %d has %d values, the network's %q %d", i, len(sn.states[i]), st.Name, len(st.Data))
		}
	}
	n := len(ps.Data)
	var want []int // the lengths of a state of this optimizer: before its first step, then after
	var u encoding.BinaryUnmarshaler
	switch o := rn.tc.Optimizer.(type) {
	case *optim.SGD:
		want, u = []int{1 + 8, 1 + 8 + 4*n}, o
	case *optim.Adam:
		want, u = []int{8 + 8 + 8, 8 + 2*(8+4*n)}, o
	default:
		return fmt.Errorf("estimate: a snapshot for an optimizer %T", rn.tc.Optimizer)
	}
	if len(sn.opt) != want[0] && len(sn.opt) != want[1] {
		return fmt.Errorf("estimate: a snapshot's optimizer state of %d bytes for %d parameters", len(sn.opt), n)
	}
	if err := u.UnmarshalBinary(sn.opt); err != nil {
		return err
	}
	if err := rn.net.Skip(sn.draws); err != nil {
		return err
	}
	copy(ps.Data, sn.params)
	for i, st := range ps.States() {
		copy(st.Data, sn.states[i])
	}
	for _, st := range sn.curve {
		rn.tr.Skip()
		rn.record(st)
	}
	rn.steps = sn.steps
	return nil
}

func (sn *snapshot) encode() []byte {
	size := len(snapshotMagic) + 4*8 + len(sn.curve)*(8*8+4) + 8 + 4*len(sn.params) + 8 + 8*len(sn.draws) + 8 + len(sn.opt)
	for _, s := range sn.states {
		size += 8 + 4*len(s)
	}
	b := make([]byte, 0, size)
	u64 := func(v uint64) { b = binary.LittleEndian.AppendUint64(b, v) }
	f64 := func(v float64) { u64(math.Float64bits(v)) }
	floats := func(v []float32) {
		u64(uint64(len(v)))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	b = append(b, snapshotMagic...)
	u64(uint64(sn.seed))
	u64(uint64(sn.total))
	u64(uint64(sn.steps))
	u64(uint64(len(sn.curve)))
	for _, st := range sn.curve {
		u64(uint64(st.Epoch))
		f64(st.TrainLoss)
		f64(st.TrainAcc)
		f64(st.ValLoss)
		f64(st.ValAcc)
		u64(uint64(st.Steps))
		u64(uint64(st.Images))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(st.LR))
		u64(uint64(st.Duration))
	}
	floats(sn.params)
	u64(uint64(len(sn.states)))
	for _, s := range sn.states {
		floats(s)
	}
	u64(uint64(len(sn.draws)))
	for _, d := range sn.draws {
		u64(d)
	}
	u64(uint64(len(sn.opt)))
	return append(b, sn.opt...)
}

// snapshotReader reads a snapshot's bytes; its first error sticks.
type snapshotReader struct {
	b   []byte
	err error
}

func (r *snapshotReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("estimate: a run's snapshot: "+format, args...)
	}
}

func (r *snapshotReader) u64() uint64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail("cut short")
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// count reads a count of items of size bytes each, at most as many as the
// bytes left hold.
func (r *snapshotReader) count(size int, what string) int {
	n := r.u64()
	if r.err == nil && n > uint64(len(r.b)/size) {
		r.fail("%d %s in %d bytes", n, what, len(r.b))
		return 0
	}
	return int(n)
}

// small reads an integer of at most maxCount.
func (r *snapshotReader) small(what string) int {
	n := r.u64()
	if n > maxCount {
		r.fail("%s %d", what, n)
		return 0
	}
	return int(n)
}

func (r *snapshotReader) floats(what string) []float32 {
	n := r.count(4, what)
	if r.err != nil {
		return nil
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*n:]
	return v
}

// decodeSnapshot reads what encode wrote; any other bytes are an error.
func decodeSnapshot(b []byte) (*snapshot, error) {
	if len(b) < len(snapshotMagic) || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, errors.New("estimate: not a run's snapshot")
	}
	r := &snapshotReader{b: b[len(snapshotMagic):]}
	sn := &snapshot{seed: int64(r.u64()), total: r.small("total epochs"), steps: r.small("steps")}
	n := r.count(8*8+4, "epochs")
	for i := 0; i < n && r.err == nil; i++ {
		st := train.EpochStats{Epoch: r.small("epoch")}
		st.TrainLoss = math.Float64frombits(r.u64())
		st.TrainAcc = math.Float64frombits(r.u64())
		st.ValLoss = math.Float64frombits(r.u64())
		st.ValAcc = math.Float64frombits(r.u64())
		st.Steps, st.Images = r.small("steps"), r.small("images")
		if r.err == nil {
			st.LR = math.Float32frombits(binary.LittleEndian.Uint32(r.b))
			r.b = r.b[4:]
		}
		st.Duration = time.Duration(r.u64())
		if r.err == nil && st.Epoch != i {
			r.fail("epoch %d numbered %d", i, st.Epoch)
		}
		sn.curve = append(sn.curve, st)
	}
	if r.err == nil && len(sn.curve) > sn.total {
		r.fail("%d epochs of %d", len(sn.curve), sn.total)
	}
	sn.params = r.floats("parameters")
	n = r.count(8, "states")
	for i := 0; i < n && r.err == nil; i++ {
		sn.states = append(sn.states, r.floats("state values"))
	}
	n = r.count(8, "draws")
	for i := 0; i < n && r.err == nil; i++ {
		sn.draws = append(sn.draws, r.u64())
	}
	n = r.count(1, "bytes of optimizer state")
	if r.err == nil {
		sn.opt, r.b = append([]byte(nil), r.b[:n]...), r.b[n:]
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail("%d bytes after its end", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return sn, nil
}
