// The figure worker draws figure specs (application/vnd.nasbook.figure+json)
// as SVG with the Go program wasm/figure. Messages in: {id, spec}; out:
// {id, svg} or {id, error}. It starts on the first figure a notebook makes.
importScripts("../build/wasm_exec.js");

const started = (async () => {
  const go = new Go();
  const url = new URL("../build/figure.wasm", self.location.href);
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(fetch(url), go.importObject));
  } catch (e) {
    const bytes = await (await fetch(url)).arrayBuffer();
    ({ instance } = await WebAssembly.instantiate(bytes, go.importObject));
  }
  go.run(instance);
})();

self.onmessage = async (ev) => {
  const { id, spec } = ev.data;
  try {
    await started;
    const r = self.nasbookRender(typeof spec === "string" ? spec : JSON.stringify(spec));
    postMessage(r.error ? { id, error: r.error } : { id, svg: r.svg });
  } catch (e) {
    postMessage({ id, error: String(e && e.message || e) });
  }
};
