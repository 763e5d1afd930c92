// Starts the canvas program (build/canvas.wasm) in assets/canvas.html: a
// classic script, after wasm_exec.js.
"use strict";
(async () => {
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
    await go.run(result.instance);
    throw new Error("the canvas program stopped");
  } catch (err) {
    console.error("canvas:", err);
    const p = document.getElementById("placeholder");
    p.textContent = `The canvas could not start: ${err.message}`;
    p.className = "failed";
    p.style.zIndex = "1";
  }
})();
