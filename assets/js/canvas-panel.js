// The canvas panel: the iframe that draws scenes (canvas.js bridges to it), where it docks
// (dock.js), its caption, and the architecture a click on a chart's point selected, or a cell
// edited on the canvas, which Copy architecture puts on the clipboard, and the controls of a finished
// search's replay (replay-controls.js). The kernel costs an edited
// cell (Kernel.edit) and its figures go back to the canvas.
import { CanvasBridge } from "./canvas.js";
import { CanvasDock } from "./dock.js";
import { ReplayControls } from "./replay-controls.js";
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
      onDrawn: (kind, title, replay) => this.onDrawn(kind, title, replay),
      onSelected: (index, label) => this.onSelected(index, label),
      onEdit: (request) => this.onEdit(request),
      onBrushed: (indices) => this.onBrushed(indices),
    });
    this.replay = new ReplayControls((change) => this.canvas.replay(change));
    this.edited = null; // {arch, parse} of the cell edited on the canvas
    $("#canvas-copy").addEventListener("click", () => this.copySelected());
    this.dock = new CanvasDock($("#layout"), $("#canvas-panel"), app.cellsEl);
  }

  /**
   * Starts the canvas program once the page has nothing else to do: called when the kernel is
   * ready, so the program is fetched after the first visit rather than with it (a scene before
   * then starts it at once).
   */
  startWhenIdle() {
    if (this.canvas.started || this.idleStart) return;
    this.idleStart = true;
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 200));
    idle(() => this.canvas.start(), { timeout: 2000 });
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

  onDrawn(kind, title, replay) {
    this.replay.show(replay);
    // A brushed list belongs to its chart, and stays while a point's cell is open.
    if (kind !== "cell" && kind !== "pareto" && kind !== "points" && kind !== "compare") this.onBrushed([]);
    // Back on the chart: no comparison is on.
    if (kind === "pareto" || kind === "points") for (const b of document.querySelectorAll("#canvas-brush input")) b.checked = false;
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

  /**
   * A rectangle dragged on a chart selected these points: list them under the canvas with their
   * figures, from the chart's scene.
   */
  onBrushed(indices) {
    const list = $("#canvas-brush");
    list.replaceChildren();
    let scene = this.canvas.lastScene;
    if (typeof scene === "string") {
      try {
        scene = JSON.parse(scene);
      } catch {
        scene = null;
      }
    }
    const plot = scene && scene.plot;
    if (!plot || !indices.length) {
      list.hidden = true;
      return;
    }
    const name = (axis, dflt) => (axis && axis.label) || dflt;
    const value = (v) => (typeof v === "number" ? Number(v.toPrecision(4)).toString() : "");
    const head = document.createElement("p");
    head.textContent = `${indices.length} selected`;
    list.append(head);
    const ol = document.createElement("ol");
    const MAX = 50;
    for (const i of indices.slice(0, MAX)) {
      const p = plot.points[i];
      if (!p) continue;
      const li = document.createElement("li");
      li.dataset.index = String(i);
      const label = document.createElement("code");
      label.textContent = p.label || `#${i}`;
      li.append(label, ` — ${name(plot.y, "y")} ${value(p.y)} · ${name(plot.x, "x")} ${value(p.x)}`);
      if (typeof p.cell === "number") {
        // Two ticked: their cells side by side on the canvas.
        const box = document.createElement("input");
        box.type = "checkbox";
        box.title = "Compare: tick two to draw their cells side by side";
        box.setAttribute("aria-label", `Compare point ${i}`);
        box.addEventListener("change", () => this.compareTicked());
        li.prepend(box);
      }
      ol.append(li);
    }
    list.append(ol);
    if (indices.length > MAX) {
      const more = document.createElement("p");
      more.textContent = `and ${indices.length - MAX} more`;
      list.append(more);
    }
    list.hidden = false;
  }

  /** Two points ticked in the brushed list: their cells side by side; otherwise the chart. */
  compareTicked() {
    const ticked = [...document.querySelectorAll("#canvas-brush li")].filter((li) => li.querySelector("input:checked")).map((li) => Number(li.dataset.index));
    this.canvas.compare(ticked.length === 2 ? ticked : []);
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
