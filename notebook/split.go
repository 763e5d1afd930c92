package notebook

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
)

// unitKind is what a top-level part of a cell declares or does.
type unitKind int

const (
	stmtUnit   unitKind = iota // one statement
	declUnit                   // a func, method, type, const or var declaration
	importUnit                 // an import declaration
)

// unit is a top-level part of a cell: src[start:end], starting on line line (1-based).
type unit struct {
	kind       unitKind
	start, end int
	line       int
	// For a statement unit: whether it is a bare expression, and when that
	// expression is a call, its callee if it is a name or a selector of names
	// (f, pkg.Fn, x.y.M), which evaluate without side effects; "()" otherwise.
	exprStmt bool
	callee   string
	imports  []importSpec // for an import unit
}

type importSpec struct {
	name, path string // name is empty unless the import renames the package
	line       int
}

type tok struct {
	pos int // byte offset in the cell
	t   token.Token
	lit string
}

// MaxCellBytes bounds the source of a cell that the kernel runs (4 MiB): a
// cell is code a person writes or pastes, and even a table pasted in as a
// Go literal of 100,000 numbers is about a megabyte.
const MaxCellBytes = 4 << 20

// splitCell cuts src into its top-level units: it scans Go tokens and cuts at
// each semicolon (written or implied by a newline) outside brackets. A scanning
// error (an unterminated string, say) is returned with its line.
func splitCell(src string) ([]unit, error) {
	if len(src) > MaxCellBytes {
		return nil, fmt.Errorf("the cell is %d bytes, more than %d MiB", len(src), MaxCellBytes>>20)
	}
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var s scanner.Scanner
	var scanErr error
	s.Init(file, []byte(src), func(pos token.Position, msg string) {
		if scanErr == nil {
			scanErr = &lineError{line: pos.Line, msg: msg}
		}
	}, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
	}
	if scanErr != nil {
		return nil, scanErr
	}

	var units []unit
	depth, begin := 0, -1
	for i, t := range toks {
		switch t.t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if t.t == token.SEMICOLON && depth <= 0 {
			if begin >= 0 {
				units = append(units, newUnit(src, file, toks[begin:i], t.pos))
			}
			begin = -1
			continue
		}
		if begin < 0 {
			begin = i
		}
	}
	if begin >= 0 {
		units = append(units, newUnit(src, file, toks[begin:], len(src)))
	}
	return units, nil
}

func newUnit(src string, file *token.File, body []tok, end int) unit {
	u := unit{kind: stmtUnit, start: body[0].pos, end: end, line: file.Line(file.Pos(body[0].pos))}
	switch body[0].t {
	case token.IMPORT:
		u.kind = importUnit
		for i, t := range body {
			if t.t != token.STRING {
				continue
			}
			p, err := strconv.Unquote(t.lit)
			if err != nil {
				continue
			}
			spec := importSpec{path: p, line: file.Line(file.Pos(t.pos))}
			switch prev := body[i-1]; prev.t {
			case token.IDENT:
				spec.name = prev.lit
			case token.PERIOD:
				spec.name = "."
			}
			u.imports = append(u.imports, spec)
		}
	case token.TYPE, token.CONST, token.VAR:
		u.kind = declUnit
	case token.FUNC:
		if len(body) > 1 && (body[1].t == token.IDENT || isMethodDecl(body)) {
			u.kind = declUnit
		}
	}
	if u.kind == stmtUnit {
		u.exprStmt, u.callee = exprStatement(src[u.start:u.end])
	}
	return u
}

// isMethodDecl tells `func (r T) Name(` from a function literal such as
// `func(x T) R { ... }(v)`: after its parenthesised receiver a method
// declaration has a name and then '('.
func isMethodDecl(body []tok) bool {
	if len(body) < 2 || body[1].t != token.LPAREN {
		return false
	}
	depth := 0
	for i := 1; i < len(body); i++ {
		switch body[i].t {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				return i+2 < len(body) && body[i+1].t == token.IDENT && body[i+2].t == token.LPAREN
			}
		}
	}
	return false
}

// exprStatement reports whether stmt is a bare expression and, for a call,
// returns its callee as unit.callee describes.
func exprStatement(stmt string) (bool, string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {\n"+stmt+"\n}", 0)
	if err != nil {
		return false, ""
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return false, ""
	}
	es, ok := body[0].(*ast.ExprStmt)
	if !ok {
		return false, ""
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return true, ""
	}
	if name := selectorChain(call.Fun); name != "" {
		return true, name
	}
	return true, "()"
}

// selectorChain returns "a.b.c" for an identifier or a selector of
// identifiers, and "" for anything else.
func selectorChain(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x := selectorChain(e.X); x != "" {
			return x + "." + e.Sel.Name
		}
	}
	return ""
}

// lineError is an error at a line of the cell.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }
