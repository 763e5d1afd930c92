// One cell's DOM: editor, markdown view, state badge, execution count, outputs, cell tools.
//
// DOM of a cell (see index.html's API comment for the hooks tests rely on):
//   section.cell[data-cell-id][data-type=code|markdown|raw][data-state=idle|queued|running|done|error]
//     .cell-gutter > button.run-cell, span.exec-count
//     .cell-body > .cell-head > span.state-badge, span.cell-timing, .cell-tools (select.cell-type,
//                  button.move-up, button.move-down, button.delete-cell)
//                  div.editor > .cm-editor          (CodeMirror, editor.js)
//                  div.markdown-rendered            (markdown cells; [data-mode=render|edit] on .cell)
//                  div.output                       (code cells)
//     .insert-bar > button.add-code, button.add-markdown   (insert below this cell)
import { renderMarkdown } from "./markdown.js";
import { OutputArea, errorLine } from "./outputs.js";
import { CellEditor } from "./editor.js";

const STATE_LABEL = { idle: "idle", queued: "queued", running: "running", done: "done", error: "error" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function button(className, label, title, text = label) {
  return el("button", { type: "button", class: className, "aria-label": label, title }, text);
}

export class CellView {
  /**
   * @param cell  the model cell
   * @param app   {notebook, run(cell, after), insert(type, index, focus), remove(cell), move(cell, d),
   *               setType(cell, type), setActive(cell), onScene(scene, cell)}
   * Keys outside the editor (command mode) are commands.js's.
   */
  constructor(cell, app) {
    this.cell = cell;
    this.app = app;
    this.editing = false;
    this.build();
  }

  build() {
    const cell = this.cell;
    const code = cell.type === "code";
    this.el = el("section", { class: `cell ${cell.type}-cell`, tabindex: "-1", "data-cell-id": cell.id, "data-type": cell.type });

    this.runButton = button("run-cell", code ? "Run cell" : "Render cell", code ? "Run (Shift+Enter)" : "Render (Shift+Enter)", "▶");
    this.count = el("span", { class: "exec-count", "aria-hidden": "true" });
    const gutter = el("div", { class: "cell-gutter" }, this.runButton, this.count);

    this.badge = el("span", { class: "state-badge" });
    this.timing = el("span", { class: "cell-timing" });
    this.typeSelect = el(
      "select",
      { class: "cell-type", "aria-label": "Cell type", title: "Cell type" },
      el("option", { value: "code", text: "Code" }),
      el("option", { value: "markdown", text: "Markdown" }),
      el("option", { value: "raw", text: "Raw" }),
    );
    this.typeSelect.value = cell.type;
    const tools = el(
      "div",
      { class: "cell-tools" },
      this.typeSelect,
      button("move-up", "Move cell up", "Move up", "↑"),
      button("move-down", "Move cell down", "Move down", "↓"),
      button("delete-cell", "Delete cell", "Delete cell", "✕"),
    );
    const head = el("div", { class: "cell-head" }, this.badge, this.timing, tools);

    this.editorEl = el("div", { class: "editor" });
    this.editor = new CellEditor(this.editorEl, {
      source: cell.source,
      type: cell.type,
      onChange: (source) => this.app.notebook.setSource(this.cell, source),
      onRun: (after) => this.app.run(this.cell, after),
      onEscape: () => this.el.focus(),
      earlier: () => this.earlierSources(),
    });
    this.errorAt = null;

    const body = el("div", { class: "cell-body" }, head, this.editorEl);
    if (cell.type === "markdown") {
      this.rendered = el("div", { class: "markdown-rendered markdown-body", tabindex: "0" });
      this.rendered.title = "Double-click or press Enter to edit";
      body.append(this.rendered);
    }
    if (code) {
      this.outputEl = el("div", { class: "output" });
      this.outputs = new OutputArea(this.outputEl, {
        onScene: (scene) => this.app.onScene(scene, this.cell),
        onLine: (n) => this.goToLine(n),
      });
      body.append(this.outputEl);
    }

    const insertBar = el(
      "div",
      { class: "insert-bar" },
      button("add-code", "Insert code cell below", "Insert a code cell below", "+ Code"),
      button("add-markdown", "Insert markdown cell below", "Insert a markdown cell below", "+ Markdown"),
    );
    this.el.append(gutter, body, insertBar);
    this.wire();
    if (cell.type === "markdown") this.setEditing(false);
    this.update();
  }

  wire() {
    const { app, cell } = this;
    this.runButton.addEventListener("click", () => app.run(cell, "stay"));
    this.el.querySelector(".move-up").addEventListener("click", () => app.move(cell, -1));
    this.el.querySelector(".move-down").addEventListener("click", () => app.move(cell, +1));
    this.el.querySelector(".delete-cell").addEventListener("click", () => app.remove(cell));
    this.el.querySelector(".add-code").addEventListener("click", () => app.insertNear(cell, "code", +1));
    this.el.querySelector(".add-markdown").addEventListener("click", () => app.insertNear(cell, "markdown", +1));
    this.typeSelect.addEventListener("change", () => app.setType(cell, this.typeSelect.value));
    this.el.addEventListener("focusin", () => app.setActive(cell));

    if (this.rendered) {
      this.rendered.addEventListener("dblclick", () => this.setEditing(true, true));
    }
  }

  /** Markdown cells: switch between the rendered view and the editor. */
  setEditing(editing, focus = false) {
    if (this.cell.type !== "markdown") return;
    this.editing = editing;
    this.el.dataset.mode = editing ? "edit" : "render";
    this.editorEl.hidden = !editing;
    this.rendered.hidden = editing;
    if (editing) {
      this.editor.layout();
      if (focus) this.editor.focus();
    } else {
      this.renderMarkdown();
    }
  }

  renderMarkdown() {
    const source = this.cell.source;
    this.rendered.replaceChildren();
    if (source.trim()) {
      this.rendered.append(renderMarkdown(source));
      this.rendered.classList.remove("empty");
    } else {
      this.rendered.textContent = "Empty markdown cell: double-click to write.";
      this.rendered.classList.add("empty");
    }
  }

  focusEditor() {
    if (this.cell.type === "markdown" && !this.editing) this.setEditing(true);
    this.editor.focus();
  }

  /** Focus for keyboard navigation: the editor of a code cell, the cell of a rendered markdown. */
  focus() {
    if (this.cell.type === "markdown" && !this.editing) this.el.focus();
    else this.editor.focus();
    this.el.scrollIntoView({ block: "nearest" });
  }

  /** Puts the cursor on line n of the cell (an error's line reference). */
  goToLine(n) {
    if (this.cell.type === "markdown") this.setEditing(true);
    this.editor.goToLine(n);
    this.el.scrollIntoView({ block: "nearest" });
  }

  /** The sources of the code cells above this one, for completion. */
  earlierSources() {
    const cells = this.app.notebook.cells;
    const i = this.app.notebook.indexOf(this.cell.id);
    return cells.slice(0, Math.max(0, i)).filter((c) => c.type === "code").map((c) => c.source);
  }

  /** Brings the DOM in line with the model cell (state, count, outputs, source). */
  update() {
    const cell = this.cell;
    this.el.dataset.state = cell.state;
    const paused = cell.state === "running" && this.badge.dataset.paused === "true";
    this.badge.textContent = paused ? "paused" : STATE_LABEL[cell.state] || cell.state;
    this.badge.dataset.state = cell.state;
    if (!paused) delete this.badge.dataset.paused;
    const busy = cell.state === "running" || cell.state === "queued";
    this.count.textContent = cell.type !== "code" ? "" : busy ? "[*]" : cell.executionCount != null ? `[${cell.executionCount}]` : "[ ]";
    this.showTiming();
    if (this.editor.value !== cell.source) {
      this.editor.setValue(cell.source);
      if (this.rendered && !this.editing) this.renderMarkdown();
    }
    if (this.outputs) {
      this.outputs.update(cell.outputs);
      const line = errorLine(cell.outputs);
      if (line !== this.errorAt) {
        this.errorAt = line;
        this.editor.markError(line);
      }
    }
  }

  /**
   * The cell's time: how long its last run took, or, while it runs, how long it has been running,
   * counted once a second. The clock is what shows that a long cell is alive; it redraws the page
   * once a second, where an animation would redraw it every frame and, on a computer that draws
   * pages without a GPU, take a share of the processor from the training it watches.
   */
  showTiming() {
    const t = this.cell.timing;
    const running = this.cell.state === "running" && t && !t.end;
    if (running && !this.clock) this.clock = setInterval(() => this.showTiming(), 1000);
    if (!running && this.clock) this.clock = clearInterval(this.clock);
    if (running) {
      const s = Math.floor((performance.now() - t.start) / 1000);
      this.timing.textContent = s < 60 ? `${s} s` : formatDuration(s * 1000);
    } else {
      this.timing.textContent = t && t.end ? formatDuration(t.end - t.start) : "";
    }
  }

  setIndex(i) {
    const kind = { code: "Code", markdown: "Markdown", raw: "Raw" }[this.cell.type];
    this.el.setAttribute("aria-label", `${kind} cell ${i + 1}`);
    this.editor.setLabel(`${kind} cell ${i + 1} source`);
  }

  layout() {
    this.editor.layout();
  }

  /** Takes the cell off the page for good. */
  destroy() {
    if (this.clock) this.clock = clearInterval(this.clock);
    this.el.remove();
    this.editor.destroy();
  }
}

function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
