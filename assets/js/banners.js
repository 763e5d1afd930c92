// Banners: notices and errors, shown in a strip under the header's controls. The header is
// sticky, so a banner is seen wherever the reader has scrolled, and it takes room of its own:
// it pushes the page down instead of covering outputs or the canvas.
//
// Notices ("info", "notice") leave by themselves: after their time (longer with actions), or
// at the reader's next action elsewhere on the page (a click or a key) once they have been up
// for a moment. The time stands still while the pointer or focus is on the banner. Errors
// stay until closed, replaced (same key) or closed by the code that raised them.

const TIMEOUT_MS = { info: 6000, notice: 10_000, error: 0 };
const WITH_ACTIONS_MS = 12_000;
const NEXT_ACTION_AFTER_MS = 1500;
const MAX_SHOWN = 3;

export class Banners {
  constructor(container) {
    this.el = container;
    this.byKey = new Map();
    this.live = new Set();
    // The next action elsewhere sends notices away.
    const onAction = (e) => {
      if (this.el.contains(e.target)) return;
      const now = performance.now();
      for (const h of [...this.live]) if (h.dismissOnAction && now - h.shownAt > NEXT_ACTION_AFTER_MS) h.close();
    };
    document.addEventListener("pointerdown", onAction, true);
    document.addEventListener("keydown", onAction, true);
  }

  /**
   * kind "error" | "notice" | "info"; message: string or Node; actions: [{label, run, keep?}];
   * timeout: ms before it leaves (0: it stays until closed); the default depends on kind.
   * Returns {close, el}. A banner with the same key replaces the earlier one.
   */
  show(kind, message, { key = null, actions = [], timeout } = {}) {
    if (key && this.byKey.has(key)) this.byKey.get(key).close();
    if (timeout === undefined) timeout = kind === "error" ? 0 : actions.length ? WITH_ACTIONS_MS : TIMEOUT_MS[kind] ?? TIMEOUT_MS.info;
    const box = document.createElement("div");
    box.className = `banner banner-${kind}`;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.dataset.kind = kind;
    if (key) box.dataset.key = key;
    if (timeout) box.dataset.timeout = String(timeout);
    const text = document.createElement("div");
    text.className = "banner-text";
    text.append(message);
    box.append(text);
    let timer = 0;
    let left = timeout;
    let startedAt = 0;
    const handle = {
      el: box,
      shownAt: performance.now(),
      dismissOnAction: kind !== "error",
      close: () => {
        clearTimeout(timer);
        box.remove();
        this.live.delete(handle);
        if (key && this.byKey.get(key) === handle) this.byKey.delete(key);
      },
    };
    const run = () => {
      if (!left) return;
      startedAt = performance.now();
      timer = setTimeout(() => handle.close(), left);
    };
    const hold = () => {
      if (!left || !timer) return;
      clearTimeout(timer);
      timer = 0;
      left = Math.max(1500, left - (performance.now() - startedAt));
    };
    box.addEventListener("pointerenter", hold);
    box.addEventListener("pointerleave", () => !box.matches(":focus-within") && run());
    box.addEventListener("focusin", hold);
    box.addEventListener("focusout", (e) => !box.contains(e.relatedTarget) && !box.matches(":hover") && run());
    if (actions.length) {
      const span = document.createElement("div");
      span.className = "banner-actions";
      for (const a of actions) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = a.label;
        b.addEventListener("click", () => {
          if (!a.keep) handle.close();
          a.run();
        });
        span.append(b);
      }
      box.append(span);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "banner-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "✕";
    close.addEventListener("click", () => handle.close());
    box.append(close);
    this.el.append(box);
    this.live.add(handle);
    if (key) this.byKey.set(key, handle);
    // Keep the strip short: the oldest banners give way.
    while (this.el.children.length > MAX_SHOWN) {
      const oldest = [...this.live].find((h) => h.el === this.el.firstElementChild);
      if (oldest) oldest.close();
      else this.el.firstElementChild.remove();
    }
    run();
    return handle;
  }

  close(key) {
    if (this.byKey.has(key)) this.byKey.get(key).close();
  }
}
