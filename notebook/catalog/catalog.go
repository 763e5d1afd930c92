// Package catalog describes what a notebook cell may use, for the page's
// completion: every package a cell may import, with its exported names, their
// declarations and doc comments.
//
// The names come from the interpreter itself: the symbol tables of
// nasbook/notebook/symbols for the compiled packages, and the exported
// declarations of the generic packages that it compiles from source (cmp,
// maps, slices). The pseudo-package "builtin" describes Go's predeclared
// functions, types and constants. Declarations and doc comments are read from the packages'
// Go sources with go/doc; a name whose source is not found keeps what
// reflection tells of it (its kind, and a function's type).
package catalog

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"nasbook/notebook/symbols"
)

// Catalog is the page's completion data, written as JSON.
type Catalog struct {
	Packages []Package `json:"packages"`
}

// Package is one importable package.
type Package struct {
	Path    string   `json:"path"`          // import path, "nasbook/nb"
	Name    string   `json:"name"`          // package name, "nb"
	Doc     string   `json:"doc,omitempty"` // the package's synopsis
	Members []Member `json:"members"`       // exported names, sorted
}

// Member is an exported name of a package, or a field or method of a type.
type Member struct {
	Name string `json:"name"`
	// Kind is "func", "type", "var" or "const" for a package's names, and
	// "field" or "method" for a type's.
	Kind string `json:"kind"`
	// Detail is the declaration without body: "func Search(cfg SearchConfig)
	// SearchResult", "type SearchConfig struct", "Budget int".
	Detail string `json:"detail,omitempty"`
	// Doc is the doc comment: whole for the project's packages, the first
	// sentence for the standard library's.
	Doc string `json:"doc,omitempty"`
	// Result is, for a function or method, the type its first result is of,
	// as the page would name it from a cell: "SearchResult" (a type of the
	// same package) or "nb201.Arch"; empty when it is not a named type.
	Result  string   `json:"result,omitempty"`
	Fields  []Member `json:"fields,omitempty"`  // of a struct type
	Methods []Member `json:"methods,omitempty"` // of a type
}

// Builtin is the import path of the pseudo-package that documents Go's
// predeclared names, which New describes like a package: its names are
// those a cell uses without a qualifier.
const Builtin = "builtin"

// placeholders are the types that package builtin declares for its
// documentation only, as it says.
var placeholders = map[string]bool{"Type": true, "Type1": true, "IntegerType": true, "FloatType": true, "ComplexType": true}

// exported reports whether the name of package path is one a cell can use
// from it.
func exported(path, name string) bool {
	if path == Builtin {
		return !placeholders[name]
	}
	return token.IsExported(name)
}

// Source finds the directory of an import path's Go source, or reports
// that there is none.
type Source func(importPath string) (dir string, ok bool)

// Dirs returns the Source of a module whose root directory is root and
// path is module, with the standard library under goroot.
func Dirs(root, module, goroot string) Source {
	return func(p string) (string, bool) {
		dir := filepath.Join(goroot, "src", filepath.FromSlash(p))
		if rest, ok := strings.CutPrefix(p, module+"/"); ok {
			dir = filepath.Join(root, filepath.FromSlash(rest))
		}
		st, err := os.Stat(dir)
		return dir, err == nil && st.IsDir()
	}
}

