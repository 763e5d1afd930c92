package wasmsimd

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Assemble turns WebAssembly text in the subset described in the package
// comment into a binary module.
func Assemble(src []byte) ([]byte, error) {
	m, err := parse(src)
	if err != nil {
		return nil, err
	}
	return m.encode(), nil
}

// AssembleLinked is Assemble with the module's link module (see encodeLink)
// appended as the custom section LinkSection.
func AssembleLinked(src []byte) ([]byte, error) {
	m, err := parse(src)
	if err != nil {
		return nil, err
	}
	out := sectionWriter(m.encode())
	out.section(0, append(name(LinkSection), m.encodeLink()...))
	return out, nil
}

func parse(src []byte) (*module, error) {
	toks, err := tokenize(string(src))
	if err != nil {
		return nil, err
	}
	root, rest, err := parseNode(toks)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("wasmsimd: line %d: text after the module", rest[0].line)
	}
	if !root.isList() || root.head() != "module" {
		return nil, fmt.Errorf("wasmsimd: line %d: want (module ...)", root.line)
	}
	m := &module{funcIdx: map[string]int{}}
	// First pass: imports and function signatures, so calls can go forward.
	for _, f := range root.list[1:] {
		switch f.head() {
		case "import":
			if err := m.addImport(f); err != nil {
				return nil, err
			}
		case "func":
			if err := m.declareFunc(f); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("wasmsimd: line %d: unsupported module field %q", f.line, f.head())
		}
	}
	for _, fn := range m.funcs {
		if err := m.compileFunc(fn); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// --- text --------------------------------------------------------------------------------------

type token struct {
	text string
	line int
}

func tokenize(s string) ([]token, error) {
	var toks []token
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], ";;"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "(;"):
			end := strings.Index(s[i:], ";)")
			if end < 0 {
				return nil, fmt.Errorf("wasmsimd: line %d: unterminated block comment", line)
			}
			line += strings.Count(s[i:i+end], "\n")
			i += end + 2
		case c == '(' || c == ')':
			toks = append(toks, token{string(c), line})
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				j++
			}
			if j == len(s) {
				return nil, fmt.Errorf("wasmsimd: line %d: unterminated string", line)
			}
			toks = append(toks, token{s[i : j+1], line})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n()\";", rune(s[j])) {
				j++
			}
			toks = append(toks, token{s[i:j], line})
			i = j
		}
	}
	return toks, nil
}

// node is an atom (list == nil) or a parenthesised list.
type node struct {
	atom string
	list []node
	line int
	open bool // a list, possibly empty
}

func (n node) isList() bool { return n.open }

// head is the first atom of a list, or "".
func (n node) head() string {
	if n.isList() && len(n.list) > 0 && !n.list[0].isList() {
		return n.list[0].atom
	}
	return ""
}

func parseNode(toks []token) (node, []token, error) {
	if len(toks) == 0 {
		return node{}, nil, fmt.Errorf("wasmsimd: unexpected end of text")
	}
	t := toks[0]
	switch t.text {
	case ")":
		return node{}, nil, fmt.Errorf("wasmsimd: line %d: unexpected )", t.line)
	case "(":
		n := node{line: t.line, open: true}
		toks = toks[1:]
		for {
			if len(toks) == 0 {
				return node{}, nil, fmt.Errorf("wasmsimd: line %d: unclosed (", t.line)
			}
			if toks[0].text == ")" {
				return n, toks[1:], nil
			}
			var c node
			var err error
			c, toks, err = parseNode(toks)
			if err != nil {
				return node{}, nil, err
			}
			n.list = append(n.list, c)
		}
	}
	return node{atom: t.text, line: t.line}, toks[1:], nil
}

// --- module ------------------------------------------------------------------------------------

const (
	tI32  = 0x7f
	tI64  = 0x7e
	tF32  = 0x7d
	tF64  = 0x7c
	tV128 = 0x7b
)

var valTypes = map[string]byte{"i32": tI32, "i64": tI64, "f32": tF32, "f64": tF64, "v128": tV128}

type function struct {
	name    string
	export  string
	params  []byte
	results []byte
	locals  []byte
	names   map[string]int // local and parameter names
	body    []node
	code    []byte
	line    int
}

