// The notebook as a document: its name, opening another one (a file, a lesson, a link, a new
// notebook: the one replaced joins the history), and downloading it as a .ipynb file.
import { Notebook, NotebookError, newCell, notebookLanguage, SCENE_MIME } from "./notebook.js";
import { $, downloadJSON } from "./ui.js";

export const DEFAULT_NAME = "intro.ipynb";

export class Documents {
  /** @param app  {notebook, banners, view, runner, canvasPanel, saving, history} */
  constructor(app) {
    this.app = app;
    this.notebook = app.notebook;
    this.banners = app.banners;
    this.name = DEFAULT_NAME;
  }

  wire() {
    $("#download").addEventListener("click", () => this.download());
    $("#new-notebook").addEventListener("click", () => this.newNotebook());
    const open = $("#open");
    open.addEventListener("change", async () => {
      const file = open.files && open.files[0];
      open.value = "";
      if (file) await this.openFile(file);
    });
    const name = $("#notebook-name");
    name.addEventListener("change", () => {
      this.setName(name.value.trim());
      this.app.saving.schedule();
    });
    // Dropping a .ipynb anywhere on the page opens it.
    document.addEventListener("dragover", (e) => {
      if (e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files")) {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }
    });
    document.addEventListener("drop", (e) => {
      const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      this.openFile(file);
    });
  }

  setName(name) {
    this.name = name || DEFAULT_NAME;
    $("#notebook-name").value = this.name;
    document.title = `${this.name.replace(/\.ipynb$/, "")} · nasbook`;
  }

  /**
   * Replaces the notebook. With keepPrevious, the replaced one joins the history (restorable
   * from the History menu); reason says what replaced it ("a lesson", "a link", ...).
   */
  replace(nb, name, { keepPrevious = false, reason = "", message = "", save = true } = {}) {
    const { runner, view, canvasPanel, history, saving } = this.app;
    runner.cancelQueued("not run: another notebook was opened");
    let kept = null;
    if (keepPrevious) kept = history.keep(reason);
    view.setActive(null);
    this.notebook.replaceWith(nb);
    this.setName(name);
    if (save) saving.saveNow(true);
    runner.drawFigures(nb);
    canvasPanel.reset(nb, SCENE_MIME);
    this.banners.close("language");
    const lang = notebookLanguage(nb);
    if (lang && lang !== "go") {
      this.banners.show("notice", `This notebook is written for ${lang}; its code cells will run as Go.`, { key: "language" });
    }
    if (kept && kept.error) {
      this.banners.show("error", `The notebook you had open, "${kept.name}", could not be kept in the history (${kept.error}), so it cannot be restored from there.`, {
        key: "history",
        actions: [{ label: `Download "${kept.name}"`, run: () => downloadJSON(kept.notebook, kept.name) }],
      });
    }
    if (message || (kept && kept.ok)) {
      const actions = kept && kept.ok ? [{ label: "Restore the previous notebook", run: () => history.restore(0) }] : [];
      const more = kept && kept.ok ? " The one before is in the History menu." : "";
      this.banners.show("info", (message || "Notebook replaced.") + more, { key: "replaced", actions });
    }
    history.render();
    window.scrollTo(0, 0);
  }

  download() {
    downloadJSON(this.notebook.toJSON(), this.name);
  }

  async openFile(file) {
    let nb;
    try {
      if (file.size > 50 * 1024 * 1024) throw new NotebookError("it is larger than 50 MB");
      nb = Notebook.parse(await file.text());
    } catch (e) {
      const why = e instanceof NotebookError ? e.message : `it could not be read (${e.message})`;
      this.banners.show("error", `Could not open "${file.name}": ${why}. Your notebook was not changed.`, { key: "open" });
      return false;
    }
    this.banners.close("open");
    this.replace(nb, file.name, { keepPrevious: true, reason: "a file", message: `Opened "${file.name}".` });
    return true;
  }

  /** Replaces the notebook with an empty one; the current one joins the history. */
  newNotebook() {
    const nb = new Notebook();
    nb.cells = [newCell("code")];
    this.replace(nb, "untitled.ipynb", { keepPrevious: true, reason: "a new notebook", message: "Started a new notebook." });
    const first = this.app.view.get(nb.cells[0]);
    if (first) first.focusEditor();
  }
}
