package ag

import (
	"fmt"
	"math"
)

// SoftmaxCrossEntropy returns the mean over the batch of the cross-entropy
// between softmax(logits) and the integer labels.
//
//	logits [N, K], labels [N] in 0..K-1  ->  loss [] (scalar)
func (t *Tape) SoftmaxCrossEntropy(logits *Var, labels []int) *Var {
	mustShape("SoftmaxCrossEntropy", logits, 2)
	n, k := logits.Shape()[0], logits.Shape()[1]
	if len(labels) != n {
		panic(fmt.Sprintf("ag: SoftmaxCrossEntropy: %d labels for %d rows", len(labels), n))
	}
	loss := t.out([]int{}, logits)
	prob := t.buf(n*k, false)
	var total float64
	for i := 0; i < n; i++ {
		row, p := logits.Value.Data[i*k:(i+1)*k], prob[i*k:(i+1)*k]
		lse := logSumExp(row, p)
		if labels[i] < 0 || labels[i] >= k {
			panic(fmt.Sprintf("ag: SoftmaxCrossEntropy: label %d outside 0..%d", labels[i], k-1))
		}
		total += lse - float64(row[labels[i]])
	}
	loss.Value.Data[0] = float32(total / float64(n))
	t.record(loss, func() {
		// d loss / d logit = (softmax − onehot) / N.
		g := loss.Grad.Data[0] / float32(n)
		dx := logits.Grad.Data
		for i := 0; i < n; i++ {
			for j := 0; j < k; j++ {
				v := prob[i*k+j]
				if j == labels[i] {
					v--
				}
				dx[i*k+j] += g * v
			}
		}
	})
	return loss
}

// logSumExp returns log Σ exp(row) and writes softmax(row) into p.
func logSumExp(row, p []float32) float64 {
	m := row[0]
	for _, v := range row {
		m = max(m, v)
	}
	var s float64
	for j, v := range row {
		e := math.Exp(float64(v - m))
		p[j] = float32(e)
		s += e
	}
	for j := range p {
		p[j] = float32(float64(p[j]) / s)
	}
	return float64(m) + math.Log(s)
}

// Softmax returns the softmax over the last dimension.
//
//	x [..., K]  ->  y [..., K]
func (t *Tape) Softmax(x *Var) *Var {
	xs := x.Shape()
	k := xs[len(xs)-1]
	rows := x.Value.Len() / k
	y := t.out(xs, x)
	for r := 0; r < rows; r++ {
		logSumExp(x.Value.Data[r*k:(r+1)*k], y.Value.Data[r*k:(r+1)*k])
	}
	t.record(y, func() {
		for r := 0; r < rows; r++ {
			softmaxBackward(y.Value.Data[r*k:(r+1)*k], y.Grad.Data[r*k:(r+1)*k], x.Grad.Data[r*k:(r+1)*k])
		}
	})
	return y
}

// softmaxBackward adds dx = p ⊙ (dy − Σ dy·p) for one row.
func softmaxBackward(p, dy, dx []float32) {
	var s float32
	for j, v := range p {
		s += v * dy[j]
	}
	for j, v := range p {
		dx[j] += v * (dy[j] - s)
	}
}

// Accuracy returns the fraction of rows of logits [N, K] whose largest entry
// is at the label.
func Accuracy(logits *Var, labels []int) float64 {
	n, k := logits.Shape()[0], logits.Shape()[1]
	hit := 0
	for i := 0; i < n; i++ {
		row := logits.Value.Data[i*k : (i+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(n)
}
