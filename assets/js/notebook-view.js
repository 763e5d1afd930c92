// The notebook's cells on the page: one CellView per model cell, kept in the model's order,
// redrawn once per frame for the cells that changed, and the edits that move focus with
// them (insert, delete with undo, move, change type, go to a sibling).
//
// The model (notebook.js) knows nothing of the DOM; this module follows its events and never
// changes a cell's contents itself.
import { newCell } from "./notebook.js";
import { CellView } from "./cells.js";

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
    this.active = null;
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
    this.app.canvasPanel.dock.place();
  }

  replaceView(cell) {
    const old = this.views.get(cell.id);
    const v = new CellView(cell, this.app);
    this.views.set(cell.id, v);
    if (old) old.el.replaceWith(v.el);
    this.syncViews();
    v.layout();
    return v;
  }

  relayout() {
    for (const v of this.views.values()) v.layout();
  }

  // --- edits ---------------------------------------------------------------------------------

  setActive(cell) {
    if (this.active === cell) return;
    const old = this.active && this.views.get(this.active.id);
    if (old) old.el.classList.remove("active");
    this.active = cell;
    const v = cell && this.views.get(cell.id);
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

  /** Deletes a cell; a banner offers to undo it. */
  remove(cell) {
    this.app.runner.cancelPending(cell);
    const removed = this.notebook.remove(cell.id);
    if (!removed) return;
    const next = this.notebook.cells[Math.min(removed.index, this.notebook.cells.length - 1)];
    if (next) this.views.get(next.id).el.focus();
    else this.topBar.querySelector("button").focus();
    this.app.banners.show("info", "Deleted a cell.", {
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
    this.app.runner.cancelPending(cell);
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

  /** Renders every markdown cell being edited (as Run all does). */
  renderAllMarkdown() {
    for (const cell of this.notebook.cells) {
      if (cell.type !== "markdown") continue;
      const v = this.views.get(cell.id);
      if (v && v.editing) v.setEditing(false);
    }
  }
}
