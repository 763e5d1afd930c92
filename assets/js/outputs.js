// Cell outputs: merging kernel messages into a cell's output list, rendering them, and the
// plain-text views the JS API returns.
import { sanitizeHTML, renderMarkdown } from "./markdown.js";
import { PROGRESS_MIME, SCENE_MIME, FIGURE_MIME, FILES_MIME } from "./notebook.js";

// Richest first. Scene and progress outputs are handled before this list is consulted.
const MIME_ORDER = ["image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/html", "text/markdown", "application/json", "text/plain"];

const STREAM_MAX = 1_000_000; // characters kept per stream output; older text is dropped
const TRIMMED = "[… earlier output trimmed …]\n";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text) {
  return String(text).replace(ANSI, "");
}

// Applies carriage returns the way a terminal does ("\rstep 3" overwrites the line). A "\r" at
// the very end is kept, so that the next chunk overwrites the line.
function collapseCR(text) {
  text = text.replace(/\r+\n/g, "\n");
  const lines = text.split("\n");
  return lines
    .map((line, i) => {
      if (!line.includes("\r")) return line;
      let out = "";
      for (const seg of line.split("\r")) out = seg + out.slice(seg.length);
      return i === lines.length - 1 && line.endsWith("\r") ? out + "\r" : out;
    })
    .join("\n");
}

// Set on a stream output whose text ends in "\r" (the next chunk overwrites its last line).
// Tracked beside the text because asking the text would flatten it on every chunk.
const PENDING_CR = Symbol("pendingCR");

function appendStream(prev, chunk) {
  const prevText = prev ? prev.text : "";
  let text;
  if (!chunk.includes("\r") && !(prev && prev[PENDING_CR])) {
    text = prevText + chunk; // the common case, O(1): nothing before is scanned
  } else {
    const cut = prevText.lastIndexOf("\n") + 1;
    text = prevText.slice(0, cut) + collapseCR(prevText.slice(cut) + chunk);
  }
  if (text.length > STREAM_MAX) {
    if (text.startsWith(TRIMMED)) text = text.slice(TRIMMED.length);
    text = TRIMMED + text.slice(text.length - STREAM_MAX);
  }
  return text;
}

function progressId(o) {
  const p = o.data && o.data[PROGRESS_MIME];
  return p && typeof p === "object" ? String(p.id ?? "") : null;
}

function displayId(o) {
  return (o.transient && o.transient.display_id) || null;
}

/**
 * Returns a new output list with out added: consecutive same-name stream chunks merge, a
 * progress output replaces the earlier one with the same id, and update_display_data replaces
 * the display with the same display_id.
 */
