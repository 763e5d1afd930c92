// Kernel client: owns the kernel worker and the queue of cells waiting to run.
//
// Only one cell runs at a time. A job moves queued -> running -> finished; finish() is called
// exactly once per job with one of these outcomes:
//   {status:"ok"|"error", executionCount}   the kernel said "done"
//   {status:"killed", error:{ename, evalue, traceback}}
//                                           the worker was terminated (stop/restart) or crashed mid-run
//   {status:"cancelled", reason}            the job never started (queue cleared)
//
// Status (this.status): "loading" (fetching/compiling the wasm), "ready", "busy" (a cell runs),
// "restarting" (a fresh worker is loading after a stop/restart/crash), "error" (it failed to start).

const WORKER_URL = new URL("./kernel-worker.js", import.meta.url);

let nextJobId = 1;

// The key of the searches' saved states in the tab's session storage.
const SEARCHES_KEY = "nasbook.searches";

/** The searches' saved states kept in this tab, or none where storage is refused. */
function loadSearches() {
  try {
    const kept = JSON.parse(globalThis.sessionStorage?.getItem(SEARCHES_KEY) || "{}");
    return new Map(Object.entries(kept).filter(([, v]) => typeof v === "string"));
  } catch {
    return new Map();
  }
}

/** Keeps the searches' saved states in the tab's session storage, if it takes them. */
function storeSearches(searches) {
  try {
    globalThis.sessionStorage?.setItem(SEARCHES_KEY, JSON.stringify(Object.fromEntries(searches)));
  } catch {
    // Full or refused: the states stay in this page, for restarts of the kernel.
  }
}

export class Kernel {
  /**
   * @param {object} hooks
   *   onStatus(status, detail)        status changed (detail: {message, loaded, version})
   *   onCrash(message)                the worker died on its own; a fresh one is starting
   *   onLoadError(message)            the kernel could not start
   *   onPaused(paused)                the running cell stopped at a yield point (true) or went on
   *   onEdited(request, answer)       the figures of an architecture edited on the canvas (edit())
   */
  constructor(hooks = {}) {
    this.hooks = hooks;
    this.status = "loading";
    this.version = "";
    this.queue = [];
    this.current = null;
    this.worker = null;
    this.generation = 0;
    this.loadError = null;
    this._readyWaiters = [];
    this.uploads = new Map(); // name -> Uint8Array, given to every kernel started
    // Searches' saved states (SearchConfig.Checkpoint), name -> JSON text, given to every kernel
    // started and kept in the tab's session storage, so that a search survives Stop and a reload.
    this.searches = loadSearches();
  }

  /**
   * Gives the kernel a file that cells read with nb.UploadedFile(name). The file is kept and
   * handed again to a restarted kernel.
   */
  upload(name, bytes) {
    this.uploads.set(name, bytes);
    if (this.worker && (this.status === "ready" || this.status === "busy")) {
      this.worker.postMessage({ type: "upload", name, data: bytes });
    }
  }

  /**
   * Asks for the figures of an architecture edited on the canvas ({space, choices, x, y}); the
   * answer comes to onEdited. The kernel answers between cells at once, and while a cell runs at
   * the cell's next output. A request made while the kernel (re)starts is sent when it is ready.
   */
  edit(request) {
    this.lastEdit = request;
    this.editSeq = (this.editSeq || 0) + 1;
    if (this.worker && (this.status === "ready" || this.status === "busy")) {
      this.worker.postMessage({ type: "edit", seq: this.editSeq, request });
      this.lastEdit = null;
    }
  }

  start() {
    this._spawn("loading");
  }

  _setStatus(status, detail = {}) {
    this.status = status;
    if (this.hooks.onStatus) this.hooks.onStatus(status, detail);
  }