// New describes the packages at the import paths given: those of the
// interpreter's symbol tables by their tables' names, the others by the
// exported declarations of their source, which then must be found.
func New(paths []string, src Source) (*Catalog, error) {
	tables := map[string]map[string]reflect.Value{}
	names := map[string]string{}
	for key, syms := range symbols.Symbols {
		i := strings.LastIndexByte(key, '/')
		tables[key[:i]] = syms
		names[key[:i]] = key[i+1:]
	}
	c := &Catalog{}
	for _, p := range paths {
		var dp *doc.Package
		var fset *token.FileSet
		if dir, ok := src(p); ok {
			var err error
			if dp, fset, err = readDoc(dir, p); err != nil {
				return nil, err
			}
		}
		syms, ok := tables[p]
		if !ok && dp == nil {
			return nil, fmt.Errorf("catalog: package %s has no symbol table and no source", p)
		}
		pkg := Package{Path: p, Name: names[p]}
		if dp != nil {
			pkg.Name = dp.Name
			pkg.Doc = dp.Synopsis(dp.Doc)
		}
		if pkg.Name == "" {
			pkg.Name = p[strings.LastIndexByte(p, '/')+1:]
		}
		whole := !isStd(p)
		decls := map[string]Member{}
		if dp != nil {
			for _, m := range fromDoc(dp, fset, whole) {
				decls[m.Name] = m
			}
		}
		if ok {
			for name, v := range syms {
				if strings.HasPrefix(name, "_") || !token.IsExported(name) {
					continue // yaegi's interface wrappers
				}
				m, found := decls[name]
				if !found {
					m = fromValue(name, v)
				}
				pkg.Members = append(pkg.Members, m)
			}
		} else {
			for _, m := range decls {
				pkg.Members = append(pkg.Members, m)
			}
		}
		slices.SortFunc(pkg.Members, func(a, b Member) int { return cmp.Compare(a.Name, b.Name) })
		c.Packages = append(c.Packages, pkg)
	}
	return c, nil
}

// JSON is the catalog as the page reads it.
func (c *Catalog) JSON() []byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic("catalog: " + err.Error()) // plain strings and slices always marshal
	}
	return append(b, '\n')
}

// isStd reports whether p is a standard library path rather than one of
// this project's.
func isStd(p string) bool { return !strings.HasPrefix(p, "nasbook/") }

// readDoc parses the package in dir as the host's toolchain would build it.
func readDoc(dir, path string) (*doc.Package, *token.FileSet, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog: package %s: %w", path, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, nil, fmt.Errorf("catalog: package %s: %w", path, err)
		}
		files = append(files, f)
	}
	var mode doc.Mode
	if path == Builtin {
		mode = doc.AllDecls // its names are not exported
	}
	dp, err := doc.NewFromFiles(fset, files, path, mode)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog: package %s: %w", path, err)
	}
	return dp, fset, nil
}

// fromDoc lists the exported names that go/doc found in dp, read with
// fset; whole keeps whole doc comments, otherwise their first sentence.
func fromDoc(dp *doc.Package, fset *token.FileSet, whole bool) []Member {
	exp := func(name string) bool { return exported(dp.ImportPath, name) }
	text := func(s string) string {
		if whole {
			return strings.TrimSpace(s)
		}
		return dp.Synopsis(s)
	}
	var out []Member
	values := func(vs []*doc.Value, kind string) {
		for _, v := range vs {
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !exp(n.Name) {
						continue
					}
					d := text(v.Doc)
					if vs.Doc != nil && len(v.Decl.Specs) > 1 {
						d = text(vs.Doc.Text())
					}
					if d == "" && vs.Comment != nil {
						d = text(vs.Comment.Text())
					}
					out = append(out, Member{Name: n.Name, Kind: kind, Detail: valueDetail(fset, kind, vs, i), Doc: d})
				}
			}
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			if !exp(f.Name) {
				continue
			}
			out = append(out, funcMember(fset, f, "func", text, dp.Name))
		}
	}
	values(dp.Consts, "const")
	values(dp.Vars, "var")
	funcs(dp.Funcs)
	for _, t := range dp.Types {
		values(t.Consts, "const")
		values(t.Vars, "var")
		funcs(t.Funcs)
		if !exp(t.Name) {
			continue
		}
		m := Member{Name: t.Name, Kind: "type", Doc: text(t.Doc)}
		ts := typeSpec(t)
		m.Detail = "type " + t.Name + typeParams(fset, ts) + " " + typeKind(fset, ts)
		if st, ok := ts.Type.(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				d := ""
				if f.Doc != nil {
					d = text(f.Doc.Text())
				} else if f.Comment != nil {
					d = text(f.Comment.Text())
				}
				typ := node(fset, f.Type)
				for _, n := range f.Names {
					if n.IsExported() {
						m.Fields = append(m.Fields, Member{Name: n.Name, Kind: "field", Detail: n.Name + " " + typ, Doc: d, Result: resultName(f.Type, dp.Name)})
					}
				}
			}
		}
		for _, f := range t.Methods {
			if token.IsExported(f.Name) {
				m.Methods = append(m.Methods, funcMember(fset, f, "method", text, dp.Name))
			}
		}
		out = append(out, m)
	}
	return out
}

