// The header's remaining controls: Run all, the insert buttons, Upload data, the View menu's
// toggles (kept in the browser's preferences), the menus' opening and closing, and the
// layout's response to the window's size.
import * as storage from "./storage.js";
import { $ } from "./ui.js";

/** @param app  {view, runner, kernel, canvasPanel, history, banners, topBar} */
export function wireToolbar(app) {
  const { view, topBar } = app;
  $("#run-all").addEventListener("click", () => app.runner.runAll());
  $("#add-code").addEventListener("click", () => view.insertNear(view.active, "code", +1));
  $("#add-markdown").addEventListener("click", () => view.insertNear(view.active, "markdown", +1));
  topBar.querySelector(".add-code").addEventListener("click", () => view.insert("code", 0));
  topBar.querySelector(".add-markdown").addEventListener("click", () => view.insert("markdown", 0));
  const upload = $("#upload");
  upload.addEventListener("change", async () => {
    const files = Array.from(upload.files || []);
    upload.value = "";
    for (const file of files) {
      app.kernel.upload(file.name, new Uint8Array(await file.arrayBuffer()));
    }
    if (files.length > 0) {
      const names = files.map((f) => f.name).join(", ");
      app.banners.show("notice", `Uploaded ${names}: cells read each with nb.UploadedFile("${files[0].name}").`, { key: "upload" });
    }
  });
  wireView(app);
  wireMenus(app);
  const topbar = document.querySelector(".topbar");
  new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-h", `${topbar.offsetHeight}px`)).observe(topbar);
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => view.relayout(), 100);
  });
}

// The View menu: Presentation, the canvas shown or hidden, floating or pinned.
function wireView(app) {
  const { view, canvasPanel } = app;
  const prefs = storage.loadPrefs();
  const presentation = $("#presentation");
  const setPresentation = (on) => {
    document.documentElement.classList.toggle("presentation", on);
    presentation.setAttribute("aria-pressed", String(on));
    canvasPanel.canvas.setPresentation(on);
    requestAnimationFrame(() => view.relayout());
  };
  setPresentation(!!prefs.presentation);
  presentation.addEventListener("click", () => {
    prefs.presentation = presentation.getAttribute("aria-pressed") !== "true";
    setPresentation(prefs.presentation);
    storage.savePrefs(prefs);
  });
  const canvasToggle = $("#toggle-canvas");
  const setCanvas = (hidden) => {
    $("#layout").dataset.canvas = hidden ? "hidden" : "shown";
    canvasToggle.setAttribute("aria-pressed", String(!hidden));
    canvasPanel.dock.place();
    requestAnimationFrame(() => view.relayout());
  };
  const floatButton = $("#canvas-float");
  const setFloat = (on) => {
    floatButton.textContent = on ? "Pin" : "Float";
    floatButton.setAttribute("aria-pressed", String(on));
    floatButton.title = on ? "Pin the canvas below the cell that drew on it" : "Float the canvas in a corner of the window";
    canvasPanel.dock.setFloating(on);
  };
  setFloat(!!prefs.canvasFloat);
  floatButton.addEventListener("click", () => {
    prefs.canvasFloat = !prefs.canvasFloat;
    setFloat(prefs.canvasFloat);
    storage.savePrefs(prefs);
  });
  setCanvas(!!prefs.canvasHidden);
  canvasToggle.addEventListener("click", () => {
    prefs.canvasHidden = !prefs.canvasHidden;
    setCanvas(prefs.canvasHidden);
    storage.savePrefs(prefs);
  });
}

// Menus close on Escape or a click elsewhere, and one at a time.
function wireMenus(app) {
  const menus = Array.from(document.querySelectorAll("details.menu"));
  document.addEventListener("click", (e) => {
    for (const m of menus) if (m.open && !m.contains(e.target)) m.open = false;
  });
  for (const m of menus) {
    m.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && m.open) {
        m.open = false;
        m.querySelector("summary").focus();
      }
    });
    m.addEventListener("toggle", () => {
      if (!m.open) return;
      for (const o of menus) if (o !== m) o.open = false;
      if (m.id === "history-menu") app.history.render();
    });
  }
  // A choice in the File menu closes it.
  $("#notebook-menu .menu-panel").addEventListener("click", (e) => {
    if (e.target.closest("button, label")) $("#notebook-menu").open = false;
  });
}
