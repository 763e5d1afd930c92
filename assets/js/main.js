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
//       notebook joins the history.
//   nasbook.shareLink() -> Promise<string>
//       A URL that opens the current notebook's sources (never its outputs); rejects when the
//       notebook is too large for a link.
//   nasbook.history() -> [{name, title, replacedAt, reason}]
//       The replaced notebooks of the History menu, newest first (replacedAt: ISO time).
//   nasbook.restore(index) -> boolean
//       Same as choosing history entry index in the History menu.
// ---------------------------------------------------------------------------------------------

import { Notebook, NotebookError, newCell, importOutput, notebookLanguage, SCENE_MIME, FIGURE_MIME } from "./notebook.js";
import { Kernel } from "./kernel.js";
import { CellView, autosize } from "./cells.js";
import { addOutput, outputsText, outputsError } from "./outputs.js";
import { CanvasBridge } from "./canvas.js";
import { Figures, needsDrawing, withDrawing } from "./figures.js";
import * as storage from "./storage.js";
import * as share from "./share.js";
import { Banners } from "./banners.js";
import { CanvasDock } from "./dock.js";

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

/** A notebook's title: its first markdown heading, or else its name. */
function notebookTitle(nb, name) {
  for (const c of nb.cells) {
    if (c.type !== "markdown") continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(c.source);
    if (m) return m[1].slice(0, 120);
  }
  return name;
}

/** Sets a toolbar button to a symbol and a label (the label gives way in narrow windows). */
function setIconButton(b, icon, label) {
  const span = document.createElement("span");
  span.className = "label";
  span.textContent = ` ${label}`;
  b.replaceChildren(icon, span);
  b.setAttribute("aria-label", label);
}

