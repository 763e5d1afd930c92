// nasbook page: wires the notebook model, the cell views, the kernel worker, the canvas iframe,
// storage and the toolbar, and exposes window.nasbook.
//
// ---------------------------------------------------------------------------------------------
// window.nasbook: for end-to-end tests and presenter scripts
//
//   nasbook.ready() -> Promise<void>
//       Resolves when the kernel can take cells (rejects if it failed to load).
//   nasbook.runCell(source) -> Promise<{text, error}>
//       Appends a code cell with `source` at the end, runs it after anything already queued, and
//       resolves when it finishes: `text` is the cell's stream output plus the text/plain of its
//       rich outputs (each ending in "\n"), in order, as shown (carriage returns applied);
//       `error` is "ename: evalue" followed by the traceback lines, joined by "\n", or null.
//       A cell that never ran (queue cleared by Stop) resolves with text "" and error "not run: ...".
//   nasbook.runAll() -> Promise<void>
//       Runs every code cell in order (an error does not stop the rest, as in Jupyter) and
//       resolves when all have finished. Markdown cells being edited are rendered.
//   nasbook.stop() -> Promise<void>
//       Same as the Stop button: if anything runs or waits, terminates the kernel, marks the
//       running cell as an error, returns queued cells to idle and starts a fresh kernel.
//       Resolves when the new kernel is ready (at once if nothing was running).
//   nasbook.restart() -> Promise<void>
//       Same as the Restart kernel button (always restarts).
//   nasbook.notebook() -> object
//       The current notebook as nbformat 4 JSON, with outputs.
//   nasbook.cells() -> [{type, source, state, text, error}]
//       type "code"|"markdown"|"raw"; state "idle"|"queued"|"running"|"done"|"error";
//       text and error as for runCell (for non-code cells: "" and null).
//   nasbook.load(notebookJSON, name?) -> void
//       Replaces the notebook (object or JSON text; throws on a malformed one). The replaced
//       notebook can be restored from the banner.
//   nasbook.shareLink() -> Promise<string>
//       A URL that opens the current notebook's sources.
// ---------------------------------------------------------------------------------------------

import { Notebook, NotebookError, newCell, importOutput, notebookLanguage, SCENE_MIME, FIGURE_MIME } from "./notebook.js";
import { Kernel } from "./kernel.js";
import { CellView, autosize } from "./cells.js";
import { addOutput, outputsText, outputsError } from "./outputs.js";
import { CanvasBridge } from "./canvas.js";
import { Figures, needsDrawing, withDrawing } from "./figures.js";
import * as storage from "./storage.js";
import { Banners } from "./banners.js";

const DEFAULT_NOTEBOOK = new URL("../notebooks/intro.ipynb", import.meta.url);
const LESSONS = new URL("../notebooks/lessons.json", import.meta.url);
const DEFAULT_NAME = "intro.ipynb";
const SAVE_DELAY_MS = 400;

const STOPPED = {
  ename: "Stopped",
  evalue: "the kernel was restarted, so variables from earlier cells are gone; run them again",
  traceback: [],
};

const STATUS_TEXT = {
  loading: "Loading kernel…",
  ready: "Kernel ready",
  busy: "Kernel busy",
  restarting: "Restarting kernel…",
  error: "Kernel unavailable",
};

const $ = (sel) => document.querySelector(sel);

function formatBytes(n) {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;
}

// ---------------------------------------------------------------------------------------------

class App {
  constructor() {
    this.notebook = new Notebook();
    this.views = new Map(); // cell id -> CellView
    this.pending = new Map(); // cell id -> {job, promise} while queued or running
    this.name = DEFAULT_NAME;
    this.active = null;
    this.loaded = false;
    this.dirty = new Set();
    this.raf = 0;
    this.saveTimer = 0;

    this.cellsEl = $("#cells");
    this.topBar = $("#insert-top");
    this.banners = new Banners($("#banners"));
    this.kernel = new Kernel({
      onStatus: (status, detail) => this.onKernelStatus(status, detail),
      onCrash: (message) => this.onKernelCrash(message),
      onLoadError: (message) => this.onKernelLoadError(message),
      onPaused: (paused) => this.onKernelPaused(paused),
    });
    this.canvas = new CanvasBridge($("#canvas"), {
      onReady: () => ($("#canvas-panel").dataset.ready = "true"),
      onDrawn: (kind, title) => this.onCanvasDrawn(kind, title),
      onSelected: (index, label) => this.onCanvasSelected(index, label),
    });
    $("#canvas-copy").addEventListener("click", () => this.copySelected());
    this.figures = new Figures();
    this.notebook.on((kind, cell) => this.onModel(kind, cell));
  }

