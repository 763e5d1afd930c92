package catalog

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/notebook"
)

func goroot(t *testing.T) string {
	t.Helper()
	b, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func find(t *testing.T, c *Catalog, path, name string) Member {
	t.Helper()
	for _, p := range c.Packages {
		if p.Path != path {
			continue
		}
		for _, m := range p.Members {
			if m.Name == name {
				return m
			}
		}
		t.Fatalf("%s has no %s", path, name)
	}
	t.Fatalf("no package %s", path)
	return Member{}
}

// TestProjectCatalog reads the real packages: every importable one is there,
// nb's functions carry their doc comments and declarations, and the names
// are the interpreter's.
func TestProjectCatalog(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(notebook.Importable(), Dirs(root, "nasbook", goroot(t)))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range c.Packages {
		paths = append(paths, p.Path)
		if len(p.Members) == 0 {
			t.Errorf("%s: no members", p.Path)
		}
	}
	if got, want := strings.Join(paths, " "), strings.Join(notebook.Importable(), " "); got != want {
		t.Errorf("packages %s, want %s", got, want)
	}

	search := find(t, c, "nasbook/nb", "Search")
	if search.Kind != "func" || search.Detail != "func Search(cfg SearchConfig) SearchResult" || search.Result != "SearchResult" {
		t.Errorf("nb.Search: %+v", search)
	}
	if !strings.HasPrefix(search.Doc, "Search runs a search strategy") || !strings.Contains(search.Doc, "nb.Show(r.Runs[0].Arch)") {
		t.Errorf("nb.Search's doc is not its whole comment: %q", search.Doc)
	}
	cfg := find(t, c, "nasbook/nb", "SearchConfig")
	if cfg.Kind != "type" || cfg.Detail != "type SearchConfig struct" {
		t.Errorf("nb.SearchConfig: %+v", cfg)
	}
	fields := map[string]Member{}
	for _, f := range cfg.Fields {
		fields[f.Name] = f
	}
	if f, ok := fields["Budget"]; !ok || !strings.HasPrefix(f.Detail, "Budget int") {
		t.Errorf("nb.SearchConfig's Budget field: %+v (fields %v)", f, cfg.Fields)
	}
	if d := find(t, c, "nasbook/nb", "Default"); d.Kind != "var" {
		t.Errorf("nb.Default: %+v", d)
	}

	// The standard library: first sentences only; generic packages from
	// their source.
	println := find(t, c, "fmt", "Println")
	if println.Detail != "func Println(a ...any) (n int, err error)" || strings.Contains(println.Doc, "\n") || !strings.HasPrefix(println.Doc, "Println formats") {
		t.Errorf("fmt.Println: %+v", println)
	}
	if pi := find(t, c, "math", "Pi"); pi.Kind != "const" {
		t.Errorf("math.Pi: %+v", pi)
	}
	if s := find(t, c, "slices", "Sort"); s.Kind != "func" || !strings.HasPrefix(s.Detail, "func Sort[S ~[]E, E cmp.Ordered]") {
		t.Errorf("slices.Sort: %+v", s)
	}
	// Nothing the interpreter does not have: fmt's symbol table has no
	// unexported or wrapper names.
	for _, p := range c.Packages {
		for _, m := range p.Members {
			if strings.HasPrefix(m.Name, "_") || m.Name != strings.TrimSpace(m.Name) {
				t.Errorf("%s: member %q", p.Path, m.Name)
			}
		}
	}
	// Go's predeclared names, without the placeholders of builtin's doc.
	b, err := New([]string{Builtin}, Dirs(root, "nasbook", goroot(t)))
	if err != nil {
		t.Fatal(err)
	}
	if m := find(t, b, Builtin, "append"); m.Kind != "func" || !strings.HasPrefix(m.Detail, "func append(slice []Type") {
		t.Errorf("append: %+v", m)
	}
	if m := find(t, b, Builtin, "float64"); m.Kind != "type" {
		t.Errorf("float64: %+v", m)
	}
	for _, m := range b.Packages[0].Members {
		if m.Name == "Type" || m.Name == "IntegerType" {
			t.Errorf("builtin's placeholder %s is offered", m.Name)
		}
	}
	var back Catalog
	if err := json.Unmarshal(c.JSON(), &back); err != nil || len(back.Packages) != len(c.Packages) {
		t.Errorf("JSON round trip: %v", err)
	}
	t.Logf("catalog: %d bytes of JSON", len(c.JSON()))
}

// TestCatalogWithoutSource: a package of the symbol tables whose source is
// not there is described by reflection; one without either is an error.
func TestCatalogWithoutSource(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	c, err := New([]string{"nasbook/nb", "math"}, none)
	if err != nil {
		t.Fatal(err)
	}
	if m := find(t, c, "math", "Sqrt"); m.Kind != "func" || m.Detail != "func Sqrt(float64) float64" {
		t.Errorf("math.Sqrt by reflection: %+v", m)
	}
	if m := find(t, c, "nasbook/nb", "SearchConfig"); m.Kind != "type" {
		t.Errorf("nb.SearchConfig by reflection: %+v", m)
	}
	if m := find(t, c, "nasbook/nb", "Default"); m.Kind != "var" {
		t.Errorf("nb.Default by reflection: %+v", m)
	}
	if m := find(t, c, "math", "Pi"); m.Kind != "const" {
		t.Errorf("math.Pi by reflection: %+v", m)
	}
	if _, err := New([]string{"slices"}, none); err == nil || !strings.Contains(err.Error(), "slices") {
		t.Errorf("a package with no table and no source: %v", err)
	}
}
