package lessons

import (
	"strings"
	"testing"
)

// The checks pass the outputs the lessons print natively and fail each
// promise broken.
func TestCheck(t *testing.T) {
	experts := "| `L2-H4-D32-R2` | 19880 | 19880 | 85376 | 60.1% 61.0% 61.6% | 60.9% |\n" +
		"| `L2-H4-D32-R2-E4-K1` | 45288 | 20136 | 86656 | 59.8% 60.2% 61.8% | 60.6% |\n" +
		"sparse 60.6%, dense 60.9%: the sparse model is 0.3 points behind the dense one\n"
	stacking := "reduction: residual block, stride 2 -> 14x14\nreduction: residual block, stride 2 -> 7x7\n" +
		"searched cell 90.30%, pooling cell 27.40%: the searched cell is 62.9 points better, with 1234 more parameters\n"
	for _, c := range []struct {
		file, text, want string
	}{
		{"experts.ipynb", experts, ""},
		{"experts.ipynb", strings.Replace(experts, "behind", "ahead of", 1), "the lesson says the sparse one is ahead"},
		{"experts.ipynb", strings.Replace(experts, "sparse 60.6%", "sparse 20.6%", 1), "well above chance"},
		{"experts.ipynb", strings.Replace(experts, "45288", "45289", 1), "printed no"},
		{"experts.ipynb", "", "no comparison line"},
		{"stacking.ipynb", stacking, ""},
		{"stacking.ipynb", strings.Replace(stacking, "27.40", "80.00", 1), "15 points ahead"},
		{"stacking.ipynb", strings.Replace(stacking, "7x7", "8x8", 1), "printed no"},
		{"stacking.ipynb", "searched cell", "no comparison line"},
		{"intro.ipynb", "", ""},
	} {
		got := strings.Join(Check(c.file, c.text), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.file, got, c.want)
		}
	}
}
