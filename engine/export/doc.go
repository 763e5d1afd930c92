// Package export writes a built network (engine/build) in the formats deep
// learning frameworks load: a PyTorch module as a Python file with its
// weights as safetensors, and an ONNX model with its weights inside.
//
// The exporters walk the built network itself — the engine/nn modules that
// package build made from the spec's parts, with their weights and batch
// norm statistics — so every operation is exported exactly as it is built
// and trained, and an operation added to the op vocabulary is exported
// wherever it can be built. A module this package does not know is an
// error naming its type, never a silent difference.
package export