  // --- model -> view -------------------------------------------------------------------------

  onModel(kind, cell) {
    if (kind === "structure") this.syncViews();
    else if (kind === "type") this.replaceView(cell);
    else if (cell) this.markDirty(cell);
    if (kind === "state" || kind === "structure") this.updateToolbar();
    this.scheduleSave();
  }

  markDirty(cell) {
    this.dirty.add(cell.id);
    if (!this.raf) {
      this.raf = requestAnimationFrame(() => {
        this.raf = 0;
        for (const id of this.dirty) {
          const v = this.views.get(id);
          if (v) v.update();
        }
        this.dirty.clear();
      });
    }
  }

  syncViews() {
    const cells = this.notebook.cells;
    const ids = new Set(cells.map((c) => c.id));
    for (const [id, v] of this.views) {
      if (!ids.has(id)) {
        v.el.remove();
        this.views.delete(id);
      }
    }
    const fresh = [];
    let prev = this.topBar;
    cells.forEach((cell, i) => {
      let v = this.views.get(cell.id);
      if (!v || v.cell !== cell) {
        if (v) v.el.remove();
        v = new CellView(cell, this);
        this.views.set(cell.id, v);
        fresh.push(v);
      }
      if (prev.nextElementSibling !== v.el) prev.after(v.el);
      prev = v.el;
      v.setIndex(i);
    });
    for (const v of fresh) v.layout();
    this.cellsEl.dataset.empty = cells.length ? "false" : "true";
  }

  replaceView(cell) {
    const old = this.views.get(cell.id);
    const v = new CellView(cell, this);
    this.views.set(cell.id, v);
    if (old) old.el.replaceWith(v.el);
    this.syncViews();
    v.layout();
    return v;
  }

  relayout() {
    for (const v of this.views.values()) v.layout();
  }

  // --- cell actions (also called by CellView) ------------------------------------------------

  setActive(cell) {
    if (this.active === cell) return;
    const old = this.active && this.views.get(this.active.id);
    if (old) old.el.classList.remove("active");
    this.active = cell;
    const v = this.views.get(cell.id);
    if (v) v.el.classList.add("active");
  }

  insert(type, index, focus = true, source = "") {
    const cell = this.notebook.insert(newCell(type, source), index);
    const v = this.views.get(cell.id);
    if (v && type === "markdown") v.setEditing(true);
    if (v && focus) {
      v.focusEditor();
      v.el.scrollIntoView({ block: "nearest" });
    }
    return cell;
  }

  insertNear(cell, type, offset) {
    const i = cell ? this.notebook.indexOf(cell.id) : -1;
    return this.insert(type, i < 0 ? this.notebook.cells.length : i + offset);
  }

  remove(cell) {
    this.cancelPending(cell);
    const removed = this.notebook.remove(cell.id);
    if (!removed) return;
    const next = this.notebook.cells[Math.min(removed.index, this.notebook.cells.length - 1)];
    if (next) this.views.get(next.id).el.focus();
    else this.topBar.querySelector("button").focus();
    this.banners.show("info", "Deleted a cell.", {
      key: "undo-delete",
      timeout: 10_000,
      actions: [
        {
          label: "Undo",
          run: () => {
            const c = removed.cell;
            if (c.state === "queued") c.state = "idle";
            this.notebook.insert(c, removed.index);
            this.views.get(c.id).focus();
          },
        },
      ],
    });
  }

  move(cell, delta) {
    const focused = document.activeElement;
    if (!this.notebook.move(cell.id, delta)) return;
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
    this.views.get(cell.id).el.scrollIntoView({ block: "nearest" });
  }