type memImport struct{ mod, name string }

type module struct {
	mem     *memImport
	funcs   []*function
	funcIdx map[string]int
}

func unquote(n node) (string, error) {
	if n.isList() || len(n.atom) < 2 || n.atom[0] != '"' {
		return "", fmt.Errorf("wasmsimd: line %d: want a string", n.line)
	}
	return n.atom[1 : len(n.atom)-1], nil
}

func (m *module) addImport(f node) error {
	if len(f.list) != 4 || f.list[3].head() != "memory" || m.mem != nil {
		return fmt.Errorf("wasmsimd: line %d: only one (import \"mod\" \"name\" (memory N)) is supported", f.line)
	}
	mod, err := unquote(f.list[1])
	if err != nil {
		return err
	}
	name, err := unquote(f.list[2])
	if err != nil {
		return err
	}
	if mm := f.list[3].list; len(mm) != 2 || mm[1].atom != "0" {
		return fmt.Errorf("wasmsimd: line %d: the imported memory must be (memory 0)", f.line)
	}
	m.mem = &memImport{mod, name}
	return nil
}

func (m *module) declareFunc(f node) error {
	fn := &function{names: map[string]int{}, line: f.line}
	items := f.list[1:]
	if len(items) > 0 && !items[0].isList() && strings.HasPrefix(items[0].atom, "$") {
		fn.name = items[0].atom
		items = items[1:]
	}
	for len(items) > 0 && items[0].isList() {
		it := items[0]
		switch it.head() {
		case "export":
			s, err := unquote(it.list[1])
			if err != nil {
				return err
			}
			fn.export = s
		case "param", "local":
			args := it.list[1:]
			add := func(name string, t node) error {
				vt, ok := valTypes[t.atom]
				if !ok {
					return fmt.Errorf("wasmsimd: line %d: unknown type %q", t.line, t.atom)
				}
				if it.head() == "param" {
					if len(fn.locals) > 0 {
						return fmt.Errorf("wasmsimd: line %d: param after local", t.line)
					}
					fn.params = append(fn.params, vt)
				} else {
					fn.locals = append(fn.locals, vt)
				}
				if name != "" {
					if _, dup := fn.names[name]; dup {
						return fmt.Errorf("wasmsimd: line %d: %s declared twice", t.line, name)
					}
					fn.names[name] = len(fn.params) + len(fn.locals) - 1
				}
				return nil
			}
			if len(args) == 2 && strings.HasPrefix(args[0].atom, "$") {
				if err := add(args[0].atom, args[1]); err != nil {
					return err
				}
				break
			}
			for _, a := range args {
				if err := add("", a); err != nil {
					return err
				}
			}
		case "result":
			for _, a := range it.list[1:] {
				vt, ok := valTypes[a.atom]
				if !ok {
					return fmt.Errorf("wasmsimd: line %d: unknown type %q", a.line, a.atom)
				}
				fn.results = append(fn.results, vt)
			}
		default:
			goto body
		}
		items = items[1:]
	}
body:
	fn.body = items
	if fn.name != "" {
		if _, dup := m.funcIdx[fn.name]; dup {
			return fmt.Errorf("wasmsimd: line %d: function %s declared twice", f.line, fn.name)
		}
		m.funcIdx[fn.name] = len(m.funcs)
	}
	m.funcs = append(m.funcs, fn)
	return nil
}

// --- instructions ------------------------------------------------------------------------------

// immediate kinds
const (
	immNone = iota
	immLocal
	immLabel
	immFunc
	immI32
	immF32
	immF64
	immMem // memarg; the value is the natural alignment (log2)
	immLane
	immV128
	immShuffle
	immZeros // fixed zero bytes (memory index of memory.copy/fill)
)

type opInfo struct {
	code  []byte // opcode bytes (prefix and LEB-encoded sub-opcode included)
	imm   int
	align uint32 // immMem: natural alignment; immZeros: how many zero bytes
}

var ops = map[string]opInfo{}

