// nasbook page: puts together the notebook model (notebook.js), its view (notebook-view.js,
// cells.js), the kernel (kernel.js, runner.js, kernel-controls.js), the canvas (canvas-panel.js),
// saving and the history (saving.js, history-menu.js), documents, share links and lessons
// (documents.js, sharing.js, lessons.js), command mode (commands.js), offline use (offline.js)
// and the toolbar (toolbar.js), and exposes window.nasbook.
//
// Each part is a class that takes the App, through which it reaches the others (app.view,
// app.runner, ...); CellView (cells.js) calls the App's cell actions below.
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

import { Notebook, newCell } from "./notebook.js";
import { Kernel } from "./kernel.js";
import { outputsText, outputsError } from "./outputs.js";
import { Banners } from "./banners.js";
import * as storage from "./storage.js";
import { NotebookView } from "./notebook-view.js";
import { Runner } from "./runner.js";
import { KernelControls } from "./kernel-controls.js";
import { CanvasPanel } from "./canvas-panel.js";
import { Documents, DEFAULT_NAME } from "./documents.js";
import { Saving } from "./saving.js";
import { HistoryMenu } from "./history-menu.js";
import { Lessons, fetchDefault } from "./lessons.js";
import { Sharing } from "./sharing.js";
import { wireToolbar } from "./toolbar.js";
import { Commands } from "./commands.js";
import { Offline } from "./offline.js";
import { $ } from "./ui.js";

class App {
  constructor() {
    this.notebook = new Notebook();
    this.loaded = false; // a notebook is on the page (saving waits for it)
    this.cellsEl = $("#cells");
    this.topBar = $("#insert-top");
    this.banners = new Banners($("#banners"));
    this.kernelControls = new KernelControls(this);
    this.kernel = new Kernel(this.kernelControls.hooks());
    this.view = new NotebookView(this);
    this.runner = new Runner(this);
    this.canvasPanel = new CanvasPanel(this);
    this.documents = new Documents(this);
    this.saving = new Saving(this);
    this.history = new HistoryMenu(this);
    this.lessons = new Lessons(this);
    this.sharing = new Sharing(this);
    this.commands = new Commands(this);
    this.offline = new Offline(this);
    this.notebook.on((kind, cell) => this.onModel(kind, cell));
  }

  onModel(kind, cell) {
    if (kind === "structure") this.view.syncViews();
    else if (kind === "type") this.view.replaceView(cell);
    else if (cell) this.view.markDirty(cell);
    if (kind === "state" || kind === "structure") this.kernelControls.updateToolbar();
    this.saving.schedule();
  }

  // --- the cell actions CellView calls ---------------------------------------------------------

  setActive(cell) {
    this.view.setActive(cell);
  }
  insert(type, index, focus = true, source = "") {
    return this.view.insert(type, index, focus, source);
  }
  insertNear(cell, type, offset) {
    return this.view.insertNear(cell, type, offset);
  }
  remove(cell) {
    this.view.remove(cell);
  }
  move(cell, delta) {
    this.view.move(cell, delta);
  }
  setType(cell, type) {
    this.view.setType(cell, type);
  }
  onScene(scene, cell = null) {
    this.canvasPanel.show(scene, cell);
  }
  togglePause() {
    this.kernelControls.togglePause();
  }

  /** Runs (code) or renders (markdown) a cell; `after` is "stay", "advance" or "insert". */
  run(cell, after = "stay") {
    const view = this.view;
    const v = view.get(cell);
    let result;
    if (cell.type === "code") result = this.runner.execute(cell);
    else {
      if (cell.type === "markdown" && v) v.setEditing(false);
      result = Promise.resolve({ text: "", error: null });
    }
    const i = this.notebook.indexOf(cell.id);
    if (after === "advance") {
      // As in JupyterLab: the next cell is selected in command mode; at the end a new cell
      // is edited.
      const next = this.notebook.cells[i + 1];
      if (next) view.select(next);
      else view.insert("code", i + 1);
    } else if (after === "insert") {
      view.insert("code", i + 1);
    } else if (after === "stay" && cell.type === "markdown" && v) {
      v.el.focus();
    }
    return result;
  }

  // --- start ---------------------------------------------------------------------------------

  async boot() {
    this.kernelControls.wire();
    this.documents.wire();
    this.saving.wire();
    this.lessons.wire();
    this.sharing.wire();
    this.commands.wire();
    wireToolbar(this);
    this.history.render();
    this.kernel.start();
    const docs = this.documents;
    let done = false;
    if (this.sharing.inAddress()) done = await this.sharing.open(location.hash);
    if (!done) {
      const { record, error } = storage.loadSaved();
      if (record) {
        try {
          docs.replace(Notebook.parse(record.notebook), record.name || DEFAULT_NAME);
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
        docs.replace(await fetchDefault(), DEFAULT_NAME);
      } catch (e) {
        this.banners.show("error", `The default notebook could not be loaded (${e.message}). You can still write cells, or open a notebook file.`, { key: "default" });
        // Not saved until the reader edits it, so that a failed first load (a reload while
        // the default notebook was still downloading) does not replace the saved notebook.
        const nb = new Notebook();
        nb.cells = [newCell("code")];
        docs.replace(nb, "untitled.ipynb", { save: false });
        this.loaded = true;
        return;
      }
    }
    this.loaded = true;
    this.saving.saveNow();
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
        const cell = this.view.insert("code", this.notebook.cells.length, false, String(source));
        const v = this.view.get(cell);
        if (v) v.el.scrollIntoView({ block: "nearest" });
        return this.runner.execute(cell);
      },
      runAll: async () => {
        await booted;
        return this.runner.runAll();
      },
      stop: () => this.kernelControls.stop(),
      restart: () => this.kernelControls.restart(),
      notebook: () => this.notebook.toJSON(),
      cells: () => this.notebook.cells.map((c) => this.cellSummary(c)),
      load: (json, name = "notebook.ipynb") => this.documents.replace(Notebook.parse(json), name, { keepPrevious: true, reason: "a file", message: `Opened "${name}".` }),
      shareLink: () => this.sharing.link(),
      history: () => this.history.list(),
      restore: (i) => this.history.restore(i),
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
// Kept for offline use once the page has loaded what it needs.
app.booted
  .then(() => app.kernel.ready())
  .then(() => app.offline.start())
  .catch((e) => console.warn("offline copy:", e));
