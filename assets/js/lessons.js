// The built-in notebooks: the default one (loaded on a first visit and by Reset), and the
// Lessons menu, filled from assets/notebooks/lessons.json.
import { Notebook } from "./notebook.js";
import { DEFAULT_NAME } from "./documents.js";
import { $ } from "./ui.js";

const DEFAULT_NOTEBOOK = new URL("../notebooks/intro.ipynb", import.meta.url);
const LESSONS = new URL("../notebooks/lessons.json", import.meta.url);

/** Fetches the default notebook. */
export async function fetchDefault() {
  const resp = await fetch(DEFAULT_NOTEBOOK, { cache: "no-cache" });
  if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
  return Notebook.parse(await resp.text());
}

export class Lessons {
  /** @param app  {banners, documents} */
  constructor(app) {
    this.app = app;
  }

  wire() {
    $("#reset").addEventListener("click", () => this.resetToDefault());
    this.fillMenu();
  }

  async resetToDefault() {
    const ok = window.confirm("Replace this notebook with the default lesson notebook?\n\nYour current notebook is kept in the History menu, from where it can be restored.");
    if (!ok) return;
    try {
      const nb = await fetchDefault();
      this.app.documents.replace(nb, DEFAULT_NAME, { keepPrevious: true, reason: "the default notebook", message: "Loaded the default notebook." });
    } catch (e) {
      this.app.banners.show("error", `Could not load the default notebook (${e.message}). Your notebook was not changed.`, { key: "open" });
    }
  }

  /** Fills the Lessons menu from assets/notebooks/lessons.json. */
  async fillMenu() {
    const select = $("#lessons");
    let lessons = [];
    try {
      const resp = await fetch(LESSONS, { cache: "no-cache" });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      lessons = await resp.json();
    } catch (e) {
      select.disabled = true;
      select.title = `No lessons: ${e.message}`;
      return;
    }
    for (const l of lessons) {
      const o = document.createElement("option");
      o.value = l.file;
      o.textContent = l.title;
      select.append(o);
    }
    select.addEventListener("change", async () => {
      const file = select.value;
      select.value = "";
      if (file) await this.open(file);
    });
  }

  /** Replaces the notebook with a lesson; the current one stays restorable from the banner. */
  async open(file) {
    try {
      const resp = await fetch(new URL(file, LESSONS), { cache: "no-cache" });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const nb = Notebook.parse(await resp.text());
      const name = file.split("/").pop();
      this.app.documents.replace(nb, name, { keepPrevious: true, reason: "a lesson", message: `Opened the lesson ${name}.` });
    } catch (e) {
      this.app.banners.show("error", `Could not open the lesson ${file} (${e.message}). Your notebook was not changed.`, { key: "open" });
    }
  }
}
