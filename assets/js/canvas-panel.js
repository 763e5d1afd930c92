// The canvas panel: the iframe that draws scenes (canvas.js bridges to it), where it docks
// (dock.js), its caption, and the architecture a click on a chart's point selected, or a cell
// edited on the canvas, which Copy architecture puts on the clipboard. The kernel costs an edited
// cell (Kernel.edit) and its figures go back to the canvas.
import { CanvasBridge } from "./canvas.js";
import { CanvasDock } from "./dock.js";
import { $, announce } from "./ui.js";

export class CanvasPanel {
  /** @param app  {view, cellsEl, kernel} */
  constructor(app) {
    this.app = app;
    this.selectedIndex = -1;
    this.selectedArch = "";
    this.copyTimer = 0;
    this.canvas = new CanvasBridge($("#canvas"), {
      onReady: () => ($("#canvas-panel").dataset.ready = "true"),
      onDrawn: (kind, title) => this.onDrawn(kind, title),
      onSelected: (index, label) => this.onSelected(index, label),
      onEdit: (request) => this.onEdit(request),
    });
    this.edited = null; // {arch, parse} of the cell edited on the canvas
    $("#canvas-copy").addEventListener("click", () => this.copySelected());
    this.dock = new CanvasDock($("#layout"), $("#canvas-panel"), app.cellsEl);
  }

  /** Shows a scene on the canvas; cell is the cell that drew it (the canvas docks beside it). */
  show(scene, cell = null) {
    this.canvas.send(scene);
    const v = cell && this.app.view.get(cell);
    if (v) this.dock.setAnchor(v.el);
  }

  /**
   * Starts over for a notebook just opened: the canvas shows what this notebook drew, not what
   * the one before it did, so it is cleared, then shows the scene the notebook's outputs last
   * drew, if any.
   */
  reset(nb, sceneMime) {
    let scene = null;
    let drew = null;
    for (const c of nb.cells) for (const o of c.outputs) if (o.data && o.data[sceneMime]) [scene, drew] = [o.data[sceneMime], c];
    this.edited = null;
    this.onSelected(-1, "");
    $("#canvas-caption").textContent = "";
    this.canvas.send(scene);
    const v = drew && this.app.view.get(drew);
    this.dock.setAnchor(v ? v.el : null);
  }

  onDrawn(kind, title) {
    // The selection lasts while its cell is shown; any other view ends it.
    if (kind !== "cell") {
      this.onSelected(-1, "");
      this.edited = null;
    }
    this.showCaption(title || kind || "");
  }

  /** A point of a chart on the canvas was clicked: offer its architecture for a cell. */
  onSelected(index, label) {
    this.selectedIndex = index;
    this.selectedArch = label || "";
    this.showCaption("");
  }

  /** The caption under the canvas names its architecture, and the Copy button copies it. */
  showCaption(fallback) {
    const copy = this.copyText();
    $("#canvas-copy").hidden = !copy;
    $("#canvas-copy").title = copy ? `Copy ${copy}` : "";
    if (this.edited) $("#canvas-caption").textContent = this.edited.arch;
    else if (this.selectedArch) $("#canvas-caption").textContent = `#${this.selectedIndex}: ${this.selectedArch}`;
    else $("#canvas-caption").textContent = fallback;
  }

  /** What Copy puts on the clipboard: an edited cell as nb.Parse text, or a clicked point's label. */
  copyText() {
    return this.edited ? this.edited.parse : this.selectedArch || "";
  }

  /** A cell on the canvas was edited (or came on show editable): the kernel costs it. */
  onEdit(request) {
    const kernel = this.app.kernel;
    if (kernel.status === "busy") {
      this.canvas.sendFigures(request, { lines: ["The running cell holds the kernel: the figures come at its next output or when it ends."] });
    }
    kernel.edit(request);
  }

  /** The kernel's figures of an edited architecture: to the canvas, and ready to copy into a cell. */
  onEdited(request, answer) {
    this.canvas.sendFigures(request, answer);
    // A clicked point's cell, as it came, keeps offering the point's label.
    if (answer.parse && (request.edited || !this.selectedArch)) {
      this.edited = { arch: answer.arch, parse: answer.parse };
      this.showCaption("");
    }
  }

  async copySelected() {
    const text = this.copyText();
    if (!text) return;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // No clipboard permission (an embedded page, an old browser): copy through a selection.
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.append(ta);
      ta.select();
      ok = document.execCommand("copy");
      ta.remove();
    }
    announce(ok ? `Copied ${text}` : `Could not copy; the architecture is ${text}`);
    $("#canvas-copy").textContent = ok ? "Copied" : "Copy failed";
    clearTimeout(this.copyTimer);
    this.copyTimer = setTimeout(() => ($("#canvas-copy").textContent = "Copy architecture"), 1500);
  }
}
