// Builds what the benchmark page (assets/bench.html) takes from TensorFlow.js, from the pinned
// packages of package.json:
//
//   assets/vendor/tfjs/tfjs.js                       tfjs-core with its gradients and the wasm backend
//                                                    (src/tfjs.js), one minified classic script: the global tf
//   assets/vendor/tfjs/tfjs-backend-wasm-simd.wasm   the wasm backend's single-threaded SIMD binary
//   assets/vendor/tfjs/LICENSE.*, bundled.json       the licences of everything bundled, and the list
//
// Only the single-threaded SIMD binary is shipped: threads need a cross-origin isolated page,
// which the playground's server does not make, and the page compares one thread with one thread.
// Run from this directory: npm ci && npm run build (see ../../assets/vendor/README.md).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "../../assets/vendor/tfjs");
const modules = join(here, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The wasm backend's Emscripten glue reaches node's modules only when it runs in node; in a
// browser those branches are dead, so the names stay unresolved; so does tfjs-core's fetch for node.
const res = await build({
  entryPoints: [join(here, "src/tfjs.js")],
  bundle: true,
  format: "iife",
  globalName: "tf",
  platform: "browser",
  external: ["fs", "path", "os", "crypto", "worker_threads", "perf_hooks", "util", "node-fetch"],
  minify: true,
  target: "es2020",
  legalComments: "none",
  metafile: true,
  outfile: join(out, "tfjs.js"),
  logLevel: "warning",
});
copyFileSync(join(modules, "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"), join(out, "tfjs-backend-wasm-simd.wasm"));

// Every package with code in the bundle, for the licences. The TensorFlow.js packages ship no
// licence file; their package.json names Apache-2.0, whose text is LICENSE.tensorflow. seedrandom
// has its MIT licence only as the first comment of its source.
const bundled = new Set();
for (const [input, { bytesInOutput }] of Object.entries(Object.values(res.metafile.outputs)[0].inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && bytesInOutput > 0) bundled.add(m[1]);
}
const rows = [];
for (const pkg of [...bundled].sort()) {
  const dir = join(modules, pkg);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  let name = "LICENSE." + pkg.replace(/^@/, "").replace("/", "-");
  const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (licence) copyFileSync(join(dir, licence), join(out, name));
  else if (pkg.startsWith("@tensorflow/") && meta.license === "Apache-2.0") {
    name = "LICENSE.tensorflow";
    copyFileSync(join(here, "LICENSE.tensorflow"), join(out, name));
  } else if (pkg === "seedrandom" && meta.license === "MIT") {
    const header = /^\/\*([\s\S]*?)\*\//.exec(readFileSync(join(dir, "seedrandom.js"), "utf8"));
    if (!header || !header[1].includes("Permission is hereby granted")) throw new Error("seedrandom: its licence comment changed");
    writeFileSync(join(out, name), header[1].trim() + "\n");
  } else throw new Error(`${pkg}: no licence file`);
  rows.push({ pkg, version: meta.version, license: meta.license, file: name });
}
writeFileSync(join(out, "bundled.json"), JSON.stringify(rows, null, 2) + "\n");
for (const r of rows) console.log(`${r.pkg}@${r.version} (${r.license})`);
