// Bridge to the canvas iframe (assets/canvas.html, an ebiten program).
//
// The canvas page loads with the notebook, but its program starts only when start() is called
// (the page calls it once the kernel is ready and the page idle) or a scene arrives: the bridge
// then posts {type:"start"} with every ping until the canvas answers.
//
// The canvas posts {type:"canvas-ready"} when it can take scenes (and in answer to
// {type:"ping"}), {type:"canvas-drawn", kind, title} after drawing one,
// {type:"canvas-selected", index, label} when a chart's point is clicked (a canvas-drawn of a
// finished search's scene carries its replay's position, and {type:"replay", step, playing, speed}
// moves it),
// {type:"canvas-brushed", indices} when a rectangle dragged on a chart selects points, and
// {type:"canvas-edit", space, choices, x, y, edited} when an editable cell comes on show or is edited;
// the page answers the last with figures ({type:"figures", choices, arch, lines, point, error}),
// which the kernel computes (nb.Session.Edited). Scenes sent before it
// is ready are not lost: the last one is kept and sent on canvas-ready, also after the iframe
// reloads. The page's Presentation mode is passed on as {type:"presentation", on} (and again on every
// canvas-ready), so the canvas sets its labels at projector sizes.

const PING_EVERY_MS = 500;
const PING_FOR_MS = 120_000;

export class CanvasBridge {
  /** @param {HTMLIFrameElement} iframe  @param {{onReady?, onDrawn?, onSelected?, onEdit?}} hooks */
  constructor(iframe, hooks = {}) {
    this.iframe = iframe;
    this.hooks = hooks;
    this.ready = false;
    this.lastScene = null;
    this.pending = false;
    this.presentation = false;
    this.started = false;
    this._pinger = null;
    window.addEventListener("message", (e) => this._onMessage(e));
    iframe.addEventListener("load", () => {
      this.ready = false;
      this.pending = !!this.lastScene;
      this._startPinging();
    });
    this._startPinging();
  }

  _post(msg) {
    const win = this.iframe.contentWindow;
    if (win) win.postMessage(msg, "*");
  }

  _startPinging() {
    clearInterval(this._pinger);
    const until = Date.now() + PING_FOR_MS;
    this._pinger = setInterval(() => {
      if (this.ready || Date.now() > until) clearInterval(this._pinger);
      else this._ping();
    }, PING_EVERY_MS);
    this._ping();
  }

  _ping() {
    if (this.started) this._post({ type: "start" });
    this._post({ type: "ping" });
  }

  /** Starts the canvas program, if it has not started: it downloads and compiles it. */
  start() {
    if (this.started) return;
    this.started = true;
    if (!this.ready) this._startPinging();
  }

  _onMessage(e) {
    if (e.source !== this.iframe.contentWindow) return;
    const msg = e.data || {};
    if (msg.type === "canvas-ready") {
      const first = !this.ready;
      this.ready = true;
      clearInterval(this._pinger);
      this._post({ type: "presentation", on: this.presentation });
      if (this.pending && this.lastScene) this._flush();
      if (first && this.hooks.onReady) this.hooks.onReady();
    } else if (msg.type === "canvas-drawn") {
      if (this.hooks.onDrawn) this.hooks.onDrawn(msg.kind, msg.title, msg.replay || null);
    } else if (msg.type === "canvas-selected") {
      if (this.hooks.onSelected) this.hooks.onSelected(msg.index, msg.label);
    } else if (msg.type === "canvas-brushed") {
      if (this.hooks.onBrushed) this.hooks.onBrushed(Array.from(msg.indices || []));
    } else if (msg.type === "canvas-edit") {
      if (this.hooks.onEdit) this.hooks.onEdit({ space: String(msg.space || ""), choices: Array.from(msg.choices || []), x: msg.x || "", y: msg.y || "", edited: !!msg.edited });
    }
  }

  _flush() {
    this.pending = false;
    this._post({ type: "scene", scene: this.lastScene });
  }

  /** Tells the canvas whether the page is in Presentation mode. */
  setPresentation(on) {
    this.presentation = !!on;
    if (this.ready) this._post({ type: "presentation", on: this.presentation });
  }

  /**
   * Gives the canvas the figures of an edited architecture: the kernel's answer to the edit
   * request, or a note while the kernel cannot answer yet.
   */
  sendFigures(request, answer) {
    if (!this.ready) return;
    this._post({
      type: "figures",
      choices: request.choices,
      arch: answer.arch || "",
      lines: answer.lines || [],
      point: answer.point || null,
      error: answer.error || "",
    });
  }

  /** Draws the cells of a chart's points i and j side by side; an empty list ends it. */
  compare(indices) {
    if (this.ready) this._post({ type: "compare", indices });
  }

  /** Changes the replay of the scene on show: any of {step, playing, speed}. */
  replay(change) {
    if (this.ready) this._post({ type: "replay", ...change });
  }

  /** Shows a scene (the JSON object of a scene output), now or once the canvas is ready. */
  send(scene) {
    this.lastScene = scene;
    this.pending = true;
    if (scene) this.start();
    if (this.ready) this._flush();
  }
}