  _spawn(status) {
    const gen = ++this.generation;
    this.loadError = null;
    this.version = "";
    this._setStatus(status);
    let worker;
    try {
      // ?pool=N on the page sets the number of proxy pool workers (default: one per core).
      const pool = new URLSearchParams(self.location ? self.location.search : "").get("pool");
      worker = new Worker(pool ? `${WORKER_URL}?pool=${encodeURIComponent(pool)}` : WORKER_URL);
    } catch (e) {
      this._failStart("could not start the kernel worker: " + e.message);
      return;
    }
    this.worker = worker;
    this.everReady = false;
    worker.onmessage = (e) => {
      if (gen === this.generation) this._onMessage(e.data || {});
    };
    worker.onerror = (e) => {
      if (gen !== this.generation) return;
      e.preventDefault();
      const where = e.filename ? ` (${e.filename.split("/").pop()}:${e.lineno})` : "";
      this._onDeath((e.message || "the kernel worker failed") + where);
    };
    worker.onmessageerror = () => {
      if (gen === this.generation) this._onDeath("a message from the kernel could not be read");
    };
  }

  _onMessage(msg) {
    switch (msg.type) {
      case "loading":
        if (!this.everReady) this._setStatus(this.status, { loaded: msg.loaded });
        break;
      case "ready":
        // The first time since the page loaded, for anyone measuring it (Performance panel,
        // performance.getEntriesByName("nasbook-kernel-ready")).
        if (!this.everReady && typeof performance.mark === "function") performance.mark("nasbook-kernel-ready");
        this.everReady = true;
        this.version = msg.version || "";
        this.kernels = msg.kernels || "";
        this.packages = Array.isArray(msg.packages) ? msg.packages : [];
        for (const [name, data] of this.uploads) this.worker.postMessage({ type: "upload", name, data });
        if (this.lastEdit) this.edit(this.lastEdit);
        for (const [name, state] of this.searches) this.worker.postMessage({ type: "keep-search", name, state });
        this._setStatus("ready", { version: this.version, kernels: msg.kernels });
        for (const w of this._readyWaiters.splice(0)) w.resolve();
        this._pump();
        break;
      case "output": {
        const job = this._jobFor(msg.id);
        if (job && msg.output && job.onOutput) job.onOutput(msg.output);
        break;
      }
      case "done": {
        const job = this._jobFor(msg.id);
        if (job) {
          this.current = null;
          this._finish(job, {
            status: msg.status === "ok" ? "ok" : "error",
            executionCount: typeof msg.execution_count === "number" ? msg.execution_count : null,
          });
          this._setStatus("ready", { version: this.version });
          this._pump();
        }
        break;
      }
      case "fatal": // the Go kernel could not set itself up
      case "load-error":
        this._failStart(msg.message || msg.error || "the kernel could not be loaded");
        break;
      case "exit": {
        const code = msg.code != null ? ` (exit code ${msg.code})` : "";
        this._onDeath(`the Go program ended${code}${msg.message ? ": " + msg.message : ""}`);
        break;
      }
      case "search-saved":
        if (typeof msg.name === "string" && typeof msg.state === "string") {
          this.searches.set(msg.name, msg.state);
          storeSearches(this.searches);
        }
        break;
      case "paused":
      case "resumed":
        this.paused = msg.type === "paused";
        if (this.hooks.onPaused) this.hooks.onPaused(this.paused);
        break;
      case "edited":
        if (this.hooks.onEdited) this.hooks.onEdited(msg.request || {}, msg.answer || {});
        break;
      case "protocol-error":
        console.warn("kernel:", msg.message);
        break;
      default:
        break;
    }
  }

  // Output and done messages carry the id we sent. Only one job runs at a time, and messages
  // from a terminated worker are dropped by generation, so whatever arrives belongs to the
  // running job even from a kernel that echoes ids in another form.
  _jobFor(_id) {
    return this.current;
  }

  _finish(job, outcome) {
    if (job.finished) return;
    job.finished = true;
    if (this.paused || this.pauseRequested) {
      this.paused = this.pauseRequested = false;
      if (this.hooks.onPaused) this.hooks.onPaused(false);
    }
    if (job.onFinish) job.onFinish(outcome);
  }

