// WebAssembly SIMD kernels for Go programs (build/simd.wasm, from engine/compute/wasmsimd).
//
// A Go program that links engine/compute imports its SIMD kernels with //go:wasmimport from the
// module "nasbook_simd", so every loader must put that module into go.importObject before it
// instantiates the Go program. The kernels module in turn imports the Go instance's memory,
// which exists only once the Go program is instantiated. So:
//
//   const simd = await nasbookSimd.load("../build/simd.wasm");   // compiles; never throws
//   Object.assign(go.importObject, simd.importObject);
//   const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
//   await simd.attach(instance);                                  // before go.run
//   go.run(instance);
//
// The imports are the functions of a small link module inside simd.wasm, which call the kernels
// through a table that attach fills, so a call never leaves WebAssembly (a name the link module
// lacks gets a JavaScript trampoline instead); the kernels share the Go memory object itself, so
// they see it after it grows. Where the engine has no SIMD, the source cannot be loaded, or load
// is given null (to measure the Go kernels), "available" answers 0 and the Go side keeps its own
// kernels.
//
// A classic script: importScripts, <script src> and require all work.
"use strict";

(function (root) {
  const MODULE = "nasbook_simd";
  const LINK = "nasbook_simd.link";

  // The smallest module with a SIMD instruction (i8x16.popcnt of a splat).
  const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

  function supported() {
    try {
      return typeof WebAssembly === "object" && WebAssembly.validate(PROBE);
    } catch (e) {
      return false;
    }
  }

  async function compile(source) {
    if (typeof source === "string" || (typeof URL !== "undefined" && source instanceof URL)) {
      if (typeof fetch !== "function") throw new Error("no fetch to load " + source);
      const resp = await fetch(source);
      if (!resp.ok) throw new Error(`could not fetch ${source}: HTTP ${resp.status}`);
      return WebAssembly.compile(await resp.arrayBuffer());
    }
    if (source instanceof WebAssembly.Module) return source;
    return WebAssembly.compile(source);
  }

  // load compiles the kernels from source (a URL, bytes or a WebAssembly.Module; null for
  // none) and returns { importObject, attach(goInstance), name, reason }.
  async function load(source) {
    let module = null;
    let reason = "";
    if (source == null) reason = "disabled";
    else if (!supported()) reason = "this JavaScript engine has no WebAssembly SIMD";
    else {
      try {
        module = await compile(source);
      } catch (e) {
        reason = "the SIMD kernels could not be loaded: " + ((e && e.message) || e);
      }
    }
    let exports = null;
    // The kernels module carries a link module (custom section LINK): one function per kernel,
    // of the kernel's type, that calls slot i of the table it imports. Its exports are the Go
    // program's imports, so a kernel call goes from WebAssembly to WebAssembly; attach fills
    // the table. (A JavaScript import would leave WebAssembly and come back on every call, at a
    // cost that depends on how far the JavaScript engine has optimised the forwarding function.)
    let table = null;
    let link = null;
    if (module) {
      try {
        const [bytes] = WebAssembly.Module.customSections(module, LINK);
        if (bytes) {
          const linkModule = await WebAssembly.compile(bytes);
          const names = WebAssembly.Module.exports(linkModule).map((e) => e.name);
          table = { names, slots: new WebAssembly.Table({ element: "anyfunc", initial: names.length }) };
          link = (await WebAssembly.instantiate(linkModule, { env: { kernels: table.slots } })).exports;
        }
      } catch (e) {
        table = link = null; // the JavaScript trampolines below still work
      }
    }
    const trampolines = new Map();
    const trampoline = (name) => {
      if (name === "available") return () => (exports ? 1 : 0);
      if (link && typeof link[name] === "function") return link[name];
      let f = null;
      return function () {
        if (f === null) {
          if (!exports) throw new Error(`${MODULE}.${name} called before the SIMD kernels were attached`);
          f = exports[name];
          if (typeof f !== "function") throw new Error(`${MODULE}.${name}: no such kernel in simd.wasm`);
        }
        return f.apply(null, arguments);
      };
    };
    // Any name the Go program imports resolves, so a program built against newer kernels still
    // instantiates (and fails only if it calls a missing one).
    const imports = new Proxy(
      {},
      {
        get(_, name) {
          if (typeof name !== "string") return undefined;
          if (!trampolines.has(name)) trampolines.set(name, trampoline(name));
          return trampolines.get(name);
        },
      },
    );
    return {
      importObject: { [MODULE]: imports },
      get name() {
        return exports ? "wasm-simd" : "go";
      },
      get reason() {
        return reason;
      },
      async attach(goInstance) {
        if (!module) return false;
        try {
          const inst = await WebAssembly.instantiate(module, { env: { memory: goInstance.exports.mem } });
          if (table) table.names.forEach((name, i) => table.slots.set(i, inst.exports[name]));
          exports = inst.exports;
        } catch (e) {
          reason = "the SIMD kernels could not be instantiated: " + ((e && e.message) || e);
        }
        return exports !== null;
      },
    };
  }

  const api = { load, supported, MODULE };
  root.nasbookSimd = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : self);
