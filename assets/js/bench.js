// Runs build/bench.wasm in assets/bench.html: a classic script, after
// wasm_exec.js and simd.js.
"use strict";
const out = document.getElementById("out");
window.benchLines = [];
window.nasbookBenchEnv = Object.fromEntries(new URLSearchParams(location.search));
window.nasbookBenchEnv.BENCH_PREFIX ||= "nasbook-wasm-chromium";
window.nasbookBenchLine = (l) => { window.benchLines.push(l); out.textContent += l + "\n"; };
window.benchDone = new Promise((resolve) => { window.nasbookBenchDone = resolve; });
(async () => {
  const go = new Go();
  const simd = await nasbookSimd.load(window.nasbookBenchEnv.SIMD === "0" ? null : "build/simd.wasm");
  Object.assign(go.importObject, simd.importObject);
  const { instance } = await WebAssembly.instantiateStreaming(fetch("build/bench.wasm"), go.importObject);
  await simd.attach(instance);
  await go.run(instance);
})().catch((e) => { window.nasbookBenchLine("# failed: " + e); window.nasbookBenchDone(); });
