package nb

import (
	"fmt"
	"math/rand"
	"strings"

	"nasbook/engine/cost"
	"nasbook/engine/timing"
	"nasbook/space"
	"nasbook/space/nb201"
	"nasbook/space/spaces"
	"nasbook/space/spec"
	"nasbook/space/transformer"
)

// SearchSpace is a built-in search space, as Space returns it.
type SearchSpace struct {
	Name    string
	s       space.Space
	defined bool // by a notebook (DefineSpace, DefineCellSpace)
}

// String names the space and its size.
func (sp *SearchSpace) String() string {
	n := space.Size(sp.s)
	if n < 0 {
		return fmt.Sprintf("%s: %d choices, more than 2^62 combinations", sp.Name, len(sp.s.Dims()))
	}
	return fmt.Sprintf("%s: %d choices, %d combinations", sp.Name, len(sp.s.Dims()), n)
}

// Choices lists the space's choices, one line each with its options.
func (sp *SearchSpace) Choices() []string {
	var out []string
	for _, d := range sp.s.Dims() {
		out = append(out, d.Name+": "+strings.Join(d.Options, " "))
	}
	return out
}

// Arch is one architecture of a built-in space: the index of the chosen
// option of each choice, and the architecture in the space's notation.
type Arch struct {
	Space   string
	Choices []int
	Text    string // an NB201 string, a DARTS genotype, ...

	sp space.Space // the space, when it is not built in
}

func (a Arch) String() string { return a.Text }

// Space returns a built-in space: "nb201", "darts", "mobilenet", "ofa"
// (Once-for-All's) or "transformer".
//
//	sp := nb.Space("darts")
//	a := nb.Sample(sp, 1)
func Space(name string) *SearchSpace { return Default.Space(name) }

// Space returns a built-in space; see the package-level Space.
func (*Session) Space(name string) *SearchSpace {
	s, err := spaces.ByName(name)
	if err != nil {
		fail("Space", err)
	}
	return &SearchSpace{Name: s.Name(), s: s}
}

// For returns the transformer space made for d's examples and classes: a
// network of token ids for a task of tokens (nb.Lookup), of patches for
// images. Its architectures cost, train (TrainArch, Search's Train) and
// score by proxies as networks of d.
//
//	sp := nb.Space("transformer").For(nb.Lookup(3000, 1))
func (sp *SearchSpace) For(d *Data) *SearchSpace {
	t, ok := sp.s.(transformer.Space)
	if !ok {
		failf("For", "the %s space is not made for data; For makes the transformer space's (Search's Train sets up NAS-Bench-201's network itself)", sp.Name)
	}
	if d == nil || d.Train == nil {
		failf("For", "no data")
	}
	tr := d.Train
	t.Classes, t.Vocab = tr.Classes, tr.Vocab
	switch {
	case tr.Vocab > 0:
		t.Input = []int{tr.H, 1}
	default:
		t.Input = []int{tr.C, tr.H, tr.W}
		if t.Patch == 0 {
			t.Patch = 4
		}
		if tr.H%t.Patch != 0 || tr.W%t.Patch != 0 {
			failf("For", "%s's %dx%d images do not split into %dx%d patches", d.Name, tr.H, tr.W, t.Patch, t.Patch)
		}
	}
	return &SearchSpace{Name: sp.Name, s: t, defined: true}
}

// WithinParams returns the transformer space with only the architectures
// of at most n parameters (nb.Cost's Params): a budget that every strategy,
// Sample and Mutate then keep to.
func (sp *SearchSpace) WithinParams(n int64) *SearchSpace {
	t, ok := sp.s.(transformer.Space)
	if !ok {
		failf("WithinParams", "the %s space has no parameter budget; a Score can refuse what costs too much", sp.Name)
	}
	if n <= 0 {
		failf("WithinParams", "a budget of %d parameters, want a positive number", n)
	}
	t.MaxParams = n
	if _, err := space.Sample(t, rand.New(rand.NewSource(1))); err != nil {
		failf("WithinParams", "no architecture of the space has at most %d parameters", n)
	}
	return &SearchSpace{Name: sp.Name, s: t, defined: true}
}

