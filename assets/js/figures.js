// Page side of the figure worker (figure-worker.js, which runs wasm/figure): turns figure specs
// (application/vnd.nasbook.figure+json) into SVG. The worker starts on the first figure, so a
// notebook that never plots never downloads the plotting code.

import { FIGURE_MIME } from "./notebook.js";

/** True for a figure output that has no drawing yet (and no failed attempt). */
export function needsDrawing(o) {
  return !!(o && o.data && o.data[FIGURE_MIME] && o.data["image/svg+xml"] == null && !(o.metadata && o.metadata.nasbook && o.metadata.nasbook.figure_error));
}

/** The output with its drawing added, or with the reason it could not be drawn. */
export function withDrawing(o, svg, error) {
  if (error) return { ...o, metadata: { ...o.metadata, nasbook: { ...(o.metadata && o.metadata.nasbook), figure_error: error } } };
  return { ...o, data: { ...o.data, "image/svg+xml": svg } };
}

const WORKER_URL = new URL("./figure-worker.js", import.meta.url);

export class Figures {
  constructor() {
    this.worker = null;
    this.nextId = 1;
    this.waiting = new Map(); // id -> {resolve, reject}
  }

  _start() {
    const worker = new Worker(WORKER_URL);
    worker.onmessage = (e) => {
      const { id, svg, error } = e.data || {};
      const w = this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id);
      if (typeof svg === "string") w.resolve(svg);
      else w.reject(new Error(error || "the figure worker returned nothing"));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this._fail(new Error(`the figure worker failed: ${e.message || "could not load it"}`));
    };
    this.worker = worker;
  }

  // A dead worker fails every figure it owed; the next figure starts a fresh one.
  _fail(err) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  /** Resolves with the SVG text of spec (a JSON object), or rejects with the reason. */
  render(spec) {
    if (!this.worker) this._start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, spec: JSON.stringify(spec) });
    });
  }
}
