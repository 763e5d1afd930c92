// Saving the notebook in the browser (storage.js keeps it): soon after each change, at once on
// Ctrl+S and when the page is hidden, and the header's save status, with a banner when saving
// starts to fail or keeps only the sources.
import * as storage from "./storage.js";
import { $ } from "./ui.js";

const SAVE_DELAY_MS = 400;

export class Saving {
  /** @param app  {notebook, banners, documents, loaded} */
  constructor(app) {
    this.app = app;
    this.timer = 0;
    this.last = ""; // what the last save ended in: "saved", "partial" or "failed"
  }

  wire() {
    document.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        this.saveNow();
      }
    });
    window.addEventListener("pagehide", () => this.saveNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.saveNow();
    });
    window.addEventListener("storage", (e) => {
      if (e.key !== storage.NOTEBOOK_KEY || !this.app.loaded) return;
      this.app.banners.show("notice", "This notebook was changed in another tab of this browser. Both tabs save to the same place, so the one that saves last wins: keep working in one tab.", { key: "other-tab" });
    });
  }

  /** Saves a moment after the last of a burst of changes. */
  schedule() {
    if (!this.app.loaded) return;
    clearTimeout(this.timer);
    const status = $("#save-status");
    if (status.dataset.state !== "saving") {
      status.dataset.state = "saving";
      status.textContent = "Saving…";
    }
    this.timer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  /** Saves now; before the first notebook is loaded only with force. */
  saveNow(force = false) {
    clearTimeout(this.timer);
    this.timer = 0;
    if (!this.app.loaded && !force) return;
    const nb = this.app.notebook;
    const problem = storage.save(this.app.documents.name, nb.toJSON(), () => nb.toJSON({ outputs: false }));
    const status = $("#save-status");
    // A change is said once, not at every save.
    const was = this.last;
    this.last = problem === null ? "saved" : problem === "no-outputs" ? "partial" : "failed";
    const banners = this.app.banners;
    if (problem === null) {
      status.textContent = "Saved";
      status.title = "Saved in this browser";
      status.dataset.state = "saved";
      banners.close("storage");
    } else if (problem === "no-outputs") {
      status.textContent = "Saved (sources only)";
      status.title = "The outputs are too large to keep in this browser; only the cells' sources are saved";
      status.dataset.state = "partial";
      if (was !== "partial") {
        banners.show("notice", "The outputs are too large to keep in this browser, so only the cells' sources are saved. Download the notebook to keep its outputs.", { key: "storage" });
      }
    } else {
      status.textContent = "Not saved";
      status.title = `Not saved: ${problem}`;
      status.dataset.state = "failed";
      // Said each time saving starts to fail, and stays until closed or a save succeeds.
      if (was !== "failed") {
        banners.show("error", `Your notebook was not saved: ${problem}. Download it to keep your work.`, {
          key: "storage",
          actions: [{ label: "Download", run: () => this.app.documents.download() }],
        });
      }
    }
  }
}
