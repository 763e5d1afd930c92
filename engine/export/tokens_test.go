package export

import (
	"math/rand"
	"strings"
	"testing"

	"nasbook/engine/build"
	"nasbook/space"
	"nasbook/space/transformer"
)

// TestTokenEmbeddingIsRefused: a network of token ids is not exported, and
// both exporters say which layer stops them and why.
func TestTokenEmbeddingIsRefused(t *testing.T) {
	s := transformer.Space{Input: []int{5, 1}, Classes: 8, Vocab: 72}
	a, err := s.Parse("L1-H1-D32-R2")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := space.ToSpec(s, a)
	if err != nil {
		t.Fatal(err)
	}
	net, err := build.Build(sp, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ToPyTorch(net, "lookup"); err == nil || !strings.Contains(err.Error(), "token ids") {
		t.Errorf("PyTorch: %v, want a refusal naming the token ids", err)
	}
	if _, err := ToONNX(net, "lookup"); err == nil || !strings.Contains(err.Error(), "token ids") {
		t.Errorf("ONNX: %v, want a refusal naming the token ids", err)
	}
}