func init() {
	plain := func(code byte, names ...string) {
		for i, n := range names {
			ops[n] = opInfo{code: []byte{code + byte(i)}}
		}
	}
	ops["unreachable"] = opInfo{code: []byte{0x00}}
	ops["nop"] = opInfo{code: []byte{0x01}}
	ops["br"] = opInfo{code: []byte{0x0c}, imm: immLabel}
	ops["br_if"] = opInfo{code: []byte{0x0d}, imm: immLabel}
	ops["return"] = opInfo{code: []byte{0x0f}}
	ops["call"] = opInfo{code: []byte{0x10}, imm: immFunc}
	ops["drop"] = opInfo{code: []byte{0x1a}}
	ops["select"] = opInfo{code: []byte{0x1b}}
	ops["local.get"] = opInfo{code: []byte{0x20}, imm: immLocal}
	ops["local.set"] = opInfo{code: []byte{0x21}, imm: immLocal}
	ops["local.tee"] = opInfo{code: []byte{0x22}, imm: immLocal}
	for name, o := range map[string]struct {
		code  byte
		align uint32
	}{"i32.load": {0x28, 2}, "f32.load": {0x2a, 2}, "f64.load": {0x2b, 3}, "i32.store": {0x36, 2}, "f32.store": {0x38, 2}, "f64.store": {0x39, 3}} {
		ops[name] = opInfo{code: []byte{o.code}, imm: immMem, align: o.align}
	}
	ops["i32.const"] = opInfo{code: []byte{0x41}, imm: immI32}
	ops["f32.const"] = opInfo{code: []byte{0x43}, imm: immF32}
	ops["f64.const"] = opInfo{code: []byte{0x44}, imm: immF64}
	plain(0x45, "i32.eqz", "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u", "i32.gt_s", "i32.gt_u", "i32.le_s", "i32.le_u", "i32.ge_s", "i32.ge_u")
	plain(0x5b, "f32.eq", "f32.ne", "f32.lt", "f32.gt", "f32.le", "f32.ge")
	plain(0x67, "i32.clz", "i32.ctz", "i32.popcnt", "i32.add", "i32.sub", "i32.mul", "i32.div_s", "i32.div_u",
		"i32.rem_s", "i32.rem_u", "i32.and", "i32.or", "i32.xor", "i32.shl", "i32.shr_s", "i32.shr_u")
	plain(0x8b, "f32.abs", "f32.neg", "f32.ceil", "f32.floor", "f32.trunc", "f32.nearest", "f32.sqrt",
		"f32.add", "f32.sub", "f32.mul", "f32.div", "f32.min", "f32.max", "f32.copysign")
	plain(0x9f, "f64.sqrt", "f64.add", "f64.sub", "f64.mul", "f64.div")
	ops["i32.trunc_f32_s"] = opInfo{code: []byte{0xa8}}
	ops["f32.convert_i32_s"] = opInfo{code: []byte{0xb2}}
	ops["f32.demote_f64"] = opInfo{code: []byte{0xb6}}
	ops["f64.convert_i32_s"] = opInfo{code: []byte{0xb7}}
	ops["f64.promote_f32"] = opInfo{code: []byte{0xbb}}
	ops["memory.copy"] = opInfo{code: []byte{0xfc, 10}, imm: immZeros, align: 2}
	ops["memory.fill"] = opInfo{code: []byte{0xfc, 11}, imm: immZeros, align: 1}
	simd := func(sub uint32, imm int, align uint32, name string) {
		ops[name] = opInfo{code: append([]byte{0xfd}, uleb(sub)...), imm: imm, align: align}
	}
	simd(0x00, immMem, 4, "v128.load")
	simd(0x09, immMem, 2, "v128.load32_splat")
	simd(0x0b, immMem, 4, "v128.store")
	simd(0x0c, immV128, 0, "v128.const")
	simd(0x0d, immShuffle, 0, "i8x16.shuffle")
	simd(0x11, immNone, 0, "i32x4.splat")
	simd(0x13, immNone, 0, "f32x4.splat")
	simd(0x1b, immLane, 0, "i32x4.extract_lane")
	simd(0x1f, immLane, 0, "f32x4.extract_lane")
	simd(0x20, immLane, 0, "f32x4.replace_lane")
	for i, n := range []string{"f32x4.eq", "f32x4.ne", "f32x4.lt", "f32x4.gt", "f32x4.le", "f32x4.ge"} {
		simd(0x41+uint32(i), immNone, 0, n)
	}
	for i, n := range []string{"v128.not", "v128.and", "v128.andnot", "v128.or", "v128.xor", "v128.bitselect", "v128.any_true"} {
		simd(0x4d+uint32(i), immNone, 0, n)
	}
	simd(0x5c, immMem, 2, "v128.load32_zero")
	simd(0x5d, immMem, 3, "v128.load64_zero")
	simd(0xae, immNone, 0, "i32x4.add")
	simd(0x5e, immNone, 0, "f32x4.demote_f64x2_zero")
	simd(0x5f, immNone, 0, "f64x2.promote_low_f32x4")
	for i, n := range []string{"f32x4.abs", "f32x4.neg", "", "f32x4.sqrt", "f32x4.add", "f32x4.sub", "f32x4.mul",
		"f32x4.div", "f32x4.min", "f32x4.max", "f32x4.pmin", "f32x4.pmax"} {
		if n != "" {
			simd(0xe0+uint32(i), immNone, 0, n)
		}
	}
}

