package notebook

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"reflect"
	"strings"
)

// The interpreter cannot work out the type of an index expression on a value
// of a compiled package's type where it declares a global (yaegi v0.16.1,
// traefik/yaegi#1627): at a cell's top level `b := a[0]` after
// `a := strings.Split(s, " ")`, or `best := r.Runs[0]` for an nb.SearchResult
// r, fail to compile — with a nil dereference, "undefined", or "definition
// loop" — while the same expressions compile inside a function.
//
// The kernel gets around it. When a run of statements fails to compile and
// one of them defines a single name from an index expression, the statements
// are evaluated one at a time (nothing of the run has executed: it did not
// compile). A definition that still fails is made in two steps: its value
// is computed inside a function literal into the interface variable
// valueVar, and the name is defined by asserting the value's type, written as
// the cell would write it (nb.SearchRun, []string, map[string]float64). The
// cell's final expression is shown through valueVar the same way.

// valueVar carries a value from the function literal to the declaration.
const valueVar = "_nbValue"

// indexDefine reports whether src, a top-level statement or declaration of
// a cell, defines one name from one expression that indexes something:
// `x := e`, `var x = e` or `var x T = e`. It returns the name, e's source
// and T's source ("" when not given).
func indexDefine(src string) (name, expr, typ string, ok bool) {
	const prefix = "package p; func _() {\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+src+"\n}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return "", "", "", false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return "", "", "", false
	}
	var lhs *ast.Ident
	var rhs, t ast.Expr
	switch s := body[0].(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE || len(s.Lhs) != 1 || len(s.Rhs) != 1 {
			return "", "", "", false
		}
		lhs, _ = s.Lhs[0].(*ast.Ident)
		rhs = s.Rhs[0]
	case *ast.DeclStmt:
		g, _ := s.Decl.(*ast.GenDecl)
		if g == nil || g.Tok != token.VAR || len(g.Specs) != 1 {
			return "", "", "", false
		}
		v := g.Specs[0].(*ast.ValueSpec)
		if len(v.Names) != 1 || len(v.Values) != 1 {
			return "", "", "", false
		}
		lhs, rhs, t = v.Names[0], v.Values[0], v.Type
	}
	if lhs == nil || lhs.Name == "_" || !hasIndex(rhs) {
		return "", "", "", false
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(prefix) }
	if t != nil {
		typ = src[off(t.Pos()):off(t.End())]
	}
	return lhs.Name, src[off(rhs.Pos()):off(rhs.End())], typ, true
}

// hasIndex reports whether e indexes something outside a function literal.
func hasIndex(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IndexExpr:
			found = true
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// compileFailure reports whether err is a cell's failure to compile, which
// ran none of its code.
func compileFailure(err error) bool {
	var ce *CellError
	return errors.As(err, &ce) && ce.compile
}

// evalEach evaluates units of source one at a time, after they failed to
// compile together, declaring a name defined from an index expression by
// its value where the interpreter cannot type it.
func (k *Kernel) evalEach(source string, units []unit) error {
	for _, u := range units {
		chunk := source[u.start:u.end]
		if !k.unguarded {
			chunk = applyEdits(source, u.start, u.end, instrument(source, u.start, u.end, u.kind, u.line))
		}
		err := k.eval(u.line, chunk)
		if err == nil {
			continue
		}
		name, expr, typ, ok := indexDefine(chunk)
		if !ok || !compileFailure(err) {
			return err
		}
		if err := k.defineByValue(u.line, name, expr, typ); err != nil {
			return err
		}
	}
	return nil
}

// anyIndexDefine reports whether one of units defines a name from an index
// expression.
func anyIndexDefine(source string, units []unit) bool {
	for _, u := range units {
		if _, _, _, ok := indexDefine(source[u.start:u.end]); ok {
			return true
		}
	}
	return false
}

// valueOf evaluates expr, of a cell starting on line line, through a
// function literal, and returns its value.
func (k *Kernel) valueOf(line int, expr string) (reflect.Value, error) {
	pad := strings.Repeat("\n", line-1)
	if _, err := k.evalSrc(pad + valueVar + " = func() interface{} { return " + expr + " }()"); err != nil {
		return reflect.Value{}, err
	}
	v, err := k.evalSrc(valueVar)
	if err != nil {
		return reflect.Value{}, err
	}
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v, nil
}

// defineByValue declares name, at a cell's top level on line line, as the
// value of expr, of type typ, or when typ is "" of that value's type.
func (k *Kernel) defineByValue(line int, name, expr, typ string) error {
	v, err := k.valueOf(line, expr)
	if err != nil {
		return err
	}
	if typ == "" && v.IsValid() {
		typ = k.typeSource(v.Type())
	}
	if typ == "" {
		what := "nil"
		if v.IsValid() {
			what = "of type " + v.Type().String()
		}
		return &CellError{Name: "compile error", Value: fmt.Sprintf(
			"line %d: cannot declare %s here: its value is %s, which a cell cannot name, and the interpreter cannot type an index expression in a top-level definition; define %s inside a function, or give its type (var %s T = ...)",
			line, name, what, name, name)}
	}
	// A type assertion, not a typed var declaration: the interpreter
	// cannot compile `var x T = v.(T)` at the top level either.
	_, err = k.evalSrc(strings.Repeat("\n", line-1) + name + " := " + valueVar + ".(" + typ + ")")
	return err
}

// typeSource writes t as a cell would, or returns "" when a cell cannot:
// a type of a package the notebook has not imported, an unexported type, a
// function, channel or struct type.
func (k *Kernel) typeSource(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name() // predeclared
		}
		name, ok := k.imported[t.PkgPath()]
		if !ok || !ast.IsExported(t.Name()) {
			return ""
		}
		if name == "" {
			name = path.Base(t.PkgPath())
		}
		return name + "." + t.Name()
	}
	elem := func(prefix string) string {
		if s := k.typeSource(t.Elem()); s != "" {
			return prefix + s
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Slice:
		return elem("[]")
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", t.Len()))
	case reflect.Pointer:
		return elem("*")
	case reflect.Map:
		if key := k.typeSource(t.Key()); key != "" {
			return elem("map[" + key + "]")
		}
	}
	return ""
}