  _failStart(message) {
    this.loadError = message;
    this._kill();
    const reason = "the kernel could not start: " + message;
    this._cancelAll(reason, "error");
    this._setStatus("error", { message });
    for (const w of this._readyWaiters.splice(0)) w.reject(new Error(reason));
    if (this.hooks.onLoadError) this.hooks.onLoadError(message);
  }

  _onDeath(message) {
    if (!this.everReady) {
      this._failStart(message);
      return;
    }
    const running = this.current;
    this.current = null;
    this._kill();
    const lines = String(message).split("\n");
    // Go's own headline ("fatal error: ...", "panic: ...") says more than the
    // last line of the trace.
    let first = (lines.find((l) => /^(fatal error|panic): /.test(l.trim())) || lines[0]).trim();
    if (/out of memory/.test(first)) first = "out of memory: the cell asked for more memory than the tab can give";
    const rest = lines.filter((l) => l.trim() && l.trim() !== first);
    const error = { ename: "KernelError", evalue: `the kernel crashed: ${first}; its state was reset`, traceback: rest };
    if (running) this._finish(running, { status: "killed", error });
    this._cancelAll("not run: the kernel crashed before this cell ran");
    if (this.hooks.onCrash) this.hooks.onCrash(message);
    this._spawn("restarting");
  }

  _kill() {
    if (this.worker) {
      this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
      this.worker.terminate();
      this.worker = null;
    }
    this.generation++;
  }

  _cancelAll(reason, status = "cancelled") {
    for (const job of this.queue.splice(0)) this._finish(job, { status, reason });
  }

  _pump() {
    if (this.current || this.status !== "ready" || !this.worker) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    this._setStatus("busy", { version: this.version });
    if (job.onStart) job.onStart();
    this.worker.postMessage({ type: "run", id: job.id, source: job.source });
  }

  /**
   * Queues source to run. Returns the job; its hooks: onStart(), onOutput(out), onFinish(outcome).
   */
  run(source, hooks = {}) {
    const job = { id: nextJobId++, source, ...hooks, finished: false };
    if (this.status === "error") {
      this._finish(job, { status: "error", reason: "the kernel could not start: " + this.loadError });
      return job;
    }
    this.queue.push(job);
    this._pump();
    return job;
  }

  /**
   * Asks the running cell to pause at its next yield point (any output it makes: a progress
   * update, a canvas frame, a printed line); "paused" comes back when it has. A cell that makes
   * no output cannot pause; Stop ends it.
   */
  pause() {
    if (!this.current || !this.worker) return;
    this.pauseRequested = true;
    this.worker.postMessage({ type: "pause" });
  }

  /** Lets a paused (or pausing) cell go on. */
  resume() {
    this.pauseRequested = false;
    if (this.worker) this.worker.postMessage({ type: "resume" });
  }

  /** Removes a job that has not started yet. */
  cancel(job, reason = "cancelled") {
    const i = this.queue.indexOf(job);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this._finish(job, { status: "cancelled", reason });
    return true;
  }

  get running() {
    return this.current;
  }

  get busy() {
    return !!this.current || this.queue.length > 0;
  }

  /**
   * Terminates the worker at once (a runaway loop cannot block this), fails the running job
   * with `error` ({ename, evalue, traceback}), cancels the queue and starts a fresh worker.
   * Resolves when the new kernel is ready (rejects if it cannot start).
   */
  restart(error = { ename: "Stopped", evalue: "the kernel was restarted", traceback: [] }) {
    const running = this.current;
    this.current = null;
    this._kill();
    if (running) this._finish(running, { status: "killed", error });
    this._cancelAll("not run: the kernel was restarted before this cell ran");
    this._spawn("restarting");
    return this.ready();
  }

  /** Resolves when the kernel can take cells; rejects if it cannot start. */
  ready() {
    if (this.status === "ready" || this.status === "busy") return Promise.resolve();
    if (this.status === "error") return Promise.reject(new Error("the kernel could not start: " + this.loadError));
    return new Promise((resolve, reject) => this._readyWaiters.push({ resolve, reject }));
  }
}
