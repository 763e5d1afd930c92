package ag

import "fmt"

// Routing is an assignment of N tokens to E experts, k experts a token,
// made by TopKGates. It holds indices only; the gate weights are a Var.
type Routing struct {
	Experts, K int
	// Choice [N·K] lists each token's experts, the most probable first.
	Choice []int32
	// Rows[e] lists, in ascending order, the tokens routed to expert e.
	Rows [][]int32
}

// Load returns the fraction of the N·K assignments that went to each
// expert (f_i of the load-balancing loss; 1/E each when balanced).
func (r *Routing) Load() []float64 {
	f := make([]float64, r.Experts)
	for e, rows := range r.Rows {
		f[e] = float64(len(rows)) / float64(max(len(r.Choice), 1))
	}
	return f
}

// TopKGates routes each token to the k experts of highest probability
// (ties to the lower index) and returns the gate weights of the chosen
// experts, zero elsewhere:
//
//	probs [N, E]  ->  gates [N, E],  g_j = p_j / Σ_{m∈S} p_m  for j ∈ S (k ≥ 2)
//	                                 g_j = p_j                    (k = 1)
//
// With k ≥ 2 the weights of the chosen experts are renormalised to sum to 1
// (GShard, Mixtral). With k = 1 that would make every gate 1 and cut the
// router off from the task's gradient, so the gate is the probability
// itself, as in the Switch Transformer.
func (t *Tape) TopKGates(probs *Var, k int) (*Var, *Routing) {
	mustShape("TopKGates", probs, 2)
	n, e := probs.Shape()[0], probs.Shape()[1]
	if k < 1 || k > e {
		panic(fmt.Sprintf("ag: TopKGates: top %d of %d experts", k, e))
	}
	r := &Routing{Experts: e, K: k, Choice: make([]int32, n*k), Rows: make([][]int32, e)}
	g := t.out([]int{n, e}, probs)
	pd, gd := probs.Value.Data, g.Value.Data
	clear(gd)
	sums := t.buf(n, false)
	for i := 0; i < n; i++ {
		p, ch := pd[i*e:(i+1)*e], r.Choice[i*k:(i+1)*k]
		for s := range ch {
			best := -1
			for j, v := range p {
				if (best < 0 || v > p[best]) && !chosen(ch[:s], j) {
					best = j
				}
			}
			ch[s] = int32(best)
		}
		var sum float32 = 1
		if k > 1 {
			sum = 0
			for _, j := range ch {
				sum += p[j]
			}
		}
		sums[i] = sum
		for _, j := range ch {
			gd[i*e+int(j)] = p[j] / sum
		}
	}
	for i := 0; i < n; i++ { // token order within each expert's rows
		for _, j := range r.Choice[i*k : (i+1)*k] {
			r.Rows[j] = append(r.Rows[j], int32(i))
		}
	}
	t.record(g, func() {
		// dp_m = dg_m/s − (Σ_{j∈S} dg_j·p_j)/s² for m ∈ S; with k = 1, dp_m = dg_m.
		if probs.Grad == nil {
			return
		}
		dg, dp := g.Grad.Data, probs.Grad.Data
		for i := 0; i < n; i++ {
			ch, s := r.Choice[i*k:(i+1)*k], sums[i]
			var dot float32
			if k > 1 {
				for _, j := range ch {
					dot += dg[i*e+int(j)] * pd[i*e+int(j)]
				}
			}
			for _, j := range ch {
				dp[i*e+int(j)] += dg[i*e+int(j)]/s - dot/(s*s)
			}
		}
	})
	return g, r
}

func chosen(ch []int32, j int) bool {
	for _, c := range ch {
		if int(c) == j {
			return true
		}
	}
	return false
}

// GatherRows returns the given rows of x, in order:
//
//	x [N, D], rows (indices into N)  ->  y [len(rows), D]
//
// The backward pass adds each row's gradient back into its source row.
func (t *Tape) GatherRows(x *Var, rows []int32) *Var {
	mustShape("GatherRows", x, 2)
	n, d := x.Shape()[0], x.Shape()[1]
	y := t.out([]int{len(rows), d}, x)
	xd, yd := x.Value.Data, y.Value.Data
	for r, i := range rows {
		if int(i) < 0 || int(i) >= n {
			panic(fmt.Sprintf("ag: GatherRows: row %d of %d", i, n))
		}
		copy(yd[r*d:(r+1)*d], xd[int(i)*d:(int(i)+1)*d])
	}
	t.record(y, func() {
		dy, dx := y.Grad.Data, x.Grad.Data
		for r, i := range rows {
			t.K.Axpy(1, dy[r*d:(r+1)*d], dx[int(i)*d:(int(i)+1)*d])
		}
	})
	return y
}

