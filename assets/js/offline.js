// Offline use: registers the service worker (sw.js at the site's root) once the kernel is ready and
// the canvas up, so that what it keeps is already in the browser's cache; asks it to keep the workers' programs
// too; says "Available offline" in the header when all is kept; and offers a reload when a new
// build has been installed.
import { $ } from "./ui.js";

const WORKER = new URL("../../sw.js", import.meta.url);

export class Offline {
  /** @param app  {banners, saving} */
  constructor(app) {
    this.app = app;
  }

  /**
   * Starts once the page is loaded, the kernel ready and the canvas up (so that the copy competes
   * with neither); resolves when the copy is complete.
   */
  async start() {
    await canvasUp(60_000);
    const status = $("#offline-status");
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      status.dataset.state = "unavailable";
      return;
    }
    let reg;
    try {
      reg = await navigator.serviceWorker.register(WORKER);
    } catch (e) {
      status.dataset.state = "unavailable";
      status.title = `This page cannot work offline here: ${e.message}`;
      return;
    }
    reg.addEventListener("updatefound", () => this.watch(reg.installing));
    if (reg.waiting && navigator.serviceWorker.controller) this.offerReload(reg.waiting);
    const ready = await navigator.serviceWorker.ready;
    status.dataset.state = "keeping";
    const answer = await ask(ready.active, { type: "keep-later" });
    if (answer.type === "kept") {
      status.dataset.state = "ready";
      status.textContent = "Available offline";
      status.title = `This page, its lessons and its programs are kept in this browser (build ${answer.version}): it works without a network. Data a cell fetched is kept too.`;
    } else {
      status.dataset.state = "partial";
      status.title = `Not all of the page is kept for offline use: ${answer.error}`;
    }
  }

  /** A new build's worker: once installed, offer to reload into it. */
  watch(worker) {
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) this.offerReload(worker);
    });
  }

  offerReload(worker) {
    this.app.banners.show("notice", "A new version of nasbook is ready. Reload to use it (your notebook is saved).", {
      key: "new-version",
      timeout: 0,
      actions: [
        {
          label: "Reload",
          run: () => {
            this.app.saving.saveNow();
            navigator.serviceWorker.addEventListener("controllerchange", () => location.reload());
            worker.postMessage({ type: "skip-waiting" });
          },
        },
      ],
    });
  }
}

/** Sends a message to the service worker and resolves with its answer. */
function ask(worker, msg) {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data || {});
    worker.postMessage(msg, [ch.port2]);
  });
}

/** Resolves when the canvas panel says its program runs, or after ms at most. */
function canvasUp(ms) {
  const panel = $("#canvas-panel");
  return new Promise((resolve) => {
    if (panel.dataset.ready === "true") return resolve();
    const obs = new MutationObserver(() => {
      if (panel.dataset.ready === "true") done();
    });
    const timer = setTimeout(() => done(), ms);
    const done = () => {
      obs.disconnect();
      clearTimeout(timer);
      resolve();
    };
    obs.observe(panel, { attributes: true, attributeFilter: ["data-ready"] });
  });
}
