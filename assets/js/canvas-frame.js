// Starts the canvas program (build/canvas.wasm) in assets/canvas.html: a
// classic script, after wasm_exec.js.
//
// Inside the notebook page the program (2.5 MB on the wire) is not part of the first visit: it
// starts when the page posts {type:"start"}, which it does on the first scene or once the
// kernel is ready and the page idle. Opened on its own, the canvas starts at once.
"use strict";
(() => {
let started = false;
function start() {
  if (started) return;
  started = true;
  run();
}
// ebiten draws on demand here (FPSModeVsyncOffMinimum) but still asks for every animation frame,
// to see whether the game scheduled one: sixty calls into the program a second while nothing
// changes, about a tenth of a core. So its requests pass for a second after the game last
// asked for a frame (the program calls nasbookCanvasWake with each ScheduleFrame) and wait for
// the next such call otherwise. Input and resizes run frames of their own in ebiten; a change
// they make asks for its frames through the game again. ebiten takes requestAnimationFrame once,
// as the program starts (run below): only its requests are held, never anyone else's.
const AWAKE_MS = 1000;
const animationFrame = window.requestAnimationFrame.bind(window);
let awakeUntil = 0;
let held = [];
function gatedAnimationFrame(callback) {
  if (performance.now() < awakeUntil) return animationFrame(callback);
  held.push(callback);
  return 0; // ebiten never cancels a request
}
window.nasbookCanvasWake = () => {
  awakeUntil = performance.now() + AWAKE_MS;
  const waiting = held;
  held = [];
  for (const callback of waiting) animationFrame(callback);
};

// Nor does the canvas take a gamepad: ebiten looks for gamepads on each frame, and a page that
// looked once keeps the browser polling for them.
Object.defineProperty(navigator, "getGamepads", { value: () => [] });

if (window.parent === window) start();
else {
  window.addEventListener("message", (e) => {
    if (e.source === window.parent && e.data && e.data.type === "start") start();
  });
}

async function run() {
  const go = new Go();
  const url = "build/canvas.wasm";
  try {
    let result;
    try {
      // Streaming compiles while downloading; it needs the application/wasm
      // type, which the server sends along with any Content-Encoding.
      result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
    } catch (err) {
      const resp = await fetch(url);
      if (!resp.ok) throw new Error(`${url}: ${resp.status} ${resp.statusText}`);
      result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    }
    window.nasbookCanvasWake(); // the first frames
    // The program's initialisation runs before go.run first waits: ebiten takes the gated
    // function then, and the window has its own back at once.
    const own = window.requestAnimationFrame;
    window.requestAnimationFrame = gatedAnimationFrame;
    let running;
    try {
      running = go.run(result.instance);
    } finally {
      window.requestAnimationFrame = own;
    }
    await running;
    throw new Error("the canvas program stopped");
  } catch (err) {
    console.error("canvas:", err);
    const p = document.getElementById("placeholder");
    p.textContent = `The canvas could not start: ${err.message}`;
    p.className = "failed";
    p.style.zIndex = "1";
  }
}
})();