// compiler turns one function's body into code.
type compiler struct {
	m      *module
	fn     *function
	labels []string // innermost last
	out    bytes.Buffer
}

func (m *module) compileFunc(fn *function) error {
	c := &compiler{m: m, fn: fn}
	if err := c.seq(fn.body); err != nil {
		return err
	}
	c.out.WriteByte(0x0b)
	var body bytes.Buffer
	// Locals in runs of one type.
	var runs [][2]uint32
	for _, t := range fn.locals {
		if len(runs) > 0 && runs[len(runs)-1][1] == uint32(t) {
			runs[len(runs)-1][0]++
			continue
		}
		runs = append(runs, [2]uint32{1, uint32(t)})
	}
	body.Write(uleb(uint32(len(runs))))
	for _, r := range runs {
		body.Write(uleb(r[0]))
		body.WriteByte(byte(r[1]))
	}
	body.Write(c.out.Bytes())
	fn.code = body.Bytes()
	return nil
}

func errAt(n node, format string, args ...any) error {
	return fmt.Errorf("wasmsimd: line %d: %s", n.line, fmt.Sprintf(format, args...))
}

// seq compiles a sequence of flat and folded instructions.
func (c *compiler) seq(items []node) error {
	for len(items) > 0 {
		it := items[0]
		if it.isList() {
			if err := c.folded(it); err != nil {
				return err
			}
			items = items[1:]
			continue
		}
		var err error
		items, err = c.flat(items)
		if err != nil {
			return err
		}
	}
	return nil
}

// blockHeader reads an optional label and an optional (result t) and writes
// the opcode and block type.
func (c *compiler) blockHeader(code byte, items []node) ([]node, error) {
	label := ""
	if len(items) > 0 && !items[0].isList() && strings.HasPrefix(items[0].atom, "$") {
		label = items[0].atom
		items = items[1:]
	}
	bt := byte(0x40)
	if len(items) > 0 && items[0].head() == "result" {
		r := items[0].list
		if len(r) != 2 || valTypes[r[1].atom] == 0 {
			return nil, errAt(items[0], "a block may have one result type")
		}
		bt = valTypes[r[1].atom]
		items = items[1:]
	}
	c.out.WriteByte(code)
	c.out.WriteByte(bt)
	c.labels = append(c.labels, label)
	return items, nil
}

func (c *compiler) end() {
	c.out.WriteByte(0x0b)
	c.labels = c.labels[:len(c.labels)-1]
}

func (c *compiler) flat(items []node) ([]node, error) {
	it := items[0]
	items = items[1:]
	switch it.atom {
	case "block", "loop", "if":
		return c.blockHeader(map[string]byte{"block": 0x02, "loop": 0x03, "if": 0x04}[it.atom], items)
	case "else":
		if len(c.labels) == 0 {
			return nil, errAt(it, "else outside if")
		}
		c.out.WriteByte(0x05)
		return items, nil
	case "end":
		if len(c.labels) == 0 {
			return nil, errAt(it, "end outside a block")
		}
		c.end()
		return items, nil
	}
	return c.instr(it, items)
}

