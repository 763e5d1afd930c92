package optim

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Optimizer updates params in place from grads with learning rate lr.
type Optimizer interface {
	Step(params, grads []float32, lr float32)
}

var (
	_ Optimizer = (*SGD)(nil)
	_ Optimizer = (*Adam)(nil)
)

func state(buf *[]float32, n int, name string) []float32 {
	if *buf == nil {
		*buf = make([]float32, n)
	}
	if len(*buf) != n {
		panic(fmt.Sprintf("optim: %s used for %d parameters, then %d", name, len(*buf), n))
	}
	return *buf
}

// SGD is stochastic gradient descent with optional momentum, Nesterov
// momentum and L2 weight decay (torch.optim.SGD, dampening 0):
//
//	g ← g + wd·p;  b ← μ·b + g (b = g on the first step);
//	p ← p − lr·(g + μ·b) if Nesterov, else p − lr·b
//
// Without momentum it is p ← p − lr·g.
type SGD struct {
	Momentum    float32
	Nesterov    bool
	WeightDecay float32

	buf   []float32
	begun bool
}

// Step implements Optimizer.
func (o *SGD) Step(params, grads []float32, lr float32) {
	grads = grads[:len(params)]
	if o.Momentum == 0 {
		for i, g := range grads {
			params[i] -= lr * (g + o.WeightDecay*params[i])
		}
		return
	}
	b := state(&o.buf, len(params), "SGD")
	mu := o.Momentum
	for i, g := range grads {
		g += o.WeightDecay * params[i]
		if o.begun {
			b[i] = mu*b[i] + g
		} else {
			b[i] = g
		}
		if o.Nesterov {
			g += mu * b[i]
		} else {
			g = b[i]
		}
		params[i] -= lr * g
	}
	o.begun = true
}

// Adam is Adam (Kingma & Ba 2015) as torch.optim.Adam computes it, with
// WeightDecay added to the gradient (L2), or, when Decoupled is set, AdamW
// (Loshchilov & Hutter 2019): p ← p·(1 − lr·wd) before the Adam step.
//
//	m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//	p ← p − lr·(m/(1−β1ᵗ)) / (sqrt(v/(1−β2ᵗ)) + ε)
type Adam struct {
	Beta1, Beta2 float32 // zero means 0.9 and 0.999
	Eps          float32 // zero means 1e-8
	WeightDecay  float32
	Decoupled    bool // AdamW

	m, v []float32
	t    int
}

// NewAdamW returns an AdamW optimizer with PyTorch's default weight decay
// 0.01.
func NewAdamW() *Adam { return &Adam{WeightDecay: 0.01, Decoupled: true} }

// Step implements Optimizer.
func (o *Adam) Step(params, grads []float32, lr float32) {
	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	m, v := state(&o.m, len(params), "Adam"), state(&o.v, len(params), "Adam")
	o.t++
	bc1 := 1 - math.Pow(float64(b1), float64(o.t))
	bc2 := 1 - math.Pow(float64(b2), float64(o.t))
	step := float32(float64(lr) / bc1)
	sq := float32(math.Sqrt(bc2))
	grads = grads[:len(params)]
	for i, g := range grads {
		p := params[i]
		if o.Decoupled {
			p *= 1 - lr*o.WeightDecay
		} else {
			g += o.WeightDecay * p
		}
		m[i] = b1*m[i] + (1-b1)*g
		v[i] = b2*v[i] + (1-b2)*g*g
		params[i] = p - step*m[i]/(float32(math.Sqrt(float64(v[i])))/sq+eps)
	}
}

// ClipGradNorm rescales grads in place so that their L2 norm is at most
// maxNorm (scale maxNorm/(norm+1e-6), as torch.nn.utils.clip_grad_norm_) and
// returns the norm before clipping.
func ClipGradNorm(grads []float32, maxNorm float32) float32 {
	var s float64
	for _, g := range grads {
		s += float64(g) * float64(g)
	}
	norm := float32(math.Sqrt(s))
	if norm > maxNorm {
		c := maxNorm / (norm + 1e-6)
		for i := range grads {
			grads[i] *= c
		}
	}
	return norm
}

// Schedule gives the learning rate at step (or epoch) t, counted from 0.
type Schedule interface {
	LR(t int) float32
}

