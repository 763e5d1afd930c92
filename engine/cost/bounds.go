package cost

import (
	"fmt"
	"math/bits"
)

// Bounds on the networks a Net holds. Shapes and settings come from user
// input (a spec file, -C and -layers on the command line), so every count
// is computed with overflow checks and kept under these bounds: a network
// too large to count is an error, never a wrapped negative figure.
const (
	// MaxSetting bounds every shape dimension and layer setting (channels,
	// kernel, stride, padding, groups, heads): 2^24, beyond any real layer.
	MaxSetting = 1 << 24
	// MaxCount bounds the parameters, multiply-accumulates and activation
	// bytes of a whole network (about 7·10^13 each, 100 times GPT-3's
	// parameters), so that Count's sums and products stay within int64.
	MaxCount = 1 << 46
	// MaxLayers bounds the layers of a Net (262,144; DARTS's 20-cell
	// network has about 1,600), so that lowering a network of a billion
	// cells fails before it fills memory.
	MaxLayers = 1 << 18
	// MaxBatch bounds the batch size of Count's peak training memory.
	MaxBatch = 1 << 15
)

// mul returns the product of xs, and false if it is negative or above
// MaxCount (or overflows).
func mul(xs ...int64) (int64, bool) {
	p := uint64(1)
	for _, x := range xs {
		if x < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(p, uint64(x))
		if hi != 0 || lo > MaxCount {
			return 0, false
		}
		p = lo
	}
	return int64(p), true
}

// checkSettings reports a shape or setting outside [0, MaxSetting].
func (l *Layer) checkSettings() error {
	for _, v := range []struct {
		name string
		v    int
	}{{"inputs", l.Inputs}, {"width", l.Width}, {"kernel height", l.KH}, {"kernel width", l.KW}, {"stride", l.SH}, {"stride", l.SW},
		{"padding", l.PH}, {"padding", l.PW}, {"dilation", l.Dilation}, {"groups", l.Groups}, {"heads", l.Heads},
		{"experts", l.Experts}, {"top-k", l.TopK}, {"vocabulary", l.Vocab}} {
		if v.v < 0 || v.v > MaxSetting {
			return fmt.Errorf("%s %d outside [0, %d]", v.name, v.v, MaxSetting)
		}
	}
	if l.Experts > 1 && (l.TopK < 1 || l.TopK > l.Experts || (l.Kind != Linear && l.Kind != Act)) {
		return fmt.Errorf("%d experts, top %d: want a linear or activation layer and a top-k from 1 to the experts", l.Experts, l.TopK)
	}
	if len(l.In) > 8 {
		return fmt.Errorf("a %d-dimensional input", len(l.In))
	}
	for _, d := range l.In {
		if d > MaxSetting {
			return fmt.Errorf("input dimension %d above %d", d, MaxSetting)
		}
	}
	return nil
}
