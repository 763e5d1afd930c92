// Where the canvas panel sits. Wide windows have it beside the notebook, sticky ("side").
// Below NARROW it is either pinned below the cell that last drew on it ("pinned": an empty
// slot in that cell keeps the room, and the panel is laid over the slot) or floated in a
// corner of the window ("float"). The iframe is never moved in the DOM, since moving it
// would reload the canvas program.

const NARROW = "(max-width: 999.98px)";

export class CanvasDock {
  /** @param {HTMLElement} layout  the positioned container of the notebook and the panel */
  constructor(layout, panel, cellsEl) {
    this.layout = layout;
    this.panel = panel;
    this.cellsEl = cellsEl;
    this.anchor = null; // the section.cell that last drew on the canvas
    this.floating = false;
    this.slot = document.createElement("div");
    this.slot.className = "canvas-slot";
    this.slot.setAttribute("aria-hidden", "true");
    this.mq = matchMedia(NARROW);
    this.mq.addEventListener("change", () => this.place());
    let queued = 0;
    this.observer = new ResizeObserver(() => {
      if (!queued) queued = requestAnimationFrame(() => ((queued = 0), this.place()));
    });
    this.observer.observe(cellsEl);
  }

  /** The cell element whose output drew on the canvas, or null. */
  setAnchor(el) {
    this.anchor = el;
    this.place();
  }

  setFloating(on) {
    this.floating = on;
    this.place();
  }

  get mode() {
    return this.layout.dataset.dock || "side";
  }

  place() {
    const hidden = this.layout.dataset.canvas === "hidden";
    let mode = "side";
    if (this.mq.matches && !hidden) mode = this.floating ? "float" : "pinned";
    this.layout.dataset.dock = mode;
    if (mode !== "pinned") {
      this.slot.remove();
      this.panel.style.top = "";
      return;
    }
    const anchor = this.anchor && this.anchor.isConnected ? this.anchor : this.cellsEl.querySelector(":scope > section.cell:last-of-type");
    if (anchor) {
      const bar = anchor.querySelector(":scope > .insert-bar");
      if (this.slot.parentNode !== anchor || this.slot.nextSibling !== bar) anchor.insertBefore(this.slot, bar);
    } else if (this.slot.parentNode !== this.cellsEl) {
      this.cellsEl.append(this.slot);
    }
    const top = this.slot.getBoundingClientRect().top - this.layout.getBoundingClientRect().top;
    this.panel.style.top = `${Math.round(top)}px`;
  }
}
