package nb

import (
	"encoding/base64"
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/ag"
	"nasbook/engine/build"
	"nasbook/engine/export"
	"nasbook/engine/tensor"
)

// Export offers a trained model's module and weights as downloads, and
// the weights are the trained ones: loaded into a freshly built network,
// it predicts what the trained one does.
func TestExportTrained(t *testing.T) {
	s, outs := capture()
	s.Files = NativeFiles()
	d := s.MNIST(14)
	res := s.Train(Sequential(Conv(4, 3), BatchNorm(), ReLU(), MaxPool(2), Flatten(), Dense(10)), d, TrainConfig{Epochs: 1, Quiet: true})
	files := s.Export(res, "pytorch")
	if len(files) != 2 || files[0].Name != "model.py" || files[1].Name != "model.safetensors" {
		t.Fatalf("files %v", files)
	}
	if !strings.Contains(string(files[0].Data), "class Net(nn.Module):") {
		t.Fatalf("model.py:\n%s", files[0].Data)
	}
	o := (*outs)[len(*outs)-1]
	fs, ok := o[FilesMIME].(map[string]any)["files"].([]map[string]string)
	if !ok || len(fs) != 2 || fs[1]["name"] != "model.safetensors" {
		t.Fatalf("output %v", o)
	}
	if b, err := base64.StdEncoding.DecodeString(fs[1]["base64"]); err != nil || string(b) != string(files[1].Data) {
		t.Fatalf("the output's weights are not the file's: %v", err)
	}

	fresh, err := build.Build(res.net.Spec, rand.New(rand.NewSource(7)))
	if err != nil {
		t.Fatal(err)
	}
	if err := export.LoadWeights(fresh, files[1].Data); err != nil {
		t.Fatal(err)
	}
	x := ag.Const(tensor.New(5, 1, 14, 14).Uniform(rand.New(rand.NewSource(1)), -1, 1))
	tp := ag.NewTape(nil)
	want := append([]float32(nil), res.net.Forward(tp, x).Value.Values()...)
	for i, v := range fresh.Forward(tp, x).Value.Values() {
		if v != want[i] {
			t.Fatalf("output %d: %g from the exported weights, %g trained", i, v, want[i])
		}
	}
}

// Export takes architectures in any notation, and names what it cannot do.
func TestExportArchs(t *testing.T) {
	s, _ := capture()
	if f := s.Export("DARTS_V2", "json"); len(f) != 1 || !strings.Contains(string(f[0].Data), `"macro": "darts"`) {
		t.Errorf("DARTS_V2 as JSON: %v", f)
	}
	if f := s.Export("L2-H2-D32-R2", "onnx"); len(f) != 1 || f[0].Name != "transformer.onnx" {
		t.Errorf("a transformer as ONNX: %v", f)
	}
	if f := s.Export(Parse("nb201", "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|"), "pytorch"); len(f) != 2 || f[0].Name != "nb201.py" {
		t.Errorf("an NB201 arch: %v", f)
	}
	for _, c := range []struct {
		x      any
		format string
		err    string
	}{
		{"DARTS_V2", "onnx2", `format "onnx2"`},
		{MLP(4), "pytorch", "before training"},
		{42, "pytorch", "cannot read a int"},
	} {
		err := failure(func() { s.Export(c.x, c.format) })
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Export(%v, %q): %v, want %q", c.x, c.format, err, c.err)
		}
	}
}

// failure returns the error f fails with.
func failure(f func()) (err error) {
	defer func() {
		if e, ok := recover().(*Error); ok {
			err = e
		}
	}()
	f()
	return nil
}
