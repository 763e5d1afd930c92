package export

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"nasbook/engine/ag"
)

//go:embed run_onnx.js.txt
var runONNX string

// onnxruntime returns the environment under which node finds
// onnxruntime-node (NODE_PATH, as .ci/run installs it). Without it the
// test skips, unless NASBOOK_REQUIRE_BROWSER=1 makes it fail.
func onnxruntime(t *testing.T) []string {
	t.Helper()
	env := os.Environ()
	out, err := exec.Command("node", "-e", "require('onnxruntime-node')").CombinedOutput()
	if err != nil {
		msg := "node cannot load onnxruntime-node (npm install --ignore-scripts onnxruntime-node, and NODE_PATH): " + string(out)
		if os.Getenv("NASBOOK_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return env
}

// TestONNXMatches writes a network of every space as ONNX: onnx.checker
// (Debian's python3-onnx) accepts each model, and onnxruntime (npm's
// onnxruntime-node) computes nasbook's evaluation outputs within 1e-4.
func TestONNXMatches(t *testing.T) {
	py := python(t, "onnx")
	env := onnxruntime(t)
	dirs := make([]string, len(archs))
	wants := make([][]float32, len(archs))
	for i, a := range archs {
		s := specOf(t, a.text, a.set, a.input)
		net := trained(t, s)
		m, err := ToONNX(net, a.name)
		if err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		x, _ := batch(rand.New(rand.NewSource(3)), s)
		tp := ag.NewTape(nil)
		wants[i] = append([]float32(nil), net.Forward(tp, ag.Const(x)).Value.Values()...)
		dir := filepath.Join(t.TempDir(), a.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs[i] = dir
		writeFile(t, filepath.Join(dir, "model.onnx"), m)
		xb := make([]byte, 0, 4*x.Len())
		for _, v := range x.Values() {
			xb = binary.LittleEndian.AppendUint32(xb, math.Float32bits(v))
		}
		writeFile(t, filepath.Join(dir, "x.f32"), xb)
		w, _ := json.Marshal(map[string]any{"x_shape": x.Shape})
		writeFile(t, filepath.Join(dir, "want.json"), w)
	}
	check := `import onnx, sys
for d in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(d + "/model.onnx"), full_check=True)
        print("ok")
    except Exception as e:
        print(type(e).__name__, str(e).replace("\n", " "))
`
	out, err := exec.Command(py, append([]string{"-c", check}, dirs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for _, a := range archs {
		if !sc.Scan() || sc.Text() != "ok" {
			t.Errorf("%s: onnx.checker: %s", a.name, sc.Text())
		}
	}

	js := filepath.Join(t.TempDir(), "run_onnx.js")
	writeFile(t, js, []byte(runONNX))
	cmd := exec.Command("node", append([]string{js}, dirs...)...)
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for i, a := range archs {
		var got struct {
			Logits []float64
			Error  string
		}
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v: %s", a.name, err, out)
		}
		if got.Error != "" {
			t.Errorf("%s: onnxruntime: %s", a.name, got.Error)
			continue
		}
		if len(got.Logits) != len(wants[i]) {
			t.Errorf("%s: %d outputs, want %d", a.name, len(got.Logits), len(wants[i]))
			continue
		}
		var diff, scale float64 = 0, 1
		for j, w := range wants[i] {
			diff = math.Max(diff, math.Abs(got.Logits[j]-float64(w)))
			scale = math.Max(scale, math.Abs(float64(w)))
		}
		if diff/scale > 1e-4 || math.IsNaN(diff) {
			t.Errorf("%s: onnxruntime's outputs differ from nasbook's by up to %g", a.name, diff)
		}
		t.Logf("%s: onnxruntime's outputs differ by %.2g", a.name, diff/scale)
	}
}
