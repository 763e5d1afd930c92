package notebook

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// The interpreter reports some failures in its own terms: a runtime panic of
// an index is reflect's ("reflect: slice index out of range"), a name no
// scope has in a top-level definition is a "constant definition loop", and a
// panic's line is that of the statement of the cell, or the first statement
// of the function, that was running. This file puts them in Go's terms, with
// the line of the expression that failed where the cell's source tells it.

// goPanics maps the interpreter's panic messages to Go's runtime errors.
var goPanics = []struct {
	prefix string
	kind   panicKind
}{
	{"reflect: slice index out of range", indexPanic},
	{"reflect: array index out of range", indexPanic},
	{"reflect: string index out of range", indexPanic},
	{"reflect.Value.Slice: slice index out of bounds", slicePanic},
	{"reflect.Value.Slice: string slice index out of bounds", slicePanic},
	{"reflect.Value.Slice3: slice index out of bounds", slicePanic},
	{"reflect: call of reflect.Value.Field on zero Value", nilPanic},
	{"reflect: call of reflect.Value.Elem on zero Value", nilPanic},
	{"runtime error: invalid memory address or nil pointer dereference", nilPanic},
	{"runtime error: integer divide by zero", dividePanic},
	{"assignment to entry in nil map", nilMapPanic},
}

type panicKind int

const (
	otherPanic panicKind = iota
	indexPanic
	slicePanic
	nilPanic
	dividePanic
	nilMapPanic
	assertPanic
	callPanic // an explicit panic(...)
)

// goMessage is a panic's message as Go's runtime words it (index and length
// added later where they are known).
func (k panicKind) goMessage(msg string) string {
	switch k {
	case indexPanic:
		return "runtime error: index out of range"
	case slicePanic:
		return "runtime error: slice bounds out of range"
	case nilPanic:
		return "runtime error: invalid memory address or nil pointer dereference"
	case dividePanic:
		return "runtime error: integer divide by zero"
	}
	return msg
}

// posPrefix is a position the interpreter puts inside some panic values
// ("2:9: interface conversion: ...").
var posPrefix = regexp.MustCompile(`^\d+:\d+: `)

// classifyPanic returns the kind of a panic and its message in Go's words.
func classifyPanic(msg string) (panicKind, string) {
	for _, p := range goPanics {
		if strings.HasPrefix(msg, p.prefix) {
			return p.kind, p.kind.goMessage(msg)
		}
	}
	msg = posPrefix.ReplaceAllString(msg, "")
	if strings.HasPrefix(msg, "interface conversion: ") {
		return assertPanic, msg
	}
	return otherPanic, msg
}

// frame is one frame of a panic's traceback: the line the interpreter named
// and the function ("" for the cell's top level).
type frame struct {
	line int
	fn   string
}

// parsedUnit is one top-level unit of a cell, parsed, with the cell line of
// a position in it.
type parsedUnit struct {
	unit
	file  *ast.File
	tfile *token.File
	top   *ast.FuncDecl // the wrapper of a statement unit
}

func (p *parsedUnit) line(pos token.Pos) int { return p.tfile.Line(pos) + p.unit.line - 1 }

