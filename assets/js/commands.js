// Command mode, as in JupyterLab: with a cell selected and no editor focused, single keys act
// on cells. Esc in an editor enters command mode, Enter leaves it. The bindings below are
// JupyterLab's defaults for the same commands; the View menu's Shortcuts list is made from
// them, so the two cannot disagree.
import { $ } from "./ui.js";

// A key is written as KeyboardEvent.key with "Shift+" (and "Ctrl+", which also matches ⌘)
// before it; "D D" is D pressed twice.
const BINDINGS = [
  { keys: ["Enter"], label: "Enter", does: "edit the cell", run: (c) => c.edit() },
  { keys: ["Shift+Enter"], label: "Shift+Enter", does: "run the selected cells and select the next one", run: (c) => c.run("advance") },
  { keys: ["Ctrl+Enter"], label: "Ctrl+Enter", does: "run the selected cells", run: (c) => c.run("stay") },
  { keys: ["Alt+Enter"], label: "Alt+Enter", does: "run the selected cells and insert a code cell below", run: (c) => c.run("insert") },
  { keys: ["ArrowUp", "k"], label: "↑ / K", does: "select the cell above", run: (c) => c.step(-1, false) },
  { keys: ["ArrowDown", "j"], label: "↓ / J", does: "select the cell below", run: (c) => c.step(+1, false) },
  { keys: ["Shift+ArrowUp", "Shift+K"], label: "Shift+↑ / Shift+K", does: "extend the selection up", run: (c) => c.step(-1, true) },
  { keys: ["Shift+ArrowDown", "Shift+J"], label: "Shift+↓ / Shift+J", does: "extend the selection down", run: (c) => c.step(+1, true) },
  { keys: ["a"], label: "A", does: "insert a code cell above", run: (c) => c.insert(0) },
  { keys: ["b"], label: "B", does: "insert a code cell below", run: (c) => c.insert(1) },
  { keys: ["d d"], label: "D, D", does: "delete the selected cells", run: (c) => c.view.removeCells(c.view.selection()) },
  { keys: ["z"], label: "Z", does: "undo the last deletion, cut, paste or merge", run: (c) => c.view.undo() },
  { keys: ["x"], label: "X", does: "cut the selected cells", run: (c) => c.view.removeCells(c.view.copySelection(), "Cut") },
  { keys: ["c"], label: "C", does: "copy the selected cells", run: (c) => c.view.copySelection() },
  { keys: ["v"], label: "V", does: "paste cells below", run: (c) => c.view.paste(1) },
  { keys: ["Shift+V"], label: "Shift+V", does: "paste cells above", run: (c) => c.view.paste(0) },
  { keys: ["Shift+M"], label: "Shift+M", does: "merge the selected cells (one: with the cell below)", run: (c) => c.view.mergeSelection() },
  { keys: ["y"], label: "Y", does: "make the selected cells code", run: (c) => c.view.setSelectionType("code") },
  { keys: ["m"], label: "M", does: "make the selected cells markdown", run: (c) => c.view.setSelectionType("markdown") },
  { keys: ["r"], label: "R", does: "make the selected cells raw", run: (c) => c.view.setSelectionType("raw") },
  { keys: ["i i"], label: "I, I", does: "stop the running cell (restarts the kernel)", run: (c) => c.app.kernelControls.stop() },
  { keys: ["0 0"], label: "0, 0", does: "restart the kernel", run: (c) => c.app.kernelControls.restart() },
  { keys: ["p"], label: "P", does: "pause the running cell at its next output; again to resume", run: (c) => c.app.kernelControls.togglePause() },
];

// The keys of an editor, listed beside command mode's.
const EDITING = [
  ["Esc", "leave the editor for command mode"],
  ["Shift+Enter", "run the cell (or render markdown) and select the next one"],
  ["Ctrl+Enter / ⌘+Enter", "run the cell and stay"],
  ["Alt+Enter", "run the cell and insert a new one below"],
  ["Tab / Shift+Tab", "indent / unindent"],
  ["Ctrl+Space", "complete the name at the cursor, with its declaration and doc (code cells)"],
  ["Ctrl+/ / ⌘+/", "comment the selected lines out, or back in"],
  ["Ctrl+Z / Ctrl+Shift+Z", "undo / redo typing"],
  ["Ctrl+S", "save now (the notebook also saves itself as you type)"],
];

// How long the second key of a pair (D, D) may take.
const CHORD_MS = 1000;