func (sp *SearchSpace) arch(c space.Arch) Arch {
	a := Arch{Space: sp.Name, Choices: c, Text: sp.s.Format(c)}
	if sp.defined {
		a.sp = sp.s
	}
	return a
}

// Sample draws an architecture of sp, the same one for the same seed.
func Sample(sp *SearchSpace, seed int64) Arch { return Default.Sample(sp, seed) }

// Sample draws an architecture; see the package-level Sample.
func (*Session) Sample(sp *SearchSpace, seed int64) Arch {
	if sp == nil {
		failf("Sample", "no space (use nb.Space(\"nb201\"))")
	}
	a, err := space.Sample(sp.s, rand.New(rand.NewSource(seed)))
	if err != nil {
		fail("Sample", err)
	}
	return sp.arch(a)
}

// Mutate returns a with one choice changed, the same change for the same
// seed.
func Mutate(a Arch, seed int64) Arch { return Default.Mutate(a, seed) }

// Mutate changes one choice; see the package-level Mutate.
func (s *Session) Mutate(a Arch, seed int64) Arch {
	sp := s.spaceOf("Mutate", a)
	return sp.arch(space.Mutate(sp.s, a.Choices, rand.New(rand.NewSource(seed))))
}

// Parse reads an architecture of a space from its notation (for DARTS also
// a published genotype's name, such as "DARTS_V2").
func Parse(spaceName, text string) Arch { return Default.Parse(spaceName, text) }

// Parse reads an architecture; see the package-level Parse.
func (s *Session) Parse(spaceName, text string) Arch {
	sp := s.Space(spaceName)
	c, err := sp.s.Parse(text)
	if err != nil {
		fail("Parse", err)
	}
	return sp.arch(c)
}

func (s *Session) spaceOf(fn string, a Arch) *SearchSpace {
	if a.sp != nil {
		if err := space.Valid(a.sp, a.Choices); err != nil {
			fail(fn, err)
		}
		return &SearchSpace{Name: a.sp.Name(), s: a.sp, defined: true}
	}
	sp, err := spaces.ByName(a.Space)
	if err != nil {
		fail(fn, err)
	}
	if err := space.Valid(sp, a.Choices); err != nil {
		fail(fn, err)
	}
	return &SearchSpace{Name: sp.Name(), s: sp}
}

// Hash returns a key under which architectures of the same network are
// equal (isomorphic NAS-Bench-201 cells, DARTS nodes with their two edges
// swapped).
func Hash(a Arch) string { return Default.Hash(a) }

// Hash returns the canonical key; see the package-level Hash.
func (s *Session) Hash(a Arch) string {
	sp := s.spaceOf("Hash", a)
	return space.Hash(sp.s, a.Choices)
}

// specOf returns the spec of x: an Arch, an nb201.Arch, a *spec.Spec, or a
// string in any notation that `nasbook cost` reads.
func (s *Session) specOf(fn string, x any) *spec.Spec {
	var sp *spec.Spec
	var err error
	switch v := x.(type) {
	case Arch:
		sp, err = space.ToSpec(s.spaceOf(fn, v).s, v.Choices)
	case nb201.Arch:
		sp = v.Spec(nb201.Macro{})
	case *spec.Spec:
		sp = v
	case string:
		sp, err = spaces.Spec(v, spaces.Settings{})
	default:
		failf(fn, "cannot read a %T as an architecture; pass an nb.Arch, an nb201.Arch or an architecture string", x)
	}
	if err != nil {
		fail(fn, err)
	}
	return sp
}

// Costs is what an architecture costs, per example. With a mixture of
// experts (the transformer space's E and K), Params counts every expert and
// ActiveParams what one token uses (the router and its top-k experts); MACs
// count what runs and TotalMACs what would if every token took every
// expert. Without experts they are equal. A network on a sequence of
// Tokens tokens (a transformer) also gives MACsPerToken, what a token
// costs.
type Costs struct {
	Params          int64 // of the inference network
	ActiveParams    int64 // used per token
	AuxParams       int64 // of auxiliary heads (DARTS), used in training only
	MACs            int64 // multiply-accumulates
	TotalMACs       int64 // multiply-accumulates with every expert
	FLOPs           int64 // 2 x MACs
	ActivationBytes int64 // what training keeps for backward
	PeakTrainBytes  int64 // at batch 64
	LatencyMS       float64
	Tokens          int     // of a network on a sequence; 0 for others
	MACsPerToken    float64 // MACs / Tokens
}

