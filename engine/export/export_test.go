package export

import (
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
	"nasbook/engine/build"
	"nasbook/engine/optim"
	"nasbook/engine/tensor"
	"nasbook/space/spaces"
	"nasbook/space/spec"
)

//go:embed check_torch.py.txt
var checkTorch string

// python returns /usr/bin/python3 if it imports mods. Without them the
// test skips, unless NASBOOK_REQUIRE_BROWSER=1 (CI) makes it fail: CI
// installs Debian's python3-torch and python3-onnx.
func python(t *testing.T, mods string) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import "+mods).CombinedOutput(); err != nil {
		msg := py + " cannot import " + mods + ": " + string(out)
		if os.Getenv("NASBOOK_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return py
}

// archs are small networks of every space: each built-in op, both DARTS
// networks, MobileNet and transformer blocks, a cell of operations defined
// in the spec (as a notebook's nb.DefineCellSpace makes them), and a
// sequential spec.
var archs = []struct {
	name, text string
	set        spaces.Settings
	input      []int
}{
	{"nb201", "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|", spaces.Settings{C: 4, Layers: 1}, []int{3, 8, 8}},
	{"darts", "DARTS_V2", spaces.Settings{C: 4, Layers: 3}, []int{3, 16, 16}},
	{"darts-ops", "Genotype(normal=[('sep_conv_5x5', 0), ('dil_conv_5x5', 1), ('conv_7x1_1x7', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 1), ('skip_connect', 0), ('none', 3), ('sep_conv_3x3', 4)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('skip_connect', 1), ('dil_conv_3x3', 0), ('none', 1), ('avg_pool_3x3', 2), ('sep_conv_3x3', 1), ('conv_7x1_1x7', 3), ('skip_connect', 4)], reduce_concat=[4, 5])", spaces.Settings{C: 4, Layers: 3}, []int{3, 16, 16}},
	{"darts-imagenet", "DARTS_V1", spaces.Settings{C: 4, Layers: 3, ImageNet: true}, []int{3, 32, 32}},
	{"mobilenet", "k3-e3-d2-w0.75-se-hswish|k5-e3-d2-w0.75-nose-relu|k3-e3-d2-w0.75-se-relu|k3-e3-d2-w0.75-nose-hswish|k3-e3-d2-w0.75-se-hswish", spaces.Settings{}, []int{3, 64, 64}},
	{"transformer", "L2-H2-D32-R2", spaces.Settings{}, nil},
	// Networks of token ids, with each kind of position encoding: the
	// first is the transformer space's L1-H1-D32-R2 on 5 ids of 72.
	{"tokens", `{"kind": "sequential", "input": [5, 1], "classes": 8, "layers": [{"op": "embed", "out": 32, "vocab": 72, "positions": true},
		{"op": "transformer", "heads": 1, "mlp_ratio": 2}, {"op": "ln"}, {"op": "gap"}, {"op": "linear", "out": 8, "bias": true}]}`, spaces.Settings{}, nil},
	{"tokens-sinusoidal", `{"kind": "sequential", "input": [6, 1], "classes": 3, "layers": [{"op": "embed", "out": 16, "vocab": 20, "sinusoidal": true},
		{"op": "transformer", "heads": 2, "mlp_ratio": 2}, {"op": "ln"}, {"op": "gap"}, {"op": "linear", "out": 3, "bias": true}]}`, spaces.Settings{}, nil},
	// Mixtures of experts: top 2 of 4 (gates renormalised) on patches, and
	// top 1 of 2 (the probability as the gate) on token ids.
	{"moe", "L1-H2-D32-R2-E4-K2", spaces.Settings{}, []int{3, 8, 8}},
	{"tokens-moe", `{"kind": "sequential", "input": [5, 1], "classes": 4, "layers": [{"op": "embed", "out": 16, "vocab": 30, "positions": true},
		{"op": "transformer", "heads": 2, "mlp_ratio": 2, "experts": 2, "top_k": 1}, {"op": "ln"}, {"op": "gap"}, {"op": "linear", "out": 4, "bias": true}]}`, spaces.Settings{}, nil},
	{"tokens-unplaced", `{"kind": "sequential", "input": [4, 1], "classes": 3, "layers": [{"op": "embed", "out": 8, "vocab": 9},
		{"op": "transformer", "heads": 1, "mlp_ratio": 2}, {"op": "gap"}, {"op": "linear", "out": 3, "bias": true}]}`, spaces.Settings{}, nil},
	{"own-op", `{"kind": "cell", "input": [3, 8, 8], "classes": 5,
		"cells": {"macro": "nb201", "C": 4, "N": 1, "normal": {"inputs": 1, "nodes": [
			[{"from": 0, "op": "conv_5x5"}], [{"from": 0, "op": "skip_connect"}, {"from": 1, "op": "gelu_dw"}],
			[{"from": 0, "op": "none"}, {"from": 1, "op": "avg_pool_3x3"}, {"from": 2, "op": "conv_5x5"}]], "concat": [3]}},
		"ops": {"conv_5x5": [{"op": "relu"}, {"op": "conv", "kernel": 5, "same": true}, {"op": "bn"}],
			"gelu_dw": [{"op": "gelu"}, {"op": "conv", "kernel": 3, "same": true, "depthwise": true, "bias": true}, {"op": "maxpool", "kernel": 3, "stride": 1, "padding": 1}]}}`, spaces.Settings{}, nil},
	{"sequential", `{"kind": "sequential", "input": [1, 8, 8], "classes": 4, "layers": [
		{"op": "conv", "out": 6, "kernel": 3, "same": true, "bias": true}, {"op": "bn"}, {"op": "relu"},
		{"op": "maxpool", "kernel": 2}, {"op": "conv", "out": 6, "kernel": 3, "dilation": 2, "same": true, "depthwise": true},
		{"op": "avgpool", "kernel": 3, "stride": 1, "padding": 1}, {"op": "gelu"}, {"op": "relu6"},
		{"op": "flatten"}, {"op": "linear", "out": 4, "bias": true}]}`, spaces.Settings{}, nil},
	// ResNet's blocks (a projected and an identity shortcut), a joined
	// branch block with a shortcut, EfficientNet's MBConv (swish, its
	// squeeze-excitation of the input width), and a sigmoid.
	{"branches", `{"kind": "sequential", "input": [3, 16, 16], "classes": 4, "layers": [
		{"op": "conv", "out": 8, "kernel": 3, "same": true}, {"op": "bn"}, {"op": "swish"},
		{"op": "branch", "branches": [[{"op": "conv", "out": 12, "kernel": 3, "stride": 2, "same": true}, {"op": "bn"}, {"op": "relu"},
			{"op": "conv", "out": 12, "kernel": 3, "same": true}, {"op": "bn"}], []]}, {"op": "relu"},
		{"op": "branch", "branches": [[], [{"op": "conv", "kernel": 3, "same": true}, {"op": "bn"}]]}, {"op": "relu"},
		{"op": "branch", "concat": true, "branches": [[{"op": "conv", "out": 4, "kernel": 1}], [], [{"op": "maxpool", "kernel": 3, "stride": 1, "padding": 1}, {"op": "conv", "out": 4, "kernel": 1}]]},
		{"op": "mbconv", "out": 16, "kernel": 5, "expand": 4, "se": true, "se_input": true, "act": "swish"},
		{"op": "mbconv", "kernel": 3, "expand": 2, "se": true, "se_ratio": 0.5, "act": "hswish"},
		{"op": "branch", "concat": true, "branches": [[{"op": "conv", "out": 8, "kernel": 3, "stride": 2, "same": true}], []]},
		{"op": "sigmoid"}, {"op": "gap"}, {"op": "linear", "out": 4, "bias": true}]}`, spaces.Settings{}, nil},
}

