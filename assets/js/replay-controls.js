// The replay controls under the canvas: a finished search's scene carries its history, and the
// canvas plays it back (viz/canvas's replay). These controls are its remote: they show where the
// replay is, from the canvas's canvas-drawn messages, and ask for a step, play or pause, or a speed
// ({type:"replay", step, playing, speed}). On the canvas itself Space plays or pauses and the arrow
// keys step; here the slider takes the arrow keys, Home and End, and Space plays or pauses.
import { $ } from "./ui.js";

export class ReplayControls {
  /** @param {(change: object) => void} send  posts a replay change to the canvas */
  constructor(send) {
    this.send = send;
    this.el = $("#canvas-replay");
    this.play = $("#replay-play");
    this.slider = $("#replay-step");
    this.where = $("#replay-where");
    this.speed = $("#replay-speed");
    this.state = null;
    this.play.addEventListener("click", () => this.toggle());
    this.slider.addEventListener("input", () => this.send({ step: Number(this.slider.value), playing: false }));
    this.speed.addEventListener("change", () => this.send({ speed: Number(this.speed.value) }));
    this.el.addEventListener("keydown", (e) => {
      if (e.key !== " " || e.target === this.play || e.target === this.speed) return;
      e.preventDefault();
      this.toggle();
    });
  }

  toggle() {
    if (this.state) this.send({ playing: !this.state.playing });
  }

  /** Shows the replay of the scene on the canvas, or hides the controls when it has none. */
  show(replay) {
    if (!replay) {
      this.state = null;
      this.el.hidden = true;
      return;
    }
    this.state = replay;
    const speeds = Array.from(replay.speeds || []);
    if (this.speed.options.length !== speeds.length) {
      this.speed.replaceChildren(
        ...speeds.map((v) => {
          const o = document.createElement("option");
          o.value = String(v);
          o.textContent = `${v} / s`;
          return o;
        }),
      );
    }
    this.speed.value = String(replay.speed);
    this.slider.max = String(replay.steps);
    this.slider.value = String(replay.step);
    this.slider.setAttribute("aria-valuetext", `${replay.unit} ${replay.step} of ${replay.steps}`);
    this.where.textContent = `${replay.unit} ${replay.step} of ${replay.steps}`;
    this.play.textContent = replay.playing ? "Pause" : "Play";
    this.play.setAttribute("aria-pressed", String(!!replay.playing));
    this.el.dataset.step = String(replay.step);
    this.el.dataset.playing = String(!!replay.playing);
    this.el.hidden = false;
  }
}