// parseUnits parses each unit of a cell that parses; imports are left out.
func parseUnits(src string) []*parsedUnit {
	units, err := splitCell(src)
	if err != nil {
		return nil
	}
	// Runs of units of one kind parse together, as the kernel evaluates
	// them: splitCell cuts a for clause's statements apart.
	var runs []unit
	for _, u := range units {
		if n := len(runs); n > 0 && runs[n-1].kind == u.kind && u.kind != importUnit {
			runs[n-1].end = u.end
			continue
		}
		runs = append(runs, u)
	}
	var out []*parsedUnit
	for _, u := range runs {
		if u.kind == importUnit {
			continue
		}
		text := src[u.start:u.end]
		prefix := "package p;"
		if u.kind == stmtUnit {
			prefix = "package p; func _() {"
			text += "\n}"
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		p := &parsedUnit{unit: u, file: f, tfile: fset.File(f.Pos())}
		if u.kind == stmtUnit {
			p.top = f.Decls[0].(*ast.FuncDecl)
		}
		out = append(out, p)
	}
	return out
}

// region is the code a frame was running: a top-level statement of the
// cell, or a function's body.
type region struct {
	unit   *parsedUnit
	node   ast.Node
	params *ast.FuncType // nil for the cell's top level
}

// findRegion returns the code the interpreter's frame names: for the top
// level, the statement that starts on its line; for a function, the
// function whose body starts on its line (the guard's first call is there).
func findRegion(units []*parsedUnit, f frame) (region, bool) {
	for _, u := range units {
		var found region
		ok := false
		ast.Inspect(u.file, func(n ast.Node) bool {
			if ok || n == nil {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n == u.top {
					if f.fn == "" {
						for _, st := range n.Body.List {
							if u.line(st.Pos()) == f.line {
								found, ok = region{unit: u, node: st}, true
								return false
							}
						}
					}
					return true
				}
				if f.fn != "" && n.Name.Name == f.fn && n.Body != nil && bodyLine(u, n.Body) == f.line {
					found, ok = region{unit: u, node: n.Body, params: n.Type}, true
					return false
				}
			case *ast.FuncLit:
				if f.fn != "" && !isNamed(f.fn) && bodyLine(u, n.Body) == f.line {
					found, ok = region{unit: u, node: n.Body, params: n.Type}, true
					return false
				}
			}
			return true
		})
		if ok {
			return found, true
		}
	}
	return region{}, false
}

// isNamed tells a declared function's name from the interpreter's names of
// function literals.
func isNamed(fn string) bool { return token.IsIdentifier(fn) }

func bodyLine(u *parsedUnit, b *ast.BlockStmt) int {
	if len(b.List) > 0 {
		return u.line(b.List[0].Pos())
	}
	return u.line(b.Lbrace)
}

// candidates returns the expressions in r (outside function literals) that
// can fail as kind does; callee names the function of the next frame in, for
// a frame that called it.
func candidates(r region, kind panicKind, callee string) []ast.Node {
	var out []ast.Node
	ast.Inspect(r.node, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok && n != r.node {
			return callee != "" && !isNamed(callee) // a literal called in place may be the frame
		}
		switch n := n.(type) {
		case *ast.IndexExpr:
			if kind == indexPanic {
				out = append(out, n)
			}
		case *ast.SliceExpr:
			if kind == slicePanic {
				out = append(out, n)
			}
		case *ast.BinaryExpr:
			if kind == dividePanic && (n.Op == token.QUO || n.Op == token.REM) {
				out = append(out, n)
			}
		case *ast.AssignStmt:
			if kind == dividePanic && (n.Tok == token.QUO_ASSIGN || n.Tok == token.REM_ASSIGN) {
				out = append(out, n)
			}
			if kind == nilMapPanic {
				for _, l := range n.Lhs {
					if _, ok := l.(*ast.IndexExpr); ok {
						out = append(out, n)
						break
					}
				}
			}
		case *ast.TypeAssertExpr:
			if kind == assertPanic && n.Type != nil {
				out = append(out, n)
			}
		case *ast.CallExpr:
			name := selectorChain(n.Fun)
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			switch {
			case kind == callPanic && name == "panic":
				out = append(out, n)
			case callee != "" && name == callee:
				out = append(out, n)
			case callee != "" && !isNamed(callee):
				if _, ok := n.Fun.(*ast.FuncLit); ok {
					out = append(out, n)
				}
			}
		}
		return true
	})
	return out
}

// declared returns the names that r declares (its function's parameters and
// results, and every local), which the kernel's globals cannot stand for.
func declared(r region) map[string]bool {
	names := map[string]bool{}
	add := func(ids ...*ast.Ident) {
		for _, id := range ids {
			names[id.Name] = true
		}
	}
	if r.params != nil {
		for _, fl := range []*ast.FieldList{r.params.Params, r.params.Results} {
			if fl == nil {
				continue
			}
			for _, f := range fl.List {
				add(f.Names...)
			}
		}
	}
	ast.Inspect(r.node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.ValueSpec:
			add(n.Names...)
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
					add(id)
				}
			}
		case *ast.FuncLit:
			for _, fl := range []*ast.FieldList{n.Type.Params, n.Type.Results} {
				if fl == nil {
					continue
				}
				for _, f := range fl.List {
					add(f.Names...)
				}
			}
		}
		return true
	})
	return names
}

