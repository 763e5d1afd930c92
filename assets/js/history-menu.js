// The History menu: the notebooks that opening another one replaced (storage.js keeps the last
// ten), listed newest first with their titles and times, and restoring one of them.
import { Notebook } from "./notebook.js";
import * as storage from "./storage.js";
import { DEFAULT_NAME } from "./documents.js";
import { $, formatWhen } from "./ui.js";

/** A notebook's title: its first markdown heading, or else its name. */
export function notebookTitle(nb, name) {
  for (const c of nb.cells) {
    if (c.type !== "markdown") continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(c.source);
    if (m) return m[1].slice(0, 120);
  }
  return name;
}

export class HistoryMenu {
  /** @param app  {notebook, banners, documents, saving, loaded} */
  constructor(app) {
    this.app = app;
  }

  /**
   * Puts the current notebook (or, before one is loaded, the saved one) into the history.
   * Returns null (nothing to keep), {ok: true}, or {ok: false, error, name, notebook}.
   */
  keep(reason) {
    const { app } = this;
    let entry;
    if (app.loaded) {
      const name = app.documents.name;
      entry = { name, title: notebookTitle(app.notebook, name), notebook: app.notebook.toJSON() };
    } else {
      const { record } = storage.loadSaved();
      if (!record) return null;
      let title = record.name || DEFAULT_NAME;
      try {
        title = notebookTitle(Notebook.parse(record.notebook), title);
      } catch {
        // Listed by its name.
      }
      entry = { name: record.name || DEFAULT_NAME, title, notebook: record.notebook };
    }
    const now = new Date().toISOString();
    const problem = storage.pushHistory({ ...entry, savedAt: now, replacedAt: now, reason }, () => (app.loaded ? app.notebook.toJSON({ outputs: false }) : entry.notebook));
    if (problem === null || problem === "no-outputs") return { ok: true, error: null };
    return { ok: false, error: problem, name: entry.name, notebook: entry.notebook };
  }

  /** Opens history entry i (0 is the newest); the current notebook takes its place in it. */
  restore(i) {
    const { app } = this;
    app.saving.saveNow();
    const list = storage.loadHistory();
    const entry = list[i];
    if (!entry) {
      app.banners.show("error", "That notebook is no longer in the history.", { key: "replaced" });
      this.render();
      return false;
    }
    let nb;
    try {
      nb = Notebook.parse(entry.notebook);
    } catch (e) {
      app.banners.show("error", `The notebook "${entry.name}" in the history could not be read: ${e.message}. Your notebook was not changed.`, { key: "replaced" });
      return false;
    }
    storage.takeHistory(i);
    app.documents.replace(nb, entry.name || DEFAULT_NAME, { keepPrevious: true, reason: "a restore", message: `Restored "${entry.name}".` });
    return true;
  }

  /** Fills the History menu with the replaced notebooks, newest first. */
  render() {
    const list = $("#history-list");
    if (!list) return;
    const entries = storage.loadHistory();
    list.replaceChildren();
    $("#history-empty").hidden = entries.length > 0;
    entries.forEach((e, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "history-item";
      b.dataset.index = String(i);
      const title = document.createElement("span");
      title.className = "history-title";
      title.textContent = e.title || e.name || "untitled";
      const meta = document.createElement("span");
      meta.className = "history-meta";
      const when = e.replacedAt ? new Date(e.replacedAt) : null;
      const time = when && !isNaN(when) ? formatWhen(when) : "";
      meta.textContent = [e.name, time && `replaced ${time}`, e.reason && `by ${e.reason}`].filter(Boolean).join(" · ");
      b.append(title, meta);
      b.addEventListener("click", () => {
        $("#history-menu").open = false;
        this.restore(i);
      });
      li.append(b);
      list.append(li);
    });
  }

  /** The entries as window.nasbook.history() gives them. */
  list() {
    return storage.loadHistory().map(({ name, title, replacedAt, reason }) => ({ name, title, replacedAt, reason }));
  }
}
