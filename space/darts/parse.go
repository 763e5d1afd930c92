package darts

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"nasbook/space"
)

// MaxNodes bounds the intermediate nodes of a cell in a genotype that
// ParseGenotype reads. Published cells have four (DARTS) or five (NASNet,
// AmoebaNet, ENAS); the bound keeps a genotype such as
// normal_concat=range(0, 10**12) from asking for a cell without end.
const MaxNodes = 64

// token is one lexical token of a genotype string.
type token struct {
	kind byte // 'i' identifier, 'n' number, 's' string, or the punctuation itself
	text string
	pos  int
}

func lex(s string) ([]token, error) {
	var ts []token
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.ContainsRune("()[],=", c):
			ts = append(ts, token{byte(c), string(c), i})
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], byte(c))
			if j < 0 {
				return nil, fmt.Errorf("darts: unterminated string at offset %d", i)
			}
			ts = append(ts, token{'s', s[i+1 : i+1+j], i})
			i += j + 2
		case c == '-' || unicode.IsDigit(c):
			j := i + 1
			for j < len(s) && unicode.IsDigit(rune(s[j])) {
				j++
			}
			ts = append(ts, token{'n', s[i:j], i})
			i = j
		case c == '_' || unicode.IsLetter(c):
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '.' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			ts = append(ts, token{'i', s[i:j], i})
			i = j
		default:
			return nil, fmt.Errorf("darts: unexpected %q at offset %d", c, i)
		}
	}
	return ts, nil
}

type parser struct {
	ts  []token
	i   int
	src string
}

func (p *parser) peek() token {
	if p.i < len(p.ts) {
		return p.ts[p.i]
	}
	return token{kind: 0, text: "end of input", pos: len(p.src)}
}

func (p *parser) expect(kind byte) (token, error) {
	t := p.peek()
	if t.kind != kind {
		want := map[byte]string{'i': "a name", 'n': "a number", 's': "a quoted op name"}[kind]
		if want == "" {
			want = "'" + string(kind) + "'"
		}
		return t, fmt.Errorf("darts: want %s at offset %d, found %q", want, t.pos, space.Clip(t.text))
	}
	p.i++
	return t, nil
}

func (p *parser) accept(kind byte) bool {
	if p.peek().kind == kind {
		p.i++
		return true
	}
	return false
}

// number reads an integer of at most a few digits: node numbers are below
// MaxNodes+2.
func (p *parser) number() (int, error) {
	t, err := p.expect('n')
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < -1e6 || n > 1e6 {
		return 0, fmt.Errorf("darts: number %q at offset %d is out of range", space.Clip(t.text), t.pos)
	}
	return n, nil
}

// pairs reads [('op', k), ...].
func (p *parser) pairs() ([]Pair, error) {
	if _, err := p.expect('['); err != nil {
		return nil, err
	}
	var ps []Pair
	for !p.accept(']') {
		if len(ps) == 2*MaxNodes {
			return nil, fmt.Errorf("darts: more than %d pairs at offset %d (%d nodes of two)", 2*MaxNodes, p.peek().pos, MaxNodes)
		}
		if _, err := p.expect('('); err != nil {
			return nil, err
		}
		name, err := p.expect('s')
		if err != nil {
			return nil, err
		}
		op, err := ParseOp(name.text)
		if err != nil {
			return nil, fmt.Errorf("%w at offset %d", err, name.pos)
		}
		if _, err := p.expect(','); err != nil {
			return nil, err
		}
		from, err := p.number()
		if err != nil {
			return nil, err
		}
		p.accept(',')
		if _, err := p.expect(')'); err != nil {
			return nil, err
		}
		ps = append(ps, Pair{op, from})
		if !p.accept(',') {
			if _, err := p.expect(']'); err != nil {
				return nil, err
			}
			break
		}
	}
	return ps, nil
}

