package nb

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"strings"

	"nasbook/engine/build"
	"nasbook/engine/export"
	"nasbook/internal/limit"
)

// FilesMIME is the MIME type of an output that carries files for the
// reader to download: {"files": [{"name", "type", "base64"}]}.
const FilesMIME = "application/vnd.nasbook.files+json"

// File is one file a cell hands the reader.
type File struct {
	Name string
	Type string // MIME type
	Data []byte
}

func (f File) String() string { return fmt.Sprintf("%s (%s)", f.Name, limit.Bytes(int64(len(f.Data)))) }

// Export writes a model so that other tools load it, and offers the files
// as downloads below the cell. x is a trained model (what Train returns:
// its weights and batch norm statistics are exported) or an architecture
// (an nb.Arch, an nb201.Arch, a spec or a string in any notation, with its
// initial weights). format is "pytorch": a self-contained Python file
// defining class Net, which builds exactly the network nasbook builds, and
// its weights as safetensors, which the file's load_weights reads with
// torch alone; "onnx": an ONNX model (opset 13, in evaluation mode) with
// the weights inside; or "json": the architecture spec.
//
//	res := nb.Train(model, nb.MNIST(), nb.TrainConfig{Epochs: 2})
//	nb.Export(res, "pytorch")
func Export(x any, format string) []File { return Default.Export(x, format) }

// Export exports a model; see the package-level Export.
func (s *Session) Export(x any, format string) []File {
	if format != "pytorch" && format != "onnx" && format != "json" {
		failf("Export", "format %q, want pytorch, onnx or json", format)
	}
	var net *build.Network
	name := "model"
	switch v := x.(type) {
	case *TrainResult:
		if v == nil || v.net == nil {
			failf("Export", "a training result without its model")
		}
		net = v.net
	case Model:
		failf("Export", "a model before training has no input shape: export what Train returns, or nb.Spec of the model")
	default:
		sp := s.specOf("Export", x)
		if format != "json" {
			var err error
			if net, err = build.Build(sp, rand.New(rand.NewSource(0))); err != nil {
				fail("Export", err)
			}
		} else {
			net = &build.Network{Spec: sp}
		}
		if sp.Space != "" {
			name = strings.ReplaceAll(sp.Space, "/", "-")
		}
	}
	var files []File
	title := net.Spec.Arch
	if title == "" {
		title = "a " + string(net.Spec.Kind) + " network"
	}
	switch format {
	case "json":
		files = []File{{name + ".json", "application/json", append(net.Spec.JSON(), '\n')}}
	case "onnx":
		m, err := export.ToONNX(net, title)
		if err != nil {
			fail("Export", err)
		}
		files = []File{{name + ".onnx", "application/octet-stream", m}}
	default:
		pt, err := export.ToPyTorch(net, title)
		if err != nil {
			fail("Export", err)
		}
		files = []File{{name + ".py", "text/x-python", pt.Source}, {name + ".safetensors", "application/octet-stream", pt.Weights}}
	}
	s.display(filesOutput(files))
	return files
}

func filesOutput(files []File) Output {
	list := make([]map[string]string, len(files))
	names := make([]string, len(files))
	for i, f := range files {
		list[i] = map[string]string{"name": f.Name, "type": f.Type, "base64": base64.StdEncoding.EncodeToString(f.Data)}
		names[i] = f.String()
	}
	return Output{"text/plain": "files: " + strings.Join(names, ", "), FilesMIME: map[string]any{"files": list}}
}