// Constant is a fixed learning rate.
type Constant float32

// LR implements Schedule.
func (c Constant) LR(int) float32 { return float32(c) }

// Cosine anneals from Base to Min over Steps (torch CosineAnnealingLR):
//
//	lr(t) = Min + (Base − Min)·(1 + cos(π·t/Steps))/2,  t clamped to Steps.
type Cosine struct {
	Base, Min float32
	Steps     int
}

// LR implements Schedule.
func (c Cosine) LR(t int) float32 {
	if c.Steps <= 0 {
		return c.Base
	}
	t = min(max(t, 0), c.Steps)
	return c.Min + (c.Base-c.Min)*float32(1+math.Cos(math.Pi*float64(t)/float64(c.Steps)))/2
}

// StepDecay multiplies Base by Gamma every Every steps (torch StepLR):
// lr(t) = Base·Gamma^⌊t/Every⌋. Zero Gamma means 0.1.
type StepDecay struct {
	Base  float32
	Every int
	Gamma float32
}

// LR implements Schedule.
func (s StepDecay) LR(t int) float32 {
	g := s.Gamma
	if g == 0 {
		g = 0.1
	}
	if s.Every <= 0 {
		return s.Base
	}
	return s.Base * float32(math.Pow(float64(g), float64(t/s.Every)))
}

// MarshalBinary returns the optimizer's state between steps (its momentum
// buffer, whether it has stepped), not its settings, so that
// UnmarshalBinary on an SGD of the same settings continues exactly where
// this one is.
func (o *SGD) MarshalBinary() ([]byte, error) {
	b := []byte{0}
	if o.begun {
		b[0] = 1
	}
	return appendFloats(b, o.buf), nil
}

// UnmarshalBinary restores a state MarshalBinary returned.
func (o *SGD) UnmarshalBinary(b []byte) error {
	if len(b) < 1 || b[0] > 1 {
		return fmt.Errorf("optim: an SGD state of %d bytes", len(b))
	}
	buf, err := readFloats(b[1:])
	if err != nil {
		return fmt.Errorf("optim: an SGD state: %w", err)
	}
	o.begun, o.buf = b[0] == 1, buf
	return nil
}

// MarshalBinary returns the optimizer's state between steps (its step count
// and moments), not its settings, so that UnmarshalBinary on an Adam of
// the same settings continues exactly where this one is.
func (o *Adam) MarshalBinary() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, uint64(o.t))
	b = appendFloats(b, o.m)
	return appendFloats(b, o.v), nil
}

// UnmarshalBinary restores a state MarshalBinary returned.
func (o *Adam) UnmarshalBinary(b []byte) error {
	if len(b) < 8 {
		return fmt.Errorf("optim: an Adam state of %d bytes", len(b))
	}
	t := binary.LittleEndian.Uint64(b)
	if t > math.MaxInt32 {
		return fmt.Errorf("optim: an Adam state at step %d", t)
	}
	rest := b[8:]
	if len(rest) < 8 {
		return fmt.Errorf("optim: an Adam state of %d bytes", len(b))
	}
	n := binary.LittleEndian.Uint64(rest)
	if n > uint64(len(rest)-8)/4 {
		return fmt.Errorf("optim: an Adam state of %d bytes with moments of %d values", len(b), n)
	}
	m, err := readFloats(rest[:8+4*n])
	if err != nil {
		return err
	}
	v, err := readFloats(rest[8+4*n:])
	if err != nil {
		return fmt.Errorf("optim: an Adam state: %w", err)
	}
	if len(m) != len(v) {
		return fmt.Errorf("optim: an Adam state with moments of %d and %d values", len(m), len(v))
	}
	o.t, o.m, o.v = int(t), m, v
	return nil
}

// appendFloats appends a count and the values, little-endian; a nil slice
// is a count of 0 and reads back as nil (a state not yet allocated).
func appendFloats(b []byte, v []float32) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(v)))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// readFloats reads all of b as what appendFloats wrote.
func readFloats(b []byte) ([]float32, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%d bytes, no count", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if b = b[8:]; n != uint64(len(b))/4 || len(b)%4 != 0 {
		return nil, fmt.Errorf("%d values in %d bytes", n, len(b))
	}
	if n == 0 {
		return nil, nil
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
