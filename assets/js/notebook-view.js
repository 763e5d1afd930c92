// The notebook's cells on the page: one CellView per model cell, kept in the model's order,
// redrawn once per frame for the cells that changed; the active cell and the selection of
// command mode; and the edits that move focus with them (insert, delete, cut, paste, merge,
// change type, with undo).
//
// The model (notebook.js) knows nothing of the DOM; this module follows its events and never
// changes a cell's contents itself.
import { newCell } from "./notebook.js";
import { CellView } from "./cells.js";

// How many structural edits Z can undo.
const UNDO_DEPTH = 50;

export class NotebookView {
  /**
   * @param app  {notebook, banners, canvasPanel, cellsEl, topBar, runner} and the controller that
   *             CellView calls (see cells.js)
   */
  constructor(app) {
    this.app = app;
    this.notebook = app.notebook;
    this.cellsEl = app.cellsEl;
    this.topBar = app.topBar;
    this.views = new Map(); // cell id -> CellView
    this.active = null; // the cell the keyboard works on
    this.anchor = null; // where a selection extended with Shift+arrows starts
    this.undoStack = []; // functions that undo a structural edit, newest last
    this.clipboard = null; // cells copied with C or X
    this.dirty = new Set();
    this.raf = 0;
  }

  /** The view of a cell (by the cell or its id), or undefined. */
  get(cell) {
    return this.views.get(typeof cell === "string" ? cell : cell.id);
  }