// trained builds s and takes a few SGD steps on random batches, so that
// the weights and batch norm statistics are not their initial ones.
func trained(t *testing.T, s *spec.Spec) *build.Network {
	net, err := build.Build(s, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(2))
	tp := ag.NewTape(nil)
	opt := &optim.SGD{Momentum: 0.9}
	for range 2 {
		x, y := batch(r, s)
		step(tp, net, x, y, opt, 0.005)
	}
	return net
}

// batch draws 16 examples and labels: inputs uniform in [-1, 1], or token
// ids when the network takes them.
func batch(r *rand.Rand, s *spec.Spec) (*tensor.Tensor, []int) {
	x := tensor.New(append([]int{16}, s.Input...)...).Uniform(r, -1, 1)
	if v := s.Vocab(); v > 0 {
		for i := range x.Data {
			x.Data[i] = float32(r.Intn(v))
		}
	}
	y := make([]int, 16)
	for i := range y {
		y[i] = r.Intn(s.Classes)
	}
	return x, y
}

// step takes one training step and returns the loss before it.
func step(tp *ag.Tape, net *build.Network, x *tensor.Tensor, y []int, opt optim.Optimizer, lr float32) float32 {
	tp.Reset()
	tp.Train = true
	loss := tp.SoftmaxCrossEntropy(net.Forward(tp, ag.Const(x)), y)
	net.Params.ZeroGrad()
	tp.Backward(loss)
	opt.Step(net.Params.Data, net.Params.Grad, lr)
	return loss.Value.Data[0]
}

func lossOf(tp *ag.Tape, net *build.Network, x *tensor.Tensor, y []int) float32 {
	tp.Reset()
	tp.Train = true
	return tp.SoftmaxCrossEntropy(net.Forward(tp, ag.Const(x)), y).Value.Data[0]
}

