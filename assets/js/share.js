// Share links: a notebook's sources packed into the URL's hash, and their untrusted reading.
//
// Format: "#nb=" + base64url(deflate-raw(JSON)); where CompressionStream is missing,
// "#nbj=" + base64url(JSON). The JSON is nbformat 4 with the cells' types and sources, and the
// notebook's name in metadata.nasbook.name. A link carries sources only: outputs, attachments,
// cell metadata and ids in a link are dropped on reading.
//
// A link is read as untrusted input, within bounds checked before any large allocation:
//   the hash text          at most MAX_LINK_CHARS characters (checked before decoding)
//   the decompressed JSON  at most MAX_JSON_BYTES (decompression is streamed and stopped there)
//   cells                  at most MAX_CELLS, each source at most MAX_SOURCE_CHARS characters
// Anything else malformed is a ShareError naming the place (the field, the cell).

import { Notebook, CELL_TYPES } from "./notebook.js";

export const MAX_LINK_CHARS = 400_000;
export const MAX_JSON_BYTES = 2 << 20;
export const MAX_CELLS = 1000;
export const MAX_SOURCE_CHARS = 500_000;
const MAX_NAME_CHARS = 200;

/** A share link that cannot be made or opened; the message says why, for the reader. */
export class ShareError extends Error {}

function kB(n) {
  return `${Math.ceil(n / 1024)} kB`;
}

function toBase64url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s+/g, "");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function deflate(bytes) {
  const out = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** Inflates bytes, reading the stream chunk by chunk and giving up once it exceeds limit bytes. */
async function inflateBounded(bytes, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch {
      throw new ShareError("the link is damaged (it does not decompress); it may have been cut short");
    }
    if (step.done) break;
    total += step.value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw new ShareError(`the notebook in it is larger than ${kB(limit)} once unpacked, more than a link may hold`);
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** True when the hash fragment holds a shared notebook. */
export function isShareHash(hash) {
  return /^#?nbj?=/.test(hash);
}

/**
 * The share link's notebook JSON for a notebook: each cell's type and source, and its name.
 * Outputs are never part of a link.
 */
export function shareJSON(notebook, name) {
  const ks = notebook.metadata && notebook.metadata.kernelspec;
  const metadata = { nasbook: { name } };
  if (ks && typeof ks === "object") metadata.kernelspec = ks;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: notebook.cells.map((c) => {
      const cell = { cell_type: c.type, metadata: {}, source: c.source };
      if (c.type === "code") Object.assign(cell, { outputs: [], execution_count: null });
      return cell;
    }),
  };
}

/** Packs notebook JSON into a hash fragment, without "#"; throws ShareError when too large. */
export async function encodeShare(nb) {
  const json = new TextEncoder().encode(JSON.stringify(nb));
  if (json.length > MAX_JSON_BYTES) {
    throw new ShareError(`the cells' sources come to ${kB(json.length)}, more than a link may hold (${kB(MAX_JSON_BYTES)}); download the notebook instead`);
  }
  const frag = typeof CompressionStream === "function" ? "nb=" + toBase64url(await deflate(json)) : "nbj=" + toBase64url(json);
  if (frag.length > MAX_LINK_CHARS) {
    throw new ShareError(`the link would be ${kB(frag.length)} long, more than ${kB(MAX_LINK_CHARS)}; download the notebook instead`);
  }
  return frag;
}

/** Unpacks a hash fragment into JSON text, within the size limits; throws ShareError. */
export async function decodeShare(hash) {
  const text = String(hash);
  if (text.length > MAX_LINK_CHARS + 5) {
    throw new ShareError(`the link is ${kB(text.length)} long, more than a link may be (${kB(MAX_LINK_CHARS)})`);
  }
  const m = /^#?(nbj?)=(.*)$/s.exec(text);
  if (!m) throw new ShareError("the link does not hold a notebook");
  let bytes;
  try {
    bytes = fromBase64url(decodeURIComponent(m[2]));
  } catch {
    throw new ShareError("the link is damaged (not base64url); it may have been cut short");
  }
  if (m[1] === "nb") {
    if (typeof DecompressionStream !== "function") throw new ShareError("this browser cannot decompress share links");
    bytes = await inflateBounded(bytes, MAX_JSON_BYTES);
  } else if (bytes.length > MAX_JSON_BYTES) {
    throw new ShareError(`the notebook in it is larger than ${kB(MAX_JSON_BYTES)}, more than a link may hold`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ShareError("the link is damaged (its text is not UTF-8)");
  }
}

function sourceOf(value, what) {
  if (value == null) return "";
  let s;
  if (typeof value === "string") s = value;
  else if (Array.isArray(value) && value.every((x) => typeof x === "string")) s = value.join("");
  else throw new ShareError(`${what} is not text`);
  if (s.length > MAX_SOURCE_CHARS) throw new ShareError(`${what} has ${s.length} characters, more than a link's cell may hold (${MAX_SOURCE_CHARS})`);
  return s;
}

function plainStrings(obj) {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return null;
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === "string" && v.length <= MAX_NAME_CHARS && k.length <= 64) out[k] = v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Reads a link's JSON text as untrusted input. Returns {notebook, name, droppedOutputs}: a
 * Notebook of the cells' types and sources only. Throws ShareError naming what is wrong.
 */
export function parseShared(text) {
  let obj;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ShareError(`it is not valid JSON (${e.message})`);
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new ShareError("it does not hold a notebook object");
  if (obj.nbformat !== 4) throw new ShareError(obj.nbformat == null ? "it has no nbformat version" : `it is nbformat ${JSON.stringify(obj.nbformat).slice(0, 20)}; only nbformat 4 is read`);
  if (!Array.isArray(obj.cells)) throw new ShareError("it has no list of cells");
  if (obj.cells.length > MAX_CELLS) throw new ShareError(`it has ${obj.cells.length} cells, more than a link may hold (${MAX_CELLS})`);
  let droppedOutputs = 0;
  const cells = obj.cells.map((c, i) => {
    const what = `cell ${i + 1}`;
    if (!c || typeof c !== "object" || Array.isArray(c)) throw new ShareError(`${what} is not an object`);
    if (!CELL_TYPES.includes(c.cell_type)) throw new ShareError(`${what} has an unknown cell_type ${JSON.stringify(String(c.cell_type)).slice(0, 40)}`);
    const source = sourceOf(c.source, `${what}'s source`);
    if (Array.isArray(c.outputs)) droppedOutputs += c.outputs.length;
    const cell = { cell_type: c.cell_type, metadata: {}, source };
    if (c.cell_type === "code") Object.assign(cell, { outputs: [], execution_count: null });
    return cell;
  });
  const md = obj.metadata && typeof obj.metadata === "object" && !Array.isArray(obj.metadata) ? obj.metadata : {};
  let name = md.nasbook && typeof md.nasbook.name === "string" ? md.nasbook.name : "";
  name = name.replace(/[\u0000-\u001f/\\]/g, "").trim().slice(0, MAX_NAME_CHARS) || "shared.ipynb";
  const metadata = { nasbook: { name } };
  const ks = plainStrings(md.kernelspec);
  if (ks) metadata.kernelspec = ks;
  const notebook = Notebook.parse({ nbformat: 4, nbformat_minor: 5, metadata, cells });
  return { notebook, name, droppedOutputs };
}

/** Reads a share-link hash into {notebook, name, droppedOutputs}; throws ShareError. */
export async function openShareHash(hash) {
  return parseShared(await decodeShare(hash));
}
