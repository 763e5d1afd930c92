// The kernel's controls and status: the status line and what the kernel offers, the Pause,
// Stop and Restart buttons, and the banners of a kernel that crashed or could not start.
import { $, setIconButton, formatBytes, announce } from "./ui.js";

const STOPPED = {
  ename: "Stopped",
  evalue: "the kernel was restarted, so variables from earlier cells are gone; run them again",
  traceback: [],
};

const STATUS_TEXT = {
  loading: "Loading kernel…",
  ready: "Kernel ready",
  busy: "Kernel busy",
  restarting: "Restarting kernel…",
  error: "Kernel unavailable",
};

export class KernelControls {
  /** @param app  {kernel, banners, runner} */
  constructor(app) {
    this.app = app;
    this.banners = app.banners;
  }

  get kernel() {
    return this.app.kernel;
  }

  /** The hooks of kernel.js's Kernel. */
  hooks() {
    return {
      onStatus: (status, detail) => this.onStatus(status, detail),
      onCrash: (message) => this.onCrash(message),
      onLoadError: (message) => this.onLoadError(message),
      onPaused: (paused) => this.onPaused(paused),
      // The figures of a cell edited on the canvas go back to the canvas.
      onEdited: (request, answer) => this.app.canvasPanel.onEdited(request, answer),
    };
  }

  wire() {
    $("#stop").addEventListener("click", () => this.stop());
    $("#pause").addEventListener("click", () => this.togglePause());
    $("#restart").addEventListener("click", () => this.restart());
  }

  onStatus(status, detail) {
    const el = $("#kernel-status");
    el.dataset.status = status;
    let text = STATUS_TEXT[status] || status;
    if ((status === "loading" || status === "restarting") && detail.loaded) text += ` ${formatBytes(detail.loaded)}`;
    el.querySelector(".status-text").textContent = text;
    el.title = status === "error" && detail.message ? detail.message : text;
    if (status === "ready" || status === "busy") {
      this.app.canvasPanel.startWhenIdle();
      const info = $("#kernel-info");
      info.textContent = (this.kernel.version ? `Go kernel ${this.kernel.version}` : "Go kernel") +
        (this.kernel.kernels ? ` · kernels: ${this.kernel.kernels}` : "");
      const pkgs = this.kernel.packages || [];
      info.title = pkgs.length ? `Packages a cell can import:\n${pkgs.join("\n")}` : "";
    }
    if (status === "ready") this.banners.close("kernel-error");
    this.updateToolbar();
  }

  onCrash(message) {
    const first = String(message).split("\n")[0];
    this.banners.show("error", `The kernel crashed (${first}) and was restarted. Variables from earlier cells are gone; run them again.`, {
      key: "kernel-reset",
      actions: [{ label: "Run all", run: () => this.app.runner.runAll() }],
    });
  }

  onLoadError(message) {
    this.banners.show("error", `The kernel could not start: ${message}. Cells cannot run until it does.`, {
      key: "kernel-error",
      actions: [{ label: "Try again", run: () => this.restart(false).catch(() => {}) }],
    });
  }

  /** Pause button: pauses the running cell at its next yield point, or lets it go on. */
  togglePause() {
    if (!this.kernel.running) return;
    if (this.kernel.paused || this.kernel.pauseRequested) {
      this.kernel.resume();
      if (!this.kernel.paused) this.onPaused(false);
    } else {
      this.kernel.pause();
      const b = $("#pause");
      setIconButton(b, "❚❚", "Pausing…");
      b.setAttribute("aria-pressed", "true");
    }
  }

  onPaused(paused) {
    const b = $("#pause");
    if (paused) setIconButton(b, "▶", "Resume");
    else setIconButton(b, "❚❚", "Pause");
    b.setAttribute("aria-pressed", String(paused || !!this.kernel.pauseRequested));
    b.title = paused ? "Let the paused cell go on" : "Pause the running cell at its next progress update, canvas frame or printed line";
    // The running cell's badge says so; its next update (outputs resume) sets it back.
    const badge = document.querySelector('.cell[data-state="running"] .state-badge');
    if (badge) {
      badge.textContent = paused ? "paused" : "running";
      badge.dataset.paused = String(paused);
    }
    if (this.kernel.status === "busy") {
      $("#kernel-status .status-text").textContent = paused ? "Kernel paused" : STATUS_TEXT.busy;
    }
    if (paused) announce("Paused. Resume goes on; Stop ends the cell.");
    else if (this.kernel.running) announce("Resumed.");
    this.updateToolbar();
  }

  /** Stop button: kills a running cell by restarting the kernel. */
  stop() {
    if (!this.kernel.busy) return this.kernel.ready().catch(() => {});
    const ready = this.kernel.restart(STOPPED);
    this.banners.show("notice", "Stopped. The kernel was restarted, so its state was reset: variables from earlier cells are gone. Run those cells again.", {
      key: "kernel-reset",
      actions: [{ label: "Run all", run: () => this.app.runner.runAll() }],
    });
    return ready.catch(() => {});
  }

  restart(notify = true) {
    const ready = this.kernel.restart(STOPPED);
    if (notify) {
      this.banners.show("notice", "Kernel restarted: its state was reset, so variables from earlier cells are gone.", {
        key: "kernel-reset",
        timeout: 15_000,
        actions: [{ label: "Run all", run: () => this.app.runner.runAll() }],
      });
    }
    return ready;
  }

  updateToolbar() {
    $("#stop").disabled = !this.kernel.busy;
    $("#pause").disabled = !this.kernel.running;
  }
}