function formatWhen(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return sameDay ? `at ${time}` : `on ${date.toLocaleDateString()} at ${time}`;
}

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
    this.dock = new CanvasDock($("#layout"), $("#canvas-panel"), this.cellsEl);
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
    this.dock.place();
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

  /** Shows a scene on the canvas; cell is the cell that drew it (the canvas docks beside it). */
  onScene(scene, cell = null) {
    this.canvas.send(scene);
    const v = cell && this.views.get(cell.id);
    if (v) this.dock.setAnchor(v.el);
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
        if (out.data && out.data[SCENE_MIME] && typeof out.data[SCENE_MIME] === "object") this.onScene(out.data[SCENE_MIME], cell);
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
      setIconButton(b, "❚❚", "Pausing…");
      b.setAttribute("aria-pressed", "true");
    }
  }

  onKernelPaused(paused) {
    const b = $("#pause");
    if (paused) setIconButton(b, "▶", "Resume");
    else setIconButton(b, "❚❚", "Pause");
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

  /**
   * Replaces the notebook. With keepPrevious, the replaced one joins the history (restorable
   * from the History menu); reason says what replaced it ("a lesson", "a link", ...).
   */
  replaceNotebook(nb, name, { keepPrevious = false, reason = "", message = "", save = true } = {}) {
    for (const [id, p] of this.pending) {
      const cell = this.notebook.get(id);
      if (cell && cell.state === "queued") this.kernel.cancel(p.job, "not run: another notebook was opened");
    }
    let kept = null;
    if (keepPrevious) kept = this.keepInHistory(reason);
    this.active = null;
    this.notebook.replaceWith(nb);
    this.setName(name);
    if (save) this.saveNow(true);
    // The canvas shows what this notebook drew, not what the one before it did: it is cleared,
    // then shows the architecture the notebook's outputs last drew, if any.
    let scene = null;
    let drew = null;
    for (const c of nb.cells) {
      for (const o of c.outputs) {
        if (o.data && o.data[SCENE_MIME]) [scene, drew] = [o.data[SCENE_MIME], c];
        if (needsDrawing(o)) this.drawFigure(c, o);
      }
    }
    this.onCanvasSelected(-1, "");
    $("#canvas-caption").textContent = "";
    this.canvas.send(scene);
    this.dock.setAnchor(drew && this.views.get(drew.id) ? this.views.get(drew.id).el : null);
    this.banners.close("language");
    const lang = notebookLanguage(nb);
    if (lang && lang !== "go") {
      this.banners.show("notice", `This notebook is written for ${lang}; its code cells will run as Go.`, { key: "language" });
    }
    if (kept && kept.error) {
      this.banners.show("error", `The notebook you had open, "${kept.name}", could not be kept in the history (${kept.error}), so it cannot be restored from there.`, {
        key: "history",
        actions: [{ label: `Download "${kept.name}"`, run: () => this.downloadJSON(kept.notebook, kept.name) }],
      });
    }
    if (message || (kept && kept.ok)) {
      const actions = kept && kept.ok ? [{ label: "Restore the previous notebook", run: () => this.restoreHistory(0) }] : [];
      const more = kept && kept.ok ? " The one before is in the History menu." : "";
      this.banners.show("info", (message || "Notebook replaced.") + more, { key: "replaced", actions });
    }
    this.renderHistory();
    window.scrollTo(0, 0);
  }

  /** Puts the current notebook (or, before one is loaded, the saved one) into the history. */
  keepInHistory(reason) {
    let entry;
    if (this.loaded) {
      entry = { name: this.name, title: notebookTitle(this.notebook, this.name), notebook: this.notebook.toJSON() };
    } else {
      const { record } = storage.loadSaved();
      if (!record) return null;
      let title = record.name || DEFAULT_NAME;
      try {
        title = notebookTitle(Notebook.parse(record.notebook), title);
      } catch {
        // Listed by its name.
      }
      entry = { name: record.name || DEFAULT_NAME, title, notebook: record.notebook };
    }
    const now = new Date().toISOString();
    const problem = storage.pushHistory({ ...entry, savedAt: now, replacedAt: now, reason }, () => (this.loaded ? this.notebook.toJSON({ outputs: false }) : entry.notebook));
    if (problem === null || problem === "no-outputs") return { ok: true, error: null };
    return { ok: false, error: problem, name: entry.name, notebook: entry.notebook };
  }

  /** Opens history entry i (0 is the newest); the current notebook takes its place in it. */
  restoreHistory(i) {
    this.saveNow();
    const list = storage.loadHistory();
    const entry = list[i];
    if (!entry) {
      this.banners.show("error", "That notebook is no longer in the history.", { key: "replaced" });
      this.renderHistory();
      return false;
    }
    let nb;
    try {
      nb = Notebook.parse(entry.notebook);
    } catch (e) {
      this.banners.show("error", `The notebook "${entry.name}" in the history could not be read: ${e.message}. Your notebook was not changed.`, { key: "replaced" });
      return false;
    }
    storage.takeHistory(i);
    this.replaceNotebook(nb, entry.name || DEFAULT_NAME, { keepPrevious: true, reason: "a restore", message: `Restored "${entry.name}".` });
    return true;
  }

  /** Fills the History menu with the replaced notebooks, newest first. */
  renderHistory() {
    const list = $("#history-list");
    if (!list) return;
    const entries = storage.loadHistory();
    list.replaceChildren();
    $("#history-empty").hidden = entries.length > 0;
    entries.forEach((e, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "history-item";
      b.dataset.index = String(i);
      const title = document.createElement("span");
      title.className = "history-title";
      title.textContent = e.title || e.name || "untitled";
      const meta = document.createElement("span");
      meta.className = "history-meta";
      const when = e.replacedAt ? new Date(e.replacedAt) : null;
      const time = when && !isNaN(when) ? formatWhen(when) : "";
      meta.textContent = [e.name, time && `replaced ${time}`, e.reason && `by ${e.reason}`].filter(Boolean).join(" · ");
      b.append(title, meta);
      b.addEventListener("click", () => {
        $("#history-menu").open = false;
        this.restoreHistory(i);
      });
      li.append(b);
      list.append(li);
    });
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
    // What the last save ended in: a change is said once, not at every save.
    const was = this.lastSave;
    this.lastSave = problem === null ? "saved" : problem === "no-outputs" ? "partial" : "failed";
    if (problem === null) {
      status.textContent = "Saved";
      status.title = "Saved in this browser";
      status.dataset.state = "saved";
      this.banners.close("storage");
    } else if (problem === "no-outputs") {
      status.textContent = "Saved (sources only)";
      status.title = "The outputs are too large to keep in this browser; only the cells' sources are saved";
      status.dataset.state = "partial";
      if (was !== "partial") {
        this.banners.show("notice", "The outputs are too large to keep in this browser, so only the cells' sources are saved. Download the notebook to keep its outputs.", { key: "storage" });
      }
    } else {
      status.textContent = "Not saved";
      status.title = `Not saved: ${problem}`;
      status.dataset.state = "failed";
      // Said each time saving starts to fail, and stays until closed or a save succeeds.
      if (was !== "failed") {
        this.banners.show("error", `Your notebook was not saved: ${problem}. Download it to keep your work.`, {
          key: "storage",
          actions: [{ label: "Download", run: () => this.download() }],
        });
      }
    }
  }

  download() {
    this.downloadJSON(this.notebook.toJSON(), this.name);
  }

  downloadJSON(notebook, name) {
    const json = JSON.stringify(notebook, null, 1) + "\n";
    const blob = new Blob([json], { type: "application/x-ipynb+json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = /\.ipynb$/i.test(name) ? name : `${name}.ipynb`;
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
    this.replaceNotebook(nb, file.name, { keepPrevious: true, reason: "a file", message: `Opened "${file.name}".` });
    return true;
  }

  /** Replaces the notebook with an empty one; the current one joins the history. */
  newNotebook() {
    const nb = new Notebook();
    nb.cells = [newCell("code")];
    this.replaceNotebook(nb, "untitled.ipynb", { keepPrevious: true, reason: "a new notebook", message: "Started a new notebook." });
    const first = this.views.get(nb.cells[0].id);
    if (first) first.focusEditor();
  }

  async fetchDefault() {
    const resp = await fetch(DEFAULT_NOTEBOOK, { cache: "no-cache" });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    return Notebook.parse(await resp.text());
  }

  async resetToDefault() {
    const ok = window.confirm("Replace this notebook with the default lesson notebook?\n\nYour current notebook is kept in the History menu, from where it can be restored.");
    if (!ok) return;
    try {
      const nb = await this.fetchDefault();
      this.replaceNotebook(nb, DEFAULT_NAME, { keepPrevious: true, reason: "the default notebook", message: "Loaded the default notebook." });
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
      this.replaceNotebook(nb, name, { keepPrevious: true, reason: "a lesson", message: `Opened the lesson ${name}.` });
    } catch (e) {
      this.banners.show("error", `Could not open the lesson ${file} (${e.message}). Your notebook was not changed.`, { key: "open" });
    }
  }

  async shareLink() {
    const frag = await share.encodeShare(share.shareJSON(this.notebook, this.name));
    const url = new URL(location.href);
    url.hash = frag;
    return url.href;
  }

  async share() {
    let link;
    try {
      link = await this.shareLink();
    } catch (e) {
      this.banners.show("error", `Could not make a link: ${e.message}.`, { key: "share" });
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

  /**
   * Opens a notebook from a share-link hash. Returns true if it did; a link that cannot be read
   * opens nothing, says why, and leaves the current notebook as it is.
   */
  async openShared(hash) {
    let opened;
    try {
      opened = await share.openShareHash(hash);
    } catch (e) {
      const why = e instanceof share.ShareError || e instanceof NotebookError ? e.message : `it could not be read (${e.message})`;
      this.banners.show("error", `The notebook in this link was not opened: ${why}. Your notebook was not changed.`, { key: "share-open" });
      history.replaceState(null, "", location.pathname + location.search);
      return false;
    }
    history.replaceState(null, "", location.pathname + location.search);
    this.banners.close("share-open");
    const dropped = opened.droppedOutputs ? ` Its ${opened.droppedOutputs} outputs were left out: a link carries sources only.` : "";
    this.replaceNotebook(opened.notebook, opened.name, { keepPrevious: true, reason: "a link", message: `Opened "${opened.name}" from the link (the cells' sources; run them to see outputs).${dropped}` });
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
    $("#new-notebook").addEventListener("click", () => this.newNotebook());
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
      this.canvas.setPresentation(on);
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
      this.dock.place();
      requestAnimationFrame(() => this.relayout());
    };
    const floatButton = $("#canvas-float");
    const setFloat = (on) => {
      floatButton.textContent = on ? "Pin" : "Float";
      floatButton.setAttribute("aria-pressed", String(on));
      floatButton.title = on ? "Pin the canvas below the cell that drew on it" : "Float the canvas in a corner of the window";
      this.dock.setFloating(on);
    };
    setFloat(!!prefs.canvasFloat);
    floatButton.addEventListener("click", () => {
      prefs.canvasFloat = !prefs.canvasFloat;
      setFloat(prefs.canvasFloat);
      storage.savePrefs(prefs);
    });
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
    // Menus close on Escape or a click elsewhere, and one at a time.
    const menus = Array.from(document.querySelectorAll("details.menu"));
    document.addEventListener("click", (e) => {
      for (const m of menus) if (m.open && !m.contains(e.target)) m.open = false;
    });
    for (const m of menus) {
      m.addEventListener("keydown", (e) => {
        if (e.key === "Escape" && m.open) {
          m.open = false;
          m.querySelector("summary").focus();
        }
      });
      m.addEventListener("toggle", () => {
        if (!m.open) return;
        for (const o of menus) if (o !== m) o.open = false;
        if (m.id === "history-menu") this.renderHistory();
      });
    }
    // A choice in the Notebook menu closes it.
    $("#notebook-menu .menu-panel").addEventListener("click", (e) => {
      if (e.target.closest("button, label")) $("#notebook-menu").open = false;
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
      if (share.isShareHash(location.hash)) this.openShared(location.hash);
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
    this.renderHistory();
    this.kernel.start();
    let done = false;
    if (share.isShareHash(location.hash)) done = await this.openShared(location.hash);
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
      load: (json, name = "notebook.ipynb") => this.replaceNotebook(Notebook.parse(json), name, { keepPrevious: true, reason: "a file", message: `Opened "${name}".` }),
      shareLink: () => this.shareLink(),
      history: () => storage.loadHistory().map(({ name, title, replacedAt, reason }) => ({ name, title, replacedAt, reason })),
      restore: (i) => this.restoreHistory(i),
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
