// Package data provides labelled datasets for training and architecture
// search: a Dataset type with seeded splitting and batching, synthetic sets
// generated from a seed, and readers for IDX (MNIST, Fashion-MNIST), CIFAR's
// binary format and CSV files. It is pure Go and runs the same natively and in js/wasm.
//
// # Layout
//
// A Dataset holds N examples in one flat []float32 in NCHW order: example
// i, channel c, row y, column x is X[i*C*H*W + c*H*W + y*W + x]. Y[i] is
// the class of example i, an int in [0, Classes). Every set uses this
// four-dimensional layout:
//
//   - points in the plane (Spirals, Moons, Circles, XOR, Blobs) are
//     [N, 2, 1, 1]: x is channel 0, y channel 1;
//   - CSV tables of F feature columns are [N, F, 1, 1];
//   - images (Shapes, Stripes, MNIST) are [N, 1, H, W], CIFAR [N, 3, 32, 32],
//     pixels in [0, 1] unless standardized.
//
// A dense layer sees an example as its C*H*W values; a convolution sees
// C planes of H×W.
//
// # Aliasing
//
// Dataset.Slice and Dataset.Example return views that share storage with
// the dataset; Subset, Split, Pool and Clone copy. Standardize and Shuffle
// change a dataset in place. Class names are shared between a dataset and
// its parts and are never written.
//
// # Batching without allocation
//
// A Batch is a caller-owned buffer. Dataset.Gather and Batcher.Next write
// into it, growing it only when a batch is larger than any before, so a
// training loop that reuses one Batch allocates nothing per step. A Batcher
// visits every example once per epoch in an order it draws at the start of
// the epoch.
//
// # Randomness
//
// Nothing here uses a global generator. Generators take a Seed field; Split,
// Shuffle and NewBatcher take a *rand.Rand (NewRand makes one from a seed).
// The same seed gives the same data and the same order on every platform.
//
// # Configuration
//
// Each synthetic set is a config struct whose zero value is a sensible
// default, and whose Generate method returns the dataset: Spirals{}.Generate()
// is 600 points on two spiral arms. Noise is the standard deviation of
// Gaussian noise and 0 means none. A config that cannot be met (more shape
// classes than shape kinds, a negative size) panics with a "data: " message,
// as a programming mistake; everything read from a file returns an error
// instead, naming the line and field (CSV) or byte offset (IDX) at fault.
//
// # MNIST
//
// The originals have 60,000 training and 10,000 test images (11 MB
// gzipped). The repository keeps a class-balanced subset of them in
// engine/data/mnist, with its source and terms: 1,000 training and 200 test
// images of each digit, spaced evenly through each digit's examples and kept
// in file order. WriteMNISTSubset wrote it from the originals, and rewrites
// it byte for byte (go run ./cmd/mnistpack -from DIR). The files keep the
// original format, gzipped IDX with uint8 pixels, named as
// MNISTSubsetFiles:
//
//	mnist-train-images.idx.gz  10000×28×28  about 1.6 MB
//	mnist-train-labels.idx.gz  10000        about 4.5 kB
//	mnist-test-images.idx.gz    2000×28×28  about 330 kB
//	mnist-test-labels.idx.gz    2000        about 1 kB
//
// Native programs read them from their own binary (MNISTSubset, embedded
// outside js/wasm); the build copies them to assets/build/data, where the
// page fetches them when a notebook asks for MNIST. MNISTSubsetSplits reads
// them from either file system into the training, validation and test parts
// that notebooks and the command line use. LoadMNIST reads such files, or
// the originals with MNISTOriginalFiles, from any fs.FS, LoadMNISTDir from a
// directory. MNISTConfig.Size
// 14 and 7 average-pool 2×2 and 4×4 blocks. Pixels are p/255 in [0, 1];
// with MNISTConfig.Standardize they become (p/255 - mean)/std using the
// full training set's statistics at that size (MNISTStats).
package data