func (c *compiler) folded(n node) error {
	h := n.head()
	args := n.list[1:]
	switch h {
	case "block", "loop":
		rest, err := c.blockHeader(map[string]byte{"block": 0x02, "loop": 0x03}[h], args)
		if err != nil {
			return err
		}
		if err := c.seq(rest); err != nil {
			return err
		}
		c.end()
		return nil
	case "if":
		// (if $l? (result t)? cond... (then ...) (else ...)?)
		i := 0
		if i < len(args) && !args[i].isList() {
			i++
		}
		if i < len(args) && args[i].head() == "result" {
			i++
		}
		header, rest := args[:i], args[i:]
		var then, els *node
		var conds []node
		for j := range rest {
			switch rest[j].head() {
			case "then":
				then = &rest[j]
			case "else":
				els = &rest[j]
			default:
				conds = append(conds, rest[j])
			}
		}
		if then == nil {
			return errAt(n, "if without (then ...)")
		}
		if err := c.seq(conds); err != nil {
			return err
		}
		if _, err := c.blockHeader(0x04, header); err != nil {
			return err
		}
		if err := c.seq(then.list[1:]); err != nil {
			return err
		}
		if els != nil {
			c.out.WriteByte(0x05)
			if err := c.seq(els.list[1:]); err != nil {
				return err
			}
		}
		c.end()
		return nil
	case "":
		return errAt(n, "empty or nested list where an instruction should be")
	}
	// Operands are the trailing lists; immediates are the atoms before them.
	k := len(args)
	for k > 0 && args[k-1].isList() {
		k--
	}
	if err := c.seq(args[k:]); err != nil {
		return err
	}
	rest, err := c.instr(n.list[0], args[:k])
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errAt(n, "%s: unexpected immediate %q", h, rest[0].atom)
	}
	return nil
}

