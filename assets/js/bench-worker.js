// Runs one benchmark at a time for the benchmark page (js/bench.js): nasbook's (build/bench.wasm,
// the engine's workloads, with the SIMD kernels of build/simd.wasm unless SIMD is "0") or
// TensorFlow.js's (js/bench-tfjs.js on its wasm backend, SIMD, one thread). A classic worker
// (importScripts), so that the page stays responsive while a workload runs. Protocol:
//
//   page -> worker  { run: "nasbook" | "tfjs", workload: "W1", env: { REPS: "5", ... } }
//   worker -> page  { kernels: "wasm-simd" | "go", reason }      (nasbook, before its lines)
//                   { line: "nasbook-wasm-chromium W1 images/s=1234" }   (any number)
//                   { done: true, error: "..." | undefined }     (last)
"use strict";
importScripts("../build/wasm_exec.js", "simd.js");

let program = null; // the compiled bench.wasm, shared by every run
let kernels = null; // the compiled simd.wasm, likewise
let tfjs = null; // the promise of TensorFlow.js on its wasm backend

async function runNasbook(workload, env) {
  program ||= WebAssembly.compileStreaming(fetch("../build/bench.wasm"));
  // One compiled module for every run, as for the program: the engine keeps the optimised code
  // of its hot functions with it, so each workload does not start over from the baseline tier.
  if (env.SIMD !== "0") kernels ||= WebAssembly.compileStreaming(fetch("../build/simd.wasm")).catch(() => "../build/simd.wasm");
  const simd = await nasbookSimd.load(env.SIMD === "0" ? null : await kernels);
  const go = new Go();
  Object.assign(go.importObject, simd.importObject);
  const instance = await WebAssembly.instantiate(await program, go.importObject);
  await simd.attach(instance);
  postMessage({ kernels: simd.name, reason: simd.reason });
  self.nasbookBenchEnv = { ...env, WORKLOADS: workload };
  self.nasbookBenchLine = (line) => postMessage({ line });
  self.nasbookBenchDone = () => {};
  await go.run(instance);
}

// loadTfjs sets TensorFlow.js up as the page measures it: the wasm backend's SIMD build on one
// thread. Threads would need a cross-origin isolated page; the page ships only the SIMD build.
function loadTfjs() {
  tfjs ||= (async () => {
    if (!nasbookSimd.supported()) throw new Error("this browser has no WebAssembly SIMD, which TensorFlow.js's wasm build here needs");
    importScripts("../vendor/tfjs/tfjs.js", "bench-tfjs.js");
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
    tf.setWasmPaths(new URL("../vendor/tfjs/", location.href).href);
    if (!(await tf.setBackend("wasm"))) throw new Error("TensorFlow.js's wasm backend did not start (see the console)");
    await tf.ready();
    return tf;
  })();
  return tfjs;
}

async function runTfjs(workload, env) {
  const tf = await loadTfjs();
  nasbookTfjsBench.run(tf, workload, nasbookTfjsBench.protocol(env), env.TFJS_PREFIX || "tfjs-wasm-simd", (line) => postMessage({ line }));
}

onmessage = async ({ data }) => {
  try {
    await (data.run === "tfjs" ? runTfjs : runNasbook)(data.workload, data.env);
    postMessage({ done: true });
  } catch (e) {
    postMessage({ done: true, error: String((e && e.message) || e) });
  }
};