  setType(cell, type) {
    this.cancelPending(cell);
    this.notebook.setType(cell, type);
    const v = this.views.get(cell.id);
    if (v) {
      if (type === "markdown") v.setEditing(true);
      v.typeSelect.focus();
    }
  }

  focusSibling(cell, delta) {
    const i = this.notebook.indexOf(cell.id) + delta;
    const next = this.notebook.cells[i];
    if (next) this.views.get(next.id).focus();
  }

  onScene(scene) {
    this.canvas.send(scene);
  }

  /** Runs (code) or renders (markdown) a cell; `after` is "stay", "advance" or "insert". */
  run(cell, after = "stay") {
    const v = this.views.get(cell.id);
    let result;
    if (cell.type === "code") result = this.execute(cell);
    else {
      if (cell.type === "markdown" && v) v.setEditing(false);
      result = Promise.resolve({ text: "", error: null });
    }
    const i = this.notebook.indexOf(cell.id);
    if (after === "advance") {
      const next = this.notebook.cells[i + 1];
      if (next) this.views.get(next.id).focus();
      else this.insert("code", i + 1);
    } else if (after === "insert") {
      this.insert("code", i + 1);
    } else if (after === "stay" && cell.type === "markdown" && v) {
      v.el.focus();
    }
    return result;
  }

