// Banners: notices and errors shown as a short stack at the bottom of the window, where they
// are seen wherever the reader has scrolled. Each has a close button; some have actions.

export class Banners {
  constructor(container) {
    this.el = container;
    this.byKey = new Map();
  }

  /**
   * kind "error" | "notice" | "info"; message: string or Node; actions: [{label, run, keep?}]
   * Returns {close}. A banner with the same key replaces the earlier one.
   */
  show(kind, message, { key = null, actions = [], timeout = 0 } = {}) {
    if (key && this.byKey.has(key)) this.byKey.get(key).close();
    const box = document.createElement("div");
    box.className = `banner banner-${kind}`;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    if (key) box.dataset.key = key;
    const text = document.createElement("div");
    text.className = "banner-text";
    text.append(message);
    box.append(text);
    const handle = {
      close: () => {
        clearTimeout(timer);
        box.remove();
        if (key && this.byKey.get(key) === handle) this.byKey.delete(key);
      },
      el: box,
    };
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
    // Keep the stack short: the oldest banners give way.
    while (this.el.children.length > 3) {
      const oldest = this.el.firstElementChild;
      const k = oldest.dataset.key;
      if (k && this.byKey.has(k)) this.byKey.get(k).close();
      else oldest.remove();
    }
    const timer = timeout ? setTimeout(() => handle.close(), timeout) : 0;
    if (key) this.byKey.set(key, handle);
    return handle;
  }

  close(key) {
    if (this.byKey.has(key)) this.byKey.get(key).close();
  }
}