// Combine sums the experts' outputs back into token order, each weighted by
// its gate: with parts[e] the output of expert e on the tokens rt.Rows[e],
//
//	y[n] = Σ_e gates[n, e] · parts[e][r]   where rt.Rows[e][r] = n
//
//	parts[e] [len(rt.Rows[e]), D] (nil when it has no rows), gates [N, E]  ->  y [N, D]
func (t *Tape) Combine(parts []*Var, gates *Var, rt *Routing) *Var {
	mustShape("Combine gates", gates, 2)
	n, e := gates.Shape()[0], gates.Shape()[1]
	if len(parts) != e || len(rt.Rows) != e {
		panic(fmt.Sprintf("ag: Combine: %d parts and %d routed experts for gates %v", len(parts), len(rt.Rows), gates.Shape()))
	}
	d := -1
	in := []*Var{gates}
	for j, p := range parts {
		if len(rt.Rows[j]) == 0 {
			continue
		}
		mustShape("Combine part", p, 2)
		if p.Shape()[0] != len(rt.Rows[j]) || (d >= 0 && p.Shape()[1] != d) {
			panic(fmt.Sprintf("ag: Combine: part %d %v for %d rows", j, p.Shape(), len(rt.Rows[j])))
		}
		d = p.Shape()[1]
		in = append(in, p)
	}
	if d < 0 {
		panic("ag: Combine: no expert has a row")
	}
	y := t.out([]int{n, d}, in...)
	yd, gd := y.Value.Data, gates.Value.Data
	clear(yd)
	for j, rows := range rt.Rows {
		for r, i := range rows {
			t.K.Axpy(gd[int(i)*e+j], parts[j].Value.Data[r*d:(r+1)*d], yd[int(i)*d:(int(i)+1)*d])
		}
	}
	t.record(y, func() {
		dy := y.Grad.Data
		for j, rows := range rt.Rows {
			p := parts[j]
			for r, i := range rows {
				g := dy[int(i)*d : (int(i)+1)*d]
				if p.Grad != nil { // dparts[e][r] += gate · dy[n]
					t.K.Axpy(gd[int(i)*e+j], g, p.Grad.Data[r*d:(r+1)*d])
				}
				if gates.Grad != nil { // dgates[n, e] += <dy[n], parts[e][r]>
					var s float32
					for c, v := range p.Value.Data[r*d : (r+1)*d] {
						s += v * g[c]
					}
					gates.Grad.Data[int(i)*e+j] += s
				}
			}
		}
	})
	return y
}

// LoadBalance is the Switch Transformer's auxiliary loss, a scalar that is
// 1 when the tokens are spread evenly over the experts and grows as they
// crowd onto a few:
//
//	E · Σ_i f_i · P_i
//
// with f_i the fraction of the routing's assignments that went to expert i
// (Routing.Load) and P_i the mean over tokens of the router's probability
// for it. f is a count and takes no gradient; through P the loss pushes
// probability away from the experts that receive more than their share.
//
//	probs [N, E]  ->  scalar
func (t *Tape) LoadBalance(probs *Var, rt *Routing) *Var {
	mustShape("LoadBalance", probs, 2)
	n, e := probs.Shape()[0], probs.Shape()[1]
	if rt.Experts != e || len(rt.Choice) != n*rt.K {
		panic(fmt.Sprintf("ag: LoadBalance: probs %v for a routing of %d tokens to %d experts", probs.Shape(), len(rt.Choice)/max(rt.K, 1), rt.Experts))
	}
	f := rt.Load()
	y := t.out([]int{}, probs)
	var s float64
	pd := probs.Value.Data
	for i := 0; i < n; i++ {
		for j, v := range pd[i*e : (i+1)*e] {
			s += f[j] * float64(v)
		}
	}
	y.Value.Data[0] = float32(float64(e) * s / float64(n))
	t.record(y, func() { // dp[n, i] += dy · E · f_i / N
		dy, dp := y.Grad.Data[0], probs.Grad.Data
		for j, fj := range f {
			c := dy * float32(float64(e)*fj/float64(n))
			for i := 0; i < n; i++ {
				dp[i*e+j] += c
			}
		}
	})
	return y
}