export function addOutput(outputs, out) {
  const list = outputs.slice();
  const last = list[list.length - 1];
  if (out.output_type === "stream") {
    const merge = last && last.output_type === "stream" && last.name === out.name;
    const next = { output_type: "stream", name: out.name, text: appendStream(merge ? last : null, out.text) };
    next[PENDING_CR] = out.text.endsWith("\r") || (merge && last[PENDING_CR] && out.text === "");
    if (merge) list[list.length - 1] = next;
    else list.push(next);
    return list;
  }
  const pid = out.output_type !== "error" ? progressId(out) : null;
  if (pid !== null) {
    const i = list.findIndex((o) => progressId(o) === pid);
    if (i >= 0) {
      list[i] = out;
      return list;
    }
  }
  const did = displayId(out);
  if (out.output_type === "update_display_data") {
    const i = did ? list.findIndex((o) => displayId(o) === did) : -1;
    if (i >= 0) list[i] = { ...out, output_type: list[i].output_type };
    return list;
  }
  if (did && out.output_type === "display_data") {
    const i = list.findIndex((o) => displayId(o) === did);
    if (i >= 0) {
      list[i] = out;
      return list;
    }
  }
  list.push(out);
  return list;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function streamText(o) {
  return stripAnsi(o.text.endsWith("\r") ? o.text.slice(0, -1) : o.text);
}

function renderStream(o) {
  const pre = el("pre", `output-stream output-${o.name}`);
  pre.textContent = streamText(o);
  return pre;
}

function updateStream(pre, o, prev) {
  // Follow the end while the reader is there, as a terminal does.
  const atEnd = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 8;
  const was = streamText(prev);
  const now = streamText(o);
  if (now.length > was.length && now.startsWith(was)) pre.append(now.slice(was.length));
  else pre.textContent = now;
  if (atEnd) pre.scrollTop = pre.scrollHeight;
}

const LINE_REF = /\bline (\d+)\b/;

/** The line of the cell that the first error output names ("line 12"), or null. */
export function errorLine(outputs) {
  for (const o of outputs) {
    if (o.output_type !== "error") continue;
    for (const text of [o.evalue || "", ...(o.traceback || [])]) {
      const m = LINE_REF.exec(stripAnsi(text));
      if (m) return Number(m[1]);
    }
  }
  return null;
}

// "line 12" in an error message jumps to that line of the cell.
function linkLines(parent, text, ctx) {
  const re = new RegExp(LINE_REF.source, "g");
  let at = 0;
  let m;
  while ((m = re.exec(text))) {
    parent.append(text.slice(at, m.index));
    const n = Number(m[1]);
    const b = el("button", "line-link", m[0]);
    b.type = "button";
    b.title = `Go to line ${n} of this cell`;
    b.addEventListener("click", () => ctx.onLine && ctx.onLine(n));
    parent.append(b);
    at = m.index + m[0].length;
  }
  parent.append(text.slice(at));
}

function renderError(o, ctx) {
  const box = el("div", "output-error");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Error");
  const head = el("div", "error-head");
  head.append(el("strong", "error-name", stripAnsi(o.ename)));
  if (o.evalue) {
    head.append(": ");
    const v = el("span", "error-value");
    linkLines(v, stripAnsi(o.evalue), ctx);
    head.append(v);
  }
  box.append(head);
  if (o.traceback && o.traceback.length) {
    const pre = el("pre", "error-traceback");
    linkLines(pre, stripAnsi(o.traceback.join("\n")), ctx);
    box.append(pre);
  }
  return box;
}

function renderProgress(p) {
  const box = el("div", "output-progress");
  const label = el("span", "progress-label");
  const bar = el("progress", "progress-bar");
  const count = el("span", "progress-count");
  box.append(label, bar, count);
  updateProgress(box, p);
  return box;
}

function updateProgress(box, p) {
  const done = Number(p.done) || 0;
  const total = Number(p.total) || 0;
  const [label, bar, count] = box.children;
  label.textContent = p.label != null ? String(p.label) : "";
  if (total > 0) {
    bar.max = total;
    bar.value = Math.min(done, total);
    count.textContent = `${done}/${total}`;
    box.dataset.complete = done >= total ? "true" : "false";
  } else {
    bar.removeAttribute("value"); // indeterminate
    count.textContent = done ? String(done) : "";
    box.dataset.complete = "false";
  }
  bar.setAttribute("aria-label", label.textContent || "progress");
  if (p.id != null) box.dataset.progressId = String(p.id);
}

function svgImage(svg, alt) {
  const img = el("img", "output-image output-svg");
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  img.alt = alt || "figure";
  return img;
}

function base64Image(mime, b64, alt) {
  const clean = String(b64).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/=]*$/.test(clean)) return el("pre", "output-text", "[an image that could not be shown]");
  const img = el("img", "output-image");
  img.src = `data:${mime};base64,${clean}`;
  img.alt = alt || "image";
  return img;
}

