// The page's state and what its controls do: the engine, the frame source and the frame shown, the
// chosen box, and the tracking run with its results.
import { type Box, createEngine, type Engine, resultText, type SequenceResult, type TrackedFrame, validateInitBox } from '../src/browser.ts';
import { draw } from './overlay.ts';
import { TrackingRun } from './session.ts';
import { type FrameSource, InputError, type SourceFrame } from './sources.ts';
import { byId, describeError, enable, say, unsay } from './ui.ts';
import type { WeightsPanel } from './weights.ts';

type Status = 'idle' | 'ready' | 'starting' | 'tracking' | 'pausing' | 'paused' | 'done' | 'error';

export class App {
  private engine: Engine | null = null;
  private source: FrameSource | null = null;
  private shown: { frame: SourceFrame; number: number } | null = null;
  /** The box drawn on the shown frame: chosen (a draft) or tracked. */
  private box: { box: Box; draft: boolean } | null = null;
  private run: TrackingRun | null = null;
  private running = false;
  private boxes: Box[] = [];
  private recent: number[] = [];
  private caption = '';
  private maps: NonNullable<TrackedFrame['result']>['responseMaps'];
  private readonly canvas = byId<HTMLCanvasElement>('canvas');

  constructor(private readonly weights: WeightsPanel) {}

  /** Finds WebGPU; without it the page stays up and says what would give it. */
  async startEngine(): Promise<void> {
    const line = byId('adapter');
    try {
      this.engine = await createEngine();
    } catch (e) {
      line.textContent = 'No WebGPU.';
      line.dataset.state = 'missing';
      say('gpu', 'error', describeError(e));
      return this.update();
    }
    const engine = this.engine;
    const { software } = engine.adapterReport;
    line.textContent = `WebGPU adapter: ${engine.adapterName}${software ? ' (a CPU implementation: expect seconds per frame)' : ''}.`;
    line.dataset.state = 'ready';
    void engine.device.lost.then((info) => {
      if (info.reason === 'destroyed' || this.engine !== engine) return;
      this.engine = null;
      this.stopRun();
      line.dataset.state = 'lost';
      say('gpu', 'error', `The GPU device was lost (${info.reason || 'unknown'}): ${info.message}`, {
        label: 'Restart the GPU', run: () => void this.startEngine(),
      });
      this.setStatus('error', 'GPU device lost.');
    });
    this.update();
  }

  /** Replaces the frame source and shows its first frame. */
  async open(make: () => Promise<FrameSource>): Promise<void> {
    this.stopRun();
    this.source?.close();
    this.source = null;
    this.shown = null;
    this.box = null;
    unsay('input');
    unsay('done');
    try {
      const source = await make();
      const first = await source.next();
      if (!first) throw new InputError('The input has no frames.');
      this.source = source;
      this.shown = { frame: first, number: 1 };
      this.caption = first.label;
      this.maps = undefined;
      this.setStatus('ready', `${first.label}: ${first.frame.width}x${first.frame.height}. Drag a box around the object, then press Start.`);
    } catch (e) {
      say('input', 'error', describeError(e));
      this.setStatus('idle', 'Choose a video, images or the webcam.');
    }
    this.show();
  }

  /** A box chosen by dragging or typing, for the shown frame; refused with a message when unusable. */
  choose(box: Box, final: boolean): void {
    const shown = this.shown;
    if (!shown || !this.canChoose) return;
    this.box = { box, draft: true };
    this.show();
    if (!final) return;
    try {
      validateInitBox(box, shown.frame.frame.width, shown.frame.frame.height);
      unsay('box');
    } catch (e) {
      this.box = null;
      say('box', 'error', `${describeError(e)}: drag or type another box.`);
    }
    this.show();
  }

  get canChoose(): boolean {
    return this.shown !== null && (!this.running || this.run!.gate.holding);
  }

