// One cell's DOM: editor, markdown view, state badge, execution count, outputs, cell tools.
//
// DOM of a cell (see index.html's API comment for the hooks tests rely on):
//   section.cell[data-cell-id][data-type=code|markdown|raw][data-state=idle|queued|running|done|error]
//     .cell-gutter > button.run-cell, span.exec-count
//     .cell-body > .cell-head > span.state-badge, span.cell-timing, .cell-tools (select.cell-type,
//                  button.move-up, button.move-down, button.delete-cell)
//                  textarea.editor
//                  div.markdown-rendered            (markdown cells; [data-mode=render|edit] on .cell)
//                  div.output                       (code cells)
//     .insert-bar > button.add-code, button.add-markdown   (insert below this cell)
import { renderMarkdown } from "./markdown.js";
import { OutputArea } from "./outputs.js";

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

/** Inserts text at the selection as typing would, keeping the browser's undo history. */
export function insertText(ta, text) {
  ta.focus();
  let ok = false;
  try {
    ok = document.execCommand("insertText", false, text);
  } catch {
    ok = false;
  }
  if (!ok) {
    ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, "end");
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

function lineStart(text, i) {
  return text.lastIndexOf("\n", i - 1) + 1;
}

// Tab indents (a tab: Go's convention) and Shift+Tab dedents the selected lines.
function indent(ta, dedent) {
  const text = ta.value;
  let { selectionStart: s, selectionEnd: e } = ta;
  if (!dedent && !text.slice(s, e).includes("\n")) {
    insertText(ta, "\t");
    return;
  }
  const start = lineStart(text, s);
  if (e > s && text[e - 1] === "\n") e--;
  let end = text.indexOf("\n", e);
  if (end < 0) end = text.length;
  const block = text.slice(start, end);
  const lines = block.split("\n").map((line) => {
    if (!dedent) return "\t" + line;
    if (line.startsWith("\t")) return line.slice(1);
    return line.replace(/^ {1,4}/, "");
  });
  const next = lines.join("\n");
  if (next === block) return;
  ta.setSelectionRange(start, end);
  insertText(ta, next);
  ta.setSelectionRange(start, start + next.length);
}

// Enter keeps the line's indentation, one more after an opening bracket.
function newline(ta) {
  const text = ta.value;
  const s = ta.selectionStart;
  const line = text.slice(lineStart(text, s), s);
  let lead = /^[\t ]*/.exec(line)[0];
  if (/[{([]\s*$/.test(line)) lead += "\t";
  insertText(ta, "\n" + lead);
}

// A closing bracket typed on a line of only indentation takes one level off, as gofmt would.
function closeBracket(ta, key) {
  const text = ta.value;
  const s = ta.selectionStart;
  if (s !== ta.selectionEnd) return false;
  const before = text.slice(lineStart(text, s), s);
  if (!/^[\t ]+$/.test(before)) return false;
  const cut = before.endsWith("\t") ? 1 : Math.min(4, before.length);
  ta.setSelectionRange(s - cut, s);
  insertText(ta, key);
  return true;
}

export function autosize(ta) {
  if (ta.hidden || !ta.isConnected) return;
  ta.style.height = "auto";
  const borders = ta.offsetHeight - ta.clientHeight;
  ta.style.height = ta.scrollHeight + borders + "px";
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

    this.editor = el("textarea", {
      class: "editor",
      rows: "1",
      spellcheck: "false",
      autocapitalize: "off",
      autocomplete: "off",
      autocorrect: "off",
      wrap: "off",
      "aria-describedby": "editor-help",
    });
    this.editor.value = cell.source;
    if (cell.type === "markdown") this.editor.wrap = "soft";

    const body = el("div", { class: "cell-body" }, head, this.editor);
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
    const { app, cell, editor } = this;
    this.runButton.addEventListener("click", () => app.run(cell, "stay"));
    this.el.querySelector(".move-up").addEventListener("click", () => app.move(cell, -1));
    this.el.querySelector(".move-down").addEventListener("click", () => app.move(cell, +1));
    this.el.querySelector(".delete-cell").addEventListener("click", () => app.remove(cell));
    this.el.querySelector(".add-code").addEventListener("click", () => app.insertNear(cell, "code", +1));
    this.el.querySelector(".add-markdown").addEventListener("click", () => app.insertNear(cell, "markdown", +1));
    this.typeSelect.addEventListener("change", () => app.setType(cell, this.typeSelect.value));
    this.el.addEventListener("focusin", () => app.setActive(cell));

    editor.addEventListener("input", () => {
      app.notebook.setSource(cell, editor.value);
      autosize(editor);
    });
    editor.addEventListener("keydown", (e) => this.onEditorKey(e));
    if (this.rendered) {
      this.rendered.addEventListener("dblclick", () => this.setEditing(true, true));
    }
  }

  onEditorKey(e) {
    if (e.isComposing) return;
    const { app, cell, editor } = this;
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === "Enter" && e.shiftKey && !mod && !e.altKey) {
      e.preventDefault();
      app.run(cell, "advance");
    } else if (e.key === "Enter" && mod) {
      e.preventDefault();
      app.run(cell, "stay");
    } else if (e.key === "Enter" && e.altKey) {
      e.preventDefault();
      app.run(cell, "insert");
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.el.focus();
    } else if (e.key === "Tab" && !mod && !e.altKey) {
      e.preventDefault();
      indent(editor, e.shiftKey);
    } else if (e.key === "Enter" && cell.type === "code") {
      e.preventDefault();
      newline(editor);
    } else if ((e.key === "}" || e.key === ")" || e.key === "]") && cell.type === "code" && closeBracket(editor, e.key)) {
      e.preventDefault();
    }
  }

  /** Markdown cells: switch between the rendered view and the editor. */
  setEditing(editing, focus = false) {
    if (this.cell.type !== "markdown") return;
    this.editing = editing;
    this.el.dataset.mode = editing ? "edit" : "render";
    this.editor.hidden = !editing;
    this.rendered.hidden = editing;
    if (editing) {
      autosize(this.editor);
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

  goToLine(n) {
    const lines = this.editor.value.split("\n");
    const i = Math.max(1, Math.min(n, lines.length)) - 1;
    let start = 0;
    for (let k = 0; k < i; k++) start += lines[k].length + 1;
    if (this.cell.type === "markdown") this.setEditing(true);
    this.editor.focus();
    this.editor.setSelectionRange(start, start + lines[i].length);
    this.el.scrollIntoView({ block: "nearest" });
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
    this.timing.textContent = cell.timing && cell.timing.end ? formatDuration(cell.timing.end - cell.timing.start) : "";
    if (this.editor.value !== cell.source) {
      this.editor.value = cell.source;
      autosize(this.editor);
      if (this.rendered && !this.editing) this.renderMarkdown();
    }
    if (this.outputs) this.outputs.update(cell.outputs);
  }

  setIndex(i) {
    const kind = { code: "Code", markdown: "Markdown", raw: "Raw" }[this.cell.type];
    this.el.setAttribute("aria-label", `${kind} cell ${i + 1}`);
    this.editor.setAttribute("aria-label", `${kind} cell ${i + 1} source`);
  }

  layout() {
    autosize(this.editor);
  }
}

function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