// Elements whose keys are their own: an editor, a form control, a link.
const OWN_KEYS = "textarea, input, select, button, a[href], [contenteditable], .cm-editor";

/** The name of a key press, as written in BINDINGS. */
function keyName(e) {
  let k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.shiftKey) k = "Shift+" + (k.length === 1 ? k.toUpperCase() : k);
  if (e.altKey) k = "Alt+" + k;
  if (e.ctrlKey || e.metaKey) k = "Ctrl+" + k;
  return k;
}

export class Commands {
  /** @param app  {view, runner, kernelControls, notebook} */
  constructor(app) {
    this.app = app;
    this.view = app.view;
    this.pendingChord = "";
    this.chordTimer = 0;
    this.bindings = new Map();
    for (const b of BINDINGS) for (const k of b.keys) this.bindings.set(k, b);
  }

  wire() {
    document.addEventListener("keydown", (e) => this.onKey(e));
    this.renderShortcuts();
  }

  /** Whether a key event is for command mode: on a cell, not in an editor or control. */
  inCommandMode(e) {
    const t = e.target;
    if (!(t instanceof Element) || !t.closest("#cells .cell")) return false;
    return !t.closest(OWN_KEYS);
  }

  onKey(e) {
    if (e.defaultPrevented || e.isComposing || !this.inCommandMode(e)) return;
    if (["Shift", "Control", "Alt", "Meta"].includes(e.key)) return;
    // The cell the keys are pressed on is the active one (a focus change without focus
    // events, as in a window without system focus, leaves view.active behind).
    const el = e.target.closest("#cells .cell");
    const cell = el && this.app.notebook.get(el.dataset.cellId);
    if (!cell) return;
    if (cell !== this.view.active) this.view.setActive(cell);
    let name = keyName(e);
    if (this.pendingChord && this.bindings.has(`${this.pendingChord} ${name}`)) {
      name = `${this.pendingChord} ${name}`;
      this.pendingChord = "";
    } else if ([...this.bindings.keys()].some((k) => k.startsWith(`${name} `))) {
      e.preventDefault();
      this.pendingChord = name;
      clearTimeout(this.chordTimer);
      this.chordTimer = setTimeout(() => (this.pendingChord = ""), CHORD_MS);
      return;
    } else {
      this.pendingChord = "";
    }
    const b = this.bindings.get(name);
    if (!b) return;
    e.preventDefault();
    b.run(this);
  }

  // --- what the bindings do ------------------------------------------------------------------

  edit() {
    const v = this.view.get(this.view.active);
    if (v) v.focusEditor();
  }

  /** Moves (or, with extend, extends the selection) by delta cells. */
  step(delta, extend) {
    const cells = this.app.notebook.cells;
    const i = cells.indexOf(this.view.active) + delta;
    if (i >= 0 && i < cells.length) this.view.select(cells[i], extend);
  }

  insert(offset) {
    const i = this.app.notebook.indexOf(this.view.active.id) + offset;
    this.view.select(this.view.insert("code", i, false));
  }

  /**
   * Runs the selected cells; "advance" then selects the cell after them (a new one at the end,
   * in edit mode, as JupyterLab does), "insert" inserts a code cell below and edits it.
   */
  run(after) {
    const sel = this.view.selection();
    if (!sel.length) return;
    for (const cell of sel) this.app.run(cell, "none");
    const last = sel[sel.length - 1];
    const i = this.app.notebook.indexOf(last.id);
    const next = this.app.notebook.cells[i + 1];
    if (after === "advance" && next) this.view.select(next);
    else if (after === "advance" || after === "insert") this.view.insert("code", i + 1);
    else this.view.select(last);
  }

  /** Fills the View menu's Shortcuts list from the bindings. */
  renderShortcuts() {
    const list = $("#shortcuts");
    if (!list) return;
    const row = (key, does) => {
      const dt = document.createElement("dt");
      dt.textContent = key;
      const dd = document.createElement("dd");
      dd.textContent = does;
      return [dt, dd];
    };
    const head = (text) => {
      const h = document.createElement("dt");
      h.className = "shortcuts-heading";
      h.textContent = text;
      return [h, document.createElement("dd")];
    };
    list.replaceChildren(
      ...head("In an editor"),
      ...EDITING.flatMap(([k, d]) => row(k, d)),
      ...head("Command mode (Esc; a cell selected, no editor)"),
      ...BINDINGS.map((b) => row(b.label, b.does)).flat(),
    );
  }
}