// pure reports whether evaluating e again has no effect and reads only
// names not in locals: names, selectors, literals, operators and len or cap.
func pure(e ast.Expr, locals map[string]bool) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !ok || n == nil {
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			if locals[n.Name] {
				ok = false
			}
		case *ast.SelectorExpr:
			ok = pure(n.X, locals)
			return false
		case *ast.BasicLit, *ast.ParenExpr, *ast.BinaryExpr, *ast.IndexExpr:
		case *ast.UnaryExpr:
			ok = n.Op != token.ARROW
		case *ast.CallExpr:
			id, isID := n.Fun.(*ast.Ident)
			if !isID || (id.Name != "len" && id.Name != "cap") || locals[id.Name] {
				ok = false
				return false
			}
			for _, a := range n.Args {
				ok = ok && pure(a, locals)
			}
			return false
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// explainPanic puts a panic's message in Go's words and gives each frame
// the line of the expression that failed, or of the call that the next
// frame in ran, where the cell's source tells it unambiguously.
func (k *Kernel) explainPanic(src string, msg string, frames []frame) (string, []frame) {
	kind, msg := classifyPanic(msg)
	if kind == otherPanic && strings.Contains(src, "panic(") {
		kind = callPanic
	}
	units := parseUnits(src)
	out := append([]frame(nil), frames...)
	for i, f := range frames {
		r, ok := findRegion(units, f)
		if !ok {
			continue
		}
		k2, callee := kind, ""
		if i > 0 {
			k2, callee = otherPanic, frames[i-1].fn
		}
		if callee == "" && k2 == otherPanic {
			continue
		}
		cands := candidates(r, k2, callee)
		if i == 0 && kind == indexPanic {
			detail, at := k.indexDetail(r, cands)
			if at != nil {
				cands = []ast.Node{at}
				msg += detail
			}
		}
		if line, ok := oneLine(r.unit, cands); ok {
			out[i].line = line
		}
	}
	return msg, out
}

// oneLine returns the line of the candidates if they are all on one.
func oneLine(u *parsedUnit, cands []ast.Node) (int, bool) {
	line := 0
	for _, c := range cands {
		l := u.line(c.Pos())
		if line != 0 && l != line {
			return 0, false
		}
		line = l
	}
	return line, line != 0
}

// indexDetail finds, among the index expressions of a region whose operands
// read only the kernel's globals, the one out of range, and returns Go's
// " [i] with length n" for it.
func (k *Kernel) indexDetail(r region, cands []ast.Node) (string, ast.Node) {
	locals := declared(r)
	src := func(e ast.Expr) string {
		u := r.unit
		from, to := u.tfile.Offset(e.Pos()), u.tfile.Offset(e.End())
		prefix := len("package p;")
		if u.kind == stmtUnit {
			prefix = len("package p; func _() {")
		}
		// The unit's text follows the prefix in the parsed file.
		return k.cellSource[u.start+from-prefix : u.start+to-prefix]
	}
	for _, c := range cands {
		ix := c.(*ast.IndexExpr)
		if !pure(ix.X, locals) || !pure(ix.Index, locals) {
			continue
		}
		n, err := k.evalSrc("len(" + src(ix.X) + ")")
		if err != nil || !n.IsValid() || !n.CanInt() {
			continue
		}
		i, err := k.evalSrc("int64(" + src(ix.Index) + ")")
		if err != nil || !i.IsValid() || !i.CanInt() {
			continue
		}
		if i.Int() < 0 || i.Int() >= n.Int() {
			return fmt.Sprintf(" [%d] with length %d", i.Int(), n.Int()), c
		}
	}
	// Where the operands are a function's locals, a constant index is
	// still known.
	if len(cands) == 1 {
		if lit, ok := cands[0].(*ast.IndexExpr).Index.(*ast.BasicLit); ok && lit.Kind == token.INT {
			return " [" + lit.Value + "]", cands[0]
		}
	}
	return "", nil
}

// undefinedName finds a name that chunk (a run of units of the cell, padded
// to start on its line) uses and that neither it, nor the kernel's globals,
// nor the universe declare (k.defined holds what earlier cells did), and returns "line N: undefined: name".
func (k *Kernel) undefinedName(chunk string) (string, bool) {
	units := parseUnits(chunk)
	for _, u := range units {
		locals := map[string]bool{}
		ast.Inspect(u.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n != u.top {
					locals[n.Name.Name] = true
				}
			case *ast.TypeSpec:
				locals[n.Name.Name] = true
			case *ast.Field:
				for _, id := range n.Names {
					locals[id.Name] = true
				}
			}
			return true
		})
		r := region{unit: u, node: u.file}
		for name := range declared(r) {
			locals[name] = true
		}
		var found *ast.Ident
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			if found != nil || n == nil {
				return false
			}
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, visit)
				return false
			case *ast.KeyValueExpr:
				if _, ok := n.Key.(*ast.Ident); !ok {
					ast.Inspect(n.Key, visit)
				}
				ast.Inspect(n.Value, visit)
				return false
			case *ast.BranchStmt, *ast.LabeledStmt:
				if l, ok := n.(*ast.LabeledStmt); ok {
					ast.Inspect(l.Stmt, visit)
				}
				return false
			case *ast.Ident:
				name := n.Name
				if name == "_" || locals[name] || universe[name] || k.packageName(name) {
					return false
				}
				if !k.defined[name] {
					found = n
				}
				return false
			}
			return true
		}
		for _, d := range u.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fd.Recv != nil {
					ast.Inspect(fd.Recv, visit)
				}
				ast.Inspect(fd.Type, visit)
				if fd.Body != nil {
					ast.Inspect(fd.Body, visit)
				}
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				if s, ok := n.(*ast.TypeSpec); ok {
					ast.Inspect(s.Type, visit)
					return false
				}
				if s, ok := n.(*ast.ValueSpec); ok {
					if s.Type != nil {
						ast.Inspect(s.Type, visit)
					}
					for _, v := range s.Values {
						ast.Inspect(v, visit)
					}
					return false
				}
				return true
			})
			if found != nil {
				break
			}
		}
		if found != nil {
			return "line " + strconv.Itoa(u.line(found.Pos())) + ": undefined: " + found.Name, true
		}
	}
	return "", false
}

