package nb

import (
	"strings"
	"testing"

	"nasbook/space/spaces"
)

// A ResNet is drawn as a chain of its residual blocks, each named by its
// convolutions' kernels and stride, a run of equal blocks once with its
// count.
func TestChainOfResidualBlocks(t *testing.T) {
	s, err := spaces.Spec("ResNet-18", spaces.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, e := range chainScene(s).Cell.Edges {
		ops = append(ops, e.Op)
	}
	got := strings.Join(ops, "; ")
	want := "conv 7x7/2; res 3x3,3x3 ×2; res 3x3/2,3x3; res 3x3,3x3; res 3x3/2,3x3; res 3x3,3x3; res 3x3/2,3x3; res 3x3,3x3; linear"
	if got != want {
		t.Errorf("ResNet-18 drawn as\n%s\nwant\n%s", got, want)
	}
}
