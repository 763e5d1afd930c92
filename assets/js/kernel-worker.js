// Kernel worker: hosts the Go kernel (../build/kernel.wasm) and relays messages.
//
// A classic worker (importScripts), started by kernel.js. Protocol:
//   page -> worker  {type:"run", id, source}       forwarded to self.nasbookRun(id, source)
//                   {type:"upload", name, data}    a file (Uint8Array) for nb.UploadedFile, forwarded
//                                                  to self.nasbookUpload(name, data)
//                   {type:"keep-search", name, state} a search's saved state, from an earlier
//                                                  kernel, forwarded to self.nasbookKeepSearch
//                   {type:"pause"} {type:"resume"} forwarded to self.nasbookPause() / nasbookResume();
//                                                  the Go side answers "paused" / "resumed"
//                   {type:"edit", seq, request}    an architecture edited on the canvas; answered with
//                                                  {type:"edited", seq, request, answer} (nb.EditAnswer)
//   worker -> page  whatever the Go side emits through self.nasbookEmit (ready, output, done),
//                   plus these, which only this script sends:
//                   {type:"loading", loaded}         bytes of kernel.wasm received so far
//                   {type:"load-error", message}     the kernel could not be fetched or compiled
//                   {type:"exit", code, message}     the Go program ended; the worker is useless now
// The page keeps the queue and sends one run at a time.
"use strict";

// The last bytes the Go runtime wrote to stdout/stderr (panic traces land here), so that a
// crash report can say why the program ended.
let consoleTail = "";
const TAIL_MAX = 4000;
// The runtime's headline ("fatal error: out of memory", "panic: ..."), which a
// long trace pushes out of the tail.
let headline = "";

function post(msg) {
  try {
    postMessage(msg);
  } catch (e) {
    postMessage({ type: "protocol-error", message: "could not forward a kernel message: " + e.message });
  }
}

try {
  importScripts("../build/wasm_exec.js", "simd.js");
} catch (e) {
  post({ type: "load-error", message: "could not load the Go runtime glue (assets/build/wasm_exec.js, simd.js): " + e.message });
  throw e;
}

// Keep a copy of what the Go runtime prints (it writes through the fs shim of wasm_exec.js).
if (self.fs && typeof self.fs.writeSync === "function") {
  const decoder = new TextDecoder("utf-8");
  const writeSync = self.fs.writeSync.bind(self.fs);
  self.fs.writeSync = (fd, buf) => {
    consoleTail = (consoleTail + decoder.decode(buf)).slice(-TAIL_MAX);
    // The runtime writes a headline in pieces: look for it whole in the tail.
    const m = consoleTail.match(/^(fatal error|panic): \S.*$/m);
    if (m) headline = m[0];
    return writeSync(fd, buf);
  };
}

// The pool size the page asked for (kernel-worker.js?pool=N), read by the Go kernel.
{
  const pool = Number(new URLSearchParams(self.location.search).get("pool"));
  if (pool > 0) self.nasbookPoolSize = pool;
}

self.nasbookEmit = (json) => {
  let msg = json;
  if (typeof json === "string") {
    try {
      msg = JSON.parse(json);
    } catch (e) {
      post({ type: "protocol-error", message: "the kernel emitted malformed JSON: " + e.message });
      return;
    }
  }
  post(msg);
};

const go = new Go();
let exitCode = null;
go.exit = (code) => {
  exitCode = code;
};

self.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.type === "upload") {
    if (typeof self.nasbookUpload === "function") self.nasbookUpload(String(msg.name), new Uint8Array(msg.data));
    return;
  }
  if (msg.type === "keep-search") {
    if (typeof self.nasbookKeepSearch === "function") self.nasbookKeepSearch(String(msg.name), String(msg.state));
    return;
  }
  if (msg.type === "pause" || msg.type === "resume") {
    const f = msg.type === "pause" ? self.nasbookPause : self.nasbookResume;
    if (typeof f === "function") f();
    return;
  }
  if (msg.type === "edit") {
    let answer;
    try {
      if (typeof self.nasbookEdit !== "function") throw new Error("the kernel is not ready");
      answer = JSON.parse(self.nasbookEdit(JSON.stringify(msg.request || {})));
    } catch (e) {
      answer = { error: e.message };
    }
    post({ type: "edited", seq: msg.seq, request: msg.request, answer });
    return;
  }
  if (msg.type !== "run") return;
  const { id, source } = msg;
  try {
    if (typeof self.nasbookRun !== "function") throw new Error("the kernel has not registered nasbookRun");
    self.nasbookRun(id, String(source));
  } catch (e) {
    // Typically "Go program has already exited". Report it as the cell's error.
    post({
      type: "output",
      id,
      output: { output_type: "error", ename: "KernelError", evalue: e.message, traceback: [] },
    });
    post({ type: "done", id, status: "error", execution_count: null });
  }
};

// Counts bytes as they arrive, without giving up streaming compilation.
function countingResponse(resp) {
  if (!resp.body || typeof TransformStream !== "function") return resp;
  let loaded = 0;
  let last = 0;
  const counter = new TransformStream({
    transform(chunk, ctl) {
      loaded += chunk.byteLength;
      const now = Date.now();
      if (now - last > 150) {
        last = now;
        post({ type: "loading", loaded });
      }
      ctl.enqueue(chunk);
    },
    flush() {
      post({ type: "loading", loaded, complete: true });
    },
  });
  return new Response(resp.body.pipeThrough(counter), {
    status: resp.status,
    headers: { "Content-Type": resp.headers.get("Content-Type") || "" },
  });
}

// The WebAssembly SIMD kernels the Go program imports (simd.js); without SIMD they report
// unavailable and the Go kernels run.
const simdReady = nasbookSimd.load(new URL("../build/simd.wasm", self.location.href).href);

async function instantiate() {
  Object.assign(go.importObject, (await simdReady).importObject);
  const url = new URL("../build/kernel.wasm", self.location.href);
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${resp.status} ${resp.statusText}`);
  const type = (resp.headers.get("Content-Type") || "").split(";")[0].trim();
  const counted = countingResponse(resp);
  if (typeof WebAssembly.instantiateStreaming === "function" && type === "application/wasm") {
    return WebAssembly.instantiateStreaming(counted, go.importObject);
  }
  // Served with another MIME type (some static hosts): compile from the whole buffer.
  return WebAssembly.instantiate(await counted.arrayBuffer(), go.importObject);
}

(async () => {
  let result;
  try {
    result = await instantiate();
    await (await simdReady).attach(result.instance);
  } catch (e) {
    post({ type: "load-error", message: e.message || String(e) });
    return;
  }
  // go.run resolves when the Go program exits; main normally blocks forever after registering
  // nasbookRun, so an exit (clean or not) means the kernel is gone.
  go.run(result.instance).then(
    () => post({ type: "exit", code: exitCode, message: (headline ? headline + "\n" : "") + consoleTail.trim() }),
    (e) => post({ type: "exit", code: exitCode, message: (headline ? headline + "\n" : "") + ((e && e.message) || String(e)) + "\n" + consoleTail.trim() }),
  );
})();
