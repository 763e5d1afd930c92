package layers

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// rules say what the packages under a path (a package and everything below
// it) may not depend on; docs/architecture.md gives the reasons.
var rules = []struct {
	pkgs string
	not  []string
	but  []string // exceptions to not
	why  string
}{
	{"engine/tensor", []string{""}, nil, "the bottom layer: no other package of the project"},
	{"engine/compute", []string{""}, nil, "the bottom layer: no other package of the project"},
	{"engine/ag", []string{"engine/nn", "engine/cost", "engine/data", "space", "engine/build", "engine/proxy"}, nil,
		"autograd knows tensors and compute kernels only"},
	{"engine/cost", []string{"engine/ag", "engine/nn", "engine/compute"}, nil, "counting is arithmetic: no tape, no kernels"},
	{"space", []string{"engine/ag", "engine/nn", "engine/compute", "engine/tensor", "engine/build", "engine/train", "engine/data"}, nil,
		"spaces, specs and the op table are data"},
	{"engine", []string{"nb", "notebook", "cmd", "wasm", "viz", "internal/site"}, nil, "the engine serves the layers above it and knows none of them"},
	{"space", []string{"nb", "notebook", "cmd", "wasm", "viz", "internal/site"}, nil, "spaces are data below the facade"},
	{"viz", []string{"engine", "nb", "notebook"}, []string{"engine/pareto", "engine/cost"}, "drawing takes scenes, figures and the spaces' data, not models"},
	{"nb", []string{"notebook", "cmd", "wasm"}, nil, "nb is the facade cells call; the kernel is above it"},
	{"notebook", []string{"cmd", "wasm"}, nil, "the kernel runs under the command line and the page"},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", "nasbook/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 30 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	under := func(path, prefix string) bool {
		path = strings.TrimPrefix(path, "nasbook/")
		return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	checked := 0
	for _, r := range rules {
		for _, p := range pkgs {
			if !under(p.ImportPath, r.pkgs) {
				continue
			}
			checked++
			for _, d := range p.Deps {
				if !strings.HasPrefix(d, "nasbook/") {
					continue
				}
				for _, n := range r.not {
					if under(d, n) && !under(d, r.pkgs) && !slices.ContainsFunc(r.but, func(b string) bool { return under(d, b) }) {
						t.Errorf("%s depends on %s: %s", p.ImportPath, d, r.why)
					}
				}
			}
		}
	}
	if checked < 30 {
		t.Errorf("the rules matched %d packages", checked)
	}
}