  // --- model -> view -------------------------------------------------------------------------

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
        v.destroy();
        this.views.delete(id);
      }
    }
    const fresh = [];
    let prev = this.topBar;
    cells.forEach((cell, i) => {
      let v = this.views.get(cell.id);
      if (!v || v.cell !== cell) {
        if (v) v.destroy();
        v = new CellView(cell, this.app);
        this.views.set(cell.id, v);
        fresh.push(v);
      }
      if (prev.nextElementSibling !== v.el) prev.after(v.el);
      prev = v.el;
      v.setIndex(i);
    });
    for (const v of fresh) v.layout();
    this.cellsEl.dataset.empty = cells.length ? "false" : "true";
    if (this.active && !ids.has(this.active.id)) this.active = this.anchor = null;
    if (this.active) this.views.get(this.active.id).el.classList.add("active");
    this.markSelection();
    this.app.canvasPanel.dock.place();
  }

  replaceView(cell) {
    const old = this.views.get(cell.id);
    const v = new CellView(cell, this.app);
    this.views.set(cell.id, v);
    if (old) {
      old.el.replaceWith(v.el);
      old.destroy();
    }
    this.syncViews();
    v.layout();
    return v;
  }

  relayout() {
    for (const v of this.views.values()) v.layout();
  }

  // --- selection ---------------------------------------------------------------------------
  // The active cell is the one the keyboard works on; in command mode Shift+arrows extend a
  // selection from an anchor to it. Structural commands act on every selected cell.

  setActive(cell) {
    if (this.active === cell) return;
    this.anchor = cell;
    this.moveActive(cell);
  }

  moveActive(cell) {
    const old = this.active && this.views.get(this.active.id);
    if (old) old.el.classList.remove("active");
    this.active = cell;
    const v = cell && this.views.get(cell.id);
    if (v) v.el.classList.add("active");
    this.markSelection();
  }

  /** The selected cells in the notebook's order: from the anchor to the active cell. */
  selection() {
    const cells = this.notebook.cells;
    const a = this.active ? cells.indexOf(this.active) : -1;
    if (a < 0) return [];
    const b = this.anchor ? cells.indexOf(this.anchor) : -1;
    if (b < 0) return [this.active];
    return cells.slice(Math.min(a, b), Math.max(a, b) + 1);
  }

  markSelection() {
    const sel = this.selection();
    const ids = new Set(sel.length > 1 ? sel.map((c) => c.id) : []);
    for (const [id, v] of this.views) v.el.classList.toggle("selected", ids.has(id));
  }

  /** Selects a cell in command mode (focus on the cell, not its editor); extend keeps the anchor. */
  select(cell, extend = false) {
    if (!cell) return;
    if (!extend || !this.anchor) this.anchor = cell;
    this.moveActive(cell);
    const v = this.views.get(cell.id);
    if (v) {
      v.el.focus({ preventScroll: true });
      v.el.scrollIntoView({ block: "nearest" });
    }
  }

  // --- edits ---------------------------------------------------------------------------------

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

  /** Deletes a cell; a banner, and Z in command mode, undo it. */
  remove(cell) {
    this.removeCells([cell]);
  }

  /** Deletes cells, selects the one after them, and keeps the deletion for undo. */
  removeCells(cells, what = "Deleted") {
    const removed = [];
    for (const cell of cells) {
      this.app.runner.cancelPending(cell);
      const r = this.notebook.remove(cell.id);
      if (r) removed.push(r);
    }
    if (!removed.length) return;
    // Put back in reverse order, each at the index it had when it went.
    this.pushUndo(() => {
      for (const { cell: c, index } of removed.slice().reverse()) {
        if (c.state === "queued") c.state = "idle";
        this.notebook.insert(c, index);
      }
      return removed.map((r) => r.cell);
    });
    const at = Math.min(removed[removed.length - 1].index, this.notebook.cells.length - 1);
    const next = this.notebook.cells[at];
    if (next) this.select(next);
    else this.topBar.querySelector("button").focus();
    const n = removed.length;
    this.app.banners.show("info", `${what} ${n === 1 ? "a cell" : `${n} cells`}.`, {
      key: "undo-delete",
      timeout: 10_000,
      actions: [{ label: "Undo", run: () => this.undo() }],
    });
  }

  /** Keeps a structural edit for undo: restore puts it back and returns the cells to select. */
  pushUndo(restore) {
    this.undoStack.push(restore);
    if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
  }

  /** Undoes the last deletion, cut, merge or paste (Z); returns whether there was one. */
  undo() {
    const restore = this.undoStack.pop();
    if (!restore) return false;
    this.app.banners.close("undo-delete");
    const cells = restore().filter((c) => this.notebook.indexOf(c.id) >= 0);
    if (cells.length) {
      this.select(cells[0]);
      this.select(cells[cells.length - 1], true);
    }
    return true;
  }

  move(cell, delta) {
    const focused = document.activeElement;
    if (!this.notebook.move(cell.id, delta)) return;
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
    this.views.get(cell.id).el.scrollIntoView({ block: "nearest" });
  }

  setType(cell, type) {
    this.app.runner.cancelPending(cell);
    this.notebook.setType(cell, type);
    const v = this.views.get(cell.id);
    if (v) {
      if (type === "markdown") v.setEditing(true);
      v.typeSelect.focus();
    }
  }

  /** Changes the selected cells' type, staying in command mode. */
  setSelectionType(type) {
    const sel = this.selection();
    const active = this.active;
    const anchor = this.anchor;
    for (const cell of sel) {
      if (cell.type === type) continue;
      this.app.runner.cancelPending(cell);
      this.notebook.setType(cell, type);
      const v = this.views.get(cell.id);
      if (v && type === "markdown") v.setEditing(true);
    }
    this.anchor = anchor;
    this.active = null;
    this.select(active, true);
  }

  /** Copies the selected cells (sources, outputs and metadata) for V. */
  copySelection() {
    const sel = this.selection();
    if (sel.length) this.clipboard = sel.map((c) => structuredClone({ type: c.type, source: c.source, outputs: c.outputs, executionCount: c.executionCount, metadata: c.metadata }));
    return sel;
  }

  /** Pastes the copied cells below (offset 1) or above (0) the active cell, selected. */
  paste(offset) {
    if (!this.clipboard || !this.clipboard.length) return;
    let i = this.active ? this.notebook.indexOf(this.active.id) + offset : this.notebook.cells.length;
    if (i < 0) i = this.notebook.cells.length;
    const pasted = [];
    for (const c of this.clipboard) {
      const cell = Object.assign(newCell(c.type, c.source), structuredClone({ outputs: c.outputs, executionCount: c.executionCount, metadata: c.metadata }));
      this.notebook.insert(cell, i++);
      pasted.push(cell);
    }
    this.pushUndo(() => {
      for (const c of pasted) this.notebook.remove(c.id);
      return this.active && this.notebook.indexOf(this.active.id) >= 0 ? [this.active] : this.notebook.cells.slice(0, 1);
    });
    this.select(pasted[0]);
    this.select(pasted[pasted.length - 1], true);
  }

  /**
   * Merges the selected cells into the first of them, sources joined by a blank line (one
   * selected cell merges with the one below), as JupyterLab's Shift+M does. Outputs go.
   */
  mergeSelection() {
    let sel = this.selection();
    if (sel.length === 1) {
      const next = this.notebook.cells[this.notebook.indexOf(sel[0].id) + 1];
      if (!next) return;
      sel = [sel[0], next];
    }
    if (sel.length < 2) return;
    const [first, ...rest] = sel;
    const before = { source: first.source, outputs: first.outputs, executionCount: first.executionCount };
    const removed = [];
    for (const c of rest) {
      this.app.runner.cancelPending(c);
      removed.push(this.notebook.remove(c.id));
    }
    this.app.runner.cancelPending(first);
    this.notebook.setSource(first, sel.map((c) => c.source).join("\n\n"));
    if (first.type === "code") {
      first.executionCount = null;
      this.notebook.setOutputs(first, []);
    }
    this.pushUndo(() => {
      this.notebook.setSource(first, before.source);
      first.executionCount = before.executionCount;
      this.notebook.setOutputs(first, before.outputs);
      for (const { cell: c, index } of removed.slice().reverse()) this.notebook.insert(c, index);
      return sel;
    });
    this.select(first);
  }
}