func specOf(t *testing.T, text string, set spaces.Settings, input []int) *spec.Spec {
	s, err := spaces.Spec(text, set)
	if err != nil {
		t.Fatal(err)
	}
	if input != nil {
		s.Input = input
	}
	s.SetClasses(5)
	return s
}

func writeFile(t *testing.T, path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPyTorchMatches loads each exported module in PyTorch: it has
// nasbook's parameter count, its evaluation outputs with the exported
// weights equal nasbook's within 1e-4 (of their largest, when it is
// above 1), and so do the loss of a training step from them, the
// mixtures of experts' load-balancing terms in it (within 1e-5), and the
// loss after it. (The batch of 16 keeps the batch norms of MobileNet's last,
// 2×2 stages well conditioned: over 4 values the tiny variances amplify
// rounding beyond any tolerance.) One Python process checks all
// the networks, since importing torch takes most of the time.
func TestPyTorchMatches(t *testing.T) {
	py := python(t, "torch")
	type want struct {
		params       int
		loss0, loss1 float32
		balance0     float32 // the mixtures of experts' balance terms in loss0's step
	}
	wants := make([]want, len(archs))
	dirs := make([]string, len(archs))
	for i, a := range archs {
		s := specOf(t, a.text, a.set, a.input)
		net := trained(t, s)
		pt, err := ToPyTorch(net, a.name)
		if err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		x, y := batch(rand.New(rand.NewSource(3)), s)
		tp := ag.NewTape(nil)
		tp.Train = false
		eval := append([]float32(nil), net.Forward(tp, ag.Const(x)).Value.Values()...)
		const lr = 0.01
		loss0 := step(tp, net, x, y, &optim.SGD{}, lr)
		balance0 := tp.AuxLoss()
		wants[i] = want{pt.Params, loss0, lossOf(tp, net, x, y), balance0}
		if pt.Params != net.Params.Len() {
			t.Errorf("%s: the export counts %d parameters, nasbook %d", a.name, pt.Params, net.Params.Len())
		}

		dir := filepath.Join(t.TempDir(), a.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs[i] = dir
		writeFile(t, filepath.Join(dir, "net.py"), pt.Source)
		writeFile(t, filepath.Join(dir, "weights.safetensors"), pt.Weights)
		xb := make([]byte, 0, 4*x.Len())
		for _, v := range x.Values() {
			xb = binary.LittleEndian.AppendUint32(xb, math.Float32bits(v))
		}
		writeFile(t, filepath.Join(dir, "x.f32"), xb)
		yb := make([]byte, 0, 4*len(y))
		for _, v := range y {
			yb = binary.LittleEndian.AppendUint32(yb, uint32(v))
		}
		writeFile(t, filepath.Join(dir, "y.i32"), yb)
		w, _ := json.Marshal(map[string]any{"x_shape": x.Shape, "eval": eval, "lr": lr})
		writeFile(t, filepath.Join(dir, "want.json"), w)
	}
	check := filepath.Join(t.TempDir(), "check.py")
	writeFile(t, check, []byte(checkTorch))
	out, err := exec.Command(py, append([]string{check}, dirs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for i, a := range archs {
		var got struct {
			Params       int
			EvalMaxDiff  float64 `json:"eval_max_diff"`
			Loss0, Loss1 float64
			Balance0     float64
			Error        string
		}
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v: %s", a.name, err, out)
		}
		w := wants[i]
		switch {
		case got.Error != "":
			t.Errorf("%s: %s", a.name, got.Error)
			continue
		case got.Params != w.params:
			t.Errorf("%s: PyTorch counts %d parameters, nasbook %d", a.name, got.Params, w.params)
		case got.EvalMaxDiff > 1e-4 || math.IsNaN(got.EvalMaxDiff):
			t.Errorf("%s: evaluation outputs differ by up to %g", a.name, got.EvalMaxDiff)
		case math.Abs(got.Loss0-float64(w.loss0)) > 1e-4 || math.IsNaN(got.Loss0):
			t.Errorf("%s: training loss %g in PyTorch, %g in nasbook", a.name, got.Loss0, w.loss0)
		case math.Abs(got.Balance0-float64(w.balance0)) > 1e-5 || math.IsNaN(got.Balance0):
			t.Errorf("%s: balance terms %g in PyTorch, %g in nasbook", a.name, got.Balance0, w.balance0)
		case math.Abs(got.Loss1-float64(w.loss1)) > 1e-4 || math.IsNaN(got.Loss1):
			t.Errorf("%s: loss after the step %g in PyTorch, %g in nasbook", a.name, got.Loss1, w.loss1)
		}
		t.Logf("%s: %d parameters; evaluation differs by %.2g; loss %.6f; after the step %.6f (PyTorch %.6f)",
			a.name, got.Params, got.EvalMaxDiff, w.loss0, w.loss1, got.Loss1)
	}
}
