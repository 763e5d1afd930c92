// Notebook model and its nbformat 4 conversion.
//
// A cell in memory:
//   {id, type: "code"|"markdown"|"raw", source: string, outputs: [nbformat output objects],
//    executionCount: number|null, state: "idle"|"queued"|"running"|"done"|"error",
//    metadata: object, attachments?: object}
// Outputs are kept as nbformat-4 objects with multiline strings joined. They are treated as
// immutable: an update (a stream chunk, a progress bar) replaces the object, so the view can
// tell what changed by identity.
//
// Listeners get (kind, cell) with kind one of "structure" (cells added, removed, moved,
// or the whole notebook replaced), "source", "outputs", "state", "type".

export const CELL_TYPES = ["code", "markdown", "raw"];
export const PROGRESS_MIME = "application/vnd.nasbook.progress+json";
export const SCENE_MIME = "application/vnd.nasbook.scene+json";
export const FIGURE_MIME = "application/vnd.nasbook.figure+json";
export const FILES_MIME = "application/vnd.nasbook.files+json";

export class NotebookError extends Error {}

function newId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function newCell(type = "code", source = "") {
  return { id: newId(), type, source, outputs: [], executionCount: null, state: "idle", metadata: {} };
}

// nbformat "multiline string": a string or a list of strings to be concatenated.
function multiline(value, what) {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((s) => typeof s === "string")) return value.join("");
  throw new NotebookError(`${what} should be a string or a list of strings`);
}

// Splits text into nbformat's list-of-lines form (each line keeps its "\n").
function toLines(text) {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

function isJSONMime(mime) {
  return mime === "application/json" || /\+json$/.test(mime);
}

function importData(data, what) {
  if (data == null) return {};
  if (typeof data !== "object" || Array.isArray(data)) throw new NotebookError(`${what} should be an object`);
  const out = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = isJSONMime(mime) ? value : multiline(value, `${what}["${mime}"]`);
  }
  return out;
}

/** Normalises one nbformat output (from a file or the kernel); throws NotebookError. */
export function importOutput(o, what = "output") {
  if (!o || typeof o !== "object" || typeof o.output_type !== "string") {
    throw new NotebookError(`${what} has no output_type`);
  }
  switch (o.output_type) {
    case "stream":
      return { output_type: "stream", name: o.name === "stderr" ? "stderr" : "stdout", text: multiline(o.text ?? "", `${what}.text`) };
    case "display_data":
    case "execute_result":
    case "update_display_data": {
      const out = { output_type: o.output_type, data: importData(o.data, `${what}.data`), metadata: o.metadata && typeof o.metadata === "object" ? o.metadata : {} };
      if (o.output_type === "execute_result") out.execution_count = typeof o.execution_count === "number" ? o.execution_count : null;
      if (o.transient && typeof o.transient === "object") out.transient = o.transient;
      return out;
    }
    case "error":
      return {
        output_type: "error",
        ename: String(o.ename ?? "Error"),
        evalue: String(o.evalue ?? ""),
        traceback: Array.isArray(o.traceback) ? o.traceback.map(String) : [],
      };
    default:
      throw new NotebookError(`${what} has an unknown output_type "${o.output_type}"`);
  }
}

function exportOutput(o) {
  if (o.output_type === "stream") return { output_type: "stream", name: o.name, text: toLines(o.text) };
  if (o.output_type === "error") return { output_type: o.output_type, ename: o.ename, evalue: o.evalue, traceback: o.traceback };
  const data = {};
  for (const [mime, value] of Object.entries(o.data || {})) {
    data[mime] = typeof value === "string" && mime.startsWith("text/") ? toLines(value) : value;
  }
  const out = { output_type: o.output_type === "update_display_data" ? "display_data" : o.output_type, data, metadata: o.metadata || {} };
  if (o.output_type === "execute_result") out.execution_count = o.execution_count ?? null;
  return out;
}

/** The notebook's language per its metadata, lower-cased, or "" when it does not say. */
export function notebookLanguage(nb) {
  const md = (nb && nb.metadata) || {};
  return String((md.kernelspec && md.kernelspec.language) || (md.language_info && md.language_info.name) || "").toLowerCase();
}

export class Notebook {
  constructor() {
    this.cells = [];
    this.metadata = defaultMetadata();
    this.listeners = new Set();
  }

