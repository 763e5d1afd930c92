// Package proxy computes zero-cost proxies: scores of an untrained network,
// computed from its initial weights and at most one batch of data, that
// rank architectures by how well they will train (Abdelfattah et al.,
// "Zero-Cost Proxies for Lightweight NAS", ICLR 2021).
//
// Every proxy follows the reference implementation that produced the
// published NAS-Bench-201 scores: NASLib's
// naslib/predictors/utils/pruners/measures/*.py (itself derived from the
// paper's code, github.com/SamsungLabs/zero-cost-nas). Each Proxy constant
// says what it computes, with which sign, data and batch-norm treatment.
// The common conventions:
//
//   - The network is built from the spec with a seeded rand (Config.Seed) and
//     its convolution and linear weights rescaled to PyTorch's default
//     initialisation, U(±1/sqrt(fan_in)), which the reference networks use
//     (build.Build draws He-uniform, U(±sqrt(6/fan_in)); see Config.Init).
//   - "Layers" are the convolutions and linear layers, as the reference's
//     get_layer_metric_array walks nn.Conv2d and nn.Linear modules; they are
//     found by watching the tape (an ag.Observer sees every Conv2D and
//     Linear with its weight and output), so any space's network
//     works without knowing its modules.
//   - Proxies that need data take one batch of Config.Batch examples (64,
//     as the reference's "random" data loading with one batch): from
//     Config.Data when it is set, otherwise Gaussian N(0, 1) inputs with
//     uniform labels. The papers use a CIFAR-10 training batch; this
//     project ships no CIFAR-10, so by default the batch is noise (`nasbook
//     score -data` reads a CIFAR binary file a user has). Synflow uses no
//     data at all, so its published correlations are reproduced; on noise
//     the data-dependent proxies still order NAS-Bench-201's architectures
//     as NASLib's CIFAR-10 scores do, with Spearman's rho from 0.75
//     (jacob_cov) to 0.96 (grad_norm) (TestDataProxiesAgreeWithNASLib).
//   - The network is in training mode (batch norm normalises with batch
//     statistics), as the reference runs it, except for synflow, which
//     removes batch norm.
//   - Scores are sums over all layers and all weights, as the reference's
//     find_measures sums the per-layer arrays, in float64.
//
// Scoring is deterministic: the weights and the batch depend only on the
// spec and Config (every architecture gets the same Seed, hence the same
// batch), so an architecture's scores are the same whichever worker
// computes them and in whatever order. An Evaluator runs Jobs: Local on
// goroutines; in the browser, the kernel worker's pool of Web Workers
// running wasm/pool, which receive each Job as JSON.
package proxy