  /** Starts tracking on the shown frame from the drafted box (a restart stops the current run first). */
  async start(): Promise<void> {
    if (!this.engine || !this.source || !this.shown || !this.box?.draft) return;
    const previous = this.run;
    this.stopRun();
    await previous?.done.catch(() => undefined);
    const box = this.box.box;
    this.boxes = [];
    this.recent = [];
    this.running = true;
    this.setStatus('starting', `Learning the target on ${this.shown.frame.label}…`);
    const run = new TrackingRun({
      engine: this.engine, weights: this.weights.weights, responseMaps: byId<HTMLInputElement>('show-maps').checked,
      source: this.source, first: this.shown.frame, firstNumber: this.shown.number, box,
      onFrame: (tracked, frame, number) => this.tracked(tracked, frame, number),
      onHold: () => this.setStatus('paused', `Paused at frame ${run.number}: step, resume, or drag a new box and restart from here.`),
    });
    this.run = run;
    run.done.then((result) => this.finished(run, result), (e) => this.failed(run, e));
  }

  pause(): void {
    if (!this.run) return;
    this.run.gate.pause();
    this.setStatus('pausing', `Pausing once frame ${this.run.number} is done…`);
  }

  step(): void {
    this.run?.gate.step();
    this.update();
  }

  resume(): void {
    this.run?.gate.resume();
    this.update();
  }

  private stopRun(): void {
    this.run?.stop();
    this.run = null;
    this.running = false;
  }

  private tracked(tracked: TrackedFrame, frame: SourceFrame, number: number): void {
    this.shown = { frame, number };
    this.box = { box: tracked.box, draft: false };
    this.boxes.push(tracked.box);
    this.recent = [...this.recent.slice(-9), performance.now()];
    const live = this.recent.length > 1 ? (this.recent.length - 1) / ((this.recent.at(-1)! - this.recent[0]!) / 1000) : 0;
    const score = tracked.result ? `score ${tracked.result.score.toFixed(3)}` : 'init';
    this.caption = `#${number} ${score} ${live.toFixed(2)} FPS`;
    this.maps = tracked.result?.responseMaps;
    this.show();
    this.showResults();
    const pausing = this.run?.gate.paused;
    this.setStatus(pausing ? 'pausing' : 'tracking', `Frame ${number} (${frame.label}), ${score}, ${live.toFixed(2)} FPS${pausing ? ', pausing' : ''}.`);
  }

  private finished(run: TrackingRun, result: SequenceResult): void {
    if (this.run !== run) return;
    this.running = false;
    const fps = result.fps ? `${result.fps.toFixed(2)} FPS (frames 2..${result.boxes.length}, tracking time)` : 'one frame';
    this.setStatus('done', `Done: ${result.boxes.length} frames tracked, ${fps}.`, result.fps);
    const reopen = this.source?.reopen;
    if (reopen) say('done', 'info', 'The input has ended.', { label: 'Back to the first frame', run: () => void this.open(reopen) });
  }

  private failed(run: TrackingRun, e: unknown): void {
    if (this.run !== run) return;
    this.running = false;
    say('input', 'error', `Tracking stopped: ${describeError(e)}`);
    this.setStatus('error', `Stopped at frame ${run.number}.`);
  }

  private show(): void {
    if (!this.shown) return;
    draw(this.canvas, { pixels: this.shown.frame.pixels, box: this.box?.box ?? null, draft: this.box?.draft, caption: this.caption, maps: this.maps });
  }

  private showResults(): void {
    const text = resultText(this.boxes);
    byId('results').textContent = text;
    const link = byId<HTMLAnchorElement>('download');
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    link.download = `${this.source?.name ?? 'tadt'}.txt`;
    link.setAttribute('aria-disabled', 'false');
  }

  private setStatus(status: Status, text: string, fps?: number): void {
    const stats = byId('stats');
    stats.textContent = text;
    stats.dataset.state = status;
    stats.dataset.frames = String(this.boxes.length);
    if (fps !== undefined) stats.dataset.fps = fps.toFixed(4);
    else delete stats.dataset.fps;
    this.update();
  }

  /** Enables the controls that make sense now. */
  update(): void {
    const paused = this.run?.gate.paused ?? false;
    const holding = this.run?.gate.holding ?? false;
    const draft = this.box?.draft ?? false;
    enable({
      start: Boolean(this.engine && this.shown && draft && !this.running),
      pause: this.running && !paused,
      step: this.running && holding,
      resume: this.running && paused,
      restart: Boolean(this.engine && this.running && holding && draft),
    });
  }
}