// Files a cell hands the reader (nb.Export): one download link each, made from the output's
// base64 data when drawn, so a saved notebook keeps its files.
function renderFiles(files, plain) {
  const box = el("div", "output-files");
  box.title = plain;
  for (const f of files) {
    if (!f || typeof f.name !== "string" || typeof f.base64 !== "string") continue;
    let bytes;
    try {
      bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
    } catch {
      box.append(el("span", "output-file output-file-bad", `${f.name}: not readable`));
      continue;
    }
    const a = el("a", "output-file", `${f.name} (${formatBytes(bytes.length)})`);
    a.download = f.name;
    a.href = URL.createObjectURL(new Blob([bytes], { type: typeof f.type === "string" ? f.type : "application/octet-stream" }));
    box.append(a);
  }
  return box;
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function renderData(o, ctx) {
  const data = o.data || {};
  const plain = typeof data["text/plain"] === "string" ? stripAnsi(data["text/plain"]) : "";
  if (data[PROGRESS_MIME] && typeof data[PROGRESS_MIME] === "object") return renderProgress(data[PROGRESS_MIME]);
  if (data[SCENE_MIME] && typeof data[SCENE_MIME] === "object") {
    const b = el("button", "output-scene", plain || data[SCENE_MIME].title || "scene");
    b.type = "button";
    b.title = "Show this scene in the canvas again";
    b.addEventListener("click", () => ctx.onScene && ctx.onScene(data[SCENE_MIME]));
    return b;
  }
  if (data[FILES_MIME] && Array.isArray(data[FILES_MIME].files)) return renderFiles(data[FILES_MIME].files, plain);
  if (data[FIGURE_MIME] && data["image/svg+xml"] == null) {
    // Drawn by the figure worker; the output is replaced when the drawing arrives.
    const failed = o.metadata && o.metadata.nasbook && o.metadata.nasbook.figure_error;
    const box = el("div", failed ? "output-figure output-figure-error" : "output-figure output-figure-pending");
    box.textContent = failed ? `Could not draw ${plain || "the figure"}: ${failed}` : `Drawing ${plain || "figure"}…`;
    return box;
  }
  const mime = MIME_ORDER.find((m) => data[m] != null);
  const alt = plain.slice(0, 200);
  switch (mime) {
    case "image/svg+xml":
      return svgImage(String(data[mime]), alt);
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return base64Image(mime, data[mime], alt);
    case "text/html": {
      const div = el("div", "output-html");
      div.append(sanitizeHTML(data[mime]));
      return div;
    }
    case "text/markdown": {
      const div = el("div", "output-markdown markdown-body");
      div.append(renderMarkdown(data[mime]));
      return div;
    }
    case "application/json":
      return el("pre", "output-text", JSON.stringify(data[mime], null, 2));
    case "text/plain":
      return el("pre", "output-text", plain);
    default: {
      const kinds = Object.keys(data).join(", ") || "nothing";
      return el("pre", "output-text output-unknown", `[output of type ${kinds}]`);
    }
  }
}

function renderOutput(o, ctx) {
  let node;
  switch (o.output_type) {
    case "stream":
      node = renderStream(o);
      break;
    case "error":
      node = renderError(o, ctx);
      break;
    default:
      node = renderData(o, ctx);
      if (o.output_type === "execute_result") node.classList.add("execute-result");
  }
  node.classList.add("output-item");
  return node;
}

function isProgress(o) {
  return o.output_type !== "stream" && o.output_type !== "error" && progressId(o) !== null;
}

/** Keeps a container in step with an output list, touching only what changed. */
export class OutputArea {
  constructor(container, ctx) {
    this.el = container;
    this.ctx = ctx;
    this.items = [];
    this.el.hidden = true;
  }

  update(outputs) {
    outputs.forEach((out, i) => {
      const item = this.items[i];
      if (item && item.out === out) return;
      if (item && item.out.output_type === "stream" && out.output_type === "stream" && item.out.name === out.name) {
        updateStream(item.node, out, item.out);
        item.out = out;
        return;
      }
      if (item && isProgress(item.out) && isProgress(out)) {
        updateProgress(item.node, out.data[PROGRESS_MIME]);
        item.out = out;
        return;
      }
      const node = renderOutput(out, this.ctx);
      if (item) item.node.replaceWith(node);
      else this.el.append(node);
      this.items[i] = { out, node };
    });
    for (const item of this.items.splice(outputs.length)) item.node.remove();
    this.el.hidden = outputs.length === 0;
  }
}

/** Stream text and text/plain of rich outputs, in order, as the API reports them. */
export function outputsText(outputs) {
  let text = "";
  for (const o of outputs) {
    if (o.output_type === "stream") text += streamText(o);
    else if (o.output_type !== "error" && !isProgress(o) && o.data && typeof o.data["text/plain"] === "string") {
      const plain = stripAnsi(o.data["text/plain"]);
      if (plain) text += plain.endsWith("\n") ? plain : plain + "\n";
    }
  }
  return text;
}

/** "ename: evalue" and the traceback lines of every error output, or null. */
export function outputsError(outputs) {
  const errors = outputs.filter((o) => o.output_type === "error");
  if (!errors.length) return null;
  return errors
    .map((o) => [o.evalue ? `${o.ename}: ${o.evalue}` : o.ename, ...(o.traceback || [])].map(stripAnsi).join("\n"))
    .join("\n");
}
