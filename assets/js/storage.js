// Browser persistence: the autosaved notebook, the notebooks it replaced, and preferences.
//
// localStorage keys:
//   nasbook.notebook.v1   {name, savedAt, notebook}   the working notebook, with outputs
//   nasbook.history.v1    [{name, title, savedAt, replacedAt, reason, notebook}], newest first:
//                         the last HISTORY_MAX notebooks that opening a link, a file, a lesson or
//                         a new notebook replaced
//   nasbook.prefs.v1      {presentation, canvasHidden, canvasFloat}
// nasbook.previous.v1 (one replaced notebook, from before the history) is moved into the history.
// Writes report failure (a full storage) to the caller instead of throwing.

const KEY = "nasbook.notebook.v1";
export const NOTEBOOK_KEY = KEY;
const HISTORY = "nasbook.history.v1";
const PREVIOUS = "nasbook.previous.v1";
const PREFS = "nasbook.prefs.v1";
export const HISTORY_MAX = 10;
const HISTORY_KEEP = 5;

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

/**
 * Saves the working notebook. If it does not fit, saves it without outputs. Returns null on
 * success, "no-outputs" when outputs were dropped, or an error message.
 */
export function save(name, nbWithOutputs, nbWithoutOutputs) {
  const write = (nb) => localStorage.setItem(KEY, JSON.stringify({ name, savedAt: new Date().toISOString(), notebook: nb }));
  try {
    write(nbWithOutputs);
    return null;
  } catch {
    // The history gives room first, down to its last HISTORY_KEEP entries.
    if (trimHistory(HISTORY_KEEP)) {
      try {
        write(nbWithOutputs);
        return null;
      } catch {
        // Without outputs, below.
      }
    }
    try {
      write(nbWithoutOutputs());
      return "no-outputs";
    } catch (e2) {
      return storageProblem(e2);
    }
  }
}

function storageProblem(e) {
  if (e && (e.name === "QuotaExceededError" || e.code === 22)) return "the browser's storage for this page is full";
  return (e && e.message) || String(e);
}

function readHistory() {
  let list = [];
  try {
    const raw = localStorage.getItem(HISTORY);
    const parsed = raw == null ? [] : JSON.parse(raw);
    if (Array.isArray(parsed)) list = parsed.filter((r) => r && typeof r === "object" && r.notebook);
  } catch {
    list = [];
  }
  // The one replaced notebook kept before there was a history joins it.
  const prev = read(PREVIOUS).record;
  if (prev) {
    list.unshift({ name: prev.name, title: prev.name, savedAt: prev.savedAt, replacedAt: prev.savedAt, reason: "", notebook: prev.notebook });
    try {
      localStorage.setItem(HISTORY, JSON.stringify(list.slice(0, HISTORY_MAX)));
      localStorage.removeItem(PREVIOUS);
    } catch {
      // Kept where it was; read again next time.
    }
  }
  return list.slice(0, HISTORY_MAX);
}

// Drops the oldest history entries beyond keep; true if it dropped any.
function trimHistory(keep) {
  const list = readHistory();
  if (list.length <= keep) return false;
  try {
    localStorage.setItem(HISTORY, JSON.stringify(list.slice(0, keep)));
    return true;
  } catch {
    return false;
  }
}

/** The replaced notebooks, newest first: [{name, title, savedAt, replacedAt, reason, notebook}]. */
export function loadHistory() {
  return readHistory();
}

/**
 * Puts a replaced notebook at the head of the history. When the storage is full, the oldest
 * entries give way, then the entry's outputs. Returns null, "no-outputs", or an error message.
 */
export function pushHistory(entry, withoutOutputs) {
  const list = readHistory();
  const json = JSON.stringify(entry.notebook);
  if (list.length && JSON.stringify(list[0].notebook) === json && list[0].name === entry.name) list.shift();
  const tryWrite = (e) => {
    const rest = list.slice(0, HISTORY_MAX - 1);
    for (;;) {
      try {
        localStorage.setItem(HISTORY, JSON.stringify([e, ...rest]));
        return true;
      } catch (err) {
        if (!rest.length) {
          tryWrite.error = err;
          return false;
        }
        rest.pop();
      }
    }
  };
  if (tryWrite(entry)) return null;
  if (withoutOutputs && tryWrite({ ...entry, notebook: withoutOutputs() })) return "no-outputs";
  return storageProblem(tryWrite.error);
}

/** Removes and returns history entry i (0 is the newest), or null. */
export function takeHistory(i) {
  const list = readHistory();
  const [entry] = list.splice(i, 1);
  if (!entry) return null;
  try {
    localStorage.setItem(HISTORY, JSON.stringify(list));
  } catch {
    // The entry stays listed; restoring it again is harmless.
  }
  return entry;
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
