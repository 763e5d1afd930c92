package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nasbook/space/spec"
)

// nasbook export writes a PyTorch module and its weights, reads trained
// weights back with -weights, writes specs as JSON, and names what is
// wrong with its flags.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	py := filepath.Join(dir, "net.py")
	const arch = "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|"
	var out bytes.Buffer
	if err := runExport([]string{"-nb201", arch, "-C", "4", "-layers", "1", "-input", "3x8x8", "-classes", "7", "-o", py}, &out); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(py)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "class Net(nn.Module):") || !strings.Contains(string(src), "nn.Linear(16, 7, bias=True)") {
		t.Fatalf("net.py does not define the network:\n%s", src)
	}
	if !strings.Contains(out.String(), "net.safetensors: ") {
		t.Errorf("output %q", out.String())
	}
	// The weights of a seed, exported through -weights, are those of that seed.
	py2 := filepath.Join(dir, "again.py")
	args := []string{"-nb201", arch, "-C", "4", "-layers", "1", "-input", "3x8x8", "-classes", "7", "-seed", "5"}
	if err := runExport(append(args, "-weights", filepath.Join(dir, "net.safetensors"), "-o", py2), &out); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "net.safetensors"))
	b, _ := os.ReadFile(filepath.Join(dir, "again.safetensors"))
	if !bytes.Equal(a, b) {
		t.Error("weights read with -weights were not the ones exported")
	}

	onnx := filepath.Join(dir, "net.onnx")
	if err := runExport([]string{"-arch", "L2-H2-D32-R2", "-format", "onnx", "-o", onnx}, &out); err != nil {
		t.Fatal(err)
	}
	if m, err := os.ReadFile(onnx); err != nil || !bytes.Contains(m, []byte("MatMul")) {
		t.Fatalf("the ONNX export: %v", err)
	}

	js := filepath.Join(dir, "net.json")
	if err := runExport([]string{"-arch", "DARTS_V2", "-format", "json", "-o", js}, &out); err != nil {
		t.Fatal(err)
	}
	j, _ := os.ReadFile(js)
	if s, err := spec.Parse(j); err != nil || s.Arch == "" {
		t.Fatalf("the JSON export is no spec: %v", err)
	}

	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"-o", py}, "no architecture"},
		{[]string{"-arch", "DARTS_V2", "-nb201", arch, "-o", py}, "more than one architecture"},
		{[]string{"-arch", "DARTS_V2"}, "-o: the output file is missing"},
		{[]string{"-arch", "DARTS_V2", "-format", "tf", "-o", py}, `-format "tf"`},
		{[]string{"-arch", "DARTS_V2", "-o", py, "-weights", filepath.Join(dir, "net.safetensors")}, "another network"},
		{[]string{"-arch", "DARTS_V2", "-o", filepath.Join(dir, "w.safetensors")}, "name it .py"},
		{[]string{"-arch", "DARTS_V2", "-format", "json", "-weights", "w", "-o", js}, "-weights"},
	} {
		err := runExport(c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("export %v: %v, want an error with %q", c.args, err, c.err)
		}
	}
}