func (c Costs) String() string {
	var token string // what a token costs, of a network on tokens
	if c.Tokens > 0 {
		token = fmt.Sprintf("%.1fk a token of %d", c.MACsPerToken/1e3, c.Tokens)
	}
	if c.ActiveParams != c.Params || c.TotalMACs != c.MACs {
		if token != "" {
			token += "; "
		}
		s := fmt.Sprintf("%.3fM params (%.3fM active), %.1fM MACs (%s%.1fM with every expert), %.1fM FLOPs, %.1f MB activations, %.1f MB peak training memory at batch 64",
			float64(c.Params)/1e6, float64(c.ActiveParams)/1e6, float64(c.MACs)/1e6, token, float64(c.TotalMACs)/1e6, float64(c.FLOPs)/1e6, float64(c.ActivationBytes)/1e6, float64(c.PeakTrainBytes)/1e6)
		if c.LatencyMS > 0 {
			s += fmt.Sprintf(", %.2f ms", c.LatencyMS)
		}
		return s
	}
	if token != "" {
		token = " (" + token + ")"
	}
	s := fmt.Sprintf("%.3fM params, %.1fM MACs%s, %.1fM FLOPs, %.1f MB activations, %.1f MB peak training memory at batch 64",
		float64(c.Params)/1e6, float64(c.MACs)/1e6, token, float64(c.FLOPs)/1e6, float64(c.ActivationBytes)/1e6, float64(c.PeakTrainBytes)/1e6)
	if c.AuxParams > 0 {
		s += fmt.Sprintf(" (+%.3fM auxiliary params)", float64(c.AuxParams)/1e6)
	}
	if c.LatencyMS > 0 {
		s += fmt.Sprintf(", %.2f ms", c.LatencyMS)
	}
	return s
}

// Cost counts an architecture's parameters, MACs, FLOPs and memory. x is an
// nb.Arch, an nb201.Arch or a string in any built-in notation, e.g.
//
//	fmt.Println(nb.Cost("DARTS_V2"))
func Cost(x any) Costs { return Default.Cost(x) }

// Cost counts an architecture's costs; see the package-level Cost.
func (s *Session) Cost(x any) Costs {
	r, err := spec.Cost(s.specOf("Cost", x), 64)
	if err != nil {
		fail("Cost", err)
	}
	return costs(r)
}

// costs is the notebook's form of a cost report.
func costs(r cost.Report) Costs {
	return Costs{Params: r.Params, ActiveParams: r.ActiveParams, AuxParams: r.AuxParams, MACs: r.MACs, TotalMACs: r.TotalMACs, FLOPs: r.FLOPs,
		ActivationBytes: r.ActivationBytes, PeakTrainBytes: r.PeakTrainBytes, Tokens: r.Tokens, MACsPerToken: r.MACsPerToken}
}

// Latency measures an architecture's forward time in milliseconds at batch
// 1 on the machine the notebook runs on (the browser's worker, or natively):
// each distinct layer is timed once per session and the times are summed,
// so architectures that share layers are costed with the same figures and
// later calls only time the layers not seen before.
func Latency(x any) float64 { return Default.Latency(x) }

// Latency measures forward time; see the package-level Latency.
func (s *Session) Latency(x any) float64 {
	n, err := spec.Lower(s.specOf("Latency", x))
	if err != nil {
		fail("Latency", err)
	}
	s.latencyMu.Lock()
	defer s.latencyMu.Unlock()
	return s.latency.Latency(n, timing.Forward{})
}

// Spec returns an architecture's spec as JSON: the network as data, as a
// pool worker receives it.
func Spec(x any) string { return Default.Spec(x) }

// Spec returns the JSON spec; see the package-level Spec.
func (s *Session) Spec(x any) string { return string(s.specOf("Spec", x).JSON()) }
