// The benchmark page (assets/bench.html): runs each workload in nasbook, then in TensorFlow.js,
// in a worker (bench-worker.js), and fills the table as the figures come. A classic script.
//
// Machine-readable protocol, read by nasbook bench -targets chromium: every result line
// ("<name> <workload> <metric>=<value>", or "# ..." for a check or a failure) is pushed to
// window.benchLines, and window.benchDone resolves once the run has ended.
"use strict";
(() => {
  const env = Object.fromEntries(new URLSearchParams(location.search));
  env.BENCH_PREFIX ||= "nasbook-wasm-chromium";
  env.TFJS_PREFIX ||= "tfjs-wasm-simd";
  const workloads = (env.WORKLOADS || "W1,W2,W3").split(",").filter(Boolean);
  const withTfjs = env.TFJS !== "0";
  const TFJS_WORKLOADS = ["W1", "W2", "W3"];

  const $ = (s) => document.querySelector(s);
  const out = $("#out");
  const status = $("#status");
  const again = $("#again");
  const problems = $("#problems");
  const nasbookHead = $("#nasbook-head");

  const simd = typeof WebAssembly === "object" && (() => {
    try {
      // The smallest module with a SIMD instruction, as js/simd.js probes.
      return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
    } catch (e) {
      return false;
    }
  })();
  $("#agent").textContent = navigator.userAgent;
  $("#cores").textContent = navigator.hardwareConcurrency ? String(navigator.hardwareConcurrency) + " (each library uses one)" : "not told by this browser";
  $("#simd").textContent = simd ? "yes" : "no";
  if (env.SIMD === "0") nasbookHead.textContent = "nasbook, Go kernels (SIMD=0)";

  function problem(text, note) {
    const li = document.createElement("li");
    li.textContent = text;
    if (note) li.className = "note";
    problems.append(li);
  }

  // figure formats a value as the result lines do (whole from 100 up, else two decimals), with
  // thousands separated.
  function figure(v) {
    return v.toLocaleString("en", v >= 100 ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  const LINE = /^(\S+) (\S+) ([^=\s]+)=([0-9.eE+-]+)$/;

  // A row of the table, or null for a workload the table has no row for.
  function row(w) {
    return document.querySelector(`#results tr[data-workload="${w}"]`);
  }

  function cell(w, which, text, cls, unit) {
    const r = row(w);
    if (!r) return;
    const td = r.querySelector("td." + which);
    td.className = "figure " + which + (cls ? " " + cls : "");
    td.textContent = text;
    if (unit) {
      const u = document.createElement("span");
      u.className = "unit";
      u.textContent = unit;
      td.append(u);
    }
  }

  // The worker runs one benchmark at a time; run resolves with its lines and failure, if any.
  let worker = null;
  function run(kind, workload, onLine) {
    worker ||= new Worker("js/bench-worker.js");
    return new Promise((resolve) => {
      worker.onmessage = ({ data }) => {
        if (data.kernels && kind === "nasbook" && env.SIMD !== "0" && data.kernels !== "wasm-simd" && !run.warned) {
          run.warned = true;
          nasbookHead.textContent = "nasbook, Go kernels";
          problem("nasbook runs its Go kernels: " + (data.reason || "the SIMD kernels are not available") + ".");
        }
        if (data.line !== undefined) onLine(data.line);
        if (data.done) resolve(data.error);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        worker.terminate();
        worker = null;
        resolve(e.message || "the benchmark worker stopped");
      };
      worker.postMessage({ run: kind, workload, env });
    });
  }

  async function measure() {
    again.disabled = true;
    problems.replaceChildren();
    out.textContent = "";
    window.benchLines = [];
    let finish;
    window.benchDone = new Promise((resolve) => (finish = resolve));
    for (const r of document.querySelectorAll("#results tbody tr")) {
      r.hidden = !workloads.includes(r.dataset.workload);
      for (const td of r.querySelectorAll("td")) {
        td.textContent = "";
        td.className = td.className.replace(/ (running|failed|behind)/g, "");
      }
    }
    if (withTfjs && !simd) problem("This browser has no WebAssembly SIMD: nasbook runs its Go kernels, and TensorFlow.js (whose SIMD build the page loads) is not run.");
    const line = (l) => {
      window.benchLines.push(l);
      out.textContent += l + "\n";
    };
    try {
      for (const w of workloads) {
        const values = {};
        const one = async (kind, label) => {
          status.textContent = `${w}: ${label}…`;
          cell(w, kind, "running…", "running");
          let got = null;
          const error = await run(kind, w, (l) => {
            line(l);
            const m = LINE.exec(l);
            if (m && m[2] === w) {
              got = { value: Number(m[4]), metric: m[3] };
              cell(w, kind, figure(got.value), "", m[3]);
            } else if (l.startsWith("# ") && / failed: /.test(l)) problem(`${label}, ${w}: ${l.slice(2)}`);
          });
          if (error) {
            line(`# ${kind === "tfjs" ? env.TFJS_PREFIX : env.BENCH_PREFIX} ${w} failed: ${error}`);
            problem(`${label}, ${w}: ${error}`);
          }
          if (!got) cell(w, kind, "failed", "failed");
          values[kind] = got;
        };
        await one("nasbook", "nasbook");
        if (withTfjs && TFJS_WORKLOADS.includes(w)) {
          if (simd) await one("tfjs", "TensorFlow.js");
          else cell(w, "tfjs", "needs SIMD", "failed");
        } else cell(w, "tfjs", "not run");
        const r = row(w);
        if (r && values.nasbook && values.tfjs) {
          // nasbook's figure over TensorFlow.js's: above 1 nasbook is faster.
          const ratio = values.nasbook.value / values.tfjs.value;
          const digits = ratio < 1 ? 2 : 1;
          const td = r.querySelector("td.ratio");
          td.textContent = ratio.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }) + "×";
          td.classList.toggle("behind", ratio < 1);
        }
      }
      status.textContent = "Done. Figures vary from run to run; a busy device gives lower ones.";
    } catch (e) {
      problem("The run stopped: " + ((e && e.message) || e));
      status.textContent = "Stopped.";
    } finally {
      again.disabled = false;
      finish();
    }
  }

  again.addEventListener("click", () => {
    if (worker) worker.terminate();
    worker = null;
    measure();
  });
  measure();
})();
