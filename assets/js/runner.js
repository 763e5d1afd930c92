// Running cells: queues code cells on the kernel (kernel.js speaks its message protocol),
// turns what comes back into the model cell's outputs and state, and has the figure worker
// draw the figures among them.
import { importOutput, SCENE_MIME, FIGURE_MIME } from "./notebook.js";
import { addOutput, outputsText, outputsError } from "./outputs.js";
import { Figures, needsDrawing, withDrawing } from "./figures.js";
import { announce } from "./ui.js";

export class Runner {
  /** @param app  {notebook, kernel, view, canvasPanel} */
  constructor(app) {
    this.app = app;
    this.notebook = app.notebook;
    this.kernel = app.kernel;
    this.pending = new Map(); // cell id -> {job, promise} while queued or running
    this.figures = new Figures();
  }

  /** Takes a queued cell off the kernel's queue (a running one goes on). */
  cancelPending(cell, reason = "not run: the cell was removed from the queue") {
    const p = this.pending.get(cell.id);
    if (p && cell.state === "queued") this.kernel.cancel(p.job, reason);
  }

  /** Takes every queued cell off the queue. */
  cancelQueued(reason) {
    for (const [id, p] of this.pending) {
      const cell = this.notebook.get(id);
      if (cell && cell.state === "queued") this.kernel.cancel(p.job, reason);
    }
  }

  /** Queues a code cell on the kernel. Resolves with {text, error} when it has finished. */
  execute(cell) {
    // Running or waiting already: one run at a time per cell (a second Shift+Enter is not a
    // second run).
    const existing = this.pending.get(cell.id);
    if (existing) return existing.promise;
    const nb = this.notebook;
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    const countBefore = cell.executionCount;
    nb.setState(cell, "queued");
    const entry = { job: null, promise };
    this.pending.set(cell.id, entry);
    entry.job = this.kernel.run(cell.source, {
      onStart: () => {
        cell.timing = { start: performance.now() };
        nb.setOutputs(cell, []);
        nb.setState(cell, "running");
      },
      onOutput: (raw) => {
        let out;
        try {
          out = importOutput(raw, "kernel output");
        } catch (e) {
          out = { output_type: "error", ename: "ProtocolError", evalue: e.message, traceback: [] };
        }
        if (out.data && out.data[SCENE_MIME] && typeof out.data[SCENE_MIME] === "object") this.app.canvasPanel.show(out.data[SCENE_MIME], cell);
        nb.setOutputs(cell, addOutput(cell.outputs, out));
        if (needsDrawing(out)) this.drawFigure(cell, out);
      },
      onFinish: (o) => {
        if (this.pending.get(cell.id) === entry) this.pending.delete(cell.id);
        if (cell.timing && !cell.timing.end) cell.timing.end = performance.now();
        if (o.status === "cancelled") {
          cell.executionCount = countBefore;
          nb.setState(cell, "idle");
          this.app.view.markDirty(cell);
          resolve({ text: "", error: o.reason });
          return;
        }
        if (o.status === "killed") {
          nb.setOutputs(cell, addOutput(cell.outputs, { output_type: "error", ...o.error }));
        } else if (o.status === "error" && o.reason) {
          // The kernel never took it (it failed to start).
          nb.setOutputs(cell, addOutput(cell.outputs, { output_type: "error", ename: "KernelError", evalue: o.reason, traceback: [] }));
        } else if (o.status === "error" && !cell.outputs.some((x) => x.output_type === "error")) {
          nb.setOutputs(cell, addOutput(cell.outputs, { output_type: "error", ename: "Error", evalue: "the cell failed", traceback: [] }));
        }
        if (o.executionCount != null) cell.executionCount = o.executionCount;
        nb.setState(cell, o.status === "ok" ? "done" : "error");
        const index = nb.indexOf(cell.id);
        if (index >= 0) announce(`Cell ${index + 1} ${o.status === "ok" ? "finished" : "failed"}.`);
        this.app.view.markDirty(cell);
        resolve({ text: outputsText(cell.outputs), error: outputsError(cell.outputs) });
      },
    });
    return promise;
  }

  /** Runs every code cell in order and renders markdown being edited; resolves when all finished. */
  runAll() {
    const runs = [];
    for (const cell of this.notebook.cells) {
      if (cell.type === "code") runs.push(this.execute(cell));
      else if (cell.type === "markdown") {
        const v = this.app.view.get(cell);
        if (v && v.editing) v.setEditing(false);
      }
    }
    return Promise.all(runs).then(() => undefined);
  }

  /** Has the figure worker draw a figure output, then puts the SVG into the output itself. */
  drawFigure(cell, out) {
    const settle = (svg, error) => {
      const i = cell.outputs.indexOf(out);
      if (i < 0) return; // the cell ran again or was cleared meanwhile
      const list = cell.outputs.slice();
      list[i] = withDrawing(out, svg, error);
      this.notebook.setOutputs(cell, list);
    };
    this.figures.render(out.data[FIGURE_MIME]).then(
      (svg) => settle(svg, null),
      (e) => settle(null, e.message || String(e)),
    );
  }

  /** Draws every figure of a notebook's outputs that has no drawing yet (after opening one). */
  drawFigures(nb) {
    for (const c of nb.cells) for (const o of c.outputs) if (needsDrawing(o)) this.drawFigure(c, o);
  }
}