  cancelPending(cell) {
    const p = this.pending.get(cell.id);
    if (p && cell.state === "queued") this.kernel.cancel(p.job, "not run: the cell was removed from the queue");
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
        if (out.data && out.data[SCENE_MIME] && typeof out.data[SCENE_MIME] === "object") this.canvas.send(out.data[SCENE_MIME]);
        nb.setOutputs(cell, addOutput(cell.outputs, out));
        if (needsDrawing(out)) this.drawFigure(cell, out);
      },
      onFinish: (o) => {
        if (this.pending.get(cell.id) === entry) this.pending.delete(cell.id);
        if (cell.timing && !cell.timing.end) cell.timing.end = performance.now();
        let error = null;
        if (o.status === "cancelled") {
          cell.executionCount = countBefore;
          nb.setState(cell, "idle");
          this.markDirty(cell);
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
        if (index >= 0) this.announce(`Cell ${index + 1} ${o.status === "ok" ? "finished" : "failed"}.`);
        this.markDirty(cell);
        error = outputsError(cell.outputs);
        resolve({ text: outputsText(cell.outputs), error });
      },
    });
    return promise;
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

  runAll() {
    const runs = [];
    for (const cell of this.notebook.cells) {
      if (cell.type === "code") runs.push(this.execute(cell));
      else if (cell.type === "markdown") {
        const v = this.views.get(cell.id);
        if (v && v.editing) v.setEditing(false);
      }
    }
    return Promise.all(runs).then(() => undefined);
  }

  // --- canvas selection ----------------------------------------------------------------------

  onCanvasDrawn(kind, title) {
    // The selection lasts while its cell is shown; any other view ends it.
    if (kind !== "cell") this.onCanvasSelected(-1, "");
    $("#canvas-caption").textContent = this.selectedArch
      ? `#${this.selectedIndex}: ${this.selectedArch}`
      : title || kind || "";
  }

  /** A point of a chart on the canvas was clicked: offer its architecture for a cell. */
  onCanvasSelected(index, label) {
    this.selectedIndex = index;
    this.selectedArch = label || "";
    $("#canvas-copy").hidden = !this.selectedArch;
    if (this.selectedArch) $("#canvas-caption").textContent = `#${index}: ${label}`;
  }

  async copySelected() {
    const text = this.selectedArch;
    if (!text) return;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // No clipboard permission (an embedded page, an old browser): copy through a selection.
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.append(ta);
      ta.select();
      ok = document.execCommand("copy");
      ta.remove();
    }
    this.announce(ok ? `Copied ${text}` : `Could not copy; the architecture is ${text}`);
    $("#canvas-copy").textContent = ok ? "Copied" : "Copy failed";
    clearTimeout(this.copyTimer);
    this.copyTimer = setTimeout(() => ($("#canvas-copy").textContent = "Copy architecture"), 1500);
  }

  /** Tells screen-reader users what happened out of their sight. */
  announce(text) {
    const el = $("#announcer");
    el.textContent = "";
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => (el.textContent = text), 50);
  }

  // --- kernel --------------------------------------------------------------------------------

  onKernelStatus(status, detail) {
    const el = $("#kernel-status");
    el.dataset.status = status;
    let text = STATUS_TEXT[status] || status;
    if ((status === "loading" || status === "restarting") && detail.loaded) text += ` ${formatBytes(detail.loaded)}`;
    el.querySelector(".status-text").textContent = text;
    el.title = status === "error" && detail.message ? detail.message : text;
    if (status === "ready" || status === "busy") {
      const info = $("#kernel-info");
      info.textContent = (this.kernel.version ? `Go kernel ${this.kernel.version}` : "Go kernel") +
        (this.kernel.kernels ? ` · kernels: ${this.kernel.kernels}` : "");
      const pkgs = this.kernel.packages || [];
      info.title = pkgs.length ? `Packages a cell can import:\n${pkgs.join("\n")}` : "";
    }
    if (status === "ready") this.banners.close("kernel-error");
    this.updateToolbar();
  }

  onKernelCrash(message) {
    const first = String(message).split("\n")[0];
    this.banners.show("error", `The kernel crashed (${first}) and was restarted. Variables from earlier cells are gone; run them again.`, {
      key: "kernel-reset",
      actions: [{ label: "Run all", run: () => this.runAll() }],
    });
  }

  onKernelLoadError(message) {
    this.banners.show("error", `The kernel could not start: ${message}. Cells cannot run until it does.`, {
      key: "kernel-error",
      actions: [{ label: "Try again", run: () => this.restart(false).catch(() => {}) }],
    });
  }

  /** Pause button: pauses the running cell at its next yield point, or lets it go on. */
  togglePause() {
    if (!this.kernel.running) return;
    if (this.kernel.paused || this.kernel.pauseRequested) {
      this.kernel.resume();
      if (!this.kernel.paused) this.onKernelPaused(false);
    } else {
      this.kernel.pause();
      const b = $("#pause");
      b.textContent = "⏸ Pausing…";
      b.setAttribute("aria-pressed", "true");
    }
  }

  onKernelPaused(paused) {
    const b = $("#pause");
    b.textContent = paused ? "▶ Resume" : "⏸ Pause";
    b.setAttribute("aria-pressed", String(paused || !!this.kernel.pauseRequested));
    b.title = paused ? "Let the paused cell go on" : "Pause the running cell at its next progress update, canvas frame or printed line";
    // The running cell's badge says so; its next update (outputs resume) sets it back.
    const badge = document.querySelector('.cell[data-state="running"] .state-badge');
    if (badge) {
      badge.textContent = paused ? "paused" : "running";
      badge.dataset.paused = String(paused);
    }
    if (this.kernel.status === "busy") {
      $("#kernel-status .status-text").textContent = paused ? "Kernel paused" : STATUS_TEXT.busy;
    }
    if (paused) this.announce("Paused. Resume goes on; Stop ends the cell.");
    else if (this.kernel.running) this.announce("Resumed.");
    this.updateToolbar();
  }

  /** Stop button: kills a running cell by restarting the kernel. */
  stop() {
    if (!this.kernel.busy) return this.kernel.ready().catch(() => {});
    const ready = this.kernel.restart(STOPPED);
    this.banners.show("notice", "Stopped. The kernel was restarted, so its state was reset: variables from earlier cells are gone. Run those cells again.", {
      key: "kernel-reset",
      actions: [{ label: "Run all", run: () => this.runAll() }],
    });
    return ready.catch(() => {});
  }

  restart(notify = true) {
    const ready = this.kernel.restart(STOPPED);
    if (notify) {
      this.banners.show("notice", "Kernel restarted: its state was reset, so variables from earlier cells are gone.", {
        key: "kernel-reset",
        timeout: 15_000,
        actions: [{ label: "Run all", run: () => this.runAll() }],
      });
    }
    return ready;
  }

  updateToolbar() {
    $("#stop").disabled = !this.kernel.busy;
    $("#pause").disabled = !this.kernel.running;
  }

  // --- notebook files, storage, sharing --------------------------------------------------------

  setName(name) {
    this.name = name || DEFAULT_NAME;
    $("#notebook-name").value = this.name;
    document.title = `${this.name.replace(/\.ipynb$/, "")} · nasbook`;
  }

  /** Replaces the notebook. With keepPrevious, the replaced one can be restored from a banner. */
  replaceNotebook(nb, name, { keepPrevious = false, message = "", save = true } = {}) {
    for (const [id, p] of this.pending) {
      const cell = this.notebook.get(id);
      if (cell && cell.state === "queued") this.kernel.cancel(p.job, "not run: another notebook was opened");
    }
    let kept = false;
    if (keepPrevious && this.loaded) {
      this.saveNow();
      kept = storage.keepPrevious();
    } else if (keepPrevious) {
      kept = storage.keepPrevious();
    }
    this.active = null;
    this.notebook.replaceWith(nb);
    this.setName(name);
    if (save) this.saveNow(true);
    // Show the architecture the notebook's outputs last drew, and draw figures saved as specs.
    let scene = null;
    for (const c of nb.cells) {
      for (const o of c.outputs) {
        if (o.data && o.data[SCENE_MIME]) scene = o.data[SCENE_MIME];
        if (needsDrawing(o)) this.drawFigure(c, o);
      }
    }
    if (scene) this.canvas.send(scene);
    this.banners.close("language");
    const lang = notebookLanguage(nb);
    if (lang && lang !== "go") {
      this.banners.show("notice", `This notebook is written for ${lang}; its code cells will run as Go.`, { key: "language" });
    }
    if (message || kept) {
      const actions = kept ? [{ label: "Restore the previous notebook", run: () => this.restorePrevious() }] : [];
      this.banners.show("info", message || "Notebook replaced.", { key: "replaced", actions, timeout: kept ? 0 : 8000 });
    }
    window.scrollTo(0, 0);
  }

  restorePrevious() {
    this.saveNow();
    const record = storage.swapPrevious();
    if (!record) {
      this.banners.show("error", "There is no previous notebook to restore.", { key: "replaced" });
      return;
    }
    try {
      const nb = Notebook.parse(record.notebook);
      this.replaceNotebook(nb, record.name);
      this.banners.show("info", "Restored the previous notebook.", {
        key: "replaced",
        actions: [{ label: "Switch back", run: () => this.restorePrevious() }],
      });
    } catch (e) {
      this.banners.show("error", `The previous notebook could not be read: ${e.message}`, { key: "replaced" });
    }
  }

  scheduleSave() {
    if (!this.loaded) return;
    clearTimeout(this.saveTimer);
    const status = $("#save-status");
    if (status.dataset.state !== "saving") {
      status.dataset.state = "saving";
      status.textContent = "Saving…";
    }
    this.saveTimer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  saveNow(force = false) {
    clearTimeout(this.saveTimer);
    this.saveTimer = 0;
    if (!this.loaded && !force) return;
    const problem = storage.save(this.name, this.notebook.toJSON(), () => this.notebook.toJSON({ outputs: false }));
    const status = $("#save-status");
    if (problem === null) {
      status.textContent = "Saved in this browser";
      status.dataset.state = "saved";
      this.banners.close("storage");
    } else if (problem === "no-outputs") {
      status.textContent = "Saved (sources only)";
      status.dataset.state = "partial";
      if (!this.warnedStorage) {
        this.warnedStorage = true;
        this.banners.show("notice", "The outputs are too large to keep in this browser, so only the cells' sources are saved. Download the notebook to keep its outputs.", { key: "storage" });
      }
    } else {
      status.textContent = "Not saved";
      status.dataset.state = "failed";
      if (!this.warnedStorage) {
        this.warnedStorage = true;
        this.banners.show("error", `This browser did not let the notebook be saved (${problem}). Download it to keep your work.`, { key: "storage" });
      }
    }
  }

  download() {
    const json = JSON.stringify(this.notebook.toJSON(), null, 1) + "\n";
    const blob = new Blob([json], { type: "application/x-ipynb+json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = /\.ipynb$/i.test(this.name) ? this.name : `${this.name}.ipynb`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  async openFile(file) {
    let nb;
    try {
      if (file.size > 50 * 1024 * 1024) throw new NotebookError("it is larger than 50 MB");
      nb = Notebook.parse(await file.text());
    } catch (e) {
      const why = e instanceof NotebookError ? e.message : `it could not be read (${e.message})`;
      this.banners.show("error", `Could not open "${file.name}": ${why}. Your notebook was not changed.`, { key: "open" });
      return false;
    }
    this.banners.close("open");
    this.replaceNotebook(nb, file.name, { keepPrevious: true, message: `Opened "${file.name}".` });
    return true;
  }

  async fetchDefault() {
    const resp = await fetch(DEFAULT_NOTEBOOK, { cache: "no-cache" });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    return Notebook.parse(await resp.text());
  }

  async resetToDefault() {
    const ok = window.confirm("Replace this notebook with the default lesson notebook?\n\nYour current notebook is kept once and can be restored from the banner that follows.");
    if (!ok) return;
    try {
      const nb = await this.fetchDefault();
      this.replaceNotebook(nb, DEFAULT_NAME, { keepPrevious: true, message: "Loaded the default notebook." });
    } catch (e) {
      this.banners.show("error", `Could not load the default notebook (${e.message}). Your notebook was not changed.`, { key: "open" });
    }
  }

  /** Fills the Lessons menu from assets/notebooks/lessons.json. */
  async wireLessons() {
    const select = $("#lessons");
    let lessons = [];
    try {
      const resp = await fetch(LESSONS, { cache: "no-cache" });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      lessons = await resp.json();
    } catch (e) {
      select.disabled = true;
      select.title = `No lessons: ${e.message}`;
      return;
    }
    for (const l of lessons) {
      const o = document.createElement("option");
      o.value = l.file;
      o.textContent = l.title;
      select.append(o);
    }
    select.addEventListener("change", async () => {
      const file = select.value;
      select.value = "";
      if (file) await this.openLesson(file);
    });
  }

  /** Replaces the notebook with a lesson; the current one stays restorable from the banner. */
  async openLesson(file) {
    try {
      const resp = await fetch(new URL(file, LESSONS), { cache: "no-cache" });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const nb = Notebook.parse(await resp.text());
      const name = file.split("/").pop();
      this.replaceNotebook(nb, name, { keepPrevious: true, message: `Opened the lesson ${name}.` });
    } catch (e) {
      this.banners.show("error", `Could not open the lesson ${file} (${e.message}). Your notebook was not changed.`, { key: "open" });
    }
  }

  /** The share link's notebook: sources and metadata only. */
  shareJSON() {
    const full = this.notebook.toJSON({ outputs: false });
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: full.metadata.kernelspec, nasbook: { name: this.name } },
      cells: this.notebook.cells.map((c) => (c.type === "code" ? { cell_type: c.type, source: c.source, metadata: {}, outputs: [], execution_count: null } : { cell_type: c.type, source: c.source, metadata: {} })),
    };
  }

  async shareLink() {
    const frag = await storage.encodeShare(this.shareJSON());
    const url = new URL(location.href);
    url.hash = frag;
    return url.href;
  }

  async share() {
    let link;
    try {
      link = await this.shareLink();
    } catch (e) {
      this.banners.show("error", `Could not make a link: ${e.message}`, { key: "share" });
      return;
    }
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false;
    }
    const wrap = document.createElement("span");
    wrap.className = "share-box";
    const label = document.createElement("label");
    label.textContent = copied ? "Link copied. It holds the cells' sources (not outputs): " : "Copy this link. It holds the cells' sources (not outputs): ";
    const input = document.createElement("input");
    input.type = "text";
    input.readOnly = true;
    input.value = link;
    input.className = "share-link";
    input.setAttribute("aria-label", "Share link");
    label.append(input);
    wrap.append(label);
    if (link.length > 32_000) wrap.append(" (This link is long; some chat tools cut long links. Download the notebook instead if it does not open.)");
    this.banners.show("info", wrap, {
      key: "share",
      actions: [
        {
          label: "Copy",
          keep: true,
          run: () => {
            input.select();
            navigator.clipboard.writeText(link).catch(() => document.execCommand("copy"));
          },
        },
      ],
    });
    input.focus();
    input.select();
  }

  /** Opens a notebook from a share-link hash. Returns true if it did. */
  async openShared(hash) {
    let nb;
    try {
      nb = Notebook.parse(await storage.decodeShare(hash));
    } catch (e) {
      const why = e instanceof NotebookError ? `it is not a valid notebook (${e.message})` : e.message;
      this.banners.show("error", `The notebook in this link could not be opened: ${why}.`, { key: "share-open" });
      history.replaceState(null, "", location.pathname + location.search);
      return false;
    }
    history.replaceState(null, "", location.pathname + location.search);
    const name = (nb.metadata && nb.metadata.nasbook && nb.metadata.nasbook.name) || "shared.ipynb";
    this.replaceNotebook(nb, name, { keepPrevious: true, message: "Opened the notebook from the link." });
    return true;
  }

  // --- start ---------------------------------------------------------------------------------

  wireToolbar() {
    $("#run-all").addEventListener("click", () => this.runAll());
    $("#stop").addEventListener("click", () => this.stop());
    $("#pause").addEventListener("click", () => this.togglePause());
    $("#restart").addEventListener("click", () => this.restart());
    $("#add-code").addEventListener("click", () => this.insertNear(this.active, "code", +1));
    $("#add-markdown").addEventListener("click", () => this.insertNear(this.active, "markdown", +1));
    this.topBar.querySelector(".add-code").addEventListener("click", () => this.insert("code", 0));
    this.topBar.querySelector(".add-markdown").addEventListener("click", () => this.insert("markdown", 0));
    $("#download").addEventListener("click", () => this.download());
    $("#share").addEventListener("click", () => this.share());
    $("#reset").addEventListener("click", () => this.resetToDefault());
    this.wireLessons();
    const open = $("#open");
    open.addEventListener("change", async () => {
      const file = open.files && open.files[0];
      open.value = "";
      if (file) await this.openFile(file);
    });
    const upload = $("#upload");
    upload.addEventListener("change", async () => {
      const files = Array.from(upload.files || []);
      upload.value = "";
      for (const file of files) {
        this.kernel.upload(file.name, new Uint8Array(await file.arrayBuffer()));
      }
      if (files.length > 0) {
        const names = files.map((f) => f.name).join(", ");
        this.banners.show("notice", `Uploaded ${names}: cells read each with nb.UploadedFile("${files[0].name}").`, { key: "upload" });
      }
    });
    const name = $("#notebook-name");
    name.addEventListener("change", () => {
      this.setName(name.value.trim());
      this.scheduleSave();
    });

    const prefs = storage.loadPrefs();
    const presentation = $("#presentation");
    const setPresentation = (on) => {
      document.documentElement.classList.toggle("presentation", on);
      presentation.setAttribute("aria-pressed", String(on));
      requestAnimationFrame(() => this.relayout());
    };
    setPresentation(!!prefs.presentation);
    presentation.addEventListener("click", () => {
      prefs.presentation = presentation.getAttribute("aria-pressed") !== "true";
      setPresentation(prefs.presentation);
      storage.savePrefs(prefs);
    });
    const canvasToggle = $("#toggle-canvas");
    const setCanvas = (hidden) => {
      $("#layout").dataset.canvas = hidden ? "hidden" : "shown";
      canvasToggle.setAttribute("aria-pressed", String(!hidden));
      requestAnimationFrame(() => this.relayout());
    };
    setCanvas(!!prefs.canvasHidden);
    canvasToggle.addEventListener("click", () => {
      prefs.canvasHidden = !prefs.canvasHidden;
      setCanvas(prefs.canvasHidden);
      storage.savePrefs(prefs);
    });

    document.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        this.saveNow();
      }
    });
    window.addEventListener("pagehide", () => this.saveNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.saveNow();
    });
    // The shortcut list closes like a menu: Escape, or a click elsewhere.
    const help = document.querySelector(".help");
    document.addEventListener("click", (e) => {
      if (help.open && !help.contains(e.target)) help.open = false;
    });
    help.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && help.open) {
        help.open = false;
        help.querySelector("summary").focus();
      }
    });
    // Dropping a .ipynb anywhere on the page opens it.
    document.addEventListener("dragover", (e) => {
      if (e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files")) {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }
    });
    document.addEventListener("drop", (e) => {
      const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      this.openFile(file);
    });
    window.addEventListener("storage", (e) => {
      if (e.key !== storage.NOTEBOOK_KEY || !this.loaded) return;
      this.banners.show("notice", "This notebook was changed in another tab of this browser. Both tabs save to the same place, so the one that saves last wins: keep working in one tab.", { key: "other-tab" });
    });
    window.addEventListener("hashchange", () => {
      if (storage.isShareHash(location.hash)) this.openShared(location.hash);
    });
    const topbar = document.querySelector(".topbar");
    new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-h", `${topbar.offsetHeight}px`)).observe(topbar);
    let resizeTimer = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.relayout(), 100);
    });
  }

  async boot() {
    this.wireToolbar();
    this.kernel.start();
    let done = false;
    if (storage.isShareHash(location.hash)) done = await this.openShared(location.hash);
    if (!done) {
      const { record, error } = storage.loadSaved();
      if (record) {
        try {
          this.replaceNotebook(Notebook.parse(record.notebook), record.name || DEFAULT_NAME);
          done = true;
        } catch (e) {
          this.banners.show("notice", `The notebook saved in this browser could not be read (${e.message}); the default notebook was loaded instead.`, { key: "restore" });
        }
      } else if (error) {
        this.banners.show("notice", `The notebook saved in this browser could not be read (${error}); the default notebook was loaded instead.`, { key: "restore" });
      }
    }
    if (!done) {
      try {
        this.replaceNotebook(await this.fetchDefault(), DEFAULT_NAME);
      } catch (e) {
        this.banners.show("error", `The default notebook could not be loaded (${e.message}). You can still write cells, or open a notebook file.`, { key: "default" });
        // Not saved until the reader edits it, so that a failed first load (a reload while
        // the default notebook was still downloading) does not replace the saved notebook.
        const nb = new Notebook();
        nb.cells = [newCell("code")];
        this.replaceNotebook(nb, "untitled.ipynb", { save: false });
        this.loaded = true;
        return;
      }
    }
    this.loaded = true;
    this.saveNow();
  }

  // --- API -----------------------------------------------------------------------------------

  cellSummary(cell) {
    const code = cell.type === "code";
    return {
      type: cell.type,
      source: cell.source,
      state: cell.state,
      text: code ? outputsText(cell.outputs) : "",
      error: code ? outputsError(cell.outputs) : null,
    };
  }

  api() {
    const booted = this.booted;
    return Object.freeze({
      ready: async () => {
        await booted;
        await this.kernel.ready();
      },
      runCell: async (source) => {
        await booted;
        const cell = this.insert("code", this.notebook.cells.length, false, String(source));
        const v = this.views.get(cell.id);
        if (v) v.el.scrollIntoView({ block: "nearest" });
        return this.execute(cell);
      },
      runAll: async () => {
        await booted;
        return this.runAll();
      },
      stop: () => this.stop(),
      restart: () => this.restart(),
      notebook: () => this.notebook.toJSON(),
      cells: () => this.notebook.cells.map((c) => this.cellSummary(c)),
      load: (json, name = "notebook.ipynb") => this.replaceNotebook(Notebook.parse(json), name, { keepPrevious: true, message: `Opened "${name}".` }),
      shareLink: () => this.shareLink(),
    });
  }
}

const app = new App();
app.booted = app
  .boot()
  .catch((e) => {
    console.error(e);
    app.banners.show("error", `The notebook could not start: ${e.message}`);
  })
  .finally(() => (document.documentElement.dataset.loaded = "true"));
window.nasbook = app.api();