// instr writes the instruction named by op, taking its immediates from
// the front of items, and returns what it did not use.
func (c *compiler) instr(op node, items []node) ([]node, error) {
	info, ok := ops[op.atom]
	if !ok {
		return nil, errAt(op, "unknown instruction %q", op.atom)
	}
	c.out.Write(info.code)
	next := func() (node, error) {
		if len(items) == 0 || items[0].isList() {
			return node{}, errAt(op, "%s needs an immediate", op.atom)
		}
		n := items[0]
		items = items[1:]
		return n, nil
	}
	switch info.imm {
	case immNone:
	case immZeros:
		c.out.Write(make([]byte, info.align))
	case immLocal:
		a, err := next()
		if err != nil {
			return nil, err
		}
		idx, ok := c.fn.names[a.atom]
		if !ok {
			v, err := strconv.ParseUint(a.atom, 10, 32)
			if err != nil || int(v) >= len(c.fn.params)+len(c.fn.locals) {
				return nil, errAt(a, "unknown local %q", a.atom)
			}
			idx = int(v)
		}
		c.out.Write(uleb(uint32(idx)))
	case immLabel:
		a, err := next()
		if err != nil {
			return nil, err
		}
		depth := -1
		for i := len(c.labels) - 1; i >= 0; i-- {
			if c.labels[i] == a.atom {
				depth = len(c.labels) - 1 - i
				break
			}
		}
		if depth < 0 {
			v, err := strconv.ParseUint(a.atom, 10, 32)
			if err != nil || int(v) >= len(c.labels) {
				return nil, errAt(a, "unknown label %q", a.atom)
			}
			depth = int(v)
		}
		c.out.Write(uleb(uint32(depth)))
	case immFunc:
		a, err := next()
		if err != nil {
			return nil, err
		}
		idx, ok := c.m.funcIdx[a.atom]
		if !ok {
			return nil, errAt(a, "unknown function %q", a.atom)
		}
		c.out.Write(uleb(uint32(idx)))
	case immI32:
		a, err := next()
		if err != nil {
			return nil, err
		}
		v, err := parseInt(a.atom, 32)
		if err != nil {
			return nil, errAt(a, "%v", err)
		}
		c.out.Write(sleb(v))
	case immF32:
		a, err := next()
		if err != nil {
			return nil, err
		}
		v, err := parseFloat(a.atom, 32)
		if err != nil {
			return nil, errAt(a, "%v", err)
		}
		c.out.Write(le32(math.Float32bits(float32(v))))
	case immF64:
		a, err := next()
		if err != nil {
			return nil, err
		}
		v, err := parseFloat(a.atom, 64)
		if err != nil {
			return nil, errAt(a, "%v", err)
		}
		b := math.Float64bits(v)
		c.out.Write(le32(uint32(b)))
		c.out.Write(le32(uint32(b >> 32)))
	case immMem:
		offset, align := uint64(0), info.align
		for len(items) > 0 && !items[0].isList() && strings.ContainsRune(items[0].atom, '=') {
			k, v, _ := strings.Cut(items[0].atom, "=")
			n, err := parseInt(v, 33)
			if err != nil || n < 0 {
				return nil, errAt(items[0], "bad %s", items[0].atom)
			}
			switch k {
			case "offset":
				offset = uint64(n)
			case "align":
				if n == 0 || n&(n-1) != 0 || uint32(n) > 1<<info.align {
					return nil, errAt(items[0], "bad alignment %d", n)
				}
				align = uint32(bitsLen(uint64(n)) - 1)
			default:
				return nil, errAt(items[0], "unknown memory argument %q", k)
			}
			items = items[1:]
		}
		c.out.Write(uleb(align))
		c.out.Write(uleb(uint32(offset)))
	case immLane:
		a, err := next()
		if err != nil {
			return nil, err
		}
		v, err := strconv.ParseUint(a.atom, 10, 8)
		if err != nil || v > 3 {
			return nil, errAt(a, "bad lane %q", a.atom)
		}
		c.out.WriteByte(byte(v))
	case immV128:
		shape, err := next()
		if err != nil {
			return nil, err
		}
		if shape.atom != "f32x4" && shape.atom != "i32x4" {
			return nil, errAt(shape, "v128.const supports f32x4 and i32x4")
		}
		for i := 0; i < 4; i++ {
			a, err := next()
			if err != nil {
				return nil, err
			}
			var bits uint32
			if shape.atom == "f32x4" {
				v, err := parseFloat(a.atom, 32)
				if err != nil {
					return nil, errAt(a, "%v", err)
				}
				bits = math.Float32bits(float32(v))
			} else {
				v, err := parseInt(a.atom, 32)
				if err != nil {
					return nil, errAt(a, "%v", err)
				}
				bits = uint32(v)
			}
			c.out.Write(le32(bits))
		}
	case immShuffle:
		for i := 0; i < 16; i++ {
			a, err := next()
			if err != nil {
				return nil, err
			}
			v, err := strconv.ParseUint(a.atom, 10, 8)
			if err != nil || v > 31 {
				return nil, errAt(a, "bad shuffle lane %q", a.atom)
			}
			c.out.WriteByte(byte(v))
		}
	}
	return items, nil
}

func bitsLen(v uint64) int {
	n := 0
	for ; v != 0; v >>= 1 {
		n++
	}
	return n
}

// parseInt reads a decimal or 0x integer that fits in bits (signed or
// unsigned), with optional underscores.
func parseInt(s string, bits int) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		u, uerr := strconv.ParseUint(s, 0, 64)
		if uerr != nil {
			return 0, fmt.Errorf("bad integer %q", s)
		}
		v = int64(u)
	}
	if bits < 64 && (v < -(1<<(bits-1)) || v >= 1<<bits) {
		return 0, fmt.Errorf("integer %q out of range", s)
	}
	if bits == 32 && v >= 1<<31 {
		v -= 1 << 32
	}
	return v, nil
}

func parseFloat(s string, bits int) (float64, error) {
	switch s {
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), bits)
	if err != nil {
		return 0, fmt.Errorf("bad float %q", s)
	}
	return v, nil
}

// --- binary ------------------------------------------------------------------------------------

