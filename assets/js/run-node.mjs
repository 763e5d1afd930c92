#!/usr/bin/env node
// Runs a js/wasm Go program under node with the SIMD kernels linked; otherwise the same as
// Go's lib/wasm/wasm_exec_node.js (go_js_wasm_exec):
//
//   node assets/js/run-node.mjs prog.wasm [args...]
//   GOOS=js GOARCH=wasm go test -exec "node $PWD/assets/js/run-node.mjs" ./engine/...
//
// Environment: NASBOOK_SIMD_WASM the kernels module (default ../build/simd.wasm beside this
// script); NASBOOK_SIMD=0 runs the Go kernels; GOROOT where wasm_exec.js is (default
// `go env GOROOT`).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

if (process.argv.length < 3) {
  console.error("usage: node run-node.mjs prog.wasm [args...]");
  process.exit(1);
}

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.TextEncoder ??= require("node:util").TextEncoder;
globalThis.TextDecoder ??= require("node:util").TextDecoder;
globalThis.performance ??= require("node:perf_hooks").performance;
globalThis.crypto ??= require("node:crypto");

function goroot() {
  if (process.env.GOROOT) return process.env.GOROOT;
  return execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
}
let wasmExec = null;
for (const p of ["lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"]) {
  const f = path.join(goroot(), p);
  if (fs.existsSync(f)) {
    wasmExec = f;
    break;
  }
}
if (!wasmExec) {
  console.error("run-node: wasm_exec.js not found under " + goroot());
  process.exit(1);
}
require(wasmExec);
const { load } = require("./simd.js");

let source = null;
if (process.env.NASBOOK_SIMD !== "0") {
  const file = process.env.NASBOOK_SIMD_WASM || path.join(here, "../build/simd.wasm");
  if (fs.existsSync(file)) source = fs.readFileSync(file);
  else console.error(`run-node: ${file} not found; running the Go kernels`);
}
const simd = await load(source);

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: os.tmpdir() }, process.env);
go.exit = process.exit;
Object.assign(go.importObject, simd.importObject);
try {
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject);
  await simd.attach(instance);
  if (source && simd.name !== "wasm-simd") console.error("run-node: " + simd.reason);
  process.on("exit", (code) => {
    // Node exits when no event is pending: a deadlock. Make Go print its stacks.
    if (code === 0 && !go.exited) {
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  await go.run(instance);
} catch (err) {
  console.error(err);
  process.exit(1);
}