func funcMember(fset *token.FileSet, f *doc.Func, kind string, text func(string) string, pkg string) Member {
	decl := *f.Decl
	decl.Body = nil
	decl.Doc = nil
	m := Member{Name: f.Name, Kind: kind, Detail: node(fset, &decl), Doc: text(f.Doc)}
	if r := decl.Type.Results; r != nil && len(r.List) > 0 {
		m.Result = resultName(r.List[0].Type, pkg)
	}
	return m
}

func typeSpec(t *doc.Type) *ast.TypeSpec {
	for _, s := range t.Decl.Specs {
		if ts := s.(*ast.TypeSpec); ts.Name.Name == t.Name {
			return ts
		}
	}
	panic("catalog: go/doc type " + t.Name + " without its spec")
}

func typeParams(fset *token.FileSet, ts *ast.TypeSpec) string {
	if ts.TypeParams == nil {
		return ""
	}
	var ps []string
	for _, f := range ts.TypeParams.List {
		var ns []string
		for _, n := range f.Names {
			ns = append(ns, n.Name)
		}
		ps = append(ps, strings.Join(ns, ", ")+" "+node(fset, f.Type))
	}
	return "[" + strings.Join(ps, ", ") + "]"
}

// typeKind is the type's underlying form, short: "struct", "interface",
// or the whole type when it is not a struct or interface ("= float64").
func typeKind(fset *token.FileSet, ts *ast.TypeSpec) string {
	prefix := ""
	if ts.Assign.IsValid() {
		prefix = "= "
	}
	switch ts.Type.(type) {
	case *ast.StructType:
		return prefix + "struct"
	case *ast.InterfaceType:
		return prefix + "interface"
	}
	return prefix + cut(node(fset, ts.Type), 80)
}

func valueDetail(fset *token.FileSet, kind string, vs *ast.ValueSpec, i int) string {
	s := kind + " " + vs.Names[i].Name
	if vs.Type != nil {
		s += " " + node(fset, vs.Type)
	}
	if i < len(vs.Values) {
		s += " = " + cut(node(fset, vs.Values[i]), 60)
	}
	return s
}

// resultName names the type of e as a cell would, "SearchResult" or
// "nb201.Arch", through pointers; "" when it is not a named type.
func resultName(e ast.Expr, pkg string) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch e := e.(type) {
	case *ast.Ident:
		if e.IsExported() {
			return e.Name
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name != pkg {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

func node(fset *token.FileSet, n any) string {
	var b bytes.Buffer
	if err := format.Node(&b, fset, n); err != nil {
		panic("catalog: printing a parsed declaration: " + err.Error())
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// fromValue describes a symbol by reflection alone: a function by its type,
// and the kind of the others as yaegi extract writes them (a type as a nil
// pointer to it, a variable as an addressable value).
func fromValue(name string, v reflect.Value) Member {
	switch {
	case v.Kind() == reflect.Func:
		return Member{Name: name, Kind: "func", Detail: "func " + name + strings.TrimPrefix(v.Type().String(), "func")}
	case v.Kind() == reflect.Pointer && v.IsNil():
		return Member{Name: name, Kind: "type", Detail: "type " + name + " " + v.Type().Elem().Kind().String()}
	case v.CanAddr():
		return Member{Name: name, Kind: "var", Detail: "var " + name + " " + v.Type().String()}
	}
	return Member{Name: name, Kind: "const", Detail: "const " + name}
}
