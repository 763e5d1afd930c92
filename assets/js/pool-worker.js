// Pool worker: hosts the engine-only Go program (../build/pool.wasm) that scores or trains one
// architecture at a time. Started by the kernel worker (wasm/kernel/pool.go), one per core.
//
// A classic worker (importScripts). Protocol:
//   kernel -> worker  {id, job, cached}    job: a proxy.Job as JSON; cached: score on the batch
//                                          of the last job that carried one
//                     {type:"data", id, meta, x, y}  a dataset, sent once: meta as JSON, x and y
//                                          Uint8Arrays of float32 examples and int32 labels
//                     {type:"drop", id}    forget a dataset
//                     {type:"train", id, job, train, valid, test}  job: an estimate.Job as JSON,
//                                          on the datasets of those ids (0: none)
//                     {type:"export", id, key}  give up the run of that key (estimate.Job.Key),
//                                          which a later job would continue, to another worker
//                     {type:"import", key, snapshot}  keep a run another worker exported
//                                          (snapshot: its Uint8Array, transferred) for the next
//                                          job of key, which continues it; no reply (a snapshot
//                                          the worker cannot read leaves the job to train the
//                                          run again from the start, with the same result)
//   worker -> kernel  {type:"ready"}       once, when jobs can run
//                     {id, result}         result: a proxy.Result or estimate result as JSON
//                     {id, epoch}          an epoch of a training job ended (its stats as JSON)
//                     {id, export:true, snapshot}  the exported run (estimate.Runs.Export's bytes
//                                          as a Uint8Array, transferred), or
//                     {id, export:true, error}     why there is none
//                     {type:"load-error", message}
//
// self.nasbookJobs is what a debugger reads to see whether the worker is busy: {received,
// finished, lastMs, exported, imported}, the jobs (to score or train) it has been sent and
// those it has answered, equal when it is idle, how long the last one took in milliseconds,
// and the runs it gave up to another worker and took from one.
//
// The kernel moves runs so that each survivor of a rung goes on where it stopped instead of
// being trained again from scratch by a free worker: when a round of training jobs starts
// with every worker idle, from a worker holding more of the round's work than the others to
// the worker holding least; and while the jobs run, to a worker that has nothing else to do
// from a busy one holding two or more of the runs waiting (its export waits in its queue
// until its job ends).
"use strict";

importScripts("../build/wasm_exec.js", "simd.js");

const queue = [];
let ready = false;
const jobs = (self.nasbookJobs = { received: 0, finished: 0, lastMs: 0, exported: 0, imported: 0 });

function run(msg) {
  if (msg.type === "data") {
    self.nasbookData(msg.id, String(msg.meta), msg.x, msg.y);
    return;
  }
  if (msg.type === "drop") {
    self.nasbookDropData(msg.id);
    return;
  }
  if (msg.type === "export") {
    const snapshot = self.nasbookExport(String(msg.key));
    if (typeof snapshot === "string") postMessage({ id: msg.id, export: true, error: snapshot });
    else {
      jobs.exported++;
      postMessage({ id: msg.id, export: true, snapshot }, [snapshot.buffer]);
    }
    return;
  }
  if (msg.type === "import") {
    const err = self.nasbookImport(String(msg.key), msg.snapshot);
    if (err) console.warn(err);
    else jobs.imported++;
    return;
  }
  const start = performance.now();
  let result;
  try {
    if (msg.type === "train") result = self.nasbookTrain(msg.id, String(msg.job), msg.train, msg.valid, msg.test);
    else result = self.nasbookScore(String(msg.job), !!msg.cached);
  } catch (e) {
    result = JSON.stringify({ error: "pool worker: " + ((e && e.message) || e) });
  }
  postMessage({ id: msg.id, result });
  jobs.finished++;
  jobs.lastMs = performance.now() - start;
}

self.onmessage = (event) => {
  if (!event.data.type || event.data.type === "train") jobs.received++;
  if (ready) run(event.data);
  else queue.push(event.data);
};

self.nasbookPoolReady = () => {
  ready = true;
  postMessage({ type: "ready" });
  while (queue.length) run(queue.shift());
};

// The SIMD kernels the engine imports (simd.js), loaded as the kernel worker loads them.
const simdReady = nasbookSimd.load(new URL("../build/simd.wasm", self.location.href).href);

(async () => {
  try {
    const go = new Go();
    Object.assign(go.importObject, (await simdReady).importObject);
    const url = new URL("../build/pool.wasm", self.location.href);
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${resp.status}`);
    // Streaming compiles while the program arrives, and lets the browser keep the optimised code
    // for the next visit's workers; it needs the application/wasm type (some static hosts send
    // another: then compile from the whole buffer).
    const type = (resp.headers.get("Content-Type") || "").split(";")[0].trim();
    const { instance } =
      typeof WebAssembly.instantiateStreaming === "function" && type === "application/wasm"
        ? await WebAssembly.instantiateStreaming(resp, go.importObject)
        : await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    await (await simdReady).attach(instance);
    go.run(instance);
  } catch (e) {
    postMessage({ type: "load-error", message: (e && e.message) || String(e) });
  }
})();