// concat reads [a, b, ...], (a, b, ...), range(a, b) or list(range(a, b)).
func (p *parser) concat() ([]int, error) {
	t := p.peek()
	if t.kind == 'i' {
		p.i++
		switch t.text {
		case "list":
			if _, err := p.expect('('); err != nil {
				return nil, err
			}
			c, err := p.concat()
			if err != nil {
				return nil, err
			}
			_, err = p.expect(')')
			return c, err
		case "range":
			if _, err := p.expect('('); err != nil {
				return nil, err
			}
			a, err := p.number()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(','); err != nil {
				return nil, err
			}
			b, err := p.number()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(')'); err != nil {
				return nil, err
			}
			if b-a > MaxNodes+2 {
				return nil, fmt.Errorf("darts: range(%d, %d) at offset %d has more than %d nodes", a, b, t.pos, MaxNodes+2)
			}
			var c []int
			for k := a; k < b; k++ {
				c = append(c, k)
			}
			return c, nil
		}
		return nil, fmt.Errorf("darts: want a list or range at offset %d, found %q", t.pos, t.text)
	}
	close := byte(']')
	if p.accept('(') {
		close = ')'
	} else if _, err := p.expect('['); err != nil {
		return nil, err
	}
	var c []int
	for !p.accept(close) {
		if len(c) == MaxNodes+2 {
			return nil, fmt.Errorf("darts: more than %d nodes concatenated at offset %d", MaxNodes+2, p.peek().pos)
		}
		k, err := p.number()
		if err != nil {
			return nil, err
		}
		c = append(c, k)
		if !p.accept(',') {
			if _, err := p.expect(close); err != nil {
				return nil, err
			}
			break
		}
	}
	return c, nil
}

var fieldNames = []string{"normal", "normal_concat", "reduce", "reduce_concat"}

// ParseGenotype reads a genotype as DARTS writes it: the keyword form
// Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)
// or the same four values positionally, with concats as lists, tuples,
// range(a, b) or list(range(a, b)), any spacing and either quote.
func ParseGenotype(s string) (Genotype, error) {
	var g Genotype
	if err := space.CheckNotation("darts", s); err != nil {
		return g, err
	}
	ts, err := lex(s)
	if err != nil {
		return g, err
	}
	p := &parser{ts: ts, src: s}
	if t := p.peek(); t.kind == 'i' && strings.HasSuffix(t.text, "Genotype") {
		p.i++
	} else {
		return g, fmt.Errorf("darts: a genotype starts with Genotype(, found %q", space.Clip(t.text))
	}
	if _, err := p.expect('('); err != nil {
		return g, err
	}
	seen := map[string]bool{}
	for k := 0; !p.accept(')'); k++ {
		field := ""
		if t := p.peek(); t.kind == 'i' && p.i+1 < len(p.ts) && p.ts[p.i+1].kind == '=' {
			field = t.text
			p.i += 2
		} else if k < len(fieldNames) {
			field = fieldNames[k]
		} else {
			return g, fmt.Errorf("darts: too many values at offset %d", t.pos)
		}
		if seen[field] {
			return g, fmt.Errorf("darts: %s given twice", field)
		}
		seen[field] = true
		switch field {
		case "normal":
			g.Normal, err = p.pairs()
		case "reduce":
			g.Reduce, err = p.pairs()
		case "normal_concat":
			g.NormalConcat, err = p.concat()
		case "reduce_concat":
			g.ReduceConcat, err = p.concat()
		default:
			return g, fmt.Errorf("darts: unknown field %q (want %s)", space.Clip(field), strings.Join(fieldNames, ", "))
		}
		if err != nil {
			return g, fmt.Errorf("%w (in %s)", err, field)
		}
		if !p.accept(',') {
			if _, err := p.expect(')'); err != nil {
				return g, err
			}
			break
		}
	}
	if p.i != len(p.ts) {
		return g, fmt.Errorf("darts: unexpected %q after the genotype", space.Clip(p.peek().text))
	}
	for _, f := range fieldNames {
		if !seen[f] {
			return g, fmt.Errorf("darts: the genotype has no %s", f)
		}
	}
	return g, g.Validate()
}
