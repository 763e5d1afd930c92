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
	hardware := "47 architectures on this device's front, 39 on the Pixel 3's, 3 on both\n" +
		"nor_conv_1x1  costs  30% of a 3x3 convolution here,  41% on the phone: relatively dearer on the phone\n" +
		"[figure: CIFAR-10 accuracy against latency, on two devices]\n" +
		"weight 0.3  |skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|  10.00% in  2.10 ms on the Pixel 3\n" +
		"of the true front's hypervolume, the sweep's 4 searches hold 80%, NSGA-II's 300 queries of the tables 97%\n" +
		"[figure: Latency-aware DARTS against every network, on a Pixel 3]\n"
	search := "15625 architectures, columns [cifar10_test]\n" +
		"rs: best cifar10_test 93.8 ± 0.31 over 10 runs, mean regret 0.52\n" +
		"re: best cifar10_test 94 ± 0.2 over 10 runs, mean regret 0.31\n" +
		"reinforce: best cifar10_test 93.9 ± 0.2 over 10 runs, mean regret 0.4\n" +
		"bo: best cifar10_test 94.2 ± 0.1 over 10 runs, mean regret 0.15\n" +
		"[figure: regret on cifar10_test: the table's best less the best found]\n" +
		"21 architectures on the front; five of them, from the fastest to the most accurate:\n" +
		"[figure: Pareto front: cifar10_test against pixel3]\n"
	transformer := "L2-H4-D32-R2, 19880 parameters: test accuracy 58.00% after 2 epochs\n" +
		"search by training: L2-H2-D32-R4 at 60.1%\n" +
		"by naswot  L1-H1-D64-R2 (x)\nby snip    L2-H1-D32-R2 (x)\nby cost   L1-H4-D64-R2\n" +
		"dense 58.0%, sparse 64.1% (45288 parameters, 20136 active)\n"
	// The DARTS lesson's lines that its check reads, as printed natively
	// (the genotypes shortened).
	darts := "mean entropy of an edge's weights: 1.609 (ln 5, uniform) at the start, 1.040 after 10 epochs\n" +
		"on every edge the strongest op has at least 20.3 times the weight of the weakest\n" +
		"epoch  1: 43% of the weight on skips and pools; derived cell 1 of 6 parameter-free: |a|\n" +
		"epoch  5: 55% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"epoch 10: 54% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"epoch 15: 57% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"epoch 20: 52% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"epoch 25: 53% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"epoch 30: 52% of the weight on skips and pools; derived cell 3 of 6 parameter-free: |b|\n" +
		"after 10 epochs 3 parameter-free ops, after 30 3; the same cell: true\n" +
		"derived: |avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|\ncapped:  |nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_1x1~1|\n" +
		"30 epochs:         3 parameter-free ops · test accuracy on the supernet's weights 65.3%, retrained from scratch 64.6%\n" +
		"30 epochs, capped: 1 parameter-free ops · test accuracy on the supernet's weights 14.3%, retrained from scratch 57.1%\n" +
		"epoch 1: 35% of the weight on pools and skips; derived normal cell 2 of 8 parameter-free (0 skips)\n" +
		"epoch 2: 42% of the weight on pools and skips; derived normal cell 2 of 8 parameter-free (0 skips)\n" +
		"epoch 3: 46% of the weight on pools and skips; derived normal cell 3 of 8 parameter-free (1 skips)\n" +
		"epoch 4: 52% of the weight on pools and skips; derived normal cell 4 of 8 parameter-free (1 skips)\n" +
		"epoch 5: 50% of the weight on pools and skips; derived normal cell 3 of 8 parameter-free (1 skips)\n" +
		"epoch 6: 50% of the weight on pools and skips; derived normal cell 3 of 8 parameter-free (1 skips)\n" +
		"epoch 7: 50% of the weight on pools and skips; derived normal cell 4 of 8 parameter-free (0 skips)\n" +
		"epoch 8: 53% of the weight on pools and skips; derived normal cell 6 of 8 parameter-free (2 skips)\n" +
		"derived: Genotype(normal=[('skip_connect', 0), ('avg_pool_3x3', 1)])\ncapped:  Genotype(normal=[('sep_conv_5x5', 0), ('dil_conv_3x3', 1)])\n" +
		"DARTS cell:         6 parameter-free ops · test accuracy on the supernet's weights 23.1%, retrained from scratch 97.3%\n" +
		"DARTS cell, capped: 2 parameter-free ops · test accuracy on the supernet's weights 16.3%, retrained from scratch 89.1%\n"
	mnist := "epoch 1/2: train loss 0.3000\nepoch 2/2: train loss 0.1000\n25066 parameters, test accuracy 97.5%\nMLP: 12345 parameters, test accuracy 95.0%\n"
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
		{"hardware.ipynb", hardware, ""},
		{"hardware.ipynb", strings.Replace(hardware, "3 on both", "39 on both", 1), "want them to differ"},
		{"hardware.ipynb", strings.Replace(hardware, "weight 0.3  |skip", "weight 0.3  |none", 1), "printed no"},
		{"hardware.ipynb", "", "no line on the fronts"},
		{"search.ipynb", search, ""},
		{"search.ipynb", strings.Replace(search, "regret 0.52", "regret 0.1", 1), "want rs > re > bo"},
		{"search.ipynb", strings.Replace(search, "15625", "15624", 1), "printed no"},
		{"transformer.ipynb", transformer, ""},
		{"transformer.ipynb", strings.Replace(transformer, "test accuracy 58.00", "test accuracy 20.00", 1), "above 45%"},
		{"transformer.ipynb", strings.Replace(transformer, "sparse 64.1%", "sparse 14.1%", 1), "the sparse above 45%"},
		{"transformer.ipynb", strings.Replace(transformer, "by snip ", "by grasp", 1), "printed no"},
		{"transformer.ipynb", "", "no result of the first training"},
		{"mnist.ipynb", mnist, ""},
		{"darts.ipynb", darts, ""},
		{"darts.ipynb", strings.Replace(darts, "1.040 after", "1.500 after", 1), "mean entropy 1.500"},
		{"darts.ipynb", strings.Replace(darts, "at least 20.3 times", "at least 2.3 times", 1), "4 or more"},
		{"darts.ipynb", strings.Replace(darts, "epoch 20: 52%", "epoch 20: 72%", 1), "epoch 20: 72%"},
		{"darts.ipynb", strings.Replace(darts, "same cell: true", "same cell: false", 1), "printed no"},
		{"darts.ipynb", strings.Replace(darts, "capped:  Genotype(normal=[('sep_conv_5x5', 0), ('dil_conv_3x3', 1)])", "capped:  Genotype(normal=[('skip_connect', 0), ('avg_pool_3x3', 1)])", 1), "each capped one another cell"},
		{"darts.ipynb", strings.Replace(darts, "retrained from scratch 57.1%", "retrained from scratch 30.0%", 1), "then 20 points more"},
		{"darts.ipynb", strings.Replace(darts, "weights 14.3%", "weights 44.3%", 1), "about a guess"},
		{"darts.ipynb", strings.Replace(darts, "epoch 8: 53%", "epoch 8: 43%", 1), "drift past 50%"},
		{"darts.ipynb", strings.Replace(darts, "capped: 2 parameter-free", "capped: 3 parameter-free", 1), "the capped one with 2"},
		{"darts.ipynb", "", "printed no"},
		{"mnist.ipynb", strings.Replace(mnist, "97.5", "90.5", 1), "want 96.5%"},
		{"mnist.ipynb", strings.Replace(mnist, "epoch 2/2", "epoch 1/2", 1), "epoch 2/2"},
		{"mnist.ipynb", "epoch 2/2\nMLP: 12345 parameters, test accuracy 97.0%\n", "no line of the CNN's accuracy"},
		{"intro.ipynb", "", ""},
	} {
		got := strings.Join(Check(c.file, c.text), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.file, got, c.want)
		}
	}
}
