// What the benchmark page takes from TensorFlow.js: tfjs-core with every op's gradient
// registered (tfjs-core alone registers none; the union package @tensorflow/tfjs does it this
// way) and the wasm backend, which registers itself as "wasm". Bundled by ../build.mjs as one
// classic script that defines the global tf.
export * from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
export { setWasmPaths, version_wasm } from "@tensorflow/tfjs-backend-wasm";
