// Browser persistence: the autosaved notebook, the one it replaced, preferences, and
// notebooks packed into share links.
//
// localStorage keys:
//   nasbook.notebook.v1   {name, savedAt, notebook}   the working notebook, with outputs
//   nasbook.previous.v1   same shape                  what the last open/share/reset replaced
//   nasbook.prefs.v1      {presentation, canvasHidden}
// Share links: "#nb=" + base64url(deflate-raw(JSON)) of the notebook without outputs; where
// CompressionStream is missing, "#nbj=" + base64url(JSON).

const KEY = "nasbook.notebook.v1";
export const NOTEBOOK_KEY = KEY;
const PREVIOUS = "nasbook.previous.v1";
const PREFS = "nasbook.prefs.v1";

function read(key) {
  let raw;
  try {
    raw = localStorage.getItem(key);
  } catch {
    return { record: null, error: "storage is not available" };
  }
  if (raw == null) return { record: null, error: null };
  try {
    const record = JSON.parse(raw);
    if (!record || typeof record !== "object" || !record.notebook) throw new Error("no notebook in it");
    return { record, error: null };
  } catch (e) {
    return { record: null, error: e.message };
  }
}

/** The autosaved record, or {record:null, error} when there is none or it is unreadable. */
export function loadSaved() {
  return read(KEY);
}

export function loadPrevious() {
  return read(PREVIOUS).record;
}

/**
 * Saves the working notebook. If it does not fit, saves it without outputs. Returns null on
 * success, "no-outputs" when outputs were dropped, or an error message.
 */
export function save(name, nbWithOutputs, nbWithoutOutputs) {
  const write = (nb) => localStorage.setItem(KEY, JSON.stringify({ name, savedAt: new Date().toISOString(), notebook: nb }));
  try {
    write(nbWithOutputs);
    return null;
  } catch (e) {
    try {
      write(nbWithoutOutputs());
      return "no-outputs";
    } catch (e2) {
      return e2.message || String(e2);
    }
  }
}

/** Keeps a copy of the current working record so that it can be restored after a replace. */
export function keepPrevious() {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw != null) localStorage.setItem(PREVIOUS, raw);
    return raw != null;
  } catch {
    return false;
  }
}

/** Swaps the working and previous records, so restoring twice goes back. */
export function swapPrevious() {
  const prev = loadPrevious();
  if (!prev) return null;
  try {
    const cur = localStorage.getItem(KEY);
    if (cur != null) localStorage.setItem(PREVIOUS, cur);
    localStorage.setItem(KEY, JSON.stringify(prev));
  } catch {
    // The caller loads prev anyway; autosave will write it.
  }
  return prev;
}

export function loadPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS)) || {};
  } catch {
    return {};
  }
}

export function savePrefs(prefs) {
  try {
    localStorage.setItem(PREFS, JSON.stringify(prefs));
  } catch {
    // Preferences are a nicety.
  }
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

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** Packs a notebook (JSON object, outputs already stripped) into a hash fragment, without "#". */
export async function encodeShare(nb) {
  const json = new TextEncoder().encode(JSON.stringify(nb));
  if (typeof CompressionStream === "function") {
    return "nb=" + toBase64url(await pipe(json, new CompressionStream("deflate-raw")));
  }
  return "nbj=" + toBase64url(json);
}

/** True when the hash fragment holds a shared notebook. */
export function isShareHash(hash) {
  return /^#?nbj?=/.test(hash);
}

/** Unpacks a hash fragment made by encodeShare into notebook JSON text; throws with a reason. */
export async function decodeShare(hash) {
  const m = /^#?(nbj?)=(.*)$/s.exec(hash);
  if (!m) throw new Error("the link does not hold a notebook");
  let bytes;
  try {
    bytes = fromBase64url(decodeURIComponent(m[2]));
  } catch {
    throw new Error("the link is damaged (not base64url); it may have been cut short");
  }
  if (m[1] === "nb") {
    if (typeof DecompressionStream !== "function") throw new Error("this browser cannot decompress share links");
    try {
      bytes = await pipe(bytes, new DecompressionStream("deflate-raw"));
    } catch {
      throw new Error("the link is damaged (it does not decompress); it may have been cut short");
    }
  }
  return new TextDecoder().decode(bytes);
}
