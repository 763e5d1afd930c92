// The workloads W1, W2 and W3 of WORKLOADS.md written for TensorFlow.js (tfjs-core ops,
// tf.variableGrads, plain SGD), with that file's timing protocol, for the benchmark page
// (assets/bench.html, run in js/bench-worker.js) to set beside nasbook's figures.
//
// Layouts are NHWC, TensorFlow.js's own; the arithmetic is WORKLOADS.md's. TensorFlow.js 4.22's
// wasm backend has no gradient kernels for a convolution's filter nor for a depthwise
// convolution, so those are written in ops it can differentiate: a 3×3 convolution is im2col
// (nine shifted slices of the padded input, concatenated along the channels) times the filter
// as a 9·C_in × C_out matrix, and a depthwise 3×3 convolution is the sum of the nine shifted
// slices, each scaled by its tap's per-channel weights. Max pooling, ReLU, batch norm (from its
// batch moments), the mean softmax cross-entropy and the SGD step are tfjs-core's.
//
// A classic script: importScripts, <script src> and require all work. It defines
// nasbookTfjsBench.run(tf, workload, protocol, line), which measures one workload and hands
// each output line to line: the figure, "<prefix> W1 images/s=123", and before it a check,
// "# <prefix> W1 loss=2.3026 at the first step" or "# <prefix> W3 relative error=2.1e-7
// against a float64 reference".
"use strict";