  /** Parses nbformat 4 JSON (object or text); throws NotebookError naming the problem. */
  static parse(input) {
    let obj = input;
    if (typeof input === "string") {
      try {
        obj = JSON.parse(input);
      } catch (e) {
        throw new NotebookError(`it is not valid JSON (${e.message})`);
      }
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new NotebookError("it is not a notebook object");
    if (obj.nbformat !== 4) {
      throw new NotebookError(
        obj.nbformat == null ? "it has no nbformat version (expected a Jupyter notebook, nbformat 4)" : `it is nbformat ${obj.nbformat}; only nbformat 4 is supported`,
      );
    }
    if (!Array.isArray(obj.cells)) throw new NotebookError("it has no list of cells");
    const seen = new Set();
    const cells = obj.cells.map((c, i) => {
      const what = `cell ${i + 1}`;
      if (!c || typeof c !== "object") throw new NotebookError(`${what} is not an object`);
      if (!CELL_TYPES.includes(c.cell_type)) throw new NotebookError(`${what} has an unknown cell_type "${c.cell_type}"`);
      const cell = newCell(c.cell_type, multiline(c.source ?? "", `${what}'s source`));
      if (typeof c.id === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(c.id) && !seen.has(c.id)) cell.id = c.id;
      seen.add(cell.id);
      if (c.metadata && typeof c.metadata === "object" && !Array.isArray(c.metadata)) cell.metadata = c.metadata;
      if (c.attachments && typeof c.attachments === "object") cell.attachments = c.attachments;
      if (c.cell_type === "code") {
        if (c.outputs != null && !Array.isArray(c.outputs)) throw new NotebookError(`${what}'s outputs should be a list`);
        cell.outputs = (c.outputs || []).map((o, j) => importOutput(o, `${what}, output ${j + 1}`));
        cell.executionCount = typeof c.execution_count === "number" ? c.execution_count : null;
      }
      return cell;
    });
    const nb = new Notebook();
    nb.cells = cells;
    nb.metadata = obj.metadata && typeof obj.metadata === "object" && !Array.isArray(obj.metadata) ? obj.metadata : defaultMetadata();
    return nb;
  }

  /** nbformat 4.5 JSON. With outputs:false, code cells carry no outputs or counts. */
  toJSON({ outputs = true } = {}) {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: this.metadata,
      cells: this.cells.map((c) => {
        const out = { id: c.id, cell_type: c.type, metadata: c.metadata || {}, source: toLines(c.source) };
        if (c.attachments) out.attachments = c.attachments;
        if (c.type === "code") {
          out.execution_count = outputs ? c.executionCount : null;
          out.outputs = outputs ? c.outputs.map(exportOutput) : [];
        }
        return out;
      }),
    };
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(kind, cell = null) {
    for (const fn of this.listeners) fn(kind, cell);
  }

  /** Replaces everything with the cells and metadata of other. */
  replaceWith(other) {
    this.cells = other.cells;
    this.metadata = other.metadata;
    this.emit("structure");
  }

  get(id) {
    return this.cells.find((c) => c.id === id) || null;
  }

  indexOf(id) {
    return this.cells.findIndex((c) => c.id === id);
  }

  insert(cell, index = this.cells.length) {
    index = Math.max(0, Math.min(index, this.cells.length));
    this.cells.splice(index, 0, cell);
    this.emit("structure", cell);
    return cell;
  }

  remove(id) {
    const i = this.indexOf(id);
    if (i < 0) return null;
    const [cell] = this.cells.splice(i, 1);
    this.emit("structure", cell);
    return { cell, index: i };
  }

  move(id, delta) {
    const i = this.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= this.cells.length) return false;
    const [cell] = this.cells.splice(i, 1);
    this.cells.splice(j, 0, cell);
    this.emit("structure", cell);
    return true;
  }

  setSource(cell, source) {
    if (cell.source === source) return;
    cell.source = source;
    this.emit("source", cell);
  }

  setType(cell, type) {
    if (cell.type === type) return;
    cell.type = type;
    if (type !== "code") {
      cell.outputs = [];
      cell.executionCount = null;
    }
    cell.state = "idle";
    this.emit("type", cell);
  }

  setState(cell, state) {
    if (cell.state === state) return;
    cell.state = state;
    this.emit("state", cell);
  }

  setOutputs(cell, outputs) {
    cell.outputs = outputs;
    this.emit("outputs", cell);
  }
}

function defaultMetadata() {
  return {
    kernelspec: { name: "nasbook-go", display_name: "Go (nasbook)", language: "go" },
    language_info: { name: "go", file_extension: ".go", mimetype: "text/x-go" },
  };
}