// packageName reports whether name is a package the cell's code may name:
// one an earlier cell or this one imported.
func (k *Kernel) packageName(name string) bool {
	for path, as := range k.imported {
		if as == name || as == "" && path[strings.LastIndexByte(path, '/')+1:] == name {
			return true
		}
	}
	for _, u := range parseUnitsImports(k.cellSource) {
		if u == name {
			return true
		}
	}
	return false
}

// parseUnitsImports returns the names under which src's imports bring
// their packages.
func parseUnitsImports(src string) []string {
	units, err := splitCell(src)
	if err != nil {
		return nil
	}
	var names []string
	for _, u := range units {
		for _, s := range u.imports {
			n := s.name
			if n == "" {
				n = s.path[strings.LastIndexByte(s.path, '/')+1:]
			}
			names = append(names, n)
		}
	}
	return names
}

// universe holds Go's predeclared names.
var universe = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
		int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
		true false iota nil
		append cap clear close complex copy delete imag len make max min new panic print println real recover`) {
		universe[n] = true
	}
}

// noteDefinitions records the names that src, a run of units of the cell
// that the interpreter took, defines at the top level.
func (k *Kernel) noteDefinitions(src string) {
	for _, u := range parseUnits(src) {
		for _, d := range u.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d == u.top {
					for _, st := range d.Body.List {
						switch st := st.(type) {
						case *ast.AssignStmt:
							if st.Tok == token.DEFINE {
								for _, l := range st.Lhs {
									if id, ok := l.(*ast.Ident); ok {
										k.defined[id.Name] = true
									}
								}
							}
						case *ast.DeclStmt:
							k.noteGenDecl(st.Decl)
						}
					}
				} else if d.Recv == nil {
					k.defined[d.Name.Name] = true
				}
			case *ast.GenDecl:
				k.noteGenDecl(d)
			}
		}
	}
}

func (k *Kernel) noteGenDecl(d ast.Decl) {
	g, ok := d.(*ast.GenDecl)
	if !ok {
		return
	}
	for _, sp := range g.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			k.defined[sp.Name.Name] = true
		case *ast.ValueSpec:
			for _, id := range sp.Names {
				k.defined[id.Name] = true
			}
		}
	}
}