(function (root) {
  const BATCH = 64;
  const LR = 0.01;
  const GEMM_N = 256;

  // A small seeded generator (mulberry32), so that every run draws the same data.
  function random(seed) {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function uniform(rand, n, lo, hi) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
    return a;
  }

  // Model is the parameters of one workload: tf.variables with names of their own, He-uniform
  // U(±sqrt(6/fan_in)) for weights, 0 for biases and β, 1 for γ.
  let models = 0;
  class Model {
    constructor(tf, rand) {
      this.tf = tf;
      this.rand = rand;
      this.vars = [];
      this.id = ++models;
    }
    add(name, shape, init) {
      const n = shape.reduce((a, b) => a * b, 1);
      const tf = this.tf;
      const v = tf.tidy(() => tf.variable(tf.tensor(init(n), shape, "float32"), true, `nasbook-bench-${this.id}-${name}`));
      this.vars.push(v);
      return v;
    }
    weight(name, shape, fanIn) {
      const b = Math.sqrt(6 / fanIn);
      return this.add(name, shape, (n) => uniform(this.rand, n, -b, b));
    }
    fill(name, shape, value) {
      return this.add(name, shape, (n) => new Float32Array(n).fill(value));
    }
    get size() {
      return this.vars.reduce((s, v) => s + v.size, 0);
    }
    dispose() {
      for (const v of this.vars) v.dispose();
    }
  }

  // shifted returns the nine 3×3 taps of x (NHWC), zero-padded by 1: tap dy·3+dx is the
  // window whose top-left element is x[y+dy−1][x+dx−1].
  function shifted(tf, x) {
    const [n, h, w, c] = x.shape;
    const p = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const taps = [];
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) taps.push(tf.slice(p, [0, dy, dx, 0], [n, h, w, c]));
    return taps;
  }

  // conv3x3 is a 3×3 convolution, stride 1, zero-pad 1, with bias: w is 9·C_in × C_out, rows
  // in tap order then input channel.
  function conv3x3(tf, x, w, b) {
    const [n, h, wd] = x.shape;
    const cols = tf.reshape(tf.concat(shifted(tf, x), 3), [n * h * wd, w.shape[0]]);
    return tf.reshape(tf.add(tf.matMul(cols, w), b), [n, h, wd, w.shape[1]]);
  }

  // depthwise3x3 is a depthwise 3×3 convolution, stride 1, zero-pad 1, no bias: w is 9 × C.
  function depthwise3x3(tf, x, w) {
    const k = tf.unstack(w);
    return tf.addN(shifted(tf, x).map((t, i) => tf.mul(t, k[i])));
  }

  // pointwise is a 1×1 convolution, no bias: w is C_in × C_out.
  function pointwise(tf, x, w) {
    const [n, h, wd, c] = x.shape;
    return tf.reshape(tf.matMul(tf.reshape(x, [n * h * wd, c]), w), [n, h, wd, w.shape[1]]);
  }

  // batchNorm normalises x over (N, H, W) with its batch mean and biased batch variance.
  function batchNorm(tf, x, gamma, beta) {
    const mean = tf.mean(x, [0, 1, 2]);
    const d = tf.sub(x, mean);
    const variance = tf.mean(tf.square(d), [0, 1, 2]);
    return tf.add(tf.mul(tf.mul(d, tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
  }

  // crossEntropy is the softmax cross-entropy of logits against one-hot labels, mean over the batch.
  function crossEntropy(tf, logits, onehot) {
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
  }

  function labels(tf, rand) {
    const l = new Int32Array(BATCH);
    for (let i = 0; i < BATCH; i++) l[i] = Math.floor(10 * rand());
    return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(l, "int32"), 10), "float32"));
  }

  // W1 "ref-cnn": 20,490 parameters.
  function newW1(tf) {
    const rand = random(1);
    const m = new Model(tf, rand);
    const w1 = m.weight("conv1", [9, 16], 9), b1 = m.fill("conv1-bias", [16], 0);
    const w2 = m.weight("conv2", [9 * 16, 32], 9 * 16), b2 = m.fill("conv2-bias", [32], 0);
    const wf = m.weight("fc", [7 * 7 * 32, 10], 7 * 7 * 32), bf = m.fill("fc-bias", [10], 0);
    const x = tf.tensor(uniform(rand, BATCH * 28 * 28, 0, 1), [BATCH, 28, 28, 1], "float32");
    const y = labels(tf, rand);
    const loss = () => {
      let h = tf.maxPool(tf.relu(conv3x3(tf, x, w1, b1)), 2, 2, "valid");
      h = tf.maxPool(tf.relu(conv3x3(tf, h, w2, b2)), 2, 2, "valid");
      return crossEntropy(tf, tf.add(tf.matMul(tf.reshape(h, [BATCH, 7 * 7 * 32]), wf), bf), y);
    };
    return trainer(tf, m, loss, [x, y]);
  }

  // W2 "sepconv-cell": DARTS SepConv(16, 16, 3, 1, 1) with affine batch norms, global average
  // pool, dense 16→10; 1,034 parameters.
  function newW2(tf) {
    const rand = random(1);
    const m = new Model(tf, rand);
    const blocks = [0, 1].map((i) => ({
      dw: m.weight(`sep${i}-depthwise`, [9, 16], 9),
      pw: m.weight(`sep${i}-pointwise`, [16, 16], 16),
      gamma: m.fill(`sep${i}-gamma`, [16], 1),
      beta: m.fill(`sep${i}-beta`, [16], 0),
    }));
    const wf = m.weight("fc", [16, 10], 16), bf = m.fill("fc-bias", [10], 0);
    const x = tf.tensor(uniform(rand, BATCH * 8 * 8 * 16, -1, 1), [BATCH, 8, 8, 16], "float32");
    const y = labels(tf, rand);
    const loss = () => {
      let h = x;
      for (const b of blocks) h = batchNorm(tf, pointwise(tf, depthwise3x3(tf, tf.relu(h), b.dw), b.pw), b.gamma, b.beta);
      return crossEntropy(tf, tf.add(tf.matMul(tf.mean(h, [1, 2]), wf), bf), y);
    };
    return trainer(tf, m, loss, [x, y]);
  }

  // trainer returns one SGD step (forward, the gradients of every parameter, w ← w − lr·g),
  // which returns the loss as a tensor for the caller to read or dispose.
  function trainer(tf, model, loss, data) {
    return {
      params: model.size,
      step() {
        return tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, model.vars);
          for (const v of model.vars) v.assign(tf.sub(v, tf.mul(grads[v.name], LR)));
          return value;
        });
      },
      dispose() {
        model.dispose();
        for (const t of data) t.dispose();
      },
    };
  }

  function median(xs) {
    const s = xs.slice().sort((a, b) => a - b);
    const h = s.length >> 1;
    return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
  }

  // format prints a figure as engine/bench does: whole above 100, else two decimals.
  function format(v) {
    return v >= 100 ? v.toFixed(0) : v.toFixed(2);
  }

  function train(tf, name, tr, p, prefix, line) {
    const first = tr.step();
    const l = first.dataSync()[0];
    first.dispose();
    line(`# ${prefix} ${name} loss=${l.toFixed(4)} at the first step (${tr.params} parameters)`);
    if (!Number.isFinite(l)) throw new Error(`${name}: loss ${l} on the check step`);
    for (let i = 0; i < p.warmupSteps; i++) tr.step().dispose();
    const reps = [];
    for (let r = 0; r < p.reps; r++) {
      const start = performance.now();
      let last = null;
      for (let i = 0; i < p.steps; i++) {
        if (last) last.dispose();
        last = tr.step();
      }
      last.dataSync(); // ends the repetition with the last step's work done
      reps.push((BATCH * p.steps) / ((performance.now() - start) / 1000));
      last.dispose();
    }
    return { metric: "images/s", value: median(reps), reps };
  }

  function gemm(tf, p, prefix, line) {
    const n = GEMM_N;
    const rand = random(1);
    const a = uniform(rand, n * n, -1, 1), b = uniform(rand, n * n, -1, 1);
    const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
    try {
      const C = tf.matMul(A, B);
      const c = C.dataSync();
      C.dispose();
      // max|C − C_ref| / max|C_ref| against a float64 product.
      let maxErr = 0, maxRef = 0;
      const row = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        row.fill(0);
        for (let k = 0; k < n; k++) {
          const aik = a[i * n + k];
          for (let j = 0; j < n; j++) row[j] += aik * b[k * n + j];
        }
        for (let j = 0; j < n; j++) {
          maxErr = Math.max(maxErr, Math.abs(c[i * n + j] - row[j]));
          maxRef = Math.max(maxRef, Math.abs(row[j]));
        }
      }
      const rel = maxErr / maxRef;
      line(`# ${prefix} W3 relative error=${rel.toExponential(2)} against a float64 reference`);
      if (!(rel < 1e-4)) throw new Error(`W3: relative error ${rel} against the float64 reference`);
      const call = () => tf.matMul(A, B);
      // Warm up for at least 10 calls and 300 ms, which also calibrates.
      let calls = 0;
      const start = performance.now();
      while (calls < 10 || performance.now() - start < 300) {
        call().dispose();
        calls++;
      }
      const perCall = (performance.now() - start) / 1000 / calls;
      const k = Math.max(20, Math.ceil(p.gemmRepSeconds / perCall));
      const reps = [];
      for (let r = 0; r < p.reps; r++) {
        const t0 = performance.now();
        for (let i = 0; i < k - 1; i++) call().dispose();
        const last = call();
        last.dataSync();
        reps.push((2 * n * n * n * k) / ((performance.now() - t0) / 1000) / 1e9);
        last.dispose();
      }
      return { metric: "GFLOP/s", value: median(reps), reps };
    } finally {
      A.dispose();
      B.dispose();
    }
  }

  // protocol reads WORKLOADS.md's knobs from env (strings, as in a query), with its defaults.
  function protocol(env) {
    const int = (k, d) => {
      const v = Number(env[k]);
      return Number.isInteger(v) && v > 0 ? v : d;
    };
    const g = Number(env.GEMM_REP_SECONDS);
    return {
      reps: int("REPS", 5),
      steps: int("STEPS", 20),
      warmupSteps: int("WARMUP_STEPS", 5),
      gemmRepSeconds: g > 0 ? g : 0.25,
    };
  }

  const workloads = { W1: newW1, W2: newW2 };

  // run measures workload ("W1", "W2", "W3") with tf's current backend and hands its lines
  // to line; it returns the figure's line, or throws.
  function run(tf, workload, p, prefix, line) {
    let res;
    if (workload === "W3") res = gemm(tf, p, prefix, line);
    else if (workloads[workload]) {
      const tr = workloads[workload](tf);
      try {
        res = train(tf, workload, tr, p, prefix, line);
      } finally {
        tr.dispose();
      }
    } else throw new Error(`unknown workload ${workload} (want W1, W2 or W3)`);
    const l = `${prefix} ${workload} ${res.metric}=${format(res.value)}`;
    line(l);
    return l;
  }

  root.nasbookTfjsBench = { run, protocol, names: ["W1", "W2", "W3"] };
})(typeof self !== "undefined" ? self : globalThis);