func uleb(v uint32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		done := (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0)
		if !done {
			c |= 0x80
		}
		b = append(b, c)
		if done {
			return b
		}
	}
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func vec(items [][]byte) []byte {
	b := uleb(uint32(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func name(s string) []byte { return append(uleb(uint32(len(s))), s...) }

// sectionWriter appends sections to a module's bytes.
type sectionWriter []byte

func (w *sectionWriter) section(id byte, payload []byte) {
	*w = append(*w, id)
	*w = append(*w, uleb(uint32(len(payload)))...)
	*w = append(*w, payload...)
}

// types returns the module's function types, one per distinct signature in
// order of first use, and the type index of each function.
func (m *module) types() (types [][]byte, fnType []int) {
	typeOf := map[string]int{}
	fnType = make([]int, len(m.funcs))
	for i, fn := range m.funcs {
		t := append([]byte{0x60}, vec(bytesOf(fn.params))...)
		t = append(t, vec(bytesOf(fn.results))...)
		k, ok := typeOf[string(t)]
		if !ok {
			k = len(types)
			typeOf[string(t)] = k
			types = append(types, t)
		}
		fnType[i] = k
	}
	return types, fnType
}

func (m *module) encode() []byte {
	out := sectionWriter{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	section := out.section
	types, fnType := m.types()
	section(1, vec(types))
	if m.mem != nil {
		imp := append(name(m.mem.mod), name(m.mem.name)...)
		imp = append(imp, 0x02, 0x00, 0x00) // memory, no maximum, minimum 0
		section(2, vec([][]byte{imp}))
	}
	var fidx [][]byte
	for _, k := range fnType {
		fidx = append(fidx, uleb(uint32(k)))
	}
	section(3, vec(fidx))
	var exports [][]byte
	for i, fn := range m.funcs {
		if fn.export != "" {
			exports = append(exports, append(append(name(fn.export), 0x00), uleb(uint32(i))...))
		}
	}
	section(7, vec(exports))
	var codes [][]byte
	for _, fn := range m.funcs {
		codes = append(codes, append(uleb(uint32(len(fn.code))), fn.code...))
	}
	section(10, vec(codes))
	return out
}

// LinkSection is the name of the custom section of the kernels module that
// holds its link module.
const LinkSection = "nasbook_simd.link"

// encodeLink returns the link module: for the i-th exported function of m,
// an export of the same name and type whose body is a call_indirect through
// slot i of an imported table (env.kernels). A loader instantiates it before
// the Go program, gives its exports to the Go program as the nasbook_simd
// imports, and fills the table with the kernels once the kernels module is
// instantiated on the Go program's memory. Every kernel call then stays
// inside WebAssembly; an import that is a JavaScript function would leave
// and re-enter it on every call, at a cost that depends on how far the
// JavaScript engine has optimised the forwarding function.
func (m *module) encodeLink() []byte {
	out := sectionWriter{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	types, fnType := m.types()
	var exported []int
	for i, fn := range m.funcs {
		if fn.export != "" {
			exported = append(exported, i)
		}
	}
	out.section(1, vec(types))
	table := append(name("env"), name("kernels")...)
	table = append(table, 0x01, 0x70, 0x00) // table of funcref, no maximum
	table = append(table, uleb(uint32(len(exported)))...)
	out.section(2, vec([][]byte{table}))
	var fidx, exports, codes [][]byte
	for slot, i := range exported {
		fn := m.funcs[i]
		fidx = append(fidx, uleb(uint32(fnType[i])))
		exports = append(exports, append(append(name(fn.export), 0x00), uleb(uint32(slot))...))
		body := []byte{0x00} // no locals
		for p := range fn.params {
			body = append(body, 0x20)
			body = append(body, uleb(uint32(p))...)
		}
		body = append(body, 0x41)
		body = append(body, sleb(int64(slot))...)
		body = append(body, 0x11)
		body = append(body, uleb(uint32(fnType[i]))...)
		body = append(body, 0x00, 0x0b) // table 0; end
		codes = append(codes, append(uleb(uint32(len(body))), body...))
	}
	out.section(3, vec(fidx))
	out.section(7, vec(exports))
	out.section(10, vec(codes))
	return out
}

func bytesOf(ts []byte) [][]byte {
	var b [][]byte
	for _, t := range ts {
		b = append(b, []byte{t})
	}
	return b
}
