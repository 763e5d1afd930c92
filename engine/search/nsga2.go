package search

import (
	"fmt"
	"math/rand"
	"slices"

	"nasbook/engine/pareto"
	"nasbook/space"
)

// NSGA2 is NSGA-II (Deb et al., IEEE TEC 2002) for two or more objectives.
// The first Size proposals are random; then each generation proposes Size
// children, each from two parents picked by binary tournaments (lower
// non-domination rank, then larger crowding distance), by uniform crossover
// with probability CrossoverRate and per-choice mutation, avoiding
// architectures evaluated before. Once all children are scored, parents and
// children together are sorted into fronts and the best Size survive, the
// last front cut by crowding distance.
type NSGA2 struct {
	// Size of the population; 0 means 50.
	Size int
	// CrossoverRate is the probability that a child crosses two parents
	// rather than copying one; 0 means 0.9.
	CrossoverRate float64
	// MutationRate is the probability that each choice of a child is changed;
	// 0 means 1/len(Dims). A child equal to a parent is always mutated.
	MutationRate float64

	st struct {
		Members    []Evaluation    `json:"members"`  // the current parents
		Children   []Evaluation    `json:"children"` // scored children of this generation
		Seen       map[string]bool `json:"seen"`     // Arch.Key of every proposal
		Generation int             `json:"generation"`
	}
	rank  []int     // of Members, recomputed from them
	crowd []float64 // of Members
}

var (
	_ Strategy  = (*NSGA2)(nil)
	_ Stateful  = (*NSGA2)(nil)
	_ Populator = (*NSGA2)(nil)
	_ Checker   = (*NSGA2)(nil)
)

// Check requires two or more objectives: with one, NSGA-II is a slow
// evolution.
func (g *NSGA2) Check(p *Problem) error {
	if len(p.Objectives) < 2 {
		return fmt.Errorf("nsga2 needs two or more objectives, not %d", len(p.Objectives))
	}
	return nil
}

func (g *NSGA2) settings(p *Problem) (size int, cx, mut float64) {
	size, cx, mut = g.Size, g.CrossoverRate, g.MutationRate
	if size <= 0 {
		size = 50
	}
	if cx <= 0 {
		cx = 0.9
	}
	if mut <= 0 {
		mut = 1 / float64(len(p.Space.Dims()))
	}
	return
}

// maxRetries bounds the draws for a child not evaluated before.
const maxRetries = 50

func (g *NSGA2) Propose(p *Problem, r *rand.Rand) (space.Arch, error) {
	if g.st.Seen == nil {
		g.st.Seen = map[string]bool{}
	}
	size, _, _ := g.settings(p)
	var a space.Arch
	for try := 0; ; try++ {
		var err error
		if len(g.st.Members) < size { // the first generation is random
			a, err = space.Sample(p.Space, r)
		} else {
			a = g.child(p, r)
		}
		if err != nil {
			return nil, err
		}
		if !g.st.Seen[a.Key()] || try == maxRetries {
			break
		}
	}
	g.st.Seen[a.Key()] = true
	return a, nil
}

// child breeds one child of the current members.
func (g *NSGA2) child(p *Problem, r *rand.Rand) space.Arch {
	_, cx, mut := g.settings(p)
	if g.rank == nil {
		g.rankMembers()
	}
	pa, pb := g.tournament(r), g.tournament(r)
	a := g.st.Members[pa].Arch.Clone()
	if r.Float64() < cx {
		other := g.st.Members[pb].Arch
		for i := range a {
			if r.Intn(2) == 1 {
				a[i] = other[i]
			}
		}
	}
	dims := p.Space.Dims()
	for i, d := range dims {
		if n := len(d.Options); n > 1 && r.Float64() < mut {
			a[i] = (a[i] + 1 + r.Intn(n-1)) % n
		}
	}
	if p.Space.Check(a) != nil {
		a = g.st.Members[pa].Arch
	}
	if slices.Equal(a, g.st.Members[pa].Arch) || slices.Equal(a, g.st.Members[pb].Arch) {
		a = space.Mutate(p.Space, a, r)
	}
	return a
}

// tournament returns the better of two members drawn at random.
func (g *NSGA2) tournament(r *rand.Rand) int {
	i, j := r.Intn(len(g.st.Members)), r.Intn(len(g.st.Members))
	if g.rank[j] < g.rank[i] || (g.rank[j] == g.rank[i] && g.crowd[j] > g.crowd[i]) {
		return j
	}
	return i
}

func (g *NSGA2) rankMembers() {
	fs := fitnesses(g.st.Members)
	g.rank = make([]int, len(fs))
	g.crowd = make([]float64, len(fs))
	for k, front := range pareto.NonDominatedSort(fs) {
		for i, d := range pareto.Crowding(fs, front) {
			g.rank[front[i]], g.crowd[front[i]] = k, d
		}
	}
}

func fitnesses(es []Evaluation) [][]float64 {
	fs := make([][]float64, len(es))
	for i, e := range es {
		fs[i] = e.Fitness
	}
	return fs
}

func (g *NSGA2) Observe(p *Problem, e Evaluation) {
	size, _, _ := g.settings(p)
	if len(g.st.Members) < size {
		g.st.Members = append(g.st.Members, e)
		g.rank = nil
		return
	}
	g.st.Children = append(g.st.Children, e)
	if len(g.st.Children) < size {
		return
	}
	// Environmental selection over parents and children.
	all := append(slices.Clone(g.st.Members), g.st.Children...)
	fs := fitnesses(all)
	var next []Evaluation
	for _, front := range pareto.NonDominatedSort(fs) {
		if len(next)+len(front) <= size {
			for _, i := range front {
				next = append(next, all[i])
			}
			continue
		}
		d := pareto.Crowding(fs, front)
		order := make([]int, len(front))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(d[a], d[b]) })
		for _, i := range order[:size-len(next)] {
			next = append(next, all[front[i]])
		}
		break
	}
	g.st.Members, g.st.Children = next, nil
	g.st.Generation++
	g.rank = nil
}

// Population returns a copy of the parents and the children scored so far in
// this generation.
func (g *NSGA2) Population() []Evaluation {
	return append(slices.Clone(g.st.Members), g.st.Children...)
}

func (g *NSGA2) MarshalState() ([]byte, error) { return marshalState(&g.st) }
func (g *NSGA2) UnmarshalState(p *Problem, data []byte) error {
	if err := unmarshalState("nsga2", data, &g.st); err != nil {
		return err
	}
	for _, e := range append(slices.Clone(g.st.Members), g.st.Children...) {
		if err := checkArch(p, e.Arch); err != nil {
			return err
		}
		if len(e.Fitness) != len(p.Objectives) {
			return fmt.Errorf("search: nsga2 state: a member with %d fitness values for %d objectives", len(e.Fitness), len(p.Objectives))
		}
	}
	g.rank = nil
	return nil
}
