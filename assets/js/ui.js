// Small helpers of the page's controls, shared by the modules that wire them.

export const $ = (sel) => document.querySelector(sel);

/** Sets a toolbar button to a symbol and a label (the label gives way in narrow windows). */
export function setIconButton(b, icon, label) {
  const span = document.createElement("span");
  span.className = "label";
  span.textContent = ` ${label}`;
  b.replaceChildren(icon, span);
  b.setAttribute("aria-label", label);
}

export function formatWhen(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return sameDay ? `at ${time}` : `on ${date.toLocaleDateString()} at ${time}`;
}

export function formatBytes(n) {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;
}

let announceTimer = 0;

/** Tells screen-reader users what happened out of their sight. */
export function announce(text) {
  const el = $("#announcer");
  el.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => (el.textContent = text), 50);
}

/** Saves a notebook (nbformat JSON) as a .ipynb file through the browser's downloads. */
export function downloadJSON(notebook, name) {
  const json = JSON.stringify(notebook, null, 1) + "\n";
  const blob = new Blob([json], { type: "application/x-ipynb+json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = /\.ipynb$/i.test(name) ? name : `${name}.ipynb`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
